import type { Document } from 'bson';

/** One change inside a journal record; `put` and `del` carry full after-images, so replaying them is idempotent. */
export type JournalOp =
  | { op: 'put'; db: string; coll: string; doc: Document } // doc._id is the key
  | { op: 'del'; db: string; coll: string; id: unknown } // delete by _id value
  | { op: 'createCollection'; db: string; coll: string; options: Document }
  | { op: 'dropCollection'; db: string; coll: string }
  | { op: 'createIndex'; db: string; coll: string; spec: Document } // spec has `name` and `key`
  | { op: 'dropIndex'; db: string; coll: string; name: string }
  | { op: 'dropDatabase'; db: string };

/** One atomic unit of change (one command's or one transaction's after-images). */
export type JournalRecord = JournalOp[];

export interface PersistedCollection {
  name: string;
  options: Document;
  indexes: Document[];
  docs: Document[];
}

export interface PersistedDatabase {
  name: string;
  collections: PersistedCollection[];
}

export interface PersistedState {
  databases: PersistedDatabase[];
}
