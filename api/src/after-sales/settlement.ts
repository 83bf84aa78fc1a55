import type { Logger } from 'pino';
import { formatFen, isOpenAfterSaleStatus, type OrderActor } from '@mall/shared';
import { restockReturnedStock } from '../catalog/stock.ts';
import { rollUpRefund } from '../guide-performance/rollups.ts';
import type { CommerceDependencies } from '../orders/dependencies.ts';
import type { OrderRecord } from '../orders/models.ts';
import { transitionOrder } from '../orders/transitions.ts';
import type { RefundRecord, RefundRecordStatus } from '../payments/models.ts';
import type { AfterSaleRecord } from './models.ts';
import { transitionAfterSale } from './state-machine.ts';

/**
 * What happens once an after-sales request closes or its refund settles: the request follows the refund, the
 * order leaves `refunding`, the goods go back into stock. Every step is guarded, so however often and however
 * concurrently this runs (ten copies of one notification, the repair job), each happens once.
 */

/**
 * Refunds that count against what an order can still refund: made, or under way. An abnormal one (the shopper's card
 * refused it) has left the merchant's account and waits in WeChat Pay to be redirected under its own number; only a
 * closed one paid nothing.
 */
const COMMITTED_REFUND_STATUSES: readonly RefundRecordStatus[] = ['pending', 'processing', 'succeeded', 'abnormal'];
const FINAL_REFUND_STATUSES: readonly RefundRecordStatus[] = ['succeeded', 'closed', 'abnormal'];

export interface OrderRefundTotals {
  /** Refunded for good. */
  refundedFen: number;
  /** Refunded, or requested and not failed. */
  committedFen: number;
}

export async function orderRefundTotals(deps: CommerceDependencies, orderNo: string): Promise<OrderRefundTotals> {
  const refunds = await deps.payments.Refund.find(
    { orderNo, status: { $in: COMMITTED_REFUND_STATUSES } },
    { refundFen: 1, status: 1 },
  ).lean<Pick<RefundRecord, 'refundFen' | 'status'>[]>();
  return {
    refundedFen: refunds.filter((refund) => refund.status === 'succeeded').reduce((sum, refund) => sum + refund.refundFen, 0),
    committedFen: refunds.reduce((sum, refund) => sum + refund.refundFen, 0),
  };
}

/** What the order can still refund: its payable minus refunds made or under way. */
export function refundableOf(order: Pick<OrderRecord, 'payableFen'>, totals: OrderRefundTotals): number {
  return Math.max(0, order.payableFen - totals.committedFen);
}

function closingNote(afterSale: AfterSaleRecord): string {
  if (afterSale.status === 'refunded') return `售后 ${afterSale.afterSaleNo} 退款 ${formatFen(afterSale.approvedFen ?? 0)}`;
  if (afterSale.status === 'rejected') return `售后 ${afterSale.afterSaleNo} 被拒绝：${afterSale.rejectReason ?? ''}`;
  return `售后 ${afterSale.afterSaleNo} 已撤销`;
}

/**
 * A request that closed (refunded, rejected, cancelled) and still holds its order: the order leaves
 * `refunding` (fully refunded, or back to where it was), the goods return to stock if the merchant chose so
 * (one claim decides who restocks), and the request lets go of the order, so a new one can be made.
 */
export async function finishClosedAfterSale(deps: CommerceDependencies, afterSaleId: AfterSaleRecord['_id'], log: Logger): Promise<void> {
  const afterSale = await deps.afterSales.findById(afterSaleId).lean<AfterSaleRecord>();
  if (afterSale === null || !afterSale.open || isOpenAfterSaleStatus(afterSale.status)) return;
  const order = await deps.orders.Order.findById(afterSale.orderId).lean<OrderRecord>();
  // While the request is open the order's `refunding` is this request's (no other can open), so it is safe to end it.
  if (order?.status === 'refunding') {
    let event: 'refund_fully' | 'refund_partly' | 'refund_rejected' = 'refund_rejected';
    if (afterSale.status === 'refunded') {
      const { refundedFen } = await orderRefundTotals(deps, order.orderNo);
      event = refundedFen >= order.payableFen ? 'refund_fully' : 'refund_partly';
    }
    const closing = afterSale.history.at(-1);
    const actor: OrderActor = closing?.actor ?? { type: 'system', id: 'after-sales' };
    const moved = await transitionOrder(deps.orders.Order, order, event, { actor, reason: closingNote(afterSale), at: deps.now() });
    if (moved !== null) log.info({ orderNo: order.orderNo, afterSaleNo: afterSale.afterSaleNo, event }, 'order left refunding');
  }
  if (afterSale.status === 'refunded' && afterSale.restock === true && afterSale.restockLines.length > 0) {
    // The mark and the stock in one transaction: racing settlements restock once, and a crash restocks not at all
    // (the repair job settles the request again) rather than marking without restocking.
    const restocked = await deps.afterSales.db.transaction(async (session) => {
      const claim = await deps.afterSales.updateOne(
        { _id: afterSale._id, restockedAt: { $exists: false } },
        { $set: { restockedAt: deps.now() } },
        { session },
      );
      if (claim.modifiedCount !== 1) return false;
      await restockReturnedStock(deps.catalog, afterSale.restockLines, session);
      return true;
    });
    if (restocked) log.info({ afterSaleNo: afterSale.afterSaleNo }, 'returned goods restocked');
  }
  await deps.afterSales.updateOne({ _id: afterSale._id, open: true }, { $set: { open: false } });
}

/**
 * A refund reached its final state (notification, the refund request's own reply, or a query): the request
 * it carries out becomes refunded, or refund_failed for the merchant to retry, and is then finished.
 */
export async function settleAfterSaleRefund(deps: CommerceDependencies, refund: RefundRecord, log: Logger): Promise<void> {
  if (refund.kind !== 'after_sale' || refund.afterSaleId === undefined || !FINAL_REFUND_STATUSES.includes(refund.status)) return;
  const afterSale = await deps.afterSales.findById(refund.afterSaleId).lean<AfterSaleRecord>();
  if (afterSale === null) return;
  // A refund of an earlier attempt (already failed and retried) no longer speaks for the request. An abnormal refund
  // the merchant had WeChat Pay redirect succeeds later, while its request waits in refund_failed.
  const settles = afterSale.status === 'refunding' || (afterSale.status === 'refund_failed' && refund.status === 'succeeded');
  if (settles && afterSale.outRefundNo === refund.outRefundNo) {
    const actor: OrderActor = { type: 'wechatpay', ...(refund.refundId !== undefined && { id: refund.refundId }) };
    const at = deps.now();
    const moved =
      refund.status === 'succeeded'
        ? await transitionAfterSale(deps.afterSales, afterSale, 'refund_succeeded', {
            actor,
            at,
            set: { refundedAt: refund.succeededAt ?? at },
          })
        : await transitionAfterSale(deps.afterSales, afterSale, 'refund_failed', {
            actor,
            at,
            reason: refund.status === 'closed' ? '微信支付退款关闭' : '微信支付退款异常',
          });
    if (moved !== null) log.info({ afterSaleNo: afterSale.afterSaleNo, status: moved.status }, 'after-sales refund settled');
  }
  await finishClosedAfterSale(deps, afterSale._id, log);
}

/**
 * Looks the refund up and settles its request; for callers that only hold the refund number. Every path on which a
 * refund reaches its final state (the refund request's reply, the notification, the reconciliation query) comes here,
 * so this is where a succeeded refund reaches the guide's performance too.
 */
export async function settleRefundNumber(deps: CommerceDependencies, outRefundNo: string, log: Logger): Promise<void> {
  const refund = await deps.payments.Refund.findOne({ outRefundNo }).lean<RefundRecord>();
  if (refund === null) return;
  await rollUpRefund(deps, refund, log);
  await settleAfterSaleRefund(deps, refund, log);
}
