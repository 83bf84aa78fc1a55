import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { commissionRateTargets, type CommissionRateTarget } from '@mall/shared';
import { modelOf } from '../db/model-of.ts';

/**
 * Guide performance is kept as rollups maintained event by event, so reports read a few documents per guide and
 * day instead of scanning orders:
 *
 * - `guide_performance_events` — the ledger: one entry per order paid (`paid:<orderNo>`), refund succeeded
 *   (`refund:<outRefundNo>`) and WeCom add (`wecom:<key>`). Its unique `_id`, written in the same transaction as the
 *   rollups' `$inc`s, is what applies each event exactly once however often it is reported.
 * - `guide_performance_days` — per guide per Asia/Shanghai day: the figures. A month (or any range) is the sum of
 *   its days, except customers.
 * - `guide_performance_customer_days` — who bought from whom on which day (unique per guide, day and shopper). It
 *   counts a day's distinct customers as it is written, and any range's distinct customers (a month, the admin's
 *   date range) by reading just that range: one set of memberships serves every period, where per-month counters
 *   would only answer calendar months.
 * - `guide_performance_first_orders` — each shopper's first paid order ever, which decides who is a new customer.
 */

export const performanceEventKinds = ['paid', 'refund', 'wecom_add'] as const;
export type PerformanceEventKind = (typeof performanceEventKinds)[number];

export interface PerformanceEventRecord {
  /** `paid:<orderNo>`, `refund:<outRefundNo>` or `wecom:<key>`. */
  _id: string;
  kind: PerformanceEventKind;
  /** Absent on a paid order without a guide: kept only for its shopper's first order. */
  guideId?: Types.ObjectId;
  /** The Asia/Shanghai day it counts on: paid on, refund succeeded on, added on. */
  day: string;
  at: Date;
  orderNo?: string;
  shopperId?: Types.ObjectId;
  /** Paid: the order's payable. Refund: the amount refunded. WeCom add: 0. */
  amountFen: number;
  /** Paid: the commission the order earned when it was paid. Refund: what it reversed (≤ 0). */
  commissionFen: number;
  /** Paid: whether this is the shopper's first paid order ever. */
  newCustomer?: boolean;
  /** Paid: refunds of the order applied so far, and the commission they reversed (so the next reversal adds up). */
  refundedFen?: number;
  commissionReversedFen?: number;
  recordedAt: Date;
}

export interface GuideDayRecord {
  /** `<guideId>:<YYYY-MM-DD>` */
  _id: string;
  guideId: Types.ObjectId;
  day: string;
  paidOrders: number;
  paidGmvFen: number;
  refundedFen: number;
  netGmvFen: number;
  customers: number;
  newCustomers: number;
  wecomAdds: number;
  commissionFen: number;
}

export const dayFigureFields = [
  'paidOrders',
  'paidGmvFen',
  'refundedFen',
  'netGmvFen',
  'customers',
  'newCustomers',
  'wecomAdds',
  'commissionFen',
] as const;
export type DayFigures = Pick<GuideDayRecord, (typeof dayFigureFields)[number]>;

export interface GuideCustomerDayRecord {
  /** `<guideId>:<YYYY-MM-DD>:<shopperId>` */
  _id: string;
  guideId: Types.ObjectId;
  day: string;
  shopperId: Types.ObjectId;
}

export interface FirstOrderRecord {
  /** The shopper. */
  _id: Types.ObjectId;
  orderNo: string;
  paidAt: Date;
  /** The order's guide; absent when it had none (then no guide gained a new customer). */
  guideId?: Types.ObjectId;
  day: string;
}

/** A commission rate: a guide's (for all their lines) or a category's (for its lines, and its children's). */
export interface CommissionRateRecord {
  /** `<target>:<targetId>` */
  _id: string;
  target: CommissionRateTarget;
  targetId: Types.ObjectId;
  rateBps: number;
  updatedAt: Date;
  updatedBy: Types.ObjectId;
}

const eventSchema = new Schema<PerformanceEventRecord>(
  {
    _id: { type: String, required: true },
    kind: { type: String, enum: performanceEventKinds, required: true },
    guideId: { type: Schema.Types.ObjectId },
    day: { type: String, required: true },
    at: { type: Date, required: true },
    orderNo: { type: String },
    shopperId: { type: Schema.Types.ObjectId },
    amountFen: { type: Number, required: true },
    commissionFen: { type: Number, required: true },
    newCustomer: { type: Boolean },
    refundedFen: { type: Number },
    commissionReversedFen: { type: Number },
    recordedAt: { type: Date, required: true },
  },
  { collection: 'guide_performance_events', versionKey: false },
);
// A guide's events (the recomputation keeps their WeCom adds) and an order's events (its refunds, shown per order).
eventSchema.index({ guideId: 1, kind: 1, day: 1 });
eventSchema.index({ orderNo: 1 });

const daySchema = new Schema<GuideDayRecord>(
  {
    _id: { type: String, required: true },
    guideId: { type: Schema.Types.ObjectId, required: true },
    day: { type: String, required: true },
    paidOrders: { type: Number, required: true },
    paidGmvFen: { type: Number, required: true },
    refundedFen: { type: Number, required: true },
    netGmvFen: { type: Number, required: true },
    customers: { type: Number, required: true },
    newCustomers: { type: Number, required: true },
    wecomAdds: { type: Number, required: true },
    commissionFen: { type: Number, required: true },
  },
  { collection: 'guide_performance_days', versionKey: false },
);
// Rankings read every guide's days of a range; a guide's month reads theirs.
daySchema.index({ day: 1, guideId: 1 });
daySchema.index({ guideId: 1, day: 1 });

const customerDaySchema = new Schema<GuideCustomerDayRecord>(
  {
    _id: { type: String, required: true },
    guideId: { type: Schema.Types.ObjectId, required: true },
    day: { type: String, required: true },
    shopperId: { type: Schema.Types.ObjectId, required: true },
  },
  { collection: 'guide_performance_customer_days', versionKey: false },
);
customerDaySchema.index({ day: 1, guideId: 1 });
customerDaySchema.index({ guideId: 1, day: 1 });

const firstOrderSchema = new Schema<FirstOrderRecord>(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    orderNo: { type: String, required: true },
    paidAt: { type: Date, required: true },
    guideId: { type: Schema.Types.ObjectId },
    day: { type: String, required: true },
  },
  { collection: 'guide_performance_first_orders', versionKey: false },
);

const commissionRateSchema = new Schema<CommissionRateRecord>(
  {
    _id: { type: String, required: true },
    target: { type: String, enum: commissionRateTargets, required: true },
    targetId: { type: Schema.Types.ObjectId, required: true },
    rateBps: { type: Number, required: true },
    updatedAt: { type: Date, required: true },
    updatedBy: { type: Schema.Types.ObjectId, required: true },
  },
  { collection: 'commission_rates', versionKey: false },
);
commissionRateSchema.index({ target: 1 });

export interface GuidePerformanceModels {
  PerformanceEvent: Model<PerformanceEventRecord>;
  GuideDay: Model<GuideDayRecord>;
  GuideCustomerDay: Model<GuideCustomerDayRecord>;
  FirstOrder: Model<FirstOrderRecord>;
  CommissionRate: Model<CommissionRateRecord>;
}

export function guidePerformanceModels(connection: Connection): GuidePerformanceModels {
  return {
    PerformanceEvent: modelOf(connection, 'GuidePerformanceEvent', eventSchema),
    GuideDay: modelOf(connection, 'GuidePerformanceDay', daySchema),
    GuideCustomerDay: modelOf(connection, 'GuidePerformanceCustomerDay', customerDaySchema),
    FirstOrder: modelOf(connection, 'GuidePerformanceFirstOrder', firstOrderSchema),
    CommissionRate: modelOf(connection, 'CommissionRate', commissionRateSchema),
  };
}

/**
 * Resolves once every collection and index exists (`init` creates the collection too: the transactions that apply
 * events must not be the first to write to a collection).
 */
export async function ensureGuidePerformanceIndexes(models: GuidePerformanceModels): Promise<void> {
  await Promise.all([
    models.PerformanceEvent.init(),
    models.GuideDay.init(),
    models.GuideCustomerDay.init(),
    models.FirstOrder.init(),
    models.CommissionRate.init(),
  ]);
}
