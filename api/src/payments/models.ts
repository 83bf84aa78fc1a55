import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { refundStatuses } from '@mall/shared';
import { modelOf } from '../db/model-of.ts';

/** How the API learnt of a payment: WeChat Pay's notification, or asking WeChat Pay (result page, jobs). */
export type PaymentSource = 'notification' | 'query';

/** A successful WeChat Pay payment, recorded once per `transactionId` before the order is moved to paid. */
export interface PaymentRecord {
  _id: Types.ObjectId;
  transactionId: string;
  orderNo: string;
  orderId: Types.ObjectId;
  amountFen: number;
  payerOpenid?: string;
  paidAt: Date;
  source: PaymentSource;
  recordedAt: Date;
}

const paymentSchema = new Schema<PaymentRecord>(
  {
    transactionId: { type: String, required: true, unique: true },
    orderNo: { type: String, required: true, index: true },
    orderId: { type: Schema.Types.ObjectId, required: true },
    amountFen: { type: Number, required: true },
    payerOpenid: { type: String },
    paidAt: { type: Date, required: true },
    source: { type: String, enum: ['notification', 'query'], required: true },
    recordedAt: { type: Date, required: true },
  },
  { collection: 'payments', versionKey: false },
);

/**
 * `pending`: recorded, WeChat Pay not yet asked (or the request failed and is retried); `processing`: WeChat Pay
 * accepted it; then `succeeded`, `closed` or `abnormal` as WeChat Pay reports.
 */
export type RefundRecordStatus = (typeof refundStatuses)[number];

/** Why a refund was made: a payment that arrived for an order already cancelled, or an approved after-sales request. */
export const refundKinds = ['cancelled_order_paid', 'after_sale'] as const;
export type RefundKind = (typeof refundKinds)[number];

/** A refund, unique by its deterministic `outRefundNo`, so it is requested from WeChat Pay under one number only. */
export interface RefundRecord {
  _id: Types.ObjectId;
  outRefundNo: string;
  kind: RefundKind;
  orderNo: string;
  orderId: Types.ObjectId;
  transactionId: string;
  refundFen: number;
  totalFen: number;
  reason: string;
  status: RefundRecordStatus;
  /** The after-sales request this refund carries out (kind `after_sale`). */
  afterSaleId?: Types.ObjectId;
  /** WeChat Pay's id, once it accepted the refund. */
  refundId?: string;
  /** While one caller is asking WeChat Pay, others leave the refund alone until this time. */
  requestLeaseUntil?: Date;
  createdAt: Date;
  updatedAt: Date;
  succeededAt?: Date;
}

const refundSchema = new Schema<RefundRecord>(
  {
    outRefundNo: { type: String, required: true, unique: true },
    kind: { type: String, enum: refundKinds, required: true },
    orderNo: { type: String, required: true, index: true },
    orderId: { type: Schema.Types.ObjectId, required: true },
    transactionId: { type: String, required: true },
    refundFen: { type: Number, required: true },
    totalFen: { type: Number, required: true },
    reason: { type: String, required: true },
    status: { type: String, enum: refundStatuses, required: true },
    afterSaleId: { type: Schema.Types.ObjectId },
    refundId: { type: String },
    requestLeaseUntil: { type: Date },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    succeededAt: { type: Date },
  },
  { collection: 'refunds', versionKey: false },
);
// The reconciliation job's sweep over refunds still to request or to confirm.
refundSchema.index({ status: 1, updatedAt: 1 });

/**
 * A payment that was not applied because something does not add up (an amount that is not the order's,
 * an unknown order): kept for people to look at. One record per kind, order and transaction, however often
 * WeChat Pay repeats the notification.
 */
export type PaymentAnomalyKind = 'amount_mismatch' | 'unknown_order' | 'missing_transaction_id' | 'second_transaction';

export interface PaymentAnomaly {
  /** `<kind>:<outTradeNo>:<transactionId>` */
  _id: string;
  kind: PaymentAnomalyKind;
  outTradeNo: string;
  transactionId?: string;
  expectedFen?: number;
  receivedFen: number;
  source: PaymentSource;
  firstSeenAt: Date;
  lastSeenAt: Date;
  occurrences: number;
}

const paymentAnomalySchema = new Schema<PaymentAnomaly>(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true },
    outTradeNo: { type: String, required: true },
    transactionId: { type: String },
    expectedFen: { type: Number },
    receivedFen: { type: Number, required: true },
    source: { type: String, enum: ['notification', 'query'], required: true },
    firstSeenAt: { type: Date, required: true },
    lastSeenAt: { type: Date, required: true },
    occurrences: { type: Number, required: true },
  },
  { collection: 'payment_anomalies', versionKey: false },
);

export interface PaymentModels {
  Payment: Model<PaymentRecord>;
  Refund: Model<RefundRecord>;
  PaymentAnomaly: Model<PaymentAnomaly>;
}

export function paymentModels(connection: Connection): PaymentModels {
  return {
    Payment: modelOf(connection, 'Payment', paymentSchema),
    Refund: modelOf(connection, 'Refund', refundSchema),
    PaymentAnomaly: modelOf(connection, 'PaymentAnomaly', paymentAnomalySchema),
  };
}

/** Resolves once every payment index exists (unique transaction ids and refund numbers are what make applying them idempotent). */
export async function ensurePaymentIndexes(models: PaymentModels): Promise<void> {
  await Promise.all([models.Payment.init(), models.Refund.init(), models.PaymentAnomaly.init()]);
}
