import type { ClientSession, Types } from 'mongoose';
import { shanghaiBusinessDay } from '@mall/shared';
import type { OrderRecord } from '../orders/models.ts';
import type { PaymentModels, RefundRecord } from '../payments/models.ts';
import { computeOrderCommission, reversedCommission } from './commission.ts';
import {
  dayFigureFields,
  type DayFigures,
  type FirstOrderRecord,
  type GuideCustomerDayRecord,
  type GuideDayRecord,
  type PerformanceEventRecord,
} from './models.ts';
import {
  customerDayId,
  guideDayId,
  paidEarlier,
  paidEventId,
  refundCounts,
  refundedAt,
  refundEventId,
  type RollupDependencies,
} from './rollups.ts';

/**
 * Rebuilding the rollups from the orders and refunds themselves: what they must equal (the tests compare), and the
 * repair after something went wrong, or for orders paid before the rollups existed.
 *
 * Each guide is rebuilt in one transaction that reads its orders and refunds and replaces its ledger entries, days
 * and customer memberships. Live events racing it touch the same documents, so one of the two transactions retries on
 * the other's result: an event is counted once whichever commits first.
 *
 * Two facts of payment time are kept from the ledger rather than derived again: the guide credited with the order
 * (the order's guide when it was paid) and its commission (the rates of that day). Only orders with no ledger entry
 * yet take them from the order and today's rates.
 */

export interface RecomputeDependencies extends RollupDependencies {
  payments: PaymentModels;
}

export interface RecomputeCounts {
  paidOrders: number;
  refunds: number;
}

type PaidOrder = OrderRecord & { payment: NonNullable<OrderRecord['payment']> };

const sameGuide = (a: Types.ObjectId | undefined, b: Types.ObjectId | null) => (a === undefined ? b === null : b !== null && a.equals(b));

function zeroFigures(): DayFigures {
  return Object.fromEntries(dayFigureFields.map((field) => [field, 0])) as DayFigures;
}

/** The orders credited to `guideId` (null: orders without a guide), as the ledger or, for orders not in it, the order says. */
async function creditedOrders(
  deps: RecomputeDependencies,
  guideId: Types.ObjectId | null,
  session: ClientSession,
): Promise<{ orders: PaidOrder[]; recorded: Map<string, PerformanceEventRecord> }> {
  const guideFilter = guideId ?? { $exists: false };
  const recordedHere = await deps.performance.PerformanceEvent.find({ kind: 'paid', guideId: guideFilter })
    .session(session)
    .lean<PerformanceEventRecord[]>();
  const attributed = await deps.orders.Order.find({ 'attribution.guideId': guideFilter, payment: { $exists: true } })
    .session(session)
    .lean<PaidOrder[]>();
  const known = new Set(attributed.map((order) => order.orderNo));
  const missing = recordedHere.flatMap((entry) => (entry.orderNo !== undefined && !known.has(entry.orderNo) ? [entry.orderNo] : []));
  const others =
    missing.length === 0
      ? []
      : await deps.orders.Order.find({ orderNo: { $in: missing }, payment: { $exists: true } })
          .session(session)
          .lean<PaidOrder[]>();
  const candidates = [...attributed, ...others];
  const recorded = new Map(
    (
      await deps.performance.PerformanceEvent.find({ _id: { $in: candidates.map((order) => paidEventId(order.orderNo)) } })
        .session(session)
        .lean<PerformanceEventRecord[]>()
    ).map((entry) => [entry.orderNo ?? '', entry]),
  );
  const orders = candidates.filter((order) => {
    const entry = recorded.get(order.orderNo);
    return sameGuide(entry === undefined ? order.attribution.guideId : entry.guideId, guideId);
  });
  return { orders, recorded };
}

/** Each shopper's first paid order ever (by payment time, then number), among all their orders. */
async function firstOrdersOf(
  deps: RecomputeDependencies,
  shopperIds: Types.ObjectId[],
  session: ClientSession,
): Promise<Map<string, Pick<PaidOrder, 'orderNo' | 'payment'>>> {
  const paid = await deps.orders.Order.find(
    { shopperId: { $in: shopperIds }, payment: { $exists: true } },
    { orderNo: 1, shopperId: 1, payment: 1 },
  )
    .session(session)
    .lean<Pick<PaidOrder, 'orderNo' | 'shopperId' | 'payment'>[]>();
  const first = new Map<string, Pick<PaidOrder, 'orderNo' | 'payment'>>();
  for (const order of paid) {
    const key = order.shopperId.toHexString();
    const current = first.get(key);
    if (
      current === undefined ||
      paidEarlier({ paidAt: order.payment.paidAt, orderNo: order.orderNo }, { paidAt: current.payment.paidAt, orderNo: current.orderNo })
    )
      first.set(key, order);
  }
  return first;
}

/** Rebuilds one guide's rollups (null: the ledger entries of orders without a guide) in one transaction. */
export async function recomputeGuide(deps: RecomputeDependencies, guideId: Types.ObjectId | null): Promise<RecomputeCounts> {
  const models = deps.performance;
  return models.PerformanceEvent.db.transaction(async (session) => {
    const { orders, recorded } = await creditedOrders(deps, guideId, session);
    const orderNos = orders.map((order) => order.orderNo);
    const firstOrders = await firstOrdersOf(
      deps,
      orders.map((order) => order.shopperId),
      session,
    );
    const byOrderNo = new Map(orders.map((order) => [order.orderNo, order]));
    const refunds = (
      await deps.payments.Refund.find({ orderNo: { $in: orderNos }, status: 'succeeded' })
        .session(session)
        .lean<RefundRecord[]>()
    )
      .filter((refund) => refundCounts(refund, byOrderNo.get(refund.orderNo) ?? null))
      .sort((a, b) => refundedAt(a).getTime() - refundedAt(b).getTime() || a.outRefundNo.localeCompare(b.outRefundNo));
    const recordedRefunds = new Map(
      (
        await deps.performance.PerformanceEvent.find({ _id: { $in: refunds.map((refund) => refundEventId(refund.outRefundNo)) } })
          .session(session)
          .lean<PerformanceEventRecord[]>()
      ).map((entry) => [entry._id, entry]),
    );
    const wecomAdds =
      guideId === null
        ? []
        : await models.PerformanceEvent.find({ guideId, kind: 'wecom_add' }).session(session).lean<PerformanceEventRecord[]>();

    const now = deps.now();
    const days = new Map<string, DayFigures>();
    const dayOf = (day: string) => {
      const figures = days.get(day) ?? zeroFigures();
      days.set(day, figures);
      return figures;
    };
    const memberships = new Map<string, GuideCustomerDayRecord>();
    const markers: FirstOrderRecord[] = [];
    const paidEntries = new Map<string, PerformanceEventRecord>();

    for (const order of orders) {
      const day = shanghaiBusinessDay(order.payment.paidAt);
      const earlier = recorded.get(order.orderNo);
      const commissionFen = earlier?.commissionFen ?? (await computeOrderCommission(deps, order, session));
      const newCustomer = firstOrders.get(order.shopperId.toHexString())?.orderNo === order.orderNo;
      paidEntries.set(order.orderNo, {
        _id: paidEventId(order.orderNo),
        kind: 'paid',
        ...(guideId !== null && { guideId }),
        day,
        at: order.payment.paidAt,
        orderNo: order.orderNo,
        shopperId: order.shopperId,
        amountFen: order.payableFen,
        commissionFen,
        newCustomer,
        refundedFen: 0,
        commissionReversedFen: 0,
        recordedAt: earlier?.recordedAt ?? now,
      });
      if (newCustomer) {
        markers.push({
          _id: order.shopperId,
          orderNo: order.orderNo,
          paidAt: order.payment.paidAt,
          day,
          ...(guideId !== null && { guideId }),
        });
      }
      if (guideId === null) continue;
      const figures = dayOf(day);
      figures.paidOrders += 1;
      figures.paidGmvFen += order.payableFen;
      figures.netGmvFen += order.payableFen;
      figures.commissionFen += commissionFen;
      if (newCustomer) figures.newCustomers += 1;
      const membershipId = customerDayId(guideId, day, order.shopperId);
      if (!memberships.has(membershipId)) {
        memberships.set(membershipId, { _id: membershipId, guideId, day, shopperId: order.shopperId });
        figures.customers += 1;
      }
    }

    const refundEntries: PerformanceEventRecord[] = [];
    for (const refund of refunds) {
      const paid = paidEntries.get(refund.orderNo);
      const order = byOrderNo.get(refund.orderNo);
      if (paid === undefined || order === undefined) continue;
      const reversal = reversedCommission(paid.commissionFen, paid.amountFen, paid.refundedFen ?? 0, refund.refundFen);
      paid.refundedFen = (paid.refundedFen ?? 0) + refund.refundFen;
      paid.commissionReversedFen = (paid.commissionReversedFen ?? 0) + reversal;
      const day = shanghaiBusinessDay(refundedAt(refund));
      refundEntries.push({
        _id: refundEventId(refund.outRefundNo),
        kind: 'refund',
        ...(guideId !== null && { guideId }),
        day,
        at: refundedAt(refund),
        orderNo: refund.orderNo,
        shopperId: order.shopperId,
        amountFen: refund.refundFen,
        commissionFen: -reversal,
        recordedAt: recordedRefunds.get(refundEventId(refund.outRefundNo))?.recordedAt ?? now,
      });
      if (guideId === null) continue;
      const figures = dayOf(day);
      figures.refundedFen += refund.refundFen;
      figures.netGmvFen -= refund.refundFen;
      figures.commissionFen -= reversal;
    }
    for (const add of wecomAdds) dayOf(add.day).wecomAdds += 1;

    await models.PerformanceEvent.deleteMany(
      { $or: [{ kind: { $in: ['paid', 'refund'] }, guideId: guideId ?? { $exists: false } }, { orderNo: { $in: orderNos } }] },
      { session },
    );
    await models.PerformanceEvent.insertMany([...paidEntries.values(), ...refundEntries], { session });
    if (guideId !== null) {
      await models.GuideDay.deleteMany({ guideId }, { session });
      await models.GuideCustomerDay.deleteMany({ guideId }, { session });
      const dayRecords: GuideDayRecord[] = [...days].map(([day, figures]) => ({ _id: guideDayId(guideId, day), guideId, day, ...figures }));
      await models.GuideDay.insertMany(dayRecords, { session });
      await models.GuideCustomerDay.insertMany([...memberships.values()], { session });
    }
    for (const marker of markers) await models.FirstOrder.replaceOne({ _id: marker._id }, marker, { upsert: true, session });
    return { paidOrders: orders.length, refunds: refundEntries.length };
  });
}

/** Every guide with orders, ledger entries or days (and the orders without a guide), one transaction each. */
export async function recomputeAll(deps: RecomputeDependencies): Promise<RecomputeCounts & { guides: number }> {
  const ids = [
    ...(await deps.orders.Order.distinct('attribution.guideId', { payment: { $exists: true } })),
    ...(await deps.performance.PerformanceEvent.distinct('guideId')),
    ...(await deps.performance.GuideDay.distinct('guideId')),
  ] as Types.ObjectId[];
  const guideIds = [...new Map(ids.filter((id) => id !== null && id !== undefined).map((id) => [id.toHexString(), id])).values()];
  const totals = { guides: guideIds.length, paidOrders: 0, refunds: 0 };
  for (const guideId of [...guideIds, null]) {
    const counts = await recomputeGuide(deps, guideId);
    totals.paidOrders += counts.paidOrders;
    totals.refunds += counts.refunds;
  }
  return totals;
}
