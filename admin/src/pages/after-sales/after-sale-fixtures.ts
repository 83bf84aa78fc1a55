import type { AdminAfterSaleReply, AfterSale } from '@mall/shared';
import { jsonReply, type FakeHandler } from '../../testing/fake-api.tsx';

export const ORDER_NO = '20260102000000017';
export const AFTER_SALE_NO = `${ORDER_NO}-1`;
const IMAGE_ID = `${'ab'.repeat(32)}.png`;

export function afterSaleOf(fields: Partial<AfterSale> = {}): AfterSale {
  return {
    afterSaleNo: AFTER_SALE_NO,
    orderNo: ORDER_NO,
    kind: 'refund_only',
    status: 'requested',
    reason: '商品质量问题',
    description: '袖口开线',
    images: [{ id: IMAGE_ID, url: `/api/images/${IMAGE_ID}` }],
    requestedFen: 12900,
    approvedFen: null,
    lines: [],
    restock: null,
    restocked: false,
    returnShipment: null,
    rejectReason: null,
    refund: null,
    createdAt: '2026-01-02T03:04:05.000Z',
    updatedAt: '2026-01-02T03:04:05.000Z',
    history: [
      { event: 'requested', from: null, to: 'requested', at: '2026-01-02T03:04:05.000Z', actor: { type: 'shopper', id: 'shopper-1' } },
    ],
    ...fields,
  };
}

export function detailOf(afterSale: AfterSale = afterSaleOf(), order: Partial<AdminAfterSaleReply['order']> = {}): AdminAfterSaleReply {
  return {
    afterSale,
    order: {
      orderNo: ORDER_NO,
      status: 'refunding',
      payableFen: 13900,
      refundedFen: 0,
      refundableFen: 13900,
      lines: [
        {
          skuId: 'a00000000000000000000001',
          productId: 'b00000000000000000000001',
          title: '纯棉T恤',
          specText: '红 / M',
          image: null,
          unitPriceFen: 12900,
          quantity: 1,
          lineTotalFen: 12900,
        },
      ],
      paidAt: '2026-01-02T02:00:00.000Z',
      shipping: null,
      recipientName: '张三',
      phone: '13800138000',
      ...order,
    },
    refunds: afterSale.refund === null ? [] : [afterSale.refund],
  };
}

/** The queue with `items` and the detail of each, as the fake API answers them. */
export function afterSaleHandlers(details: AdminAfterSaleReply[] = [detailOf()]): Record<string, FakeHandler> {
  const handlers: Record<string, FakeHandler> = {
    'GET /api/admin/after-sales': () =>
      jsonReply(200, {
        items: details.map(({ afterSale: { history: _history, ...summary } }) => summary),
        total: details.length,
        page: 1,
        pageSize: 20,
      }),
  };
  for (const detail of details) handlers[`GET /api/admin/after-sales/${detail.afterSale.afterSaleNo}`] = () => jsonReply(200, detail);
  return handlers;
}
