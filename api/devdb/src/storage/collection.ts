import type { Document } from 'bson';
import { MongoServerError } from '../errors.ts';
import { formatValue } from '../values/bson-format.ts';
import { indexKeyOf, isPlainDocument } from '../values/bson-values.ts';
import { Index, type IndexSpec } from './index.ts';

/** The default `_id` index every collection has; the record map itself is that index. */
export const ID_INDEX_SPEC: IndexSpec = { v: 2, key: { _id: 1 }, name: '_id_' };

/**
 * One version of a document. Versions older than the head are kept only while a transaction
 * snapshot may still read them; `doc: null` is a deletion (tombstone).
 */
export interface Version {
  doc: Document | null;
  ts: number;
  /** Natural (insertion) order position, kept across updates. */
  seq: number;
  prev: Version | null;
}

/** What a transaction exposes to plain writes that touch a document it holds. */
export interface TransactionLock {
  interrupt(reason: string): void;
}

export type IndexKeys = Map<Index, Array<{ key: string; values: unknown[] }>>;

/** The primary key of a document: equal `_id` values (1, 1.0, Long(1)) share a key. */
export function documentKey(id: unknown): string {
  return indexKeyOf(id);
}

export class Collection {
  readonly db: string;
  readonly name: string;
  readonly options: Document;
  readonly records = new Map<string, Version>();
  readonly indexes = new Map<string, Index>();
  /** Transactions holding an uncommitted write on a document key (first writer wins). */
  readonly lockedBy = new Map<string, TransactionLock>();
  /** Keys whose chain holds versions kept for snapshots (or a tombstone). */
  private readonly versioned = new Set<string>();
  private liveCount = 0;
  private nextSeq = 0;

  constructor(db: string, name: string, options: Document = {}) {
    this.db = db;
    this.name = name;
    this.options = options;
  }

  get ns(): string {
    return `${this.db}.${this.name}`;
  }

  get size(): number {
    return this.liveCount;
  }

  get indexSpecs(): IndexSpec[] {
    return [ID_INDEX_SPEC, ...[...this.indexes.values()].map((index) => index.spec)];
  }

  current(key: string): Document | null {
    return this.records.get(key)?.doc ?? null;
  }

  /** The document as a snapshot taken at `ts` sees it. */
  at(key: string, ts: number): Document | null {
    let version = this.records.get(key) ?? null;
    while (version && version.ts > ts) version = version.prev;
    return version?.doc ?? null;
  }

  /** Natural-order position of a key, for ordering index lookups like a collection scan. */
  seqOf(key: string): number {
    return this.records.get(key)?.seq ?? Number.MAX_SAFE_INTEGER;
  }

  *liveEntries(): Generator<[string, Document]> {
    for (const [key, version] of this.records) if (version.doc) yield [key, version.doc];
  }

  /** Every key a snapshot could see: live documents plus keys with retained history. */
  allKeys(): IterableIterator<string> {
    return this.records.keys();
  }

  versionedKeys(): ReadonlySet<string> {
    return this.versioned;
  }

  /**
   * Keys of the documents that can match `filter`, from `_id` or an index on an equality field;
   * null when no index applies and the caller must scan. A superset: the filter still runs.
   */
  candidateKeys(filter: Document): string[] | null {
    const equalities = equalityConditions(filter);
    if (equalities.size === 0) return null;
    const ids = equalities.get('_id');
    if (ids) return ids.map(documentKey);
    let best: Set<string> | null = null;
    for (const index of this.indexes.values()) {
      if (!index.coversAllDocuments) continue;
      const values = equalities.get(index.fields[0]);
      if (!values) continue;
      const found = index.lookupFirstField(values);
      if (!best || found.size < best.size) best = found;
      if (best.size === 0) break;
    }
    if (!best) return null;
    return [...best].sort((a, b) => this.seqOf(a) - this.seqOf(b));
  }

  /**
   * Computes a document's index keys and checks unique indexes. `ignore(key)` names documents that
   * do not count as holders (the document itself, or ones a transaction rewrites); `clash` builds
   * the error for a holder (a duplicate key unless the caller knows better).
   */
  indexKeysFor(
    key: string,
    doc: Document,
    ignore: (docKey: string) => boolean,
    clash: (index: Index, holder: string, values: unknown[]) => MongoServerError = (index, _holder, values) =>
      index.duplicateKeyError(this.ns, values),
  ): IndexKeys {
    const result: IndexKeys = new Map();
    for (const index of this.indexes.values()) {
      const keys = index.keysOf(doc);
      const conflict = index.findConflict(keys, (holder) => holder === key || ignore(holder));
      if (conflict) throw clash(index, conflict.docKey, conflict.values);
      result.set(index, keys);
    }
    return result;
  }

  duplicateIdError(id: unknown): MongoServerError {
    return new MongoServerError(
      'DuplicateKey',
      `E11000 duplicate key error collection: ${this.ns} index: _id_ dup key: { _id: ${formatValue(id)} }`,
      {
        keyPattern: { _id: 1 },
        keyValue: { _id: id },
      },
    );
  }

  /**
   * Installs a new head version (doc or deletion) and maintains the indexes. Checks were done by
   * the caller (`indexKeysFor`), so this cannot fail half-way.
   */
  applyWrite(key: string, doc: Document | null, keys: IndexKeys | null, ts: number, retainHistory: boolean): void {
    const head = this.records.get(key);
    const before = head?.doc ?? null;
    if (before) {
      for (const index of this.indexes.values()) index.remove(key, index.keysOf(before));
      this.liveCount--;
    }
    if (doc) {
      for (const index of this.indexes.values()) index.add(key, keys?.get(index) ?? index.keysOf(doc));
      this.liveCount++;
    }
    const seq = before && head ? head.seq : this.nextSeq++;
    if (retainHistory && head) {
      this.records.set(key, { doc, ts, seq, prev: head });
      this.versioned.add(key);
    } else if (doc) {
      if (!before && head) this.records.delete(key); // a tombstone: re-insert at the end, like MongoDB
      this.records.set(key, { doc, ts, seq, prev: null });
    } else {
      this.records.delete(key);
    }
  }

  /** Drops versions no snapshot can read any more (`oldestSnapshot` null: no snapshot is open). */
  pruneHistory(oldestSnapshot: number | null): void {
    for (const key of this.versioned) {
      const head = this.records.get(key);
      if (!head) {
        this.versioned.delete(key);
        continue;
      }
      let version: Version | null = head;
      while (version && oldestSnapshot !== null && version.ts > oldestSnapshot) version = version.prev;
      if (version) version.prev = null;
      if (version === head || !head.prev) {
        this.versioned.delete(key);
        if (!head.doc) this.records.delete(key);
      }
    }
  }

  addIndex(spec: IndexSpec): void {
    const index = new Index(spec);
    for (const [key, doc] of this.liveEntries()) {
      const keys = index.keysOf(doc);
      const conflict = index.findConflict(keys, (holder) => holder === key);
      if (conflict) throw index.duplicateKeyError(this.ns, conflict.values);
      index.add(key, keys);
    }
    this.indexes.set(spec.name, index);
  }

  dropIndex(name: string): void {
    this.indexes.delete(name);
  }
}

/** Top-level (and `$and`) equality conditions usable for an index lookup: field → values. */
function equalityConditions(filter: Document): Map<string, unknown[]> {
  const result = new Map<string, unknown[]>();
  const visit = (clause: Document): void => {
    for (const [field, condition] of Object.entries(clause)) {
      if (field === '$and' && Array.isArray(condition)) {
        for (const part of condition) if (isPlainDocument(part)) visit(part);
        continue;
      }
      if (field.startsWith('$')) continue;
      const values = equalityValues(condition);
      if (values && !result.has(field)) result.set(field, values);
    }
  };
  visit(filter);
  return result;
}

function equalityValues(condition: unknown): unknown[] | null {
  if (isPlainDocument(condition)) {
    const keys = Object.keys(condition);
    if (keys.length === 0 || !keys.some((k) => k.startsWith('$'))) return [condition];
    if ('$eq' in condition && indexable(condition.$eq)) return [condition.$eq];
    if ('$in' in condition && Array.isArray(condition.$in) && condition.$in.every(indexable)) return condition.$in;
    return null;
  }
  return indexable(condition) ? [condition] : null;
}

/** Values whose matches are exactly the documents indexed under that value's key. */
function indexable(value: unknown): boolean {
  if (value === undefined || Array.isArray(value) || value instanceof RegExp) return false;
  if (isPlainDocument(value)) return !Object.keys(value).some((k) => k.startsWith('$'));
  return (value as { _bsontype?: string } | null)?._bsontype !== 'BSONRegExp';
}
