import { describe, expect, it } from 'vitest';
import {
  checkoutPreviewRequestSchema,
  createOrderRequestSchema,
  orderListQuerySchema,
  orderStatusLabels,
  orderStatuses,
  statusesMatching,
} from './orders.ts';

const skuId = '0123456789abcdef01234567';
const items = [{ skuId, quantity: 2 }];
const guideCartToken = 'Qm9vdHMtYW5kLXNjYXJ2ZXMh';

describe('what is being bought', () => {
  it('is either items, the cart (optionally some of its lines), or a guide’s shared cart', () => {
    expect(checkoutPreviewRequestSchema.safeParse({ items }).success).toBe(true);
    expect(checkoutPreviewRequestSchema.safeParse({ fromCart: true }).success).toBe(true);
    expect(checkoutPreviewRequestSchema.safeParse({ fromCart: true, skuIds: [skuId] }).success).toBe(true);
    expect(checkoutPreviewRequestSchema.safeParse({ guideCartToken }).success).toBe(true);
  });

  it.each([
    ['nothing', {}],
    ['both', { items, fromCart: true }],
    ['skuIds without the cart', { items, skuIds: [skuId] }],
    ['a repeated SKU', { items: [...items, ...items] }],
    ['a client price', { items: [{ skuId, quantity: 1, unitPriceFen: 1 }] }],
    ['a guide cart with items', { guideCartToken, items }],
    ['a guide cart with the cart', { guideCartToken, fromCart: true }],
    ['a guide cart with cart lines', { guideCartToken, skuIds: [skuId] }],
    ['a malformed guide cart token', { guideCartToken: 'short' }],
  ])('refuses %s', (_label, request) => {
    expect(checkoutPreviewRequestSchema.safeParse(request).success).toBe(false);
  });
});

describe('create order request', () => {
  const valid = { items, addressId: skuId, idempotencyKey: '6f1c2f9e-3c7e-4d2a-9a51-2b0d8c1e4f77' };

  it('needs an address and a UUID idempotency key, and trims the remark', () => {
    expect(createOrderRequestSchema.parse({ ...valid, remark: '  放门口 ' }).remark).toBe('放门口');
    expect(createOrderRequestSchema.safeParse({ ...valid, idempotencyKey: 'retry-1' }).success).toBe(false);
    expect(createOrderRequestSchema.safeParse({ items, idempotencyKey: valid.idempotencyKey }).success).toBe(false);
  });
});

describe('order list query', () => {
  it('parses paging from the query string with defaults', () => {
    expect(orderListQuerySchema.parse({})).toEqual({ page: 1, pageSize: 10 });
    expect(orderListQuerySchema.parse({ status: 'paid', page: '3', pageSize: '50' })).toEqual({ status: 'paid', page: 3, pageSize: 50 });
    expect(orderListQuerySchema.safeParse({ pageSize: '51' }).success).toBe(false);
  });
});

it('labels every order status in Chinese', () => {
  expect(Object.keys(orderStatusLabels).sort()).toEqual([...orderStatuses].sort());
});

describe('order list filters', () => {
  it('match one status, or refunding and refunded for the refund group', () => {
    expect(statusesMatching('paid')).toEqual(['paid']);
    expect(statusesMatching('refund')).toEqual(['refunding', 'refunded']);
    expect(orderListQuerySchema.parse({ status: 'refund' }).status).toBe('refund');
    expect(orderListQuerySchema.safeParse({ status: 'refunds' }).success).toBe(false);
  });
});
