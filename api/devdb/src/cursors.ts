import { calculateObjectSize, Long } from 'bson';
import type { Document } from 'bson';
import { MongoServerError } from './errors.ts';
import { MAX_BSON_OBJECT_SIZE } from './limits.ts';

/** MongoDB's default first batch size for find and aggregate. */
export const DEFAULT_FIRST_BATCH = 101;
/** A reply must fit in maxBsonObjectSize; batches stop a little short to leave room for the envelope. */
const MAX_BATCH_BYTES = MAX_BSON_OBJECT_SIZE - 16 * 1024;
/** MongoDB's cursorTimeoutMillis default. */
export const CURSOR_IDLE_TIMEOUT_MS = 10 * 60_000;

interface OpenCursor {
  ns: string;
  docs: Document[];
  position: number;
  lastUsed: number;
  noTimeout: boolean;
}

/**
 * Cursors over fully computed results: the engine evaluates a query at once (a consistent view,
 * like a snapshot read) and hands out batches by count and by size.
 */
export class CursorRegistry {
  private readonly cursors = new Map<bigint, OpenCursor>();
  private readonly idleTimeoutMs: number;

  constructor(idleTimeoutMs = CURSOR_IDLE_TIMEOUT_MS) {
    this.idleTimeoutMs = idleTimeoutMs;
  }

  get openCount(): number {
    return this.cursors.size;
  }

  /** The `cursor` reply field for a new result: first batch, and an id when more remains. */
  open(ns: string, docs: Document[], options: { batchSize?: number; singleBatch?: boolean; noTimeout?: boolean }): Document {
    const cursor: OpenCursor = { ns, docs, position: 0, lastUsed: Date.now(), noTimeout: options.noTimeout === true };
    const firstBatch = takeBatch(cursor, options.batchSize ?? DEFAULT_FIRST_BATCH);
    let id = 0n;
    if (cursor.position < docs.length && !options.singleBatch) {
      id = this.newId();
      this.cursors.set(id, cursor);
    }
    return { id: Long.fromBigInt(id), ns, firstBatch };
  }

  getMore(id: bigint, ns: string, batchSize: number | undefined): Document {
    const cursor = this.cursors.get(id);
    if (!cursor) throw new MongoServerError('CursorNotFound', `cursor id ${id} not found`);
    if (cursor.ns !== ns) {
      throw new MongoServerError(
        'Unauthorized',
        `Requested getMore on namespace '${ns}', but cursor belongs to a different namespace ${cursor.ns}`,
      );
    }
    cursor.lastUsed = Date.now();
    const nextBatch = takeBatch(cursor, batchSize || Number.MAX_SAFE_INTEGER);
    const exhausted = cursor.position >= cursor.docs.length;
    if (exhausted) this.cursors.delete(id);
    return { id: Long.fromBigInt(exhausted ? 0n : id), ns, nextBatch };
  }

  kill(ids: bigint[]): { cursorsKilled: Long[]; cursorsNotFound: Long[] } {
    const cursorsKilled: Long[] = [];
    const cursorsNotFound: Long[] = [];
    for (const id of ids) (this.cursors.delete(id) ? cursorsKilled : cursorsNotFound).push(Long.fromBigInt(id));
    return { cursorsKilled, cursorsNotFound };
  }

  /** Closes cursors idle for longer than the timeout. */
  sweep(now = Date.now()): void {
    for (const [id, cursor] of this.cursors) {
      if (!cursor.noTimeout && now - cursor.lastUsed > this.idleTimeoutMs) this.cursors.delete(id);
    }
  }

  private newId(): bigint {
    let id: bigint;
    do {
      id = BigInt(Math.floor(Math.random() * 2 ** 52) + 1) * 2048n + BigInt(Math.floor(Math.random() * 2048));
    } while (this.cursors.has(id));
    return id;
  }
}

function takeBatch(cursor: OpenCursor, batchSize: number): Document[] {
  const batch: Document[] = [];
  let bytes = 0;
  while (cursor.position < cursor.docs.length && batch.length < batchSize) {
    const doc = cursor.docs[cursor.position];
    const size = calculateObjectSize(doc);
    if (size > MAX_BSON_OBJECT_SIZE) {
      throw new MongoServerError(
        'BSONObjectTooLarge',
        `a result document of ${size} bytes exceeds the ${MAX_BSON_OBJECT_SIZE}-byte BSON limit`,
      );
    }
    if (batch.length > 0 && bytes + size > MAX_BATCH_BYTES) break;
    batch.push(doc);
    bytes += size;
    cursor.position++;
  }
  return batch;
}
