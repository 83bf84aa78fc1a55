import { createHash } from 'node:crypto';
import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { isDuplicateKeyError } from '../../db/errors.ts';
import { modelOf } from '../../db/model-of.ts';
import type { WecomCallbackEvent } from './callback-crypto.ts';

/**
 * A WeCom callback event as received, once: WeCom retries an event it thinks we missed, so events are
 * stored under a key derived from what identifies them, and the domain that acts on them (guide binding,
 * transfers) takes the unprocessed ones from here.
 */
export interface StoredWecomEvent {
  _id: Types.ObjectId;
  dedupeKey: string;
  type: WecomCallbackEvent['type'];
  event: WecomCallbackEvent;
  receivedAt: Date;
  /** Set by whoever acts on the event. */
  processedAt?: Date;
  /** What acting on it did (or why it was ignored), for people reading the collection. */
  outcome?: string;
  /** Attempts at acting on it so far. */
  attempts?: number;
  /** While unprocessed: when it may next be tried (an attempt under way holds it until then). */
  nextAttemptAt?: Date;
  lastError?: string;
  /** Set when the attempts ran out: it stays unprocessed, for people to look at. */
  gaveUpAt?: Date;
}

const storedWecomEventSchema = new Schema<StoredWecomEvent>(
  {
    dedupeKey: { type: String, required: true, unique: true },
    type: { type: String, required: true },
    event: { type: Schema.Types.Mixed, required: true },
    receivedAt: { type: Date, required: true },
    processedAt: { type: Date },
    outcome: { type: String },
    attempts: { type: Number },
    nextAttemptAt: { type: Date },
    lastError: { type: String },
    gaveUpAt: { type: Date },
  },
  { collection: 'wecom_callback_events', versionKey: false },
);
// The consumer's query: what is still to do, oldest first.
storedWecomEventSchema.index({ processedAt: 1, receivedAt: 1 });

export function wecomEventModel(connection: Connection): Model<StoredWecomEvent> {
  return modelOf(connection, 'StoredWecomEvent', storedWecomEventSchema);
}

/** The same event delivered twice (WeCom's retries) gets the same key; different events never do. */
export function wecomEventKey(event: WecomCallbackEvent): string {
  return createHash('sha256').update(JSON.stringify(event)).digest('hex');
}

/** Stores the event unless it is already stored; true when this call stored it. */
export async function recordWecomEvent(model: Model<StoredWecomEvent>, event: WecomCallbackEvent, receivedAt: Date): Promise<boolean> {
  try {
    const result = await model.updateOne(
      { dedupeKey: wecomEventKey(event) },
      { $setOnInsert: { type: event.type, event, receivedAt } },
      { upsert: true },
    );
    return result.upsertedCount === 1;
  } catch (error) {
    // Two deliveries of one event racing: both upserts miss, the unique index lets one insert win.
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}
