import { copyFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Binary, Decimal128, Long, ObjectId, Timestamp } from 'bson';
import { describe, expect, it } from 'vitest';
import { Persistence } from './index.ts';
import { StateFolder, applyRecord } from './recovery.ts';
import { canonical, flipByte, frameOffsets, tempDir } from './test-support.ts';
import type { JournalRecord, PersistedState } from './types.ts';

const empty: PersistedState = { databases: [] };

function put(_id: unknown, fields: Record<string, unknown> = {}, coll = 'c'): JournalRecord {
  return [{ op: 'put', db: 'd', coll, doc: { _id, ...fields } }];
}

function del(id: unknown, coll = 'c'): JournalRecord {
  return [{ op: 'del', db: 'd', coll, id }];
}

/** What the engine does: update memory, then append; the provider returns the in-memory state. */
class FakeEngine {
  readonly folder: StateFolder;
  constructor(
    readonly persistence: Persistence,
    state: PersistedState,
  ) {
    this.folder = new StateFolder(state);
    persistence.setStateProvider(() => this.folder.toState());
  }

  write(record: JournalRecord): Promise<void> {
    this.folder.apply(record);
    return this.persistence.append(record);
  }

  static async open(dir: string, options?: { compactAfterBytes?: number }): Promise<FakeEngine> {
    const { persistence, state } = await Persistence.open(dir, options);
    return new FakeEngine(persistence, state);
  }
}

async function reopenState(dir: string): Promise<PersistedState> {
  const { persistence, state } = await Persistence.open(dir);
  await persistence.close();
  return state;
}

async function journalFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.startsWith('journal.')).sort();
}

describe('Persistence round trip', () => {
  it('recovers every op kind with exact BSON types after close and reopen', async () => {
    const dir = await tempDir();
    const records: JournalRecord[] = [
      [{ op: 'createCollection', db: 'shop', coll: 'orders', options: { validator: { total: { $gte: 0 } } } }],
      [{ op: 'createIndex', db: 'shop', coll: 'orders', spec: { v: 2, key: { at: -1 }, name: 'at_-1' } }],
      [
        {
          op: 'put',
          db: 'shop',
          coll: 'orders',
          doc: {
            _id: new ObjectId(),
            int: 7,
            double: 1.5,
            long: Long.fromString('9007199254740993'),
            decimal: Decimal128.fromString('12.34'),
            ts: new Timestamp({ t: 5, i: 1 }),
            at: new Date(1_700_000_000_000),
            bin: new Binary(Buffer.from('abc')),
            nested: { list: [1, 'two', null, { three: true }] },
          },
        },
        { op: 'put', db: 'shop', coll: 'orders', doc: { _id: 'keep', n: 1 } },
      ],
      [{ op: 'put', db: 'shop', coll: 'orders', doc: { _id: 'gone', n: 1 } }],
      [{ op: 'del', db: 'shop', coll: 'orders', id: 'gone' }],
      [{ op: 'put', db: 'tmp', coll: 'x', doc: { _id: 1 } }],
      [{ op: 'dropDatabase', db: 'tmp' }],
      [{ op: 'put', db: 'shop', coll: 'old', doc: { _id: 1 } }],
      [{ op: 'dropCollection', db: 'shop', coll: 'old' }],
      [{ op: 'createIndex', db: 'shop', coll: 'orders', spec: { v: 2, key: { n: 1 }, name: 'n_1' } }],
      [{ op: 'dropIndex', db: 'shop', coll: 'orders', name: 'n_1' }],
    ];
    const { persistence, state, recoveredTornBytes } = await Persistence.open(dir);
    expect(state).toEqual(empty);
    expect(recoveredTornBytes).toBe(0);
    for (const record of records) await persistence.append(record);
    await persistence.close();

    const expected = records.reduce(applyRecord, empty);
    const recovered = await reopenState(dir);
    expect(canonical(recovered)).toBe(canonical(expected));
    expect(recovered.databases[0].collections[0].docs[0].long).toBeInstanceOf(Long);
  });

  it('keeps appending across reopens, in order', async () => {
    const dir = await tempDir();
    for (let round = 0; round < 3; round++) {
      const { persistence } = await Persistence.open(dir);
      await persistence.append(put(round, { round }));
      await persistence.append(del(round - 1));
      await persistence.close();
    }
    expect(docsOf(await reopenState(dir))).toEqual([{ _id: 2, round: 2 }]);
  });

  it('stores a record larger than 16 MB (a big transaction)', async () => {
    const dir = await tempDir();
    const { persistence } = await Persistence.open(dir);
    const chunk = 'x'.repeat(1024 * 1024);
    const record: JournalRecord = Array.from({ length: 18 }, (_, i) => put(i, { chunk })[0]);
    await persistence.append(record);
    await persistence.close();
    const docs = docsOf(await reopenState(dir));
    expect(docs).toHaveLength(18);
    expect(docs.every((doc) => doc.chunk === chunk)).toBe(true);
  });

  it('rejects appends after close', async () => {
    const dir = await tempDir();
    const { persistence } = await Persistence.open(dir);
    await persistence.close();
    await expect(persistence.append(put(1))).rejects.toThrow(/closed/);
  });
});

function docsOf(state: PersistedState, coll = 'c') {
  return state.databases.find((d) => d.name === 'd')?.collections.find((c) => c.name === coll)?.docs ?? [];
}

describe('group commit', () => {
  it('batches concurrent appends into few fsyncs and resolves them in call order', async () => {
    const dir = await tempDir();
    const { persistence } = await Persistence.open(dir);
    const resolvedOrder: number[] = [];
    const appends: Promise<void>[] = [];
    for (let i = 0; i < 1000; i++) {
      appends.push(persistence.append(put(i)).then(() => void resolvedOrder.push(i)));
      // Half arrive in one tick, half spread over event-loop turns while fsyncs are in flight.
      if (i >= 500 && i % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(appends);

    expect(resolvedOrder).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    const { appendedRecords, fsyncs } = persistence.stats;
    expect(appendedRecords).toBe(1000);
    expect(fsyncs).toBeGreaterThan(0);
    expect(fsyncs).toBeLessThan(100);
    await persistence.close();

    expect(docsOf(await reopenState(dir)).map((doc) => doc._id)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });
});

describe('compaction', () => {
  it('snapshots, deletes covered journals, and recovers snapshot plus later records', async () => {
    const dir = await tempDir();
    const engine = await FakeEngine.open(dir);
    for (let i = 0; i < 10; i++) await engine.write(put(i, { v: 'before' }));
    await engine.persistence.compact();
    expect(await journalFiles(dir)).toEqual(['journal.000002.log']);
    await engine.write(put(3, { v: 'after' }));
    await engine.write(del(4));
    await engine.write([{ op: 'dropCollection', db: 'd', coll: 'c' }]);
    await engine.write(put('new', {}, 'c'));
    await engine.write(put(1, { v: 'other' }, 'other'));
    expect(engine.persistence.stats.compactions).toBe(1);
    await engine.persistence.close();

    expect(canonical(await reopenState(dir))).toBe(canonical(engine.folder.toState()));
  });

  it('keeps appends made during compaction durable', async () => {
    const dir = await tempDir();
    const engine = await FakeEngine.open(dir);
    for (let i = 0; i < 100; i++) await engine.write(put(i));
    const compaction = engine.persistence.compact();
    const during = Array.from({ length: 100 }, (_, i) => engine.write(i % 2 ? del(i) : put(i, { during: true })));
    await Promise.all([compaction, ...during]);
    await engine.persistence.close();

    const recovered = await reopenState(dir);
    expect(canonical(recovered)).toBe(canonical(engine.folder.toState()));
    expect(docsOf(recovered)).toHaveLength(50);
  });

  it('writes and reads back a snapshot holding more than 16 MB', async () => {
    const dir = await tempDir();
    const engine = await FakeEngine.open(dir);
    const record: JournalRecord = [];
    for (let i = 0; i < 40; i++)
      record.push({ op: 'put', db: 'd', coll: 'c', doc: { _id: i, blob: new Binary(Buffer.alloc(512 * 1024, i)) } });
    await engine.write(record);
    await engine.persistence.compact();
    await engine.persistence.close();
    expect((await stat(join(dir, 'snapshot.bson'))).size).toBeGreaterThan(20 * 1024 * 1024);

    const docs = docsOf(await reopenState(dir));
    expect(docs).toHaveLength(40);
    expect(docs.every((doc, i) => doc._id === i && Buffer.from(doc.blob.buffer).equals(Buffer.alloc(512 * 1024, i)))).toBe(true);
  });

  it('recovers when a crash came after the snapshot rename but before the old journals were deleted', async () => {
    const dir = await tempDir();
    const engine = await FakeEngine.open(dir);
    for (let i = 0; i < 5; i++) await engine.write(put(i));
    await copyFile(join(dir, 'journal.000001.log'), join(dir, 'saved.log'));
    await engine.persistence.compact();
    await engine.write(del(2));
    await engine.write(put(9));
    await engine.persistence.close();
    // Put the covered journal back, with a corrupt record in it: it must not even be read.
    await copyFile(join(dir, 'saved.log'), join(dir, 'journal.000001.log'));
    await writeFile(join(dir, 'journal.000001.log'), Buffer.from('not a journal record'), { flag: 'r+' });

    expect(canonical(await reopenState(dir))).toBe(canonical(engine.folder.toState()));
    expect(await journalFiles(dir)).toEqual(['journal.000002.log']);
  });

  it('recovers when a crash came after the journal switch but before the snapshot rename', async () => {
    const dir = await tempDir();
    const engine = await FakeEngine.open(dir);
    await engine.write(put('a'));
    await engine.write(put('b'));
    await engine.persistence.compact(); // snapshot 1 covers journal 1
    await engine.write(put('c'));
    await engine.write(del('a'));
    await copyFile(join(dir, 'snapshot.bson'), join(dir, 'saved-snapshot'));
    await copyFile(join(dir, 'journal.000002.log'), join(dir, 'saved-journal'));
    await engine.persistence.compact(); // snapshot 2 covers journal 2
    await engine.write(del('b'));
    await engine.write(put('d'));
    await engine.persistence.close();
    // Roll back to: snapshot 1, journal 2 complete, journal 3 written, snapshot 2 only half-written.
    await copyFile(join(dir, 'saved-snapshot'), join(dir, 'snapshot.bson'));
    await copyFile(join(dir, 'saved-journal'), join(dir, 'journal.000002.log'));
    await writeFile(join(dir, 'snapshot.bson.tmp'), 'half a snapshot');

    const recovered = await reopenState(dir);
    expect(docsOf(recovered).map((doc) => doc._id)).toEqual(['c', 'd']);
    expect(canonical(recovered)).toBe(canonical(engine.folder.toState()));
    expect((await readdir(dir)).includes('snapshot.bson.tmp')).toBe(false);
  });

  it('compacts in the background once the journal passes compactAfterBytes', async () => {
    const dir = await tempDir();
    const engine = await FakeEngine.open(dir, { compactAfterBytes: 4096 });
    for (let i = 0; i < 300; i++) {
      await engine.write(put(i % 50, { i, pad: 'p'.repeat(100) }));
    }
    await engine.persistence.close();
    expect(engine.persistence.stats.compactions).toBeGreaterThan(3);
    expect((await journalFiles(dir)).length).toBeLessThanOrEqual(2);
    expect(canonical(await reopenState(dir))).toBe(canonical(engine.folder.toState()));
  });

  it('refuses to compact without a state provider', async () => {
    const dir = await tempDir();
    const { persistence } = await Persistence.open(dir);
    await expect(persistence.compact()).rejects.toThrow(/state provider/);
    await persistence.close();
  });
});

describe('corrupt snapshot', () => {
  it('is an error naming the file and offset', async () => {
    const dir = await tempDir();
    const engine = await FakeEngine.open(dir);
    await engine.write(put(1, { name: 'some text to flip' }));
    await engine.persistence.compact();
    await engine.persistence.close();
    const path = join(dir, 'snapshot.bson');
    // Frames: header, database, collection, document, end marker.
    const offsets = await frameOffsets(path);
    expect(offsets).toHaveLength(5);
    await flipByte(path, offsets[3] + 20);
    await expect(Persistence.open(dir)).rejects.toThrow(`corrupt snapshot ${path} at offset ${offsets[3]}: checksum mismatch`);
  });
});
