import type { ClientSession, Types } from 'mongoose';
import type { Logger } from 'pino';
import { shanghaiBusinessDay } from '@mall/shared';
import type { CatalogModels } from '../catalog/models.ts';
import { isDuplicateKeyError } from '../db/errors.ts';
import type { CommerceDependencies } from '../orders/dependencies.ts';
import type { OrderModels, OrderRecord } from '../orders/models.ts';
import type { RefundRecord } from '../payments/models.ts';
import { computeOrderCommission, reversedCommission } from './commission.ts';
import {
  dayFigureFields,
  guidePerformanceModels,
  type DayFigures,
  type FirstOrderRecord,
  type GuidePerformanceModels,
  type PerformanceEventRecord,
} from './models.ts';

/**
 * Applying order events to the rollups, each exactly once: the event's ledger entry (unique `_id`) and every `$inc`
 * it causes are written in one transaction, so of two deliveries racing (a payment notification and the
 * reconciliation query, a refund notification repeated) one commits and the other finds the entry and changes
 * nothing — and a crash leaves either all of an event or none of it.
 */

export interface RollupDependencies {
  performance: GuidePerformanceModels;
  catalog: CatalogModels;
  orders: OrderModels;
  now(): Date;
}

/** The performance collections live beside the orders (same connection), so the payment and refund paths need nothing new. */
export function rollupDependencies(deps: Pick<CommerceDependencies, 'catalog' | 'orders' | 'now'>): RollupDependencies {
  return { performance: guidePerformanceModels(deps.orders.Order.db), catalog: deps.catalog, orders: deps.orders, now: deps.now };
}

export const paidEventId = (orderNo: string) => `paid:${orderNo}`;
export const refundEventId = (outRefundNo: string) => `refund:${outRefundNo}`;
export const wecomEventId = (key: string) => `wecom:${key}`;
export const guideDayId = (guideId: Types.ObjectId, day: string) => `${guideId.toHexString()}:${day}`;
export const customerDayId = (guideId: Types.ObjectId, day: string, shopperId: Types.ObjectId) =>
  `${guideId.toHexString()}:${day}:${shopperId.toHexString()}`;

/** Adds `changes` to the guide's day, creating it (every figure present) on its first event. */
async function incrementDay(
  models: GuidePerformanceModels,
  guideId: Types.ObjectId,
  day: string,
  changes: Partial<DayFigures>,
  session: ClientSession,
): Promise<void> {
  const $inc = Object.fromEntries(dayFigureFields.map((field) => [field, changes[field] ?? 0]));
  await models.GuideDay.updateOne({ _id: guideDayId(guideId, day) }, { $inc, $setOnInsert: { guideId, day } }, { upsert: true, session });
}

/** Runs `write` in a transaction; false when the event's ledger entry was there already (applied before). */
async function applyOnce(models: GuidePerformanceModels, write: (session: ClientSession) => Promise<void>): Promise<boolean> {
  try {
    await models.PerformanceEvent.db.transaction(write);
    return true;
  } catch (error) {
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}

/** Paid earlier than `than`: by payment time, then order number (so equal times still have one first order). */
export function paidEarlier(order: { paidAt: Date; orderNo: string }, than: { paidAt: Date; orderNo: string }): boolean {
  const difference = order.paidAt.getTime() - than.paidAt.getTime();
  return difference < 0 || (difference === 0 && order.orderNo < than.orderNo);
}

/**
 * Whether the order is its shopper's first paid order ever, keeping the record of that first order right. A payment
 * applied late (the reconciliation job) can be earlier than the order holding the record: it takes the record, and
 * the new customer moves from that order's guide and day to this one's.
 */
async function claimFirstOrder(models: GuidePerformanceModels, candidate: FirstOrderRecord, session: ClientSession): Promise<boolean> {
  const current = await models.FirstOrder.findById(candidate._id).session(session).lean<FirstOrderRecord>();
  if (current === null) {
    await models.FirstOrder.create([candidate], { session });
    return true;
  }
  if (current.orderNo === candidate.orderNo) return true;
  if (!paidEarlier(candidate, current)) return false;
  await models.FirstOrder.replaceOne({ _id: candidate._id }, candidate, { session });
  await models.PerformanceEvent.updateOne({ _id: paidEventId(current.orderNo) }, { $set: { newCustomer: false } }, { session });
  if (current.guideId !== undefined) await incrementDay(models, current.guideId, current.day, { newCustomers: -1 }, session);
  return true;
}

/**
 * A paid order into its guide's day (the day it was paid): one order, its payable, its commission at today's rates
 * (kept on the ledger entry), the shopper as the day's customer and, on their first paid order ever, as a new
 * customer. An order without a guide only takes part in deciding first orders. True if this call applied it.
 */
export async function applyPaidOrder(deps: RollupDependencies, order: OrderRecord): Promise<boolean> {
  const { payment } = order;
  if (payment === undefined) return false;
  const models = deps.performance;
  const eventId = paidEventId(order.orderNo);
  if ((await models.PerformanceEvent.exists({ _id: eventId })) !== null) return false;
  const { guideId } = order.attribution;
  const commissionFen = await computeOrderCommission(deps, order);
  const day = shanghaiBusinessDay(payment.paidAt);
  return applyOnce(models, async (session) => {
    const newCustomer = await claimFirstOrder(
      models,
      { _id: order.shopperId, orderNo: order.orderNo, paidAt: payment.paidAt, day, ...(guideId !== undefined && { guideId }) },
      session,
    );
    const entry: PerformanceEventRecord = {
      _id: eventId,
      kind: 'paid',
      ...(guideId !== undefined && { guideId }),
      day,
      at: payment.paidAt,
      orderNo: order.orderNo,
      shopperId: order.shopperId,
      amountFen: order.payableFen,
      commissionFen,
      newCustomer,
      refundedFen: 0,
      commissionReversedFen: 0,
      recordedAt: deps.now(),
    };
    await models.PerformanceEvent.create([entry], { session });
    if (guideId === undefined) return;
    const membership = await models.GuideCustomerDay.updateOne(
      { _id: customerDayId(guideId, day, order.shopperId) },
      { $setOnInsert: { guideId, day, shopperId: order.shopperId } },
      { upsert: true, session },
    );
    await incrementDay(
      models,
      guideId,
      day,
      {
        paidOrders: 1,
        paidGmvFen: order.payableFen,
        netGmvFen: order.payableFen,
        commissionFen,
        customers: membership.upsertedCount,
        newCustomers: newCustomer ? 1 : 0,
      },
      session,
    );
  });
}

/**
 * Whether a refund counts: it succeeded, and it returns the payment that paid the order. (A payment that arrived
 * after its order was cancelled never counted as paid, so its automatic refund does not count either.)
 */
export function refundCounts(refund: Pick<RefundRecord, 'status' | 'transactionId'>, order: Pick<OrderRecord, 'payment'> | null): boolean {
  return refund.status === 'succeeded' && order?.payment !== undefined && order.payment.transactionId === refund.transactionId;
}

/** The instant a succeeded refund counts at. */
export function refundedAt(refund: Pick<RefundRecord, 'succeededAt' | 'updatedAt'>): Date {
  return refund.succeededAt ?? refund.updatedAt;
}

/**
 * A succeeded refund into the day it succeeded, against the guide credited with the order's payment: the amount off
 * net GMV and the commission it reverses. The order's payment is applied first if it is not yet (its rollup failed).
 */
export async function applySucceededRefund(deps: RollupDependencies, refund: RefundRecord): Promise<boolean> {
  const models = deps.performance;
  const eventId = refundEventId(refund.outRefundNo);
  if (refund.status !== 'succeeded' || (await models.PerformanceEvent.exists({ _id: eventId })) !== null) return false;
  const order = await deps.orders.Order.findById(refund.orderId).lean<OrderRecord>();
  if (order === null || !refundCounts(refund, order)) return false;
  await applyPaidOrder(deps, order);
  const day = shanghaiBusinessDay(refundedAt(refund));
  return applyOnce(models, async (session) => {
    // Read and written in the transaction: refunds of one order apply one after the other, each reversing its share.
    const paid = await models.PerformanceEvent.findById(paidEventId(order.orderNo)).session(session).lean<PerformanceEventRecord>();
    if (paid === null) throw new Error(`guide performance: order ${order.orderNo} has no paid event`);
    const reversal = reversedCommission(paid.commissionFen, paid.amountFen, paid.refundedFen ?? 0, refund.refundFen);
    const entry: PerformanceEventRecord = {
      _id: eventId,
      kind: 'refund',
      ...(paid.guideId !== undefined && { guideId: paid.guideId }),
      day,
      at: refundedAt(refund),
      orderNo: order.orderNo,
      shopperId: order.shopperId,
      amountFen: refund.refundFen,
      commissionFen: -reversal,
      recordedAt: deps.now(),
    };
    await models.PerformanceEvent.create([entry], { session });
    await models.PerformanceEvent.updateOne(
      { _id: paid._id },
      { $inc: { refundedFen: refund.refundFen, commissionReversedFen: reversal } },
      { session },
    );
    if (paid.guideId === undefined) return;
    await incrementDay(
      models,
      paid.guideId,
      day,
      { refundedFen: refund.refundFen, netGmvFen: -refund.refundFen, commissionFen: -reversal },
      session,
    );
  });
}

/**
 * A customer added the guide on WeCom: one more WeCom add on the guide's day of `at`. `key` names the add (the
 * external contact and guide, or the callback event): the same key counts once, however often it is reported.
 * True if this call counted it.
 */
export async function recordWecomAdd(
  deps: { performance: GuidePerformanceModels },
  guideId: Types.ObjectId,
  at: Date,
  key: string,
): Promise<boolean> {
  const models = deps.performance;
  const day = shanghaiBusinessDay(at);
  return applyOnce(models, async (session) => {
    const entry: PerformanceEventRecord = {
      _id: wecomEventId(key),
      kind: 'wecom_add',
      guideId,
      day,
      at,
      amountFen: 0,
      commissionFen: 0,
      recordedAt: new Date(),
    };
    await models.PerformanceEvent.create([entry], { session });
    await incrementDay(models, guideId, day, { wecomAdds: 1 }, session);
  });
}

/**
 * Called right after the order's winning pending→paid transition. Never throws: the payment stands whatever
 * happens here, and a rollup that failed is applied later by the repair job (guide-performance.repair).
 */
export async function rollUpPaidOrder(deps: CommerceDependencies, order: OrderRecord, log: Logger): Promise<void> {
  try {
    await applyPaidOrder(rollupDependencies(deps), order);
  } catch (error) {
    log.error({ err: error, orderNo: order.orderNo }, 'guide performance: the paid order is not rolled up yet (the repair job will)');
  }
}

/**
 * Called wherever a refund may have reached its final state (every path passes through `settleRefundNumber`); a
 * refund that did not succeed, or does not count, changes nothing. Never throws, like `rollUpPaidOrder`.
 */
export async function rollUpRefund(deps: CommerceDependencies, refund: RefundRecord, log: Logger): Promise<void> {
  if (refund.status !== 'succeeded') return;
  try {
    await applySucceededRefund(rollupDependencies(deps), refund);
  } catch (error) {
    log.error({ err: error, outRefundNo: refund.outRefundNo }, 'guide performance: the refund is not rolled up yet (the repair job will)');
  }
}
