import { guideCartTokenSchema, orderItemInputSchema, type OrderItemInput } from '@mall/shared';

/**
 * What checkout buys: named cart lines at the cart's quantities, one SKU straight from the product page, or the lines
 * of a cart a guide shared (代客下单; the order is that guide's).
 */
export type Purchase = { fromCart: true; skuIds: string[] } | { items: OrderItemInput[] } | { guideCartToken: string };

const CHECKOUT_PAGE = '/pages/checkout/index';
const SKU_ID = /^[0-9a-f]{24}$/;

/** Checkout of the selected cart lines. They are named, so a line added meanwhile elsewhere is not bought unseen. */
export function cartCheckoutUrl(skuIds: readonly string[]): string {
  return `${CHECKOUT_PAGE}?skuIds=${skuIds.join(',')}`;
}

/** 立即购买: one SKU and quantity, leaving the cart alone. */
export function buyNowUrl(skuId: string, quantity: number): string {
  return `${CHECKOUT_PAGE}?skuId=${skuId}&quantity=${quantity}`;
}

/** 去结算 from a guide's shared cart: its lines as the guide chose them. */
export function guideCartCheckoutUrl(token: string): string {
  return `${CHECKOUT_PAGE}?guideCart=${encodeURIComponent(token)}`;
}

/** The purchase the checkout page was opened with, or null when its query names none (or nonsense). */
export function purchaseFromQuery(params: Partial<Record<string, string>>): Purchase | null {
  if (params.guideCart !== undefined) {
    const token = guideCartTokenSchema.safeParse(params.guideCart);
    return token.success ? { guideCartToken: token.data } : null;
  }
  if (params.skuIds !== undefined) {
    const skuIds = params.skuIds.split(',');
    const valid = skuIds.length > 0 && skuIds.every((id) => SKU_ID.test(id)) && new Set(skuIds).size === skuIds.length;
    return valid ? { fromCart: true, skuIds } : null;
  }
  if (params.skuId !== undefined && params.quantity !== undefined && /^\d{1,4}$/.test(params.quantity)) {
    const item = orderItemInputSchema.safeParse({ skuId: params.skuId, quantity: Number(params.quantity) });
    return item.success ? { items: [item.data] } : null;
  }
  return null;
}
