import type { AfterSale } from '@mall/shared';

/** The after-sales pages live in the `packages/after-sales` subpackage (loaded when first opened). */
export function afterSaleRequestUrl(orderNo: string): string {
  return `/packages/after-sales/request/index?orderNo=${orderNo}`;
}

export function afterSaleListUrl(): string {
  return '/packages/after-sales/list/index';
}

export function afterSaleDetailUrl(afterSaleNo: string): string {
  return `/packages/after-sales/detail/index?afterSaleNo=${afterSaleNo}`;
}

/** The request's history as the shopper reads it. */
export const afterSaleHistoryLabels: Record<AfterSale['history'][number]['event'], string> = {
  requested: '提交售后申请',
  approve: '商家同意退款',
  approve_return: '商家同意退货，请寄回商品',
  ship_return: '已寄回商品',
  confirm_return: '商家已收到退货',
  refund_succeeded: '退款成功，款项原路退回',
  refund_failed: '退款未成功，商家将重新处理',
  retry_refund: '商家重新发起退款',
  reject: '商家拒绝了申请',
  cancel: '已撤销申请',
};
