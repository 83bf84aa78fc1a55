import type { AfterSaleStatus, RefundStatusValue } from '@mall/shared';

/** Tag colours: waiting on the merchant stands out, closed requests fade. */
export const afterSaleStatusColors: Record<AfterSaleStatus, string> = {
  requested: 'orange',
  awaiting_return: 'blue',
  return_shipped: 'orange',
  refunding: 'processing',
  refund_failed: 'red',
  refunded: 'green',
  rejected: 'default',
  cancelled: 'default',
};

export const refundStatusColors: Record<RefundStatusValue, string> = {
  pending: 'default',
  processing: 'processing',
  succeeded: 'green',
  closed: 'red',
  abnormal: 'red',
};

export const actorLabels = { shopper: '买家', staff: '商家', wechatpay: '微信支付', system: '系统' } as const;
