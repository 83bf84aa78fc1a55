import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mongoose, { Schema } from 'mongoose';
import { connectTarget, errorOf, type MongoClient, type Target } from './harness.ts';

const { Long } = mongoose.mongo;

let target: Target;
/** A second client with command monitoring, to see the batches on the wire. */
let monitored: MongoClient;
const commands: Array<{ name: string; reply?: Record<string, unknown> }> = [];

const N = 5_000;
const rowSchema = new Schema({ n: Number, group: Number, label: String }, { versionKey: false });

function Row() {
  return target.conn.models.Row ?? target.conn.model('Row', rowSchema, 'rows');
}

beforeAll(async () => {
  target = await connectTarget();
  monitored = new mongoose.mongo.MongoClient(target.uri, { monitorCommands: true });
  monitored.on('commandStarted', (event) => commands.push({ name: event.commandName }));
  await monitored.connect();
  // Inserted in shuffled order so that sorting does real work.
  const docs = Array.from({ length: N }, (_, i) => ({ n: i, group: i % 7, label: `row-${i}` }));
  for (let i = docs.length - 1; i > 0; i--) {
    const j = (i * 7919) % (i + 1);
    [docs[i], docs[j]] = [docs[j], docs[i]];
  }
  await Row().insertMany(docs);
});

afterAll(async () => {
  await monitored?.close();
  await target?.close();
});

function countCommands(name: string, since: number): number {
  return commands.slice(since).filter((c) => c.name === name).length;
}

describe('cursors', () => {
  it(`iterates ${N} documents with .cursor() and batchSize 100, each exactly once, in sort order`, async () => {
    expect(await Row().countDocuments()).toBe(N);
    const seen: number[] = [];
    for await (const doc of Row().find().sort({ n: 1 }).batchSize(100).lean().cursor()) seen.push(doc.n as number);
    expect(seen.length).toBe(N);
    expect(seen).toEqual(Array.from({ length: N }, (_, i) => i));
  });

  it('asks for the data in many getMore batches of the requested size', async () => {
    const since = commands.length;
    const coll = monitored.db(target.dbName).collection('rows');
    const cursor = coll.find({}, { batchSize: 100, sort: { n: -1 } });
    let count = 0;
    let previous = Infinity;
    for await (const doc of cursor) {
      expect(doc.n).toBeLessThan(previous);
      previous = doc.n;
      count++;
    }
    expect(count).toBe(N);
    // 100 in the first batch, then 49 full getMores (a server may need one more, empty, to notice the end).
    const getMores = countCommands('getMore', since);
    expect(getMores).toBeGreaterThanOrEqual(N / 100 - 1);
    expect(getMores).toBeLessThanOrEqual(N / 100);
  });

  it('sort + filter + descending order through a mongoose cursor', async () => {
    const seen: number[] = [];
    const cursor = Row().find({ group: 3 }).sort({ n: -1 }).batchSize(50).cursor();
    for (let doc = await cursor.next(); doc; doc = await cursor.next()) seen.push(doc.n as number);
    const expected = Array.from({ length: N }, (_, i) => i)
      .filter((i) => i % 7 === 3)
      .reverse();
    expect(seen).toEqual(expected);
  });

  it('limit, skip with limit, and limit larger than a batch', async () => {
    const limited = await Row().find().sort({ n: 1 }).limit(7).lean();
    expect(limited.map((d) => d.n)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const paged = await Row().find().sort({ n: 1 }).skip(4_990).limit(20).lean();
    expect(paged.map((d) => d.n)).toEqual([4990, 4991, 4992, 4993, 4994, 4995, 4996, 4997, 4998, 4999]);
    const coll = monitored.db(target.dbName).collection('rows');
    const across = await coll.find({}, { sort: { n: 1 }, limit: 250, batchSize: 100 }).toArray();
    expect(across.length).toBe(250);
    expect(across[249].n).toBe(249);
  });

  it('a negative limit returns one batch and closes the cursor', async () => {
    const coll = monitored.db(target.dbName).collection('rows');
    const since = commands.length;
    const docs = await coll
      .find({}, { sort: { n: 1 } })
      .limit(-3)
      .toArray();
    expect(docs.map((d) => d.n)).toEqual([0, 1, 2]);
    expect(countCommands('getMore', since)).toBe(0);
    const viaMongoose = await Row().find().sort({ n: -1 }).limit(-2).lean();
    expect(viaMongoose.map((d) => d.n)).toEqual([4999, 4998]);
    const reply = await target.db.command({ find: 'rows', filter: {}, sort: { n: 1 }, limit: 3, singleBatch: true });
    expect(reply.cursor.firstBatch.length).toBe(3);
    expect(Long.fromValue(reply.cursor.id).isZero()).toBe(true);
  });

  it('a raw find reply has the cursor shape the driver expects', async () => {
    const reply = await target.db.command({ find: 'rows', filter: { group: 0 }, sort: { n: 1 }, batchSize: 5 });
    expect(reply.ok).toBe(1);
    expect(reply.cursor.ns).toBe(`${target.dbName}.rows`);
    expect(reply.cursor.firstBatch.length).toBe(5);
    const id = Long.fromValue(reply.cursor.id);
    expect(id.isZero()).toBe(false);
    const more = await target.db.command({ getMore: id, collection: 'rows', batchSize: 3 });
    expect(more.cursor.nextBatch.map((d: { n: number }) => d.n)).toEqual([35, 42, 49]);
    expect(Long.fromValue(more.cursor.id).equals(id)).toBe(true);
    const killed = await target.db.command({ killCursors: 'rows', cursors: [id] });
    expect(killed.cursorsKilled.map((x: unknown) => Long.fromValue(x as number).toString())).toEqual([id.toString()]);
  });

  it('killCursors via cursor.close(), then getMore on that id is CursorNotFound (43)', async () => {
    const cursor = target.db.collection('rows').find({}, { batchSize: 10 });
    const first = await cursor.next();
    expect(first).not.toBeNull();
    const id = Long.fromValue(cursor.id!);
    expect(id.isZero()).toBe(false);
    await cursor.close();
    const err = await errorOf(() => target.db.command({ getMore: id, collection: 'rows' }));
    expect(err.code).toBe(43);
    expect(err.codeName).toBe('CursorNotFound');
    // The connection is fine afterwards.
    expect((await target.db.command({ ping: 1 })).ok).toBe(1);
  });

  it('an exhausted cursor id is gone as well', async () => {
    const reply = await target.db.command({ find: 'rows', filter: { n: { $lt: 3 } }, batchSize: 2 });
    const id = Long.fromValue(reply.cursor.id);
    const rest = await target.db.command({ getMore: id, collection: 'rows' });
    expect(rest.cursor.nextBatch.length).toBe(1);
    expect(Long.fromValue(rest.cursor.id).isZero()).toBe(true);
    const err = await errorOf(() => target.db.command({ getMore: id, collection: 'rows' }));
    expect(err.code).toBe(43);
  });

  it('60 documents of 1 MB arrive whole across several 16 MB batches', async () => {
    const Big = target.conn.model('Big', new Schema({ i: Number, payload: String }, { versionKey: false }), 'big');
    const payloadFor = (i: number) => String.fromCharCode(65 + (i % 26)).repeat(1_000_000);
    for (let start = 0; start < 60; start += 20) {
      await Big.insertMany(
        Array.from({ length: 20 }, (_, k) => ({ i: start + k, payload: payloadFor(start + k) })),
        { lean: true },
      );
    }
    const since = commands.length;
    const coll = monitored.db(target.dbName).collection('big');
    const seen = new Set<number>();
    for await (const doc of coll.find({}, { sort: { i: 1 } })) {
      expect(doc.payload.length).toBe(1_000_000);
      expect(doc.payload).toBe(payloadFor(doc.i));
      expect(seen.has(doc.i)).toBe(false);
      seen.add(doc.i);
    }
    expect(seen.size).toBe(60);
    // 60 MB cannot come in one 16 MB reply.
    expect(countCommands('getMore', since)).toBeGreaterThanOrEqual(3);
    const viaMongoose = await Big.find({}, { i: 1, payload: 1 }).sort({ i: -1 }).lean();
    expect(viaMongoose.length).toBe(60);
    expect(viaMongoose[0].i).toBe(59);
    expect(viaMongoose[59].payload?.length).toBe(1_000_000);
  }, 60_000);
});
