import type { Logger } from 'pino';
import { openAfterSaleStatuses } from '@mall/shared';
import type { JobDefinition } from '../jobs/scheduler.ts';
import type { CommerceDependencies } from '../orders/dependencies.ts';
import type { RefundRecord } from '../payments/models.ts';
import type { AfterSaleRecord } from './models.ts';
import { startRefund } from './service.ts';
import { finishClosedAfterSale, settleAfterSaleRefund } from './settlement.ts';

export const AFTER_SALES_REPAIR_JOB = 'after-sales.repair';

const BATCH_SIZE = 200;
/** Left alone this long: the request that is handling it right now finishes it itself. */
const REPAIR_AFTER_MS = 60_000;

/**
 * Finishes what an interrupted request left half done (a crash between two guarded steps): requests that closed
 * while their order is still held, and requests in `refunding` whose refund was never recorded or has already
 * settled. (Refunds still pending or processing are the payments reconciliation job's.) Each step is idempotent.
 */
export async function repairAfterSales(deps: CommerceDependencies, now: Date, log: Logger): Promise<void> {
  const settledBefore = new Date(now.getTime() - REPAIR_AFTER_MS);
  const stuck = await deps.afterSales
    .find({
      $or: [{ open: true, status: { $nin: openAfterSaleStatuses } }, { status: 'refunding' }],
      updatedAt: { $lte: settledBefore },
    })
    .sort({ updatedAt: 1 })
    .limit(BATCH_SIZE)
    .lean<AfterSaleRecord[]>();
  for (const afterSale of stuck) {
    try {
      if (afterSale.status !== 'refunding') {
        await finishClosedAfterSale(deps, afterSale._id, log);
        continue;
      }
      const refund = await deps.payments.Refund.findOne({ outRefundNo: afterSale.outRefundNo }).lean<RefundRecord>();
      if (refund === null) await startRefund(deps, afterSale, log);
      else await settleAfterSaleRefund(deps, refund, log);
    } catch (error) {
      log.warn({ err: error, afterSaleNo: afterSale.afterSaleNo }, 'could not repair the after-sales request now');
    }
  }
}

export function afterSaleJobs(deps: CommerceDependencies): JobDefinition[] {
  return [{ name: AFTER_SALES_REPAIR_JOB, intervalMs: 2 * 60_000, run: ({ now, log }) => repairAfterSales(deps, now, log) }];
}
