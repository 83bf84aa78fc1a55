import type { Logger } from 'pino';
import { settleRefundNumber } from '../after-sales/settlement.ts';
import type { JobDefinition } from '../jobs/scheduler.ts';
import { cancelUnpaidOrder } from '../orders/cancel.ts';
import type { CommerceDependencies } from '../orders/dependencies.ts';
import type { OrderRecord } from '../orders/models.ts';
import type { RefundRecord } from './models.ts';
import { applyTransaction, closeWechatOrder, requestRefund } from './service.ts';

export const EXPIRE_UNPAID_JOB = 'orders.expire-unpaid';
export const RECONCILE_JOB = 'payments.reconcile';

/** Orders handled per run; a backlog is worked off over the following runs. */
const BATCH_SIZE = 200;
/** An unpaid order younger than this is left to its notification; older ones are asked about. */
const RECONCILE_AFTER_MS = 2 * 60_000;
/** A refund WeChat Pay has been processing this long without a notification is asked about. */
const REFUND_QUERY_AFTER_MS = 2 * 60_000;
/**
 * An abnormal refund waits for the merchant to redirect it in WeChat Pay's merchant platform; its notification may
 * not come, so it is asked about now and then.
 */
const ABNORMAL_REFUND_QUERY_AFTER_MS = 30 * 60_000;

/**
 * Cancels one overdue unpaid order, unless it was paid at the last moment. WeChat Pay is asked first (a
 * payment may have just happened) and then told to close the order, so it can no longer be paid; only then
 * is the order cancelled with the guarded transition, whose winner returns the stock once. If WeChat Pay
 * cannot be reached the order waits for the next run.
 */
async function expireOrder(deps: CommerceDependencies, order: OrderRecord, log: Logger): Promise<void> {
  if (order.prepayRequestedAt !== undefined) {
    const transaction = await deps.wechatPay.queryByOutTradeNo(order.orderNo);
    if (transaction?.tradeState === 'SUCCESS') {
      await applyTransaction(deps, transaction, 'query', log);
      return;
    }
    if (!(await closeWechatOrder(deps, order.orderNo))) {
      // Paid between the query and the close.
      const paid = await deps.wechatPay.queryByOutTradeNo(order.orderNo);
      if (paid !== null) await applyTransaction(deps, paid, 'query', log);
      return;
    }
  }
  const cancelled = await cancelUnpaidOrder(deps, order, 'expire', { type: 'system', id: EXPIRE_UNPAID_JOB }, 'expired');
  if (cancelled !== null) log.info({ orderNo: order.orderNo }, 'unpaid order expired');
}

/** Every unpaid order past its payment deadline at `now`, each settled on its own (one failing does not stop the rest). */
export async function expireUnpaidOrders(deps: CommerceDependencies, now: Date, log: Logger): Promise<void> {
  const overdue = await deps.orders.Order.find({ status: 'pending_payment', payDeadline: { $lte: now } })
    .sort({ payDeadline: 1 })
    .limit(BATCH_SIZE)
    .lean<OrderRecord[]>();
  for (const order of overdue) {
    try {
      await expireOrder(deps, order, log);
    } catch (error) {
      log.warn({ err: error, orderNo: order.orderNo }, 'could not expire the unpaid order now; the next run tries again');
    }
  }
}

/**
 * Unpaid orders WeChat Pay knows about, placed a while ago and not yet overdue: asked about, and a payment
 * applied as its notification would have been. Refunds still to request, or long in processing, are
 * followed up the same way.
 */
export async function reconcilePayments(deps: CommerceDependencies, now: Date, log: Logger): Promise<void> {
  const stuck = await deps.orders.Order.find({
    status: 'pending_payment',
    prepayRequestedAt: { $exists: true },
    createdAt: { $lte: new Date(now.getTime() - RECONCILE_AFTER_MS) },
    payDeadline: { $gt: now },
  })
    .sort({ createdAt: 1 })
    .limit(BATCH_SIZE)
    .lean<OrderRecord[]>();
  for (const order of stuck) {
    try {
      const transaction = await deps.wechatPay.queryByOutTradeNo(order.orderNo);
      if (transaction !== null) await applyTransaction(deps, transaction, 'query', log);
    } catch (error) {
      log.warn({ err: error, orderNo: order.orderNo }, 'could not reconcile the unpaid order now');
    }
  }

  const refunds = await deps.payments.Refund.find({
    $or: [
      { status: 'pending' },
      { status: 'processing', updatedAt: { $lte: new Date(now.getTime() - REFUND_QUERY_AFTER_MS) } },
      { status: 'abnormal', updatedAt: { $lte: new Date(now.getTime() - ABNORMAL_REFUND_QUERY_AFTER_MS) } },
    ],
  })
    .limit(BATCH_SIZE)
    .lean<RefundRecord[]>();
  for (const refund of refunds) {
    try {
      if (refund.status === 'pending') await requestRefund(deps, refund.outRefundNo, log);
      else await followUpRefund(deps, refund, log);
    } catch (error) {
      log.warn({ err: error, outRefundNo: refund.outRefundNo }, 'could not follow up the refund now');
    }
  }
}

const finalRefundStatus = { SUCCESS: 'succeeded', CLOSED: 'closed', ABNORMAL: 'abnormal' } as const;

async function followUpRefund(deps: CommerceDependencies, refund: RefundRecord, log: Logger): Promise<void> {
  const known = await deps.wechatPay.queryRefund(refund.outRefundNo);
  if (known === null || known.status === 'PROCESSING') return;
  const status = finalRefundStatus[known.status];
  await deps.payments.Refund.updateOne(
    { outRefundNo: refund.outRefundNo, status: refund.status },
    { $set: { status, updatedAt: deps.now(), ...(status === 'succeeded' && { succeededAt: known.successTime ?? deps.now() }) } },
  );
  // Still abnormal: asked again after the interval (updatedAt moved on); nothing to settle.
  if (status !== refund.status) await settleRefundNumber(deps, refund.outRefundNo, log);
}

/** The scheduler's jobs for orders and payments. */
export function paymentJobs(deps: CommerceDependencies): JobDefinition[] {
  return [
    { name: EXPIRE_UNPAID_JOB, intervalMs: 30_000, run: ({ now, log }) => expireUnpaidOrders(deps, now, log) },
    { name: RECONCILE_JOB, intervalMs: 2 * 60_000, run: ({ now, log }) => reconcilePayments(deps, now, log) },
  ];
}
