import type { Document } from 'bson';
import { MongoServerError } from '../errors.ts';
import type { JournalOp } from '../persistence/types.ts';
import { findWith, type DataAccess, type StoredDocument } from './access.ts';
import type { Collection, IndexKeys } from './collection.ts';
import { unregisteredCollection, type Engine } from './engine.ts';

/** MongoDB's default transactionLifetimeLimitSeconds. */
export const TRANSACTION_LIFETIME_MS = 60_000;

export function writeConflict(detail: string): MongoServerError {
  return new MongoServerError(
    'WriteConflict',
    `Write conflict during plan execution and yielding is disabled. :: Please retry your operation or multi-document transaction. (${detail})`,
    { errorLabels: ['TransientTransactionError'] },
  );
}

export function noSuchTransaction(txnNumber: number): MongoServerError {
  return new MongoServerError('NoSuchTransaction', `Transaction with { txnNumber: ${txnNumber} } has been aborted.`, {
    errorLabels: ['TransientTransactionError'],
  });
}

type TransactionState = 'inProgress' | 'committed' | 'aborted';

/**
 * A multi-document transaction: reads a snapshot taken when it starts, buffers its writes, and
 * applies them atomically at commit. Write-write conflicts are detected per document (first writer
 * wins, as in MongoDB); unique indexes are checked on write and again at commit.
 */
export class Transaction {
  readonly txnNumber: number;
  readonly startedAt = Date.now();
  private readonly engine: Engine;
  private readonly lifetimeMs: number;
  private readonly snapshotTs: number;
  private status: TransactionState = 'inProgress';
  private failure: MongoServerError | null = null;
  private readonly writes = new Map<Collection, Map<string, Document | null>>();
  /** Collections this transaction created implicitly: invisible to others until it commits. */
  private readonly createdCollections = new Map<string, Collection>();
  readonly access: DataAccess;

  constructor(engine: Engine, txnNumber: number, lifetimeMs = TRANSACTION_LIFETIME_MS) {
    this.engine = engine;
    this.txnNumber = txnNumber;
    this.lifetimeMs = lifetimeMs;
    this.snapshotTs = engine.openSnapshot();
    this.access = new TransactionAccess(this, engine);
  }

  get state(): TransactionState {
    return this.status;
  }

  get expired(): boolean {
    return Date.now() - this.startedAt > this.lifetimeMs;
  }

  /** Marks the transaction as unable to commit; its next operation fails with a retryable error. */
  interrupt(reason: string): void {
    if (this.status === 'inProgress' && !this.failure) this.failure = writeConflict(reason);
  }

  /** Throws (and aborts) when the transaction can no longer be used. */
  ensureUsable(): void {
    if (this.status !== 'inProgress') throw noSuchTransaction(this.txnNumber);
    if (this.expired) {
      this.abort();
      throw new MongoServerError(
        'NoSuchTransaction',
        `Transaction ${this.txnNumber} has been aborted: it exceeded the ${this.lifetimeMs / 1000} s lifetime limit`,
        { errorLabels: ['TransientTransactionError'] },
      );
    }
    if (this.failure) {
      const failure = this.failure;
      this.abort();
      throw failure;
    }
  }

  read(coll: Collection, key: string): Document | null {
    const own = this.writes.get(coll);
    if (own?.has(key)) return own.get(key) ?? null;
    return coll.at(key, this.snapshotTs);
  }

  find(coll: Collection, filter: Document, limit?: number): StoredDocument[] {
    // Committed indexes describe documents unchanged since the snapshot; the others are checked
    // one by one: those changed after it, and the transaction's own writes.
    const extra = new Set<string>();
    for (const key of coll.versionedKeys()) {
      const head = coll.records.get(key);
      if (head && head.ts > this.snapshotTs) extra.add(key);
    }
    for (const key of this.writes.get(coll)?.keys() ?? []) extra.add(key);
    return findWith(coll, filter, (key) => this.read(coll, key), extra, limit);
  }

  write(coll: Collection, key: string, doc: Document | null): void {
    this.ensureUsable();
    const head = coll.records.get(key);
    if (head && head.ts > this.snapshotTs) this.fail(writeConflict(`${coll.ns} changed since the transaction started`));
    const holder = coll.lockedBy.get(key);
    if (holder && holder !== this) this.fail(writeConflict(`another transaction is writing the same document in ${coll.ns}`));
    let own = this.writes.get(coll);
    if (!own) {
      own = new Map();
      this.writes.set(coll, own);
    }
    if (doc) {
      try {
        this.checkUnique(coll, own, key, doc);
      } catch (error) {
        this.abort();
        throw error;
      }
    }
    own.set(key, doc);
    coll.lockedBy.set(key, this);
  }

  /** The named collection as the transaction sees it, including ones it created itself. */
  collection(db: string, name: string): Collection | undefined {
    return this.engine.collection(db, name) ?? this.createdCollections.get(`${db}.${name}`);
  }

  collectionForWrite(db: string, name: string): Collection {
    const existing = this.collection(db, name);
    if (existing) return existing;
    const created = unregisteredCollection(db, name);
    this.createdCollections.set(created.ns, created);
    return created;
  }

  /** Applies every write atomically at a new timestamp; idempotent once committed. */
  async commit(): Promise<void> {
    // A retried commit is acknowledged only once the first one is durable.
    if (this.status === 'committed') return this.engine.persist([]);
    this.ensureUsable();
    this.engine.assertWritable();
    const prepared: Array<{ coll: Collection; key: string; doc: Document | null; keys: IndexKeys | null }> = [];
    try {
      for (const created of this.createdCollections.values()) {
        if (this.engine.collection(created.db, created.name)) throw writeConflict(`${created.ns} was created by another operation`);
      }
      for (const [coll, own] of this.writes) {
        const registered = this.engine.collection(coll.db, coll.name);
        if (registered !== coll && this.createdCollections.get(coll.ns) !== coll) throw writeConflict(`${coll.ns} was dropped`);
        for (const [key, doc] of own) {
          const head = coll.records.get(key);
          if (head && head.ts > this.snapshotTs) throw writeConflict(`${coll.ns} changed since the transaction started`);
          const keys = doc ? this.checkUnique(coll, own, key, doc) : null;
          prepared.push({ coll, key, doc, keys });
        }
      }
    } catch (error) {
      this.abort();
      throw error;
    }
    const ts = this.engine.tick();
    const ops: JournalOp[] = [];
    for (const created of this.createdCollections.values()) this.engine.register(created, ops);
    for (const { coll, key, doc, keys } of prepared) {
      const before = coll.current(key);
      if (!doc && !before) continue;
      coll.applyWrite(key, doc, keys, ts, this.engine.retainHistory);
      ops.push(doc ? { op: 'put', db: coll.db, coll: coll.name, doc } : { op: 'del', db: coll.db, coll: coll.name, id: before?._id });
    }
    this.finish('committed');
    await this.engine.persist(ops);
  }

  abort(): void {
    if (this.status === 'inProgress') this.finish('aborted');
  }

  private fail(error: MongoServerError): never {
    this.abort();
    throw error;
  }

  private finish(status: TransactionState): void {
    this.status = status;
    for (const [coll, own] of this.writes) {
      for (const key of own.keys()) if (coll.lockedBy.get(key) === this) coll.lockedBy.delete(key);
    }
    this.writes.clear();
    this.createdCollections.clear();
    this.engine.closeSnapshot(this.snapshotTs);
  }

  /**
   * Unique checks against committed documents the transaction does not rewrite, and its own writes.
   * A clash with a document written after the snapshot, or held by another transaction, is a
   * WriteConflict as in MongoDB: the retried transaction then sees that document.
   */
  private checkUnique(coll: Collection, own: Map<string, Document | null>, key: string, doc: Document): IndexKeys {
    const keys = coll.indexKeysFor(
      key,
      doc,
      (holder) => own.has(holder),
      (index, holder, values) => {
        const head = coll.records.get(holder);
        const lockedByOther = coll.lockedBy.has(holder) && coll.lockedBy.get(holder) !== this;
        if ((head && head.ts > this.snapshotTs) || lockedByOther)
          return writeConflict(`a unique key in ${coll.ns} was written concurrently`);
        return index.duplicateKeyError(coll.ns, values);
      },
    );
    for (const [index, docKeys] of keys) {
      if (!index.unique) continue;
      const wanted = new Set(docKeys.map((k) => k.key));
      for (const [otherKey, other] of own) {
        if (otherKey === key || !other) continue;
        const clash = index.keysOf(other).find((k) => wanted.has(k.key));
        if (clash) throw index.duplicateKeyError(coll.ns, clash.values);
      }
    }
    return keys;
  }
}

/** A transaction's view: snapshot reads with its own writes on top. */
class TransactionAccess implements DataAccess {
  readonly engine: Engine;
  private readonly txn: Transaction;

  constructor(txn: Transaction, engine: Engine) {
    this.txn = txn;
    this.engine = engine;
  }

  collection(db: string, name: string): Collection | undefined {
    return this.txn.collection(db, name);
  }

  collectionForWrite(db: string, name: string): Collection {
    this.txn.ensureUsable();
    return this.txn.collectionForWrite(db, name);
  }

  get(coll: Collection, key: string): Document | null {
    this.txn.ensureUsable();
    return this.txn.read(coll, key);
  }

  find(coll: Collection | undefined, filter: Document, limit?: number): StoredDocument[] {
    this.txn.ensureUsable();
    return coll ? this.txn.find(coll, filter, limit) : [];
  }

  put(coll: Collection, key: string, doc: Document): void {
    this.txn.write(coll, key, doc);
  }

  remove(coll: Collection, key: string): void {
    if (this.txn.read(coll, key)) this.txn.write(coll, key, null);
  }

  finish(): Promise<void> {
    return Promise.resolve();
  }
}
