import { Schema, type Connection, type Model } from 'mongoose';
import type { LogisticsTrace } from '@mall/shared';
import { modelOf } from '../db/model-of.ts';

/**
 * The last trace fetched for an order's parcel, shared by every API instance: the provider is asked at most once
 * per TRACE_CACHE_MS per order, however often the shopper and the merchant look.
 */
export interface LogisticsTraceCacheRecord {
  /** The order number. */
  _id: string;
  carrier: string;
  trackingNo: string;
  trace: Omit<LogisticsTrace, 'queriedAt'>;
  queriedAt: Date;
}

const traceCacheSchema = new Schema<LogisticsTraceCacheRecord>(
  {
    _id: { type: String, required: true },
    carrier: { type: String, required: true },
    trackingNo: { type: String, required: true },
    trace: { type: Schema.Types.Mixed, required: true },
    // Stale entries are only ever replaced; the TTL index removes those of orders nobody looks at any more.
    queriedAt: { type: Date, required: true, expires: 7 * 24 * 60 * 60 },
  },
  { collection: 'order_logistics_traces', versionKey: false },
);

export interface FulfilmentModels {
  LogisticsTraceCache: Model<LogisticsTraceCacheRecord>;
}

export function fulfilmentModels(connection: Connection): FulfilmentModels {
  return { LogisticsTraceCache: modelOf(connection, 'LogisticsTraceCache', traceCacheSchema) };
}

export async function ensureFulfilmentIndexes(models: FulfilmentModels): Promise<void> {
  await models.LogisticsTraceCache.init();
}
