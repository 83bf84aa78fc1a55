import { Schema, type Connection, type Model } from 'mongoose';
import { formatOrderNumber, shanghaiBusinessDay } from '@mall/shared';
import { isDuplicateKeyError } from '../db/errors.ts';
import { modelOf } from '../db/model-of.ts';

/** One counter per Asia/Shanghai business day: `_id` is `order:YYYY-MM-DD`, `seq` the last number handed out. */
interface DailyCounter {
  _id: string;
  seq: number;
}

const dailyCounterSchema = new Schema<DailyCounter>(
  { _id: { type: String, required: true }, seq: { type: Number, required: true } },
  { collection: 'order_number_counters', versionKey: false },
);

export function dailyCounterModel(connection: Connection): Model<DailyCounter> {
  return modelOf(connection, 'OrderNumberCounter', dailyCounterSchema);
}

/**
 * The next order number for `placedAt`'s business day: an atomic `$inc` on that day's counter, so
 * concurrent checkouts never share a number. The first two checkouts of a day may both try to create the
 * counter; the unique `_id` lets one insert win and the other simply increments.
 */
export async function allocateOrderNumber(counters: Model<DailyCounter>, placedAt: Date): Promise<string> {
  const _id = `order:${shanghaiBusinessDay(placedAt)}`;
  for (let attempt = 0; ; attempt += 1) {
    try {
      const counter = await counters
        .findOneAndUpdate({ _id }, { $inc: { seq: 1 } }, { upsert: true, returnDocument: 'after' })
        .lean<DailyCounter>();
      return formatOrderNumber(placedAt, counter!.seq);
    } catch (error) {
      if (!isDuplicateKeyError(error) || attempt >= 2) throw error;
    }
  }
}
