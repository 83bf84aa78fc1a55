// Guide cart replies (代客下单) for the workbench and shared-cart page tests, shaped by the shared schemas.
import type { GuideCard, GuideCart, SharedGuideCartReply } from '@mall/shared';
import { previewLine } from './orders';

export const cartToken = 'Qm9vdHMtYW5kLXNjYXJ2ZXMh';

export const guideCard: GuideCard = {
  id: 'c00000000000000000000001',
  code: 'K7M2QX',
  name: '王小美',
  avatarUrl: null,
  storeName: '静安嘉里店',
};

/** What a customer opening the share sees: two lines, open. */
export function sharedCart(fields: Partial<SharedGuideCartReply> = {}): SharedGuideCartReply {
  const lines = [previewLine(1), previewLine(2, { quantity: 2 })];
  return {
    guide: guideCard,
    status: 'open',
    note: '天冷了，围巾配手套正好',
    lines,
    itemsTotalFen: lines.reduce((sum, line) => sum + line.lineTotalFen, 0),
    expiresAt: '2026-11-30T10:00:00.000Z',
    ...fields,
  };
}

/** The guide's view of one of their carts: `index` tells carts (and tokens) apart. */
export function guideCart(index: number, fields: Partial<GuideCart> = {}): GuideCart {
  const token = `${cartToken.slice(0, -2)}${String(index).padStart(2, '0')}`;
  const lines = [previewLine(1), previewLine(2, { quantity: 2 })];
  return {
    token,
    sharePath: `packages/guide-cart/index?t=${token}`,
    shareUrl: `https://m.brand.example.com/shop/packages/guide-cart/index?t=${token}`,
    status: 'open',
    note: null,
    customer: null,
    lines,
    itemsTotalFen: lines.reduce((sum, line) => sum + line.lineTotalFen, 0),
    createdAt: '2026-11-23T02:00:00.000Z',
    expiresAt: '2026-11-30T02:00:00.000Z',
    withdrawnAt: null,
    orderCount: 0,
    orders: [],
    ...fields,
  };
}

export function guideCartList(items: GuideCart[]) {
  return { statusCode: 200, data: { items, total: items.length, page: 1, pageSize: 50 } };
}
