/**
 * `snapshot.bson` holds the full state as a stream of frames (frame.ts: length + CRC-32 + BSON), so its size is not
 * bounded by BSON's 16 MB document limit. Frames, in order:
 *   { format: 'devdb-snapshot', version: 1, journalStart, lastSeq }  header
 *   { database: name }                                               starts a database
 *   { collection: name, options, indexes }                           starts a collection of the last database
 *   { doc }                                                          one document of the last collection
 *   { end: true }                                                    proves the file is complete
 * `journalStart` is the first journal file the snapshot does not cover; `lastSeq` the last record it does cover.
 * A snapshot is written to a temp file, fsync'd, renamed over `snapshot.bson` and the directory fsync'd, so a crash
 * leaves either the previous snapshot or the new one.
 */
import { open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Document } from 'bson';
import { encodeFrame, readFrame } from './frame.ts';
import { fsyncDir, writeFully } from './file-io.ts';
import type { PersistedCollection, PersistedDatabase, PersistedState } from './types.ts';

const SNAPSHOT_FILE = 'snapshot.bson';
const TEMP_FILE = 'snapshot.bson.tmp';
const FORMAT = 'devdb-snapshot';
const VERSION = 1;
/** Frames are gathered into writes of about this size. */
const WRITE_CHUNK_BYTES = 1 << 20;

export interface SnapshotPosition {
  journalStart: number;
  lastSeq: number;
}

export interface Snapshot extends SnapshotPosition {
  state: PersistedState;
}

/** Serializes synchronously, so `state` may be made of live engine objects that change right after. */
export function encodeSnapshot(state: PersistedState, position: SnapshotPosition): Buffer[] {
  const frames = [encodeFrame({ format: FORMAT, version: VERSION, ...position })];
  for (const db of state.databases) {
    frames.push(encodeFrame({ database: db.name }));
    for (const coll of db.collections) {
      frames.push(encodeFrame({ collection: coll.name, options: coll.options, indexes: coll.indexes }));
      for (const doc of coll.docs) frames.push(encodeFrame({ doc }));
    }
  }
  frames.push(encodeFrame({ end: true }));
  return frames;
}

export async function writeSnapshot(dir: string, frames: Buffer[]): Promise<void> {
  const tempPath = join(dir, TEMP_FILE);
  const handle = await open(tempPath, 'w');
  try {
    let chunk: Buffer[] = [];
    let chunkBytes = 0;
    for (const frame of frames) {
      chunk.push(frame);
      chunkBytes += frame.length;
      if (chunkBytes >= WRITE_CHUNK_BYTES) {
        await writeFully(handle, Buffer.concat(chunk));
        chunk = [];
        chunkBytes = 0;
      }
    }
    await writeFully(handle, Buffer.concat(chunk));
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tempPath, join(dir, SNAPSHOT_FILE));
  await fsyncDir(dir);
}

/** Removes the temp file of a snapshot whose writing was interrupted. */
export async function discardUnfinishedSnapshot(dir: string): Promise<void> {
  await rm(join(dir, TEMP_FILE), { force: true });
}

export async function readSnapshot(dir: string): Promise<Snapshot | undefined> {
  const path = join(dir, SNAPSHOT_FILE);
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }

  let offset = 0;
  const corrupt = (at: number, reason: string) => new Error(`corrupt snapshot ${path} at offset ${at}: ${reason}`);
  const nextEntry = (): Document => {
    const frame = readFrame(buf, offset);
    if (!frame.ok) throw corrupt(offset, frame.reason);
    offset = frame.end;
    return frame.doc;
  };

  const header = nextEntry();
  if (header.format !== FORMAT || header.version !== VERSION) {
    throw corrupt(0, `unsupported header ${JSON.stringify(header)}`);
  }
  const databases: PersistedDatabase[] = [];
  let db: PersistedDatabase | undefined;
  let coll: PersistedCollection | undefined;
  for (;;) {
    if (offset >= buf.length) throw corrupt(offset, 'missing end marker');
    const at = offset;
    const entry = nextEntry();
    if ('doc' in entry) {
      if (!coll) throw corrupt(at, 'document outside a collection');
      coll.docs.push(entry.doc);
    } else if ('collection' in entry) {
      if (!db) throw corrupt(at, 'collection outside a database');
      coll = { name: entry.collection, options: entry.options, indexes: entry.indexes, docs: [] };
      db.collections.push(coll);
    } else if ('database' in entry) {
      db = { name: entry.database, collections: [] };
      coll = undefined;
      databases.push(db);
    } else if (entry.end === true) {
      if (offset !== buf.length) throw corrupt(offset, 'data after end marker');
      return { journalStart: header.journalStart, lastSeq: header.lastSeq, state: { databases } };
    } else {
      throw corrupt(at, `unknown entry ${JSON.stringify(entry)}`);
    }
  }
}
