import type { AfterSale, AfterSaleSummary } from '@mall/shared';
import type { ImageStorage } from '../catalog/image-storage.ts';
import type { RefundRecord } from '../payments/models.ts';
import { toRefundView } from '../payments/views.ts';
import { historyEntryView } from '../orders/history.ts';
import type { AfterSaleRecord } from './models.ts';

/** The request without its history (lists). `refund` is the current attempt's refund record, if requested. */
export function toAfterSaleSummary(images: ImageStorage, afterSale: AfterSaleRecord, refund: RefundRecord | null): AfterSaleSummary {
  return {
    afterSaleNo: afterSale.afterSaleNo,
    orderNo: afterSale.orderNo,
    kind: afterSale.kind,
    status: afterSale.status,
    reason: afterSale.reason,
    description: afterSale.description,
    images: afterSale.imageIds.map((id) => ({ id, url: images.urlOf(id) })),
    requestedFen: afterSale.requestedFen,
    approvedFen: afterSale.approvedFen ?? null,
    lines: afterSale.lines.map((line) => ({
      skuId: line.skuId.toHexString(),
      title: line.title,
      specText: line.specText,
      image: line.imageId === undefined ? null : { id: line.imageId, url: images.urlOf(line.imageId) },
      quantity: line.quantity,
    })),
    restock: afterSale.restock ?? null,
    restocked: afterSale.restockedAt !== undefined,
    returnShipment:
      afterSale.returnShipment === undefined
        ? null
        : {
            carrier: afterSale.returnShipment.carrier,
            trackingNo: afterSale.returnShipment.trackingNo,
            shippedAt: afterSale.returnShipment.shippedAt.toISOString(),
          },
    rejectReason: afterSale.rejectReason ?? null,
    refund: refund === null ? null : toRefundView(refund),
    createdAt: afterSale.createdAt.toISOString(),
    updatedAt: afterSale.updatedAt.toISOString(),
  };
}

export function toAfterSaleView(images: ImageStorage, afterSale: AfterSaleRecord, refund: RefundRecord | null): AfterSale {
  return {
    ...toAfterSaleSummary(images, afterSale, refund),
    history: afterSale.history.map(historyEntryView),
  };
}
