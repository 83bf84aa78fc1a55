import type { OrderActor, OrderHistoryEvent, OrderListFilter, OrderStatusValue, ShippingUpload } from '@mall/shared';

export const orderStatusColors: Record<OrderStatusValue, string> = {
  pending_payment: 'gold',
  paid: 'blue',
  shipped: 'cyan',
  completed: 'success',
  cancelled: 'default',
  refunding: 'orange',
  refunded: 'purple',
};

/** The list's tabs: each a status filter of `GET /api/admin/orders` (absent: every order). */
export const orderTabs: readonly { key: string; label: string; status?: OrderListFilter }[] = [
  { key: 'all', label: '全部' },
  { key: 'pending_payment', label: '待付款', status: 'pending_payment' },
  { key: 'paid', label: '待发货', status: 'paid' },
  { key: 'shipped', label: '待收货', status: 'shipped' },
  { key: 'completed', label: '已完成', status: 'completed' },
  { key: 'cancelled', label: '已取消', status: 'cancelled' },
  { key: 'refund', label: '退款', status: 'refund' },
];

/** The history as the merchant reads it. */
export const historyEventLabels: Record<OrderHistoryEvent, string> = {
  created: '买家下单',
  pay: '支付成功',
  cancel: '买家取消订单',
  expire: '超时未支付，自动取消',
  ship: '商家发货',
  confirm_receipt: '买家确认收货',
  auto_complete: '超时自动确认收货',
  request_refund: '买家申请退款',
  refund_rejected: '退款申请被拒绝',
  refund_partly: '部分退款完成',
  refund_fully: '全额退款完成',
};

/** Who made a history entry: the shopper, a staff member by name, WeChat Pay, or a job. */
export function actorLabel(actor: OrderActor, staffNames: Readonly<Record<string, string>>): string {
  switch (actor.type) {
    case 'shopper':
      return '买家';
    case 'staff':
      return `员工 ${(actor.id !== undefined && staffNames[actor.id]) || actor.id || ''}`.trim();
    case 'wechatpay':
      return '微信支付';
    case 'system':
      return `系统${actor.id === undefined ? '' : `（${actor.id}）`}`;
  }
}

export const shippingUploadLabels: Record<ShippingUpload['state'], { text: string; color: string }> = {
  pending: { text: '待上传，稍后自动重试', color: 'processing' },
  uploaded: { text: '已上传', color: 'success' },
  failed: { text: '上传失败', color: 'error' },
};

export function orderDetailPath(orderNo: string): string {
  return `/orders/${orderNo}`;
}
