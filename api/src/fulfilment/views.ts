import type { AdminOrder } from '@mall/shared';
import type { ImageStorage } from '../catalog/image-storage.ts';
import type { OrderRecord } from '../orders/models.ts';
import { toOrderView } from '../orders/views.ts';

/** The order as the merchant sees it: the shopper's view, the shopper's id and where the WeChat shipping upload stands. */
export function toAdminOrderView(images: ImageStorage, order: OrderRecord): AdminOrder {
  const upload = order.shippingUpload;
  return {
    ...toOrderView(images, order),
    shopperId: order.shopperId.toHexString(),
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
