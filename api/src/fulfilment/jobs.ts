import type { Logger } from 'pino';
import type { JobDefinition } from '../jobs/scheduler.ts';
import type { CommerceDependencies } from '../orders/dependencies.ts';
import type { OrderRecord } from '../orders/models.ts';
import { transitionOrder } from '../orders/transitions.ts';
import { retryShippingUploads, SHIPPING_UPLOAD_JOB } from './shipping-upload.ts';

export const AUTO_COMPLETE_JOB = 'orders.auto-complete';

const BATCH_SIZE = 200;
/** A backlog beyond this many batches is worked off over the following runs. */
const MAX_BATCHES_PER_RUN = 25;
const DAY_MS = 24 * 60 * 60_000;

/**
 * Completes shipped orders whose shopper has not confirmed receipt within ORDER_AUTO_COMPLETE_DAYS of shipping,
 * a batch at a time. Each goes through the guarded shipped→completed transition, so a shopper confirming at the
 * same moment wins or loses cleanly (one history entry either way). Resolves with how many it completed.
 */
export async function autoCompleteShippedOrders(deps: CommerceDependencies, now: Date, log: Logger): Promise<number> {
  const days = deps.config.orderAutoCompleteDays;
  const shippedBefore = new Date(now.getTime() - days * DAY_MS);
  let completed = 0;
  for (let batch = 0; batch < MAX_BATCHES_PER_RUN; batch += 1) {
    const due = await deps.orders.Order.find({ status: 'shipped', 'shipping.shippedAt': { $lte: shippedBefore } }, { history: 0 })
      .sort({ 'shipping.shippedAt': 1 })
      .limit(BATCH_SIZE)
      .lean<OrderRecord[]>();
    for (const order of due) {
      const done = await transitionOrder(deps.orders.Order, order, 'auto_complete', {
        actor: { type: 'system', id: AUTO_COMPLETE_JOB },
        reason: `发货 ${days} 天后自动确认收货`,
        at: now,
      });
      if (done !== null) completed += 1;
    }
    if (due.length < BATCH_SIZE) break;
  }
  if (completed > 0) log.info({ completed, days }, 'shipped orders completed automatically');
  return completed;
}

/** The scheduler's jobs for shipped orders. */
export function fulfilmentJobs(deps: CommerceDependencies): JobDefinition[] {
  return [
    { name: SHIPPING_UPLOAD_JOB, intervalMs: 60_000, run: async ({ now, log }) => void (await retryShippingUploads(deps, now, log)) },
    {
      name: AUTO_COMPLETE_JOB,
      intervalMs: 10 * 60_000,
      run: async ({ now, log }) => void (await autoCompleteShippedOrders(deps, now, log)),
    },
  ];
}
