import { Schema, type Connection, type Model, type Types } from 'mongoose';
import {
  handoverModes,
  handoverSkipReasons,
  handoverStatuses,
  transferFailures,
  transferStatuses,
  type HandoverMode,
  type HandoverSkipReason,
  type HandoverStatus,
  type TransferFailure,
  type TransferStatus,
} from '@mall/shared';
import { modelOf } from '../db/model-of.ts';

/**
 * A merchant's handover of a guide's customers to another guide. Made once per staff member and Idempotency-Key
 * (a unique index), so a repeated request finds the handover it made. While `moving`, whoever runs it holds it
 * until `leaseUntil`: a run that died is taken up again by the job once the lease ran out.
 */
export interface HandoverRecord {
  _id: Types.ObjectId;
  fromGuideId: Types.ObjectId;
  toGuideId: Types.ObjectId;
  mode: HandoverMode;
  /** Absent: every customer bound to the source guide when the handover runs. */
  customerIds?: Types.ObjectId[];
  transferMessage?: string;
  byStaffId: Types.ObjectId;
  idempotencyKey: string;
  /** What was asked (guides, customers, message): the same key with another request is refused. */
  requestHash: string;
  status: HandoverStatus;
  leaseUntil?: Date;
  createdAt: Date;
  finishedAt?: Date;
}

/** The customer's WeCom transfer, for those who had the source guide on WeCom. */
export interface CustomerTransferRecord {
  externalUserId: string;
  /** The WeCom userid the customer follows (the source guide's when they added them). */
  handoverUserId: string;
  takeoverUserId?: string;
  /** From a guide who left: WeCom's resigned transfer. */
  resigned: boolean;
  status: TransferStatus;
  failure?: TransferFailure;
  errcode?: number;
  /** What went wrong last (a call that failed), for people reading the record. */
  lastError?: string;
  /** Calls made to request it. */
  attempts: number;
  /** When the job next requests it (pending) or asks WeCom for its result (requested, waiting). */
  nextAttemptAt?: Date;
  requestedAt?: Date;
  checkedAt?: Date;
  settledAt?: Date;
  /** WeCom's takeover time of a done transfer. */
  takeoverAt?: Date;
}

/**
 * What a handover did with one customer (collection `handover_transfers`): moved — written in the same transaction
 * as the binding it moved — or skipped, and the customer's WeCom transfer with WeCom's answers. One per handover
 * and customer (unique): a handover taken up again skips the customers it has handled.
 */
export interface HandoverCustomerRecord {
  _id: Types.ObjectId;
  handoverId: Types.ObjectId;
  shopperId: Types.ObjectId;
  outcome: 'moved' | 'skipped';
  skipReason?: HandoverSkipReason;
  wecom?: CustomerTransferRecord;
  at: Date;
}

const handoverSchema = new Schema<HandoverRecord>(
  {
    fromGuideId: { type: Schema.Types.ObjectId, required: true },
    toGuideId: { type: Schema.Types.ObjectId, required: true },
    mode: { type: String, enum: handoverModes, required: true },
    customerIds: { type: [Schema.Types.ObjectId], default: undefined },
    transferMessage: { type: String },
    byStaffId: { type: Schema.Types.ObjectId, required: true },
    idempotencyKey: { type: String, required: true },
    requestHash: { type: String, required: true },
    status: { type: String, enum: handoverStatuses, required: true },
    leaseUntil: { type: Date },
    createdAt: { type: Date, required: true },
    finishedAt: { type: Date },
  },
  { collection: 'handovers', versionKey: false },
);
handoverSchema.index({ byStaffId: 1, idempotencyKey: 1 }, { unique: true });
// The console's lists (a guide's handovers, out or in, newest first) and the job's look for stalled runs.
handoverSchema.index({ createdAt: -1 });
handoverSchema.index({ fromGuideId: 1, createdAt: -1 });
handoverSchema.index({ toGuideId: 1, createdAt: -1 });
handoverSchema.index({ status: 1, leaseUntil: 1 });

const customerTransferSchema = new Schema<CustomerTransferRecord>(
  {
    externalUserId: { type: String, required: true },
    handoverUserId: { type: String, required: true },
    takeoverUserId: { type: String },
    resigned: { type: Boolean, required: true },
    status: { type: String, enum: transferStatuses, required: true },
    failure: { type: String, enum: transferFailures },
    errcode: { type: Number },
    lastError: { type: String },
    attempts: { type: Number, required: true },
    nextAttemptAt: { type: Date },
    requestedAt: { type: Date },
    checkedAt: { type: Date },
    settledAt: { type: Date },
    takeoverAt: { type: Date },
  },
  { _id: false },
);

const handoverCustomerSchema = new Schema<HandoverCustomerRecord>(
  {
    handoverId: { type: Schema.Types.ObjectId, required: true },
    shopperId: { type: Schema.Types.ObjectId, required: true },
    outcome: { type: String, enum: ['moved', 'skipped'], required: true },
    skipReason: { type: String, enum: handoverSkipReasons },
    wecom: { type: customerTransferSchema },
    at: { type: Date, required: true },
  },
  { collection: 'handover_transfers', versionKey: false },
);
handoverCustomerSchema.index({ handoverId: 1, shopperId: 1 }, { unique: true });
// A handover's customers in the order they were handled.
handoverCustomerSchema.index({ handoverId: 1, _id: 1 });
// The job's due transfers: to request (pending) or to ask WeCom about (requested, waiting).
handoverCustomerSchema.index({ 'wecom.status': 1, 'wecom.nextAttemptAt': 1 }, { partialFilterExpression: { wecom: { $exists: true } } });

export interface InheritanceModels {
  Handover: Model<HandoverRecord>;
  HandoverCustomer: Model<HandoverCustomerRecord>;
}

export function inheritanceModels(connection: Connection): InheritanceModels {
  return {
    Handover: modelOf(connection, 'Handover', handoverSchema),
    HandoverCustomer: modelOf(connection, 'HandoverCustomer', handoverCustomerSchema),
  };
}

/** Resolves once the unique indexes exist: one handover per staff member and key, one outcome per handover and customer. */
export async function ensureInheritanceIndexes(models: InheritanceModels): Promise<void> {
  await Promise.all([models.Handover.init(), models.HandoverCustomer.init()]);
}
