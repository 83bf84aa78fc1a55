import type { Order, OrderLine } from '@mall/shared';
import type { ImageStorage } from '../catalog/image-storage.ts';
import { historyEntryView } from './history.ts';
import type { OrderLineRecord, OrderRecord } from './models.ts';

function lineView(images: ImageStorage, line: OrderLineRecord): OrderLine {
  return {
    skuId: line.skuId.toHexString(),
    productId: line.productId.toHexString(),
    title: line.title,
    specText: line.specText,
    image: line.imageId === undefined ? null : { id: line.imageId, url: images.urlOf(line.imageId) },
    unitPriceFen: line.unitPriceFen,
    quantity: line.quantity,
    lineTotalFen: line.lineTotalFen,
  };
}

/** The order as its shopper sees it (ids and internal bookkeeping stay on the server). */
export function toOrderView(images: ImageStorage, order: OrderRecord): Order {
  return {
    orderNo: order.orderNo,
    status: order.status,
    lines: order.lines.map((line) => lineView(images, line)),
    pricing: {
      itemsTotalFen: order.itemsTotalFen,
      discounts: order.discounts.map(({ calculator, reason, amountFen }) => ({ calculator, reason, amountFen })),
      discountTotalFen: order.discountTotalFen,
      shippingFeeFen: order.shippingFeeFen,
      payableFen: order.payableFen,
    },
    address: {
      recipientName: order.address.recipientName,
      phone: order.address.phone,
      province: order.address.province,
      city: order.address.city,
      district: order.address.district,
      detail: order.address.detail,
    },
    remark: order.remark,
    createdAt: order.createdAt.toISOString(),
    payDeadline: order.payDeadline.toISOString(),
    payment:
      order.payment === undefined
        ? null
        : {
            method: 'wechatpay',
            transactionId: order.payment.transactionId,
            amountFen: order.payment.amountFen,
            paidAt: order.payment.paidAt.toISOString(),
          },
    shipping:
      order.shipping === undefined
        ? null
        : { carrier: order.shipping.carrier, trackingNo: order.shipping.trackingNo, shippedAt: order.shipping.shippedAt.toISOString() },
    history: order.history.map(historyEntryView),
  };
}
