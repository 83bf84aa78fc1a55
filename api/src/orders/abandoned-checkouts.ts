import type { Logger } from 'pino';
import { releaseStock } from '../catalog/stock.ts';
import type { JobDefinition } from '../jobs/scheduler.ts';
import type { CommerceDependencies } from './dependencies.ts';
import type { CheckoutClaim, OrderRecord } from './models.ts';

/**
 * A checkout notes on its claim the stock it is about to reserve (checkout.ts). When it fails it gives that
 * stock back itself and drops the claim; only a checkout that dies outright (the process killed between the
 * reservation and the order) leaves a claim with stock lines and no order behind. Such a claim is abandoned
 * once it is older than any checkout can run: its stock goes back to available, exactly once (whoever
 * deletes the claim releases it). A failure while giving stock back (the database gone mid-compensation) is
 * not covered: the claim is dropped with the error.
 */
export const ABANDONED_CHECKOUT_MS = 2 * 60_000;
export const RELEASE_ABANDONED_CHECKOUTS_JOB = 'orders.release-abandoned-checkouts';

/** Claims looked at per run; a backlog is worked off over the following runs. */
const BATCH_SIZE = 200;

function abandonedBefore(now: Date): Date {
  return new Date(now.getTime() - ABANDONED_CHECKOUT_MS);
}

/**
 * Deletes the claim if it is old enough to be abandoned, and returns the stock it noted; the caller has
 * checked that no order was made under it. False when the claim is younger (or already gone).
 */
export async function abandonCheckoutClaim(deps: CommerceDependencies, claimId: string, log: Logger): Promise<boolean> {
  const removed = await deps.orders.CheckoutClaim.findOneAndDelete({
    _id: claimId,
    claimedAt: { $lt: abandonedBefore(deps.now()) },
  }).lean<CheckoutClaim>();
  if (removed === null) return false;
  if (removed.stockLines !== undefined && removed.stockLines.length > 0) {
    await releaseStock(deps.catalog, removed.stockLines);
    log.warn({ claimId, stockLines: removed.stockLines }, 'returned the stock of a checkout that died before writing its order');
  }
  return true;
}

/** The order a claim's checkout made, if it made one (the claim id is `<shopperId>:<idempotencyKey>`). */
async function orderOfClaim(deps: CommerceDependencies, claimId: string): Promise<Pick<OrderRecord, '_id'> | null> {
  const separator = claimId.indexOf(':');
  return deps.orders.Order.findOne(
    { shopperId: claimId.slice(0, separator), idempotencyKey: claimId.slice(separator + 1) },
    { _id: 1 },
  ).lean();
}

/** One sweep: every old claim with stock lines is either settled (its order exists) or abandoned. */
export async function releaseAbandonedCheckouts(deps: CommerceDependencies, now: Date, log: Logger): Promise<void> {
  const claims = await deps.orders.CheckoutClaim.find(
    { claimedAt: { $lt: abandonedBefore(now) }, stockLines: { $exists: true }, settled: { $ne: true } },
    { _id: 1 },
  )
    .sort({ claimedAt: 1 })
    .limit(BATCH_SIZE)
    .lean<Pick<CheckoutClaim, '_id'>[]>();
  for (const { _id: claimId } of claims) {
    try {
      if ((await orderOfClaim(deps, claimId)) !== null) {
        await deps.orders.CheckoutClaim.updateOne({ _id: claimId }, { $set: { settled: true } });
      } else {
        await abandonCheckoutClaim(deps, claimId, log);
      }
    } catch (error) {
      log.warn({ err: error, claimId }, 'could not settle the checkout claim now; the next run tries again');
    }
  }
}

export function abandonedCheckoutJobs(deps: CommerceDependencies): JobDefinition[] {
  return [{ name: RELEASE_ABANDONED_CHECKOUTS_JOB, intervalMs: 60_000, run: ({ now, log }) => releaseAbandonedCheckouts(deps, now, log) }];
}
