import { Schema } from 'mongoose';
import { orderActorSchema, type OrderActor } from '@mall/shared';

/**
 * One entry of a state machine's history (an order's, an after-sales request's): the event, the states it moved
 * between, when, who caused it and why. Written in the same guarded update as the transition.
 */
export interface HistoryRecord<Event extends string, Status extends string> {
  event: Event;
  from: Status | null;
  to: Status;
  at: Date;
  actor: OrderActor;
  reason?: string;
}

/** The schema of a history entry whose event and states are among these (enforced by the database layer too). */
export function historyEntrySchema(events: readonly string[], statuses: readonly string[]): Schema {
  return new Schema(
    {
      event: { type: String, enum: events, required: true },
      from: { type: String, enum: [...statuses, null], default: null },
      to: { type: String, enum: statuses, required: true },
      at: { type: Date, required: true },
      actor: {
        type: new Schema(
          { type: { type: String, enum: orderActorSchema.shape.type.options, required: true }, id: { type: String } },
          { _id: false },
        ),
        required: true,
      },
      reason: { type: String },
    },
    { _id: false },
  );
}

/** The entry as the API shows it (ISO time, no absent fields). */
export function historyEntryView<Event extends string, Status extends string>(entry: HistoryRecord<Event, Status>) {
  return {
    event: entry.event,
    from: entry.from,
    to: entry.to,
    at: entry.at.toISOString(),
    actor: { type: entry.actor.type, ...(entry.actor.id !== undefined && { id: entry.actor.id }) },
    ...(entry.reason !== undefined && { reason: entry.reason }),
  };
}
