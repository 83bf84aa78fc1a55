import type { OrderRefund } from '@mall/shared';
import type { CommerceDependencies } from '../orders/dependencies.ts';
import type { RefundRecord } from './models.ts';

/** A refund as shoppers and staff see it. */
export function toRefundView(refund: RefundRecord): OrderRefund {
  return {
    outRefundNo: refund.outRefundNo,
    status: refund.status,
    refundFen: refund.refundFen,
    createdAt: refund.createdAt.toISOString(),
    succeededAt: refund.succeededAt?.toISOString() ?? null,
  };
}

/** Every refund of an order, oldest first, as records (the after-sales views pick theirs among them). */
export function orderRefundRecords(deps: CommerceDependencies, orderNo: string): Promise<RefundRecord[]> {
  return deps.payments.Refund.find({ orderNo }).sort({ createdAt: 1 }).lean<RefundRecord[]>().exec();
}

/** Every refund of an order, oldest first. */
export async function orderRefunds(deps: CommerceDependencies, orderNo: string): Promise<OrderRefund[]> {
  return (await orderRefundRecords(deps, orderNo)).map(toRefundView);
}
