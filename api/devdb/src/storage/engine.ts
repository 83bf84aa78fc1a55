import type { Document } from 'bson';
import { MongoServerError } from '../errors.ts';
import type { JournalOp, JournalRecord, PersistedState } from '../persistence/types.ts';
import { Collection, documentKey } from './collection.ts';
import { validateIndexSpec, type IndexSpec } from './index.ts';

/** Where committed changes go: the durable journal, or nowhere for an in-memory engine. */
export interface ChangeSink {
  append(record: JournalRecord): Promise<void>;
}

const IN_MEMORY: ChangeSink = { append: async () => {} };

const INVALID_DB_CHARS = /[/\\. "$*<>:|?\0]/;

/**
 * The catalog of databases and collections, the commit clock and the set of open snapshots.
 * Every mutation runs synchronously inside one command, which is what makes each command atomic;
 * callers then await `persist()` before acknowledging.
 */
export class Engine {
  private readonly databases = new Map<string, Map<string, Collection>>();
  private clock = 0;
  private readonly openSnapshots = new Map<number, number>();
  private sink: ChangeSink = IN_MEMORY;
  /** The latest append: appends complete in order, so awaiting it awaits every earlier one. */
  private lastAppend: Promise<void> = Promise.resolve();
  private journalFailure: Error | null = null;

  setSink(sink: ChangeSink): void {
    this.sink = sink;
  }

  /** A new commit timestamp, later than every snapshot already taken. */
  tick(): number {
    return ++this.clock;
  }

  get now(): number {
    return this.clock;
  }

  openSnapshot(): number {
    const ts = this.clock;
    this.openSnapshots.set(ts, (this.openSnapshots.get(ts) ?? 0) + 1);
    return ts;
  }

  closeSnapshot(ts: number): void {
    const before = this.oldestSnapshot();
    const count = this.openSnapshots.get(ts) ?? 0;
    if (count <= 1) this.openSnapshots.delete(ts);
    else this.openSnapshots.set(ts, count - 1);
    const oldest = this.oldestSnapshot();
    // Versions become unreadable only when the oldest snapshot moves on.
    if (oldest === before) return;
    for (const db of this.databases.values()) for (const coll of db.values()) coll.pruneHistory(oldest);
  }

  /** Whether writes must keep the versions they replace for an open snapshot. */
  get retainHistory(): boolean {
    return this.openSnapshots.size > 0;
  }

  private oldestSnapshot(): number | null {
    let oldest: number | null = null;
    for (const ts of this.openSnapshots.keys()) if (oldest === null || ts < oldest) oldest = ts;
    return oldest;
  }

  /**
   * Resolves when `ops` — and every change made before them — is durable. Called with no ops (a
   * no-op write, a commit retry) it still waits, so nothing is acknowledged ahead of what it read.
   */
  persist(ops: JournalOp[]): Promise<void> {
    if (this.journalFailure) return Promise.reject(this.journalFailedError());
    if (ops.length > 0) {
      this.lastAppend = this.sink.append(ops).catch((error: Error) => {
        this.journalFailure ??= error;
        throw this.journalFailedError();
      });
    }
    return this.lastAppend;
  }

  /**
   * Memory must never run ahead of a journal that stopped working (recovery could not rebuild it):
   * after a failed append every write is refused until the engine is restarted.
   */
  assertWritable(): void {
    if (this.journalFailure) throw this.journalFailedError();
  }

  private journalFailedError(): MongoServerError {
    return new MongoServerError(
      'InternalError',
      `devdb cannot write: the journal failed (${this.journalFailure?.message ?? 'unknown error'}); restart the engine to recover`,
    );
  }

  databaseNames(): string[] {
    return [...this.databases.keys()];
  }

  collections(db: string): Collection[] {
    return [...(this.databases.get(db)?.values() ?? [])];
  }

  collection(db: string, name: string): Collection | undefined {
    return this.databases.get(db)?.get(name);
  }

  /** The collection, created (and journalled into `ops`) when missing, as MongoDB does on write. */
  ensureCollection(db: string, name: string, ops: JournalOp[], options: Document = {}): Collection {
    this.assertWritable();
    return this.collection(db, name) ?? this.register(unregisteredCollection(db, name, options), ops);
  }

  /** Adds a collection built outside the catalog (one a transaction created) and journals it. */
  register(coll: Collection, ops: JournalOp[]): Collection {
    let collections = this.databases.get(coll.db);
    if (!collections) {
      collections = new Map();
      this.databases.set(coll.db, collections);
    }
    collections.set(coll.name, coll);
    ops.push({ op: 'createCollection', db: coll.db, coll: coll.name, options: coll.options });
    return coll;
  }

  dropCollection(db: string, name: string, ops: JournalOp[]): boolean {
    this.assertWritable();
    const collections = this.databases.get(db);
    if (!collections?.delete(name)) return false;
    if (collections.size === 0) this.databases.delete(db);
    ops.push({ op: 'dropCollection', db, coll: name });
    return true;
  }

  dropDatabase(db: string, ops: JournalOp[]): void {
    this.assertWritable();
    if (this.databases.delete(db)) ops.push({ op: 'dropDatabase', db });
  }

  /** Rebuilds the catalog from recovered state (indexes are rebuilt from the documents). */
  load(state: PersistedState): void {
    for (const database of state.databases) {
      for (const persisted of database.collections) {
        const coll = this.ensureCollection(database.name, persisted.name, [], persisted.options);
        for (const doc of persisted.docs) coll.applyWrite(documentKey(doc._id), doc, null, 0, false);
        for (const spec of persisted.indexes) {
          if (spec.name !== '_id_') coll.addIndex(validateIndexSpec(spec) as IndexSpec);
        }
      }
    }
  }

  /** The full current state, for snapshot compaction (documents are immutable, so no copy). */
  exportState(): PersistedState {
    return {
      databases: [...this.databases].map(([name, collections]) => ({
        name,
        collections: [...collections.values()].map((coll) => ({
          name: coll.name,
          options: coll.options,
          indexes: coll.indexSpecs,
          docs: [...coll.liveEntries()].map(([, doc]) => doc),
        })),
      })),
    };
  }
}

/** A new, empty collection that is not (yet) in any catalog. */
export function unregisteredCollection(db: string, name: string, options: Document = {}): Collection {
  validateNamespace(db, name);
  return new Collection(db, name, options);
}

export function validateNamespace(db: string, coll: string): void {
  if (db === '' || INVALID_DB_CHARS.test(db)) {
    throw new MongoServerError('InvalidNamespace', `Invalid database name: '${db}'`);
  }
  if (coll === '' || coll.includes('\0') || coll.startsWith('.') || coll.startsWith('system.') || coll.includes('$')) {
    throw new MongoServerError('InvalidNamespace', `Invalid collection name: '${coll}'`);
  }
}
