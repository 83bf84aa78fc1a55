import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mongoose, { Schema } from 'mongoose';
import { connectTarget, errorOf, WireConnection, type Target } from './harness.ts';

const { Long, UUID } = mongoose.mongo;

let target: Target;

const accountSchema = new Schema({ _id: String, balance: Number }, { versionKey: false });
const entrySchema = new Schema(
  { account: String, amount: Number, code: { type: String, unique: true, sparse: true } },
  { versionKey: false },
);

function Account() {
  return target.conn.models.Account ?? target.conn.model('Account', accountSchema, 'accounts');
}
function Entry() {
  return target.conn.models.Entry ?? target.conn.model('Entry', entrySchema, 'entries');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  target = await connectTarget({ maxPoolSize: 30 });
  // Collections exist before any transaction touches them (as production code should ensure).
  await Account()
    .createCollection()
    .catch(() => undefined);
  await Entry().init();
});

afterAll(async () => {
  await target?.close();
});

describe('transactions', () => {
  it('withTransaction commits both writes; other readers see nothing until the commit', async () => {
    await Account().create([
      { _id: 'c-a', balance: 100 },
      { _id: 'c-b', balance: 0 },
    ]);
    const session = await target.conn.startSession();
    let seenOutsideDuring: unknown[] = ['not checked'];
    try {
      await session.withTransaction(async () => {
        await Account().updateOne({ _id: 'c-a' }, { $inc: { balance: -30 } }, { session });
        await Account().updateOne({ _id: 'c-b' }, { $inc: { balance: 30 } }, { session });
        await Entry().create([{ account: 'c-a', amount: -30 }], { session });
        // Inside the transaction its own writes are visible…
        expect((await Account().findById('c-a').session(session).lean())?.balance).toBe(70);
        // …but not to a reader outside it.
        const outside = await Account()
          .find({ _id: { $in: ['c-a', 'c-b'] } })
          .sort({ _id: 1 })
          .lean();
        seenOutsideDuring = [outside.map((d) => d.balance), await Entry().countDocuments({ account: 'c-a' })];
      });
    } finally {
      await session.endSession();
    }
    expect(seenOutsideDuring).toEqual([[100, 0], 0]);
    const after = await Account()
      .find({ _id: { $in: ['c-a', 'c-b'] } })
      .sort({ _id: 1 })
      .lean();
    expect(after.map((d) => d.balance)).toEqual([70, 30]);
    expect(await Entry().countDocuments({ account: 'c-a' })).toBe(1);
  });

  it('abortTransaction discards everything, including inserts', async () => {
    await Account().create({ _id: 'ab-a', balance: 10 });
    const session = await target.conn.startSession();
    try {
      session.startTransaction();
      await Account().updateOne({ _id: 'ab-a' }, { $set: { balance: 999 } }, { session });
      await Account().create([{ _id: 'ab-new', balance: 1 }], { session });
      await Account().deleteOne({ _id: 'ab-a' }, { session });
      await session.abortTransaction();
    } finally {
      await session.endSession();
    }
    expect((await Account().findById('ab-a').lean())?.balance).toBe(10);
    expect(await Account().findById('ab-new').lean()).toBeNull();
  });

  it('a callback that throws aborts the transaction and the error comes back', async () => {
    const session = await target.conn.startSession();
    try {
      const err = await errorOf(() =>
        session.withTransaction(async () => {
          await Account().create([{ _id: 'thrown', balance: 1 }], { session });
          throw new Error('business rule failed');
        }),
      );
      expect(err.message).toBe('business rule failed');
    } finally {
      await session.endSession();
    }
    expect(await Account().findById('thrown').lean()).toBeNull();
  });

  it('snapshot isolation: a commit outside after the first read is not seen inside', async () => {
    await Account().create({ _id: 'snap', balance: 1 });
    const session = await target.conn.startSession();
    try {
      session.startTransaction({ readConcern: { level: 'snapshot' } });
      expect((await Account().findById('snap').session(session).lean())?.balance).toBe(1);
      await Account().updateOne({ _id: 'snap' }, { $set: { balance: 2 } });
      await Account().create({ _id: 'snap-late', balance: 5 });
      expect((await Account().findById('snap').lean())?.balance).toBe(2);
      expect((await Account().findById('snap').session(session).lean())?.balance).toBe(1);
      expect(await Account().findById('snap-late').session(session).lean()).toBeNull();
      expect(
        await Account()
          .countDocuments({ _id: { $in: ['snap', 'snap-late'] } })
          .session(session),
      ).toBe(1);
      // Writing the document changed since the snapshot is a write conflict.
      const err = await errorOf(() => Account().updateOne({ _id: 'snap' }, { $inc: { balance: 10 } }, { session }));
      expect(err.code).toBe(112);
      expect(err.errorLabels ?? [...(err.errorLabelSet ?? [])]).toContain('TransientTransactionError');
      await session.abortTransaction();
    } finally {
      await session.endSession();
    }
    expect((await Account().findById('snap').lean())?.balance).toBe(2);
  });

  it('write conflict: the second transaction writing a document gets 112 + TransientTransactionError', async () => {
    const coll = target.db.collection('conflict');
    await coll.insertOne({ _id: 'w' as never, v: 0 });
    const s1 = target.client.startSession();
    const s2 = target.client.startSession();
    try {
      s1.startTransaction();
      s2.startTransaction();
      await coll.updateOne({ _id: 'w' as never }, { $inc: { v: 1 } }, { session: s1 });
      const err = await errorOf(() => coll.updateOne({ _id: 'w' as never }, { $inc: { v: 10 } }, { session: s2 }));
      expect(err.code).toBe(112);
      expect(err.codeName).toBe('WriteConflict');
      expect(err.hasErrorLabel('TransientTransactionError')).toBe(true);
      await s2.abortTransaction();
      await s1.commitTransaction();
    } finally {
      await s1.endSession();
      await s2.endSession();
    }
    expect((await coll.findOne({ _id: 'w' as never }))?.v).toBe(1);
  });

  it('with withTransaction the loser retries and the final value reflects both', async () => {
    const coll = target.db.collection('conflict_retry');
    await coll.insertOne({ _id: 'r' as never, v: 0, by: [] });
    let attemptsB = 0;
    const s1 = target.client.startSession();
    const s2 = target.client.startSession();
    try {
      let aHasWritten!: () => void;
      const aWrote = new Promise<void>((resolve) => (aHasWritten = resolve));
      await Promise.all([
        s1.withTransaction(async () => {
          await coll.updateOne({ _id: 'r' as never }, { $inc: { v: 1 }, $push: { by: 'a' } as never }, { session: s1 });
          aHasWritten();
          await sleep(100); // hold the document while B tries
        }),
        s2.withTransaction(async () => {
          await aWrote;
          attemptsB++;
          await coll.updateOne({ _id: 'r' as never }, { $inc: { v: 10 }, $push: { by: 'b' } as never }, { session: s2 });
        }),
      ]);
    } finally {
      await s1.endSession();
      await s2.endSession();
    }
    const doc = await coll.findOne({ _id: 'r' as never });
    expect(doc?.v).toBe(11);
    expect(doc?.by).toEqual(['a', 'b']);
    expect(attemptsB).toBeGreaterThan(1);
  });

  it('a plain write racing a transaction on the same document: both take effect under withTransaction', async () => {
    const coll = target.db.collection('race_plain');
    await coll.insertOne({ _id: 'p' as never, v: 0 });
    const session = target.client.startSession();
    let plain: Promise<unknown> | undefined;
    try {
      await session.withTransaction(async () => {
        await coll.updateOne({ _id: 'p' as never }, { $inc: { v: 1 } }, { session });
        // Not awaited here: on MongoDB it waits for the transaction to finish; devdb lets it win and
        // makes the transaction retry. Either way both increments must land.
        plain ??= coll.updateOne({ _id: 'p' as never }, { $inc: { v: 100 } });
        await sleep(20);
      });
      await plain;
    } finally {
      await session.endSession();
    }
    expect((await coll.findOne({ _id: 'p' as never }))?.v).toBe(101);
  });

  it('20 parallel money transfers between 3 accounts keep the total constant', async () => {
    const ids = ['t-a', 't-b', 't-c'];
    await Account().create(ids.map((_id) => ({ _id, balance: 1_000 })));
    const expected = new Map(ids.map((id) => [id, 1_000]));
    const transfers = Array.from({ length: 20 }, (_, i) => ({ from: ids[i % 3], to: ids[(i + 1 + (i % 2)) % 3], amount: 10 + i }));
    for (const { from, to, amount } of transfers) {
      expected.set(from, expected.get(from)! - amount);
      expected.set(to, expected.get(to)! + amount);
    }
    await Promise.all(
      transfers.map(async ({ from, to, amount }) => {
        const session = await target.conn.startSession();
        try {
          await session.withTransaction(async () => {
            const source = await Account().findById(from).session(session).lean();
            if (!source || (source.balance as number) < amount) throw new Error('insufficient funds');
            await Account().updateOne({ _id: from }, { $inc: { balance: -amount } }, { session });
            await Account().updateOne({ _id: to }, { $inc: { balance: amount } }, { session });
            await Entry().create(
              [
                { account: from, amount: -amount },
                { account: to, amount },
              ],
              { session, ordered: true },
            );
          });
        } finally {
          await session.endSession();
        }
      }),
    );
    const accounts = await Account()
      .find({ _id: { $in: ids } })
      .lean();
    const total = accounts.reduce((sum, a) => sum + (a.balance as number), 0);
    expect(total).toBe(3_000);
    for (const account of accounts) expect(account.balance).toBe(expected.get(account._id as string));
    const entries = await Entry()
      .find({ account: { $in: ids } })
      .lean();
    expect(entries.length).toBe(40);
    expect(entries.reduce((sum, e) => sum + (e.amount as number), 0)).toBe(0);
  }, 60_000);

  it('a unique violation inside a transaction is 11000 and nothing from it is committed', async () => {
    await Entry().create({ account: 'u', amount: 1, code: 'DUP' });
    const session = await target.conn.startSession();
    try {
      const err = await errorOf(() =>
        session.withTransaction(async () => {
          await Entry().create([{ account: 'u', amount: 2, code: 'FRESH' }], { session });
          await Account().updateOne({ _id: 'u-acc' }, { $set: { balance: 5 } }, { session, upsert: true });
          await Entry().create([{ account: 'u', amount: 3, code: 'DUP' }], { session });
        }),
      );
      expect(err.code).toBe(11000);
      expect(err.keyValue).toEqual({ code: 'DUP' });
    } finally {
      await session.endSession();
    }
    expect(await Entry().countDocuments({ code: 'FRESH' })).toBe(0);
    expect(await Entry().countDocuments({ code: 'DUP' })).toBe(1);
    expect(await Account().findById('u-acc').lean()).toBeNull();
  });

  it('a second commitTransaction after a successful commit resolves (driver path)', async () => {
    const coll = target.db.collection('recommit');
    const session = target.client.startSession();
    try {
      session.startTransaction();
      await coll.insertOne({ _id: 'once' as never }, { session });
      await session.commitTransaction();
      await session.commitTransaction();
    } finally {
      await session.endSession();
    }
    expect(await coll.countDocuments({ _id: 'once' as never })).toBe(1);
  });

  it('commitTransaction sent twice with the same lsid and txnNumber is idempotent (wire)', async () => {
    await target.db.createCollection('recommit_wire').catch(() => undefined);
    const wire = await WireConnection.open(target.uri);
    try {
      const lsid = { id: new UUID() };
      const txnNumber = Long.fromNumber(1);
      const insert = await wire.command({
        insert: 'recommit_wire',
        documents: [{ _id: 'x', n: 1 }],
        lsid,
        txnNumber,
        autocommit: false,
        startTransaction: true,
        $db: target.dbName,
      });
      expect(insert.ok).toBe(1);
      const commit = { commitTransaction: 1, lsid, txnNumber, autocommit: false, $db: 'admin' };
      const first = await wire.command(commit);
      expect(first.ok).toBe(1);
      const second = await wire.command(commit);
      expect(second.ok).toBe(1);
      // Aborting a committed transaction is refused.
      const abort = await wire.command({ abortTransaction: 1, lsid, txnNumber, autocommit: false, $db: 'admin' });
      expect(abort.ok).toBe(0);
      expect(abort.code).toBe(256);
    } finally {
      wire.close();
    }
    expect(await target.db.collection('recommit_wire').countDocuments()).toBe(1);
  });

  it('a collection created implicitly inside an aborted transaction does not exist afterwards', async () => {
    const session = target.client.startSession();
    try {
      session.startTransaction();
      await target.db.collection('born_in_txn').insertOne({ a: 1 }, { session });
      await session.abortTransaction();
    } finally {
      await session.endSession();
    }
    expect(await target.db.listCollections({ name: 'born_in_txn' }).toArray()).toEqual([]);
    expect(await target.db.collection('born_in_txn').countDocuments()).toBe(0);
  });

  it('reads inside a transaction (cursor getMore, aggregate, count) see its own writes only', async () => {
    const coll = target.db.collection('txn_reads');
    await coll.insertMany(Array.from({ length: 10 }, (_, i) => ({ i })));
    const session = target.client.startSession();
    try {
      session.startTransaction();
      await coll.insertOne({ i: 100 }, { session });
      let seen = 0;
      for await (const _doc of coll.find({}, { session, batchSize: 3 })) seen++;
      expect(seen).toBe(11);
      expect((await coll.aggregate([{ $match: { i: 100 } }], { session }).toArray()).length).toBe(1);
      expect(await coll.countDocuments({}, { session })).toBe(11);
      expect(await coll.countDocuments({})).toBe(10);
      await session.commitTransaction();
    } finally {
      await session.endSession();
    }
    expect(await coll.countDocuments({})).toBe(11);
  });

  it('create and drop work outside transactions; drop inside one is refused', async () => {
    await target.db.createCollection('ddl_outside');
    expect((await target.db.listCollections({ name: 'ddl_outside' }).toArray()).length).toBe(1);
    const session = target.client.startSession();
    try {
      session.startTransaction();
      await target.db.collection('ddl_outside').insertOne({ a: 1 }, { session });
      const err = await errorOf(() => target.db.command({ drop: 'ddl_outside' }, { session }));
      expect(err.code).toBe(263);
      await session.abortTransaction().catch(() => undefined);
    } finally {
      await session.endSession();
    }
    expect(await target.db.collection('ddl_outside').countDocuments()).toBe(0);
    expect(await target.db.collection('ddl_outside').drop()).toBe(true);
    expect(await target.db.listCollections({ name: 'ddl_outside' }).toArray()).toEqual([]);
  });

  it('count (estimatedDocumentCount) and listCollections are refused inside a transaction (263)', async () => {
    const session = target.client.startSession();
    try {
      session.startTransaction();
      await target.db.collection('txn_refused').insertOne({ a: 1 }, { session });
      const count = await errorOf(() => target.db.command({ count: 'txn_refused' }, { session }));
      expect(count.code).toBe(263);
      // The refused command aborted the transaction, as MongoDB does.
      const after = await errorOf(() => target.db.collection('txn_refused').insertOne({ a: 2 }, { session }));
      expect(after.code).toBe(251);
    } finally {
      await session.endSession();
    }
    expect(await target.db.collection('txn_refused').countDocuments()).toBe(0);
  });

  it('payment notifications racing in transactions on a unique key: the loser retries and finds the winner', async () => {
    const Payment =
      target.conn.models.Payment ??
      target.conn.model(
        'Payment',
        new Schema({ transactionId: { type: String, unique: true }, handledBy: Number }, { versionKey: false }),
        'payments',
      );
    await Payment.init();
    const handle = async (handler: number): Promise<string> => {
      const session = await target.conn.startSession();
      let outcome = '';
      try {
        await session.withTransaction(async () => {
          const existing = await Payment.findOne({ transactionId: 'wx-4200001' }).session(session).lean();
          if (existing) {
            outcome = 'duplicate';
            return;
          }
          await sleep(20); // both handlers read "not there" before either writes
          await Payment.create([{ transactionId: 'wx-4200001', handledBy: handler }], { session });
          outcome = 'recorded';
        });
      } finally {
        await session.endSession();
      }
      return outcome;
    };
    const outcomes = await Promise.all([handle(1), handle(2), handle(3)]);
    expect(outcomes.filter((o) => o === 'recorded')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(2);
    expect(await Payment.countDocuments({ transactionId: 'wx-4200001' })).toBe(1);
  });
});
