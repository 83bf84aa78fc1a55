/**
 * Rebuilds the state at startup: the snapshot (if any), then every journal record it does not cover.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Document } from 'bson';
import { journalFileName, listJournalFiles, replayJournalFile } from './journal.ts';
import { discardUnfinishedSnapshot, readSnapshot } from './snapshot.ts';
import type { JournalOp, JournalRecord, PersistedCollection, PersistedState } from './types.ts';
import { indexKeyOf } from '../values/bson-values.ts';

function idIndexSpec(): Document {
  return { v: 2, key: { _id: 1 }, name: '_id_' };
}

/** Documents are keyed like the engine keys them (equal `_id` values such as 1 and 1.0 share a key). */
class CollectionFold {
  readonly indexes: Map<string, Document>;
  /** Keyed lazily: collections the journal never touches keep their snapshot array as is. */
  private docsByKey: Map<string, Document> | undefined;

  constructor(
    public options: Document,
    indexes: Document[],
    private readonly initialDocs: Document[],
  ) {
    this.indexes = new Map(indexes.map((spec) => [spec.name as string, spec]));
  }

  put(doc: Document): void {
    if (!('_id' in doc)) throw new Error(`journal put without _id: ${JSON.stringify(doc)}`);
    this.keyed().set(indexKeyOf(doc._id), doc);
  }

  del(id: unknown): void {
    this.keyed().delete(indexKeyOf(id));
  }

  toPersisted(name: string): PersistedCollection {
    const docs = this.docsByKey ? [...this.docsByKey.values()] : this.initialDocs.slice();
    return { name, options: this.options, indexes: [...this.indexes.values()], docs };
  }

  private keyed(): Map<string, Document> {
    this.docsByKey ??= new Map(this.initialDocs.map((doc) => [indexKeyOf(doc._id), doc]));
    return this.docsByKey;
  }
}

/** Folds records into a state, with maps for by-key updates. Never mutates the state it starts from. */
export class StateFolder {
  private readonly databases = new Map<string, Map<string, CollectionFold>>();

  constructor(state: PersistedState) {
    for (const db of state.databases) {
      const collections = new Map<string, CollectionFold>();
      for (const coll of db.collections) {
        collections.set(coll.name, new CollectionFold(coll.options, coll.indexes, coll.docs));
      }
      this.databases.set(db.name, collections);
    }
  }

  apply(record: JournalRecord): void {
    for (const op of record) this.applyOp(op);
  }

  toState(): PersistedState {
    return {
      databases: [...this.databases].map(([name, collections]) => ({
        name,
        collections: [...collections].map(([collName, coll]) => coll.toPersisted(collName)),
      })),
    };
  }

  private applyOp(op: JournalOp): void {
    switch (op.op) {
      case 'put':
        this.collection(op.db, op.coll).put(op.doc);
        return;
      case 'del':
        this.existingCollection(op.db, op.coll)?.del(op.id);
        return;
      case 'createCollection': {
        // Replay may re-apply a create the snapshot already holds; keep its documents and indexes then.
        const existing = this.existingCollection(op.db, op.coll);
        if (existing) existing.options = op.options;
        else this.collection(op.db, op.coll, op.options);
        return;
      }
      case 'dropCollection': {
        const collections = this.databases.get(op.db);
        collections?.delete(op.coll);
        // Like MongoDB, a database exists only while it has collections.
        if (collections?.size === 0) this.databases.delete(op.db);
        return;
      }
      case 'createIndex':
        this.collection(op.db, op.coll).indexes.set(op.spec.name, op.spec);
        return;
      case 'dropIndex':
        this.existingCollection(op.db, op.coll)?.indexes.delete(op.name);
        return;
      case 'dropDatabase':
        this.databases.delete(op.db);
        return;
      default:
        throw new Error(`unknown journal op ${JSON.stringify(op)}`);
    }
  }

  private existingCollection(db: string, coll: string): CollectionFold | undefined {
    return this.databases.get(db)?.get(coll);
  }

  /** The collection, created with the default `_id_` index if missing (writes create collections implicitly). */
  private collection(db: string, coll: string, options: Document = {}): CollectionFold {
    let collections = this.databases.get(db);
    if (!collections) {
      collections = new Map();
      this.databases.set(db, collections);
    }
    let fold = collections.get(coll);
    if (!fold) {
      fold = new CollectionFold(options, [idIndexSpec()], []);
      collections.set(coll, fold);
    }
    return fold;
  }
}

/** Pure: returns `state` with `record` applied, leaving `state` untouched. */
export function applyRecord(state: PersistedState, record: JournalRecord): PersistedState {
  const folder = new StateFolder(state);
  folder.apply(record);
  return folder.toState();
}

export interface Recovery {
  state: PersistedState;
  /** Sequence number of the last record recovered. */
  lastSeq: number;
  /** The journal file new records should be appended to. */
  activeJournal: number;
  recoveredTornBytes: number;
}

/** Also tidies the directory: truncates a torn journal tail and deletes files a finished snapshot made obsolete. */
export async function recover(dir: string): Promise<Recovery> {
  await discardUnfinishedSnapshot(dir);
  const snapshot = await readSnapshot(dir);
  const journalStart = snapshot?.journalStart ?? 1;
  let lastSeq = snapshot?.lastSeq ?? 0;
  const folder = new StateFolder(snapshot?.state ?? { databases: [] });

  const fileNumbers = await listJournalFiles(dir);
  // Journals before journalStart are in the snapshot; a crash came between its rename and their deletion.
  for (const n of fileNumbers.filter((n) => n < journalStart)) await rm(join(dir, journalFileName(n)));
  const toReplay = fileNumbers.filter((n) => n >= journalStart);

  let recoveredTornBytes = 0;
  for (const [i, fileNumber] of toReplay.entries()) {
    if (fileNumber !== journalStart + i) {
      throw new Error(`journal file ${journalFileName(journalStart + i)} is missing from ${dir}`);
    }
    const result = await replayJournalFile(
      join(dir, journalFileName(fileNumber)),
      // Only the newest file can end in a torn write: a rotation finishes the previous file first.
      { firstSeq: lastSeq + 1, allowTornTail: i === toReplay.length - 1 },
      (record) => folder.apply(record),
    );
    lastSeq = result.lastSeq;
    recoveredTornBytes += result.tornBytes;
  }
  return { state: folder.toState(), lastSeq, activeJournal: toReplay.at(-1) ?? journalStart, recoveredTornBytes };
}
