import type { Logger } from 'pino';
import type { JobDefinition } from '../jobs/scheduler.ts';
import type { OrderRecord } from '../orders/models.ts';
import type { OrderStatus } from '../orders/state-machine.ts';
import type { RefundRecord } from '../payments/models.ts';
import type { RecomputeDependencies } from './recompute.ts';
import { applyPaidOrder, applySucceededRefund, paidEventId, refundEventId } from './rollups.ts';

export const PERFORMANCE_REPAIR_JOB = 'guide-performance.repair';

/**
 * How far back the repair looks: orders are paid within their payment window (minutes after they are placed), so
 * orders placed in this time cover every payment a failed rollup can have missed in the last day.
 */
const LOOKBACK_MS = 26 * 60 * 60 * 1000;
/** Ledger entries looked up at once. */
const BATCH_SIZE = 500;

const PAID_OR_LATER: readonly OrderStatus[] = ['paid', 'shipped', 'completed', 'refunding', 'refunded'];

async function missingEventIds(deps: RecomputeDependencies, ids: string[]): Promise<Set<string>> {
  const missing = new Set(ids);
  for (let start = 0; start < ids.length; start += BATCH_SIZE) {
    const found = await deps.performance.PerformanceEvent.find({ _id: { $in: ids.slice(start, start + BATCH_SIZE) } }, { _id: 1 }).lean<
      { _id: string }[]
    >();
    for (const entry of found) missing.delete(entry._id);
  }
  return missing;
}

/**
 * Applies payments and refunds of the last day that are not in the ledger: a rollup that failed after its payment or
 * refund went through (the hooks log it and carry on). Each apply is idempotent, so racing a live event is harmless.
 * Returns how many events it applied.
 */
export async function repairPerformance(deps: RecomputeDependencies, now: Date, log: Logger): Promise<number> {
  const since = new Date(now.getTime() - LOOKBACK_MS);
  let applied = 0;

  const orders = await deps.orders.Order.find({ status: { $in: PAID_OR_LATER }, createdAt: { $gte: since } }, { orderNo: 1 }).lean<
    Pick<OrderRecord, 'orderNo'>[]
  >();
  const missingPaid = await missingEventIds(
    deps,
    orders.map((order) => paidEventId(order.orderNo)),
  );
  for (const order of orders) {
    if (!missingPaid.has(paidEventId(order.orderNo))) continue;
    try {
      const current = await deps.orders.Order.findOne({ orderNo: order.orderNo }).lean<OrderRecord>();
      if (current !== null && (await applyPaidOrder(deps, current))) applied += 1;
    } catch (error) {
      log.warn({ err: error, orderNo: order.orderNo }, 'guide performance: could not apply the paid order now');
    }
  }

  const refunds = await deps.payments.Refund.find({ status: 'succeeded', updatedAt: { $gte: since } }).lean<RefundRecord[]>();
  const missingRefunds = await missingEventIds(
    deps,
    refunds.map((refund) => refundEventId(refund.outRefundNo)),
  );
  for (const refund of refunds) {
    if (!missingRefunds.has(refundEventId(refund.outRefundNo))) continue;
    try {
      if (await applySucceededRefund(deps, refund)) applied += 1;
    } catch (error) {
      log.warn({ err: error, outRefundNo: refund.outRefundNo }, 'guide performance: could not apply the refund now');
    }
  }
  if (applied > 0) log.warn({ applied }, 'guide performance: applied events whose rollup had failed');
  return applied;
}

export function guidePerformanceJobs(deps: RecomputeDependencies): JobDefinition[] {
  return [
    {
      name: PERFORMANCE_REPAIR_JOB,
      intervalMs: 10 * 60_000,
      run: ({ now, log }) => repairPerformance(deps, now, log).then(() => undefined),
    },
  ];
}
