import { screen, within } from '@testing-library/react';
import type { UserEvent } from '@testing-library/user-event';
import type { AdminOrder, AdminOrderReply, LogisticsTrace } from '@mall/shared';
import { jsonReply, type FakeHandler } from '../../testing/fake-api.tsx';

export const orderNumbers = { paid: '20260301000000018', shipped: '20260301000000026' };
export const staffId = 'f00000000000000000000001';

/** An order that came in without any guide touch, from a shopper no guide could be assigned to. */
export const directAttribution: AdminOrder['attribution'] = {
  channel: 'direct',
  guide: null,
  guideSource: null,
  wechatPayGuideAssigned: false,
};

export function paidOrder(overrides: Partial<AdminOrder> = {}): AdminOrder {
  return {
    orderNo: orderNumbers.paid,
    status: 'paid',
    shopperId: 'd00000000000000000000001',
    attribution: {
      channel: 'shop-link',
      guide: { id: 'c00000000000000000000001', name: '李娜', code: 'K7QX2M', storeName: '徐汇店' },
      guideSource: 'binding',
      wechatPayGuideAssigned: true,
    },
    lines: [
      {
        skuId: 'b00000000000000000000001',
        productId: 'a00000000000000000000001',
        title: '纯棉T恤',
        specText: '红 / M',
        image: null,
        unitPriceFen: 12900,
        quantity: 2,
        lineTotalFen: 25800,
      },
    ],
    pricing: { itemsTotalFen: 25800, discounts: [], discountTotalFen: 0, shippingFeeFen: 0, payableFen: 25800 },
    address: {
      recipientName: '张三',
      phone: '13800138000',
      province: '上海市',
      city: '上海市',
      district: '浦东新区',
      detail: '世纪大道 100 号',
    },
    remark: '请尽快发货',
    createdAt: '2026-03-01T02:00:00.000Z',
    payDeadline: '2026-03-01T02:30:00.000Z',
    payment: { method: 'wechatpay', transactionId: '4200002026030112345678', amountFen: 25800, paidAt: '2026-03-01T02:05:00.000Z' },
    shipping: null,
    shippingUpload: null,
    history: [
      {
        event: 'created',
        from: null,
        to: 'pending_payment',
        at: '2026-03-01T02:00:00.000Z',
        actor: { type: 'shopper', id: 'd00000000000000000000001' },
      },
      { event: 'pay', from: 'pending_payment', to: 'paid', at: '2026-03-01T02:05:00.000Z', actor: { type: 'wechatpay' } },
    ],
    ...overrides,
  };
}

export function shippedOrder(overrides: Partial<AdminOrder> = {}): AdminOrder {
  const paid = paidOrder();
  return paidOrder({
    orderNo: orderNumbers.shipped,
    status: 'shipped',
    shipping: { carrier: 'SF', trackingNo: 'SF1400000001', shippedAt: '2026-03-01T06:00:00.000Z' },
    shippingUpload: { state: 'pending', attempts: 2, lastError: '微信服务暂时不可用，请稍后再试 {"code":-1}' },
    history: [
      ...paid.history,
      {
        event: 'ship',
        from: 'paid',
        to: 'shipped',
        at: '2026-03-01T06:00:00.000Z',
        actor: { type: 'staff', id: staffId },
        reason: '顺丰速运 SF1400000001',
      },
    ],
    ...overrides,
  });
}

export function trace(overrides: Partial<LogisticsTrace> = {}): LogisticsTrace {
  return {
    carrier: 'SF',
    carrierName: '顺丰速运',
    trackingNo: 'SF1400000001',
    state: 'in_transit',
    events: [
      { at: '2026-03-01T08:00:00.000Z', description: '快件已到达【杭州转运中心】', location: '杭州' },
      { at: '2026-03-01T06:30:00.000Z', description: '【杭州市余杭区】的快递员已揽收' },
    ],
    queriedAt: '2026-03-01T09:00:00.000Z',
    ...overrides,
  };
}

function summaryOf(order: AdminOrder) {
  const { history: _history, ...summary } = order;
  return summary;
}

/** The order routes over `orders` (the list ignores filters: tests read the query the page sent). */
export function orderHandlers(orders: AdminOrder[] = [paidOrder(), shippedOrder()]): Record<string, FakeHandler> {
  const handlers: Record<string, FakeHandler> = {
    'GET /api/admin/orders': ({ query }) =>
      jsonReply(200, {
        items: orders.map(summaryOf),
        total: orders.length,
        page: Number(query.get('page') ?? 1),
        pageSize: Number(query.get('pageSize') ?? 20),
      }),
  };
  for (const order of orders) {
    const reply: AdminOrderReply = { order, staffNames: { [staffId]: 'manager' } };
    handlers[`GET /api/admin/orders/${order.orderNo}`] = () => jsonReply(200, reply);
    handlers[`GET /api/admin/orders/${order.orderNo}/logistics`] = () => jsonReply(200, { trace: trace() });
  }
  return handlers;
}

/** Presses the page's (only) 发货 button and returns the dialog it opens. */
export async function openShipDialog(user: UserEvent): Promise<HTMLElement> {
  await user.click(await screen.findByRole('button', { name: /发\s*货/ }));
  return screen.findByRole('dialog');
}

/** Picks the carrier by its name, types the tracking number and presses 确认发货. */
export async function shipWith(user: UserEvent, dialog: HTMLElement, carrierName: string, trackingNo: string): Promise<void> {
  await user.click(within(dialog).getByRole('combobox', { name: '快递公司' }));
  await user.click(await screen.findByTitle(carrierName));
  await user.type(within(dialog).getByRole('textbox', { name: '快递单号' }), trackingNo);
  await user.click(within(dialog).getByRole('button', { name: /确认发货/ }));
}
