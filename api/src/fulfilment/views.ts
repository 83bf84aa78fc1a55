import type { AdminOrder, OrderAttribution } from '@mall/shared';
import type { ImageStorage } from '../catalog/image-storage.ts';
import type { OrderAttributionRecord, OrderRecord } from '../orders/models.ts';
import { toOrderView } from '../orders/views.ts';

function attributionView(attribution: OrderAttributionRecord): OrderAttribution {
  const { guideId, guideCode, guideName, storeName } = attribution;
  return {
    channel: attribution.channel,
    guide:
      guideId === undefined
        ? null
        : { id: guideId.toHexString(), code: guideCode ?? '', name: guideName ?? '', storeName: storeName ?? '' },
    guideSource: attribution.guideSource ?? null,
    wechatPayGuideAssigned: attribution.wechatPayGuideAssignedAt !== undefined,
  };
}

/** The order as the merchant sees it: the shopper's view, the shopper's id and where the WeChat shipping upload stands. */
export function toAdminOrderView(images: ImageStorage, order: OrderRecord): AdminOrder {
  const upload = order.shippingUpload;
  return {
    ...toOrderView(images, order),
    shopperId: order.shopperId.toHexString(),
    attribution: attributionView(order.attribution),
    shippingUpload:
      upload === undefined
        ? null
        : {
            state: upload.state,
            attempts: upload.attempts,
            ...(upload.lastError !== undefined && { lastError: upload.lastError }),
            ...(upload.uploadedAt !== undefined && { uploadedAt: upload.uploadedAt.toISOString() }),
          },
  };
}
