import type { OrderHistoryEvent, OrderListFilter } from '@mall/shared';

/** China keeps UTC+8 all year; a fixed offset avoids Intl time-zone data, which some mini-program runtimes lack. */
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

/** An instant as Beijing time, `2026-11-23 18:05`. */
export function formatShanghaiTime(iso: string): string {
  const shifted = new Date(Date.parse(iso) + SHANGHAI_OFFSET_MS).toISOString();
  return `${shifted.slice(0, 10)} ${shifted.slice(11, 16)}`;
}

/** Time left as `29:59`, or `1:02:03` from an hour up; never negative. */
export function formatCountdown(milliseconds: number): string {
  const totalSeconds = Math.max(0, Math.ceil(milliseconds / 1000));
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const twoDigits = (value: number) => String(value).padStart(2, '0');
  return hours > 0 ? `${hours}:${twoDigits(minutes)}:${twoDigits(seconds)}` : `${twoDigits(minutes)}:${twoDigits(seconds)}`;
}

/** The order's history as the shopper reads it. */
export const historyEventLabels: Record<OrderHistoryEvent, string> = {
  created: '提交订单',
  pay: '支付成功',
  cancel: '订单已取消',
  expire: '超时未支付，订单已自动取消',
  ship: '商家已发货',
  confirm_receipt: '已确认收货',
  auto_complete: '超时自动确认收货',
  request_refund: '申请退款',
  refund_rejected: '退款申请未通过',
  refund_partly: '部分退款完成',
  refund_fully: '退款完成',
};

/** The order list's tabs: each a status filter of `GET /api/orders` (absent: every order). */
export const orderTabs: readonly { label: string; status?: OrderListFilter }[] = [
  { label: '全部' },
  { label: '待付款', status: 'pending_payment' },
  { label: '待发货', status: 'paid' },
  { label: '待收货', status: 'shipped' },
  { label: '已完成', status: 'completed' },
  { label: '退款', status: 'refund' },
];

export function orderListUrl(status?: OrderListFilter): string {
  return status === undefined ? '/pages/orders/list/index' : `/pages/orders/list/index?status=${status}`;
}

export function orderDetailUrl(orderNo: string): string {
  return `/pages/orders/detail/index?orderNo=${orderNo}`;
}
