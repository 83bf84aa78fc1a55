import type { Model, UpdateQuery } from 'mongoose';
import type { OrderActor } from '@mall/shared';
import type { OrderHistoryRecord, OrderRecord } from './models.ts';
import { nextStatus, type OrderEvent } from './state-machine.ts';

export interface TransitionInput {
  actor: OrderActor;
  reason?: string;
  at: Date;
  /** Fields written in the same update as the new state (e.g. the payment, where the stock went). */
  set?: Partial<Pick<OrderRecord, 'payment' | 'stock' | 'shipping' | 'shippingUpload'>>;
}

/**
 * Applies `event` to the order as last read: the state machine says where it goes (or throws
 * OrderTransitionError), and one conditional update moves it there only if it is still in the state it was
 * read in, recording the history entry in the same write. Of racing callers exactly one gets the updated
 * order back; the others get null and must not run the transition's side effects.
 */
export async function transitionOrder(
  orders: Model<OrderRecord>,
  order: Pick<OrderRecord, '_id' | 'status' | 'statusBeforeRefund'>,
  event: OrderEvent,
  input: TransitionInput,
): Promise<OrderRecord | null> {
  const to = nextStatus(event, order.status, order.statusBeforeRefund);
  const entry: OrderHistoryRecord = {
    event,
    from: order.status,
    to,
    at: input.at,
    actor: input.actor,
    ...(input.reason !== undefined && { reason: input.reason }),
  };
  const update: UpdateQuery<OrderRecord> = {
    $set: { ...input.set, status: to, updatedAt: input.at, ...(to === 'refunding' && { statusBeforeRefund: order.status }) },
    $push: { history: entry },
  };
  return orders.findOneAndUpdate({ _id: order._id, status: order.status }, update, { returnDocument: 'after' }).lean<OrderRecord>();
}
