/**
 * The after-sales request's states and the only transitions between them (see the diagram in
 * shared/src/api/after-sales.ts). Like the order's, every change is one conditional update on the state the
 * request was read in, so of racing callers (two approvals, a cancel and a rejection, ten refund
 * notifications) exactly one wins and only the winner runs the side effects.
 */
import type { Model, UpdateQuery } from 'mongoose';
import type { AfterSaleEvent, AfterSaleStatus, OrderActor } from '@mall/shared';
import type { AfterSaleHistoryRecord, AfterSaleRecord } from './models.ts';

const transitions: Record<AfterSaleEvent, { from: readonly AfterSaleStatus[]; to: AfterSaleStatus }> = {
  approve: { from: ['requested'], to: 'refunding' },
  approve_return: { from: ['requested'], to: 'awaiting_return' },
  ship_return: { from: ['awaiting_return'], to: 'return_shipped' },
  confirm_return: { from: ['return_shipped'], to: 'refunding' },
  // Also from refund_failed: an abnormal refund redirected in WeChat Pay succeeds under its own number.
  refund_succeeded: { from: ['refunding', 'refund_failed'], to: 'refunded' },
  refund_failed: { from: ['refunding'], to: 'refund_failed' },
  retry_refund: { from: ['refund_failed'], to: 'refunding' },
  reject: { from: ['requested', 'awaiting_return', 'return_shipped'], to: 'rejected' },
  cancel: { from: ['requested', 'awaiting_return'], to: 'cancelled' },
};

export class AfterSaleTransitionError extends Error {
  constructor(
    readonly event: AfterSaleEvent,
    readonly from: AfterSaleStatus,
  ) {
    super(`an after-sales request in ${from} cannot ${event}`);
    this.name = 'AfterSaleTransitionError';
  }
}

export function afterSaleStatesAllowing(event: AfterSaleEvent): readonly AfterSaleStatus[] {
  return transitions[event].from;
}

export function nextAfterSaleStatus(event: AfterSaleEvent, from: AfterSaleStatus): AfterSaleStatus {
  const rule = transitions[event];
  if (!rule.from.includes(from)) throw new AfterSaleTransitionError(event, from);
  return rule.to;
}

type AfterSaleFields = Pick<
  AfterSaleRecord,
  'approvedFen' | 'restock' | 'restockLines' | 'returnShipment' | 'rejectReason' | 'refundAttempts' | 'outRefundNo' | 'refundedAt'
>;

export interface AfterSaleTransitionInput {
  actor: OrderActor;
  reason?: string;
  at: Date;
  /** Fields written in the same update as the new state. */
  set?: Partial<AfterSaleFields>;
}

/**
 * Applies `event` to the request as last read, in one conditional update that also appends the history entry.
 * Returns the updated request to the one caller that won, null to the others.
 */
export async function transitionAfterSale(
  afterSales: Model<AfterSaleRecord>,
  afterSale: Pick<AfterSaleRecord, '_id' | 'status'>,
  event: AfterSaleEvent,
  input: AfterSaleTransitionInput,
): Promise<AfterSaleRecord | null> {
  const to = nextAfterSaleStatus(event, afterSale.status);
  const entry: AfterSaleHistoryRecord = {
    event,
    from: afterSale.status,
    to,
    at: input.at,
    actor: input.actor,
    ...(input.reason !== undefined && { reason: input.reason }),
  };
  const update: UpdateQuery<AfterSaleRecord> = { $set: { ...input.set, status: to, updatedAt: input.at }, $push: { history: entry } };
  return afterSales
    .findOneAndUpdate({ _id: afterSale._id, status: afterSale.status }, update, { returnDocument: 'after' })
    .lean<AfterSaleRecord>();
}
