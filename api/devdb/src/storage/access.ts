import type { Document } from 'bson';
import type { JournalOp } from '../persistence/types.ts';
import { compileFilter } from '../query/index.ts';
import type { Collection } from './collection.ts';
import type { Engine } from './engine.ts';

export interface StoredDocument {
  key: string;
  doc: Document;
}

/**
 * How a command reads and writes: straight to the committed state, or through a transaction's
 * snapshot and write set. Command code is written once against this interface.
 */
export interface DataAccess {
  readonly engine: Engine;
  collection(db: string, name: string): Collection | undefined;
  /** The collection for a write, created implicitly like MongoDB does. */
  collectionForWrite(db: string, name: string): Collection;
  get(coll: Collection, key: string): Document | null;
  /** Matching documents in natural order (index lookups are re-ordered to match a scan), at most `limit`. */
  find(coll: Collection | undefined, filter: Document, limit?: number): StoredDocument[];
  /** Inserts or replaces a document; throws duplicate-key and conflict errors before changing anything. */
  put(coll: Collection, key: string, doc: Document): void;
  remove(coll: Collection, key: string): void;
  /** Makes the command's writes durable (non-transactional access); a no-op inside a transaction. */
  finish(): Promise<void>;
}

/**
 * Matching documents among candidate keys (or a full scan) read through `read`; `extraKeys` are
 * keys an index on the committed state cannot vouch for (a transaction's snapshot and writes).
 */
export function findWith(
  coll: Collection,
  filter: Document,
  read: (key: string) => Document | null,
  extraKeys?: Iterable<string>,
  limit = Number.POSITIVE_INFINITY,
): StoredDocument[] {
  const matches = compileFilter(filter);
  const candidates = coll.candidateKeys(filter);
  let keys: Iterable<string> = candidates ?? coll.allKeys();
  if (extraKeys || candidates) {
    const merged = new Set<string>(keys);
    for (const key of extraKeys ?? []) merged.add(key);
    keys = [...merged].sort((a, b) => coll.seqOf(a) - coll.seqOf(b));
  }
  const result: StoredDocument[] = [];
  for (const key of keys) {
    const doc = read(key);
    if (doc && matches(doc)) {
      result.push({ key, doc });
      if (result.length >= limit) break;
    }
  }
  return result;
}

/** Direct access to the committed state: each write is visible at once and journalled on finish. */
export class CommittedAccess implements DataAccess {
  readonly engine: Engine;
  private readonly ops: JournalOp[] = [];

  constructor(engine: Engine) {
    this.engine = engine;
  }

  collection(db: string, name: string): Collection | undefined {
    return this.engine.collection(db, name);
  }

  collectionForWrite(db: string, name: string): Collection {
    return this.engine.ensureCollection(db, name, this.ops);
  }

  get(coll: Collection, key: string): Document | null {
    return coll.current(key);
  }

  find(coll: Collection | undefined, filter: Document, limit?: number): StoredDocument[] {
    if (!coll) return [];
    return findWith(coll, filter, (key) => coll.current(key), undefined, limit);
  }

  put(coll: Collection, key: string, doc: Document): void {
    this.engine.assertWritable();
    const keys = coll.indexKeysFor(key, doc, () => false);
    this.interruptTransactionOn(coll, key);
    coll.applyWrite(key, doc, keys, this.engine.tick(), this.engine.retainHistory);
    this.ops.push({ op: 'put', db: coll.db, coll: coll.name, doc });
  }

  remove(coll: Collection, key: string): void {
    const doc = coll.current(key);
    if (!doc) return;
    this.engine.assertWritable();
    this.interruptTransactionOn(coll, key);
    coll.applyWrite(key, null, null, this.engine.tick(), this.engine.retainHistory);
    this.ops.push({ op: 'del', db: coll.db, coll: coll.name, id: doc._id });
  }

  /**
   * A plain write to a document a transaction has written wins; the transaction can no longer
   * commit and fails with a retryable WriteConflict (MongoDB would make the plain write wait).
   */
  private interruptTransactionOn(coll: Collection, key: string): void {
    coll.lockedBy.get(key)?.interrupt(`a write outside the transaction changed a document it wrote in ${coll.ns}`);
  }

  finish(): Promise<void> {
    return this.engine.persist(this.ops.splice(0));
  }
}
