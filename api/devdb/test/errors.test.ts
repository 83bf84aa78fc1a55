import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mongoose, { Schema } from 'mongoose';
import { connectTarget, DEVDB_ONLY, errorOf, isDevdb, WireConnection, type Target } from './harness.ts';

let target: Target;
let wire: WireConnection;

const noteSchema = new Schema({ title: String, body: String, n: Number }, { versionKey: false });
function Note() {
  return target.conn.models.Note ?? target.conn.model('Note', noteSchema, 'notes');
}

beforeAll(async () => {
  target = await connectTarget();
  wire = await WireConnection.open(target.uri);
  await Note().create([
    { title: 'a', body: 'hello world', n: 1 },
    { title: 'b', body: 'bye', n: 2 },
  ]);
});

afterAll(async () => {
  wire?.close();
  await target?.close();
});

/**
 * Sends `command` on one bare connection and checks the reply is a clean `ok: 0` error with a
 * numeric code that is not InternalError (1); then pings on the same socket to prove it still lives.
 */
async function expectCleanError(command: Record<string, unknown>, code?: number): Promise<Record<string, unknown>> {
  const reply = await wire.command({ ...command, $db: target.dbName });
  expect(reply.ok).toBe(0);
  expect(typeof reply.code).toBe('number');
  expect(reply.code).not.toBe(1);
  expect(typeof reply.errmsg).toBe('string');
  expect(typeof reply.codeName).toBe('string');
  if (code !== undefined) expect(reply.code).toBe(code);
  const ping = await wire.command({ ping: 1, $db: 'admin' });
  expect(ping.ok).toBe(1);
  return reply;
}

/**
 * A bad statement inside a write command: MongoDB rejects most such requests as a whole (ok: 0), some
 * per statement (ok: 1 with writeErrors). Either is acceptable; a dropped connection or an internal
 * error is not.
 */
async function expectRejected(command: Record<string, unknown>): Promise<void> {
  const reply = await wire.command({ ...command, $db: target.dbName });
  if (reply.ok === 1) {
    const writeErrors = reply.writeErrors as Array<{ code: number; errmsg: string }> | undefined;
    expect(writeErrors?.length).toBeGreaterThan(0);
    expect(writeErrors![0].code).toBeGreaterThan(1);
    expect(typeof writeErrors![0].errmsg).toBe('string');
  } else {
    expect(reply.ok).toBe(0);
    expect(typeof reply.code).toBe('number');
    expect(reply.code).not.toBe(1);
  }
  expect((await wire.command({ ping: 1, $db: 'admin' })).ok).toBe(1);
}

describe('command errors', () => {
  it('an unknown command is CommandNotFound (59)', async () => {
    const err = await errorOf(() => target.db.command({ frobnicate: 1 }));
    expect(err.code).toBe(59);
    expect(err.codeName).toBe('CommandNotFound');
    const reply = await expectCleanError({ frobnicate: 1 }, 59);
    expect(reply.errmsg).toMatch(/frobnicate/);
  });

  it('create of an existing collection is NamespaceExists (48)', async () => {
    await target.db.createCollection('exists_once');
    const err = await errorOf(() => target.db.createCollection('exists_once'));
    expect(err.code).toBe(48);
    expect(err.codeName).toBe('NamespaceExists');
  });

  it('find with a non-document filter or a string limit is TypeMismatch (14), connection survives', async () => {
    await expectCleanError({ find: 'notes', filter: 5 }, 14);
    await expectCleanError({ find: 'notes', limit: 'x' }, 14);
    await expectCleanError({ find: 'notes', sort: 'x' }, 14);
    await expectCleanError({ find: 'notes', projection: [1] }, 14);
    const err = await errorOf(() => target.db.command({ find: 'notes', filter: 5 }));
    expect(err.code).toBe(14);
    expect((await target.db.command({ ping: 1 })).ok).toBe(1);
  });

  it('malformed query operators are BadValue (2)', async () => {
    await expectCleanError({ find: 'notes', filter: { n: { $in: 5 } } }, 2);
    await expectCleanError({ find: 'notes', filter: { $and: 5 } }, 2);
    await expectCleanError({ find: 'notes', filter: { $or: [] } }, 2);
    await expectCleanError({ find: 'notes', filter: { title: { $regex: 5 } } }, 2);
    await expectCleanError({ find: 'notes', filter: { n: { $size: 'x' } } }, 2);
    await expectCleanError({ find: 'notes', filter: { n: { $exists: true, $bogus: 1 } } }, 2);
  });

  it('other malformed commands answer ok: 0 with a code instead of dropping the connection', async () => {
    await expectCleanError({ find: 5 });
    await expectCleanError({ find: 'notes', skip: -1 });
    await expectCleanError({ find: 'notes', sort: { n: 'up' } });
    await expectCleanError({ find: 'notes', projection: { title: 1, body: 0 } });
    await expectCleanError({ insert: 'notes', documents: 'x' });
    await expectCleanError({ insert: 'notes' });
    await expectRejected({ update: 'notes', updates: [{ q: 5, u: { $set: { n: 1 } } }] });
    await expectCleanError({ update: 'notes', updates: 'x' });
    await expectRejected({ delete: 'notes', deletes: [{ q: {}, limit: 5 }] });
    await expectCleanError({ aggregate: 'notes', pipeline: 'x', cursor: {} });
    await expectCleanError({ aggregate: 'notes', pipeline: [{ $group: { total: { $sum: '$n' } } }], cursor: {} });
    await expectCleanError({ getMore: 'abc', collection: 'notes' });
    await expectCleanError({ createIndexes: 'notes', indexes: [{ key: 5, name: 'bad' }] });
    await expectCleanError({ createIndexes: 'notes', indexes: 'x' });
    await expectCleanError({ findAndModify: 'notes', query: { title: 'a' } });
    await expectCleanError({ distinct: 'notes', key: 5 });
    await expectCleanError({ count: 'notes', query: 'x' });
    await expectCleanError({ listIndexes: 'no_such_collection' }, 26);
    // Nothing above changed the data.
    expect(await Note().countDocuments()).toBe(2);
  });

  it('a pipeline stage object with two stage names is rejected (40323), not half-run', async () => {
    const reply = await expectCleanError({ aggregate: 'notes', pipeline: [{ $match: {}, $sort: { n: 1 } }], cursor: {} });
    expect(reply.code).toBe(40323);
    await expectCleanError({ aggregate: 'notes', pipeline: [{}], cursor: {} });
  });

  it('malformed write statements are rejected (ok: 0 or a write error) and change nothing', async () => {
    await expectRejected({ update: 'notes', updates: [{ q: {}, u: { $set: { n: 10 }, plain: 2 } }] });
    await expectRejected({ update: 'notes', updates: [{ q: { title: 'a' }, u: { $set: { n: 10 } }, arrayFilters: 5 }] });
    await expectRejected({ delete: 'notes', deletes: [{ q: 5, limit: 0 }] });
    await expectRejected({ insert: 'notes', documents: [5] });
    expect((await Note().findOne({ title: 'a' }).lean())?.n).toBe(1);
    expect(await Note().countDocuments()).toBe(2);
  });
});

describe('unsupported features fail with 115 naming devdb', () => {
  it.skipIf(!isDevdb)(`$text query — ${DEVDB_ONLY}`, async () => {
    const err = await errorOf(() =>
      Note()
        .find({ $text: { $search: 'hello' } })
        .exec(),
    );
    expect(err.code).toBe(115);
    expect(err.message).toMatch(/devdb/);
    expect(err.message).toMatch(/\$text/);
  });

  it.skipIf(!isDevdb)(`collation — ${DEVDB_ONLY}`, async () => {
    const err = await errorOf(() => Note().find({}).collation({ locale: 'en', strength: 2 }).exec());
    expect(err.code).toBe(115);
    expect(err.message).toMatch(/devdb/);
    expect(err.message).toMatch(/collation/i);
  });

  it.skipIf(!isDevdb)(`$where — ${DEVDB_ONLY}`, async () => {
    const err = await errorOf(() => Note().find({ $where: 'this.n > 1' }).exec());
    expect(err.code).toBe(115);
    expect(err.message).toMatch(/devdb/);
    expect(err.message).toMatch(/\$where/);
  });

  it.skipIf(!isDevdb)(`text indexes and change streams — ${DEVDB_ONLY}`, async () => {
    const text = await errorOf(() => target.db.collection('notes').createIndex({ body: 'text' }));
    expect(text.code).toBe(115);
    expect(text.message).toMatch(/devdb/);
    const reply = await expectCleanError({ aggregate: 'notes', pipeline: [{ $changeStream: {} }], cursor: {} }, 115);
    expect(reply.errmsg).toMatch(/devdb/);
  });
});

describe('malformed fields never become internal errors', () => {
  it('cursor ids that are not integers (getMore, killCursors) are TypeMismatch', async () => {
    await expectCleanError({ getMore: 1.5, collection: 'notes' }, 14);
    await expectCleanError({ killCursors: 'notes', cursors: ['abc'] }, 14);
    await expectCleanError({ killCursors: 'notes', cursors: [1.5] }, 14);
  });

  it('endSessions with entries that are not session ids is TypeMismatch', async () => {
    await expectCleanError({ endSessions: [5, null] }, isDevdb ? 14 : undefined);
  });

  it('a txnNumber that is not an integer is rejected', async () => {
    await expectCleanError({ insert: 'notes', documents: [{ title: 'x' }], lsid: { id: new mongoose.mongo.UUID() }, txnNumber: 'x' });
  });

  it('$graphLookup without its required fields is rejected', async () => {
    await expectCleanError({ aggregate: 'notes', pipeline: [{ $graphLookup: { from: 'notes' } }], cursor: {} });
  });

  it('a result document over 16 MB is an error reply, and the connection lives', async () => {
    const big = 'x'.repeat(1024 * 1024);
    await target.db.collection('big_docs').insertMany(Array.from({ length: 18 }, (_, i) => ({ i, big })));
    const reply = await expectCleanError({
      aggregate: 'big_docs',
      pipeline: [{ $group: { _id: null, all: { $push: '$big' } } }],
      cursor: {},
    });
    expect(String(reply.errmsg)).toMatch(/16|large|size/i);
  });
});
