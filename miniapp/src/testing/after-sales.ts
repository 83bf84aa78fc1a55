// After-sales replies for page tests, shaped by the shared schemas.
import type { AfterSale, OrderAfterSalesReply } from '@mall/shared';
import { image, order, orderNo } from './orders';

export function afterSaleNo(index: number): string {
  return `${orderNo(index)}-1`;
}

export function afterSale(index: number, fields: Partial<AfterSale> = {}): AfterSale {
  return {
    afterSaleNo: afterSaleNo(index),
    orderNo: orderNo(index),
    kind: 'refund_only',
    status: 'requested',
    reason: '商品质量问题',
    description: '',
    images: [],
    requestedFen: 3000,
    approvedFen: null,
    lines: [],
    restock: null,
    restocked: false,
    returnShipment: null,
    rejectReason: null,
    refund: null,
    createdAt: '2026-11-23T11:00:00.000Z',
    updatedAt: '2026-11-23T11:00:00.000Z',
    history: [{ event: 'requested', from: null, to: 'requested', at: '2026-11-23T11:00:00.000Z', actor: { type: 'shopper' } }],
    ...fields,
  };
}

export function orderAfterSales(index: number, fields: Partial<OrderAfterSalesReply> = {}): OrderAfterSalesReply {
  const paid = order(index, { status: 'shipped' });
  return {
    orderNo: paid.orderNo,
    orderStatus: 'shipped',
    payableFen: paid.pricing.payableFen,
    refundableFen: paid.pricing.payableFen,
    blockedBy: null,
    lines: paid.lines,
    items: [],
    ...fields,
  };
}

export { image };
