import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mongoose from 'mongoose';
import { connectTarget, WireConnection, type Target } from './harness.ts';

const { Long, UUID } = mongoose.mongo;

let target: Target;
let wire: WireConnection;

beforeAll(async () => {
  target = await connectTarget();
  wire = await WireConnection.open(target.uri);
});

afterAll(async () => {
  wire?.close();
  await target?.close();
});

/**
 * These commands go over a bare OP_MSG connection because the driver's `db.command()` replaces a
 * command's `lsid` with its own session id; here the test decides lsid and txnNumber itself.
 */
describe('retryable writes: (lsid, txnNumber) de-duplication', () => {
  it('an insert sent twice with the same lsid + txnNumber inserts once and returns the same reply', async () => {
    const lsid = { id: new UUID() };
    const command = {
      insert: 'retry_insert',
      documents: [{ _id: 'a', n: 1 }, { n: 2 }],
      ordered: true,
      lsid,
      txnNumber: Long.fromNumber(1),
      $db: target.dbName,
    };
    const first = await wire.command(command);
    expect(first.ok).toBe(1);
    expect(first.n).toBe(2);
    const second = await wire.command(command);
    expect(second.ok).toBe(1);
    expect(second.n).toBe(2);
    expect(second.writeErrors).toBeUndefined();
    expect(await target.db.collection('retry_insert').countDocuments()).toBe(2);
  });

  it('an $inc update sent twice increments once; a new txnNumber increments again', async () => {
    await target.db.collection('retry_update').insertOne({ _id: 'c' as never, n: 0 });
    const lsid = { id: new UUID() };
    const update = (txn: number) => ({
      update: 'retry_update',
      updates: [{ q: { _id: 'c' }, u: { $inc: { n: 1 } } }],
      lsid,
      txnNumber: Long.fromNumber(txn),
      $db: target.dbName,
    });
    const first = await wire.command(update(5));
    expect(first).toMatchObject({ ok: 1, n: 1, nModified: 1 });
    const retried = await wire.command(update(5));
    expect(retried).toMatchObject({ ok: 1, n: 1, nModified: 1 });
    expect((await target.db.collection('retry_update').findOne({ _id: 'c' as never }))?.n).toBe(1);
    await wire.command(update(6));
    expect((await target.db.collection('retry_update').findOne({ _id: 'c' as never }))?.n).toBe(2);
  });

  it('an older txnNumber afterwards is TransactionTooOld (225)', async () => {
    const lsid = { id: new UUID() };
    const insert = (txn: number, _id: string) => ({
      insert: 'retry_old',
      documents: [{ _id }],
      lsid,
      txnNumber: Long.fromNumber(txn),
      $db: target.dbName,
    });
    expect((await wire.command(insert(10, 'ten'))).ok).toBe(1);
    expect((await wire.command(insert(11, 'eleven'))).ok).toBe(1);
    const old = await wire.command(insert(10, 'ten-again'));
    expect(old.ok).toBe(0);
    expect(old.code).toBe(225);
    expect(await target.db.collection('retry_old').countDocuments()).toBe(2);
  });

  it('different sessions with the same txnNumber are independent', async () => {
    const command = (lsid: { id: InstanceType<typeof UUID> }) => ({
      update: 'retry_sessions',
      updates: [{ q: { _id: 's' }, u: { $inc: { n: 1 } }, upsert: true }],
      lsid,
      txnNumber: Long.fromNumber(1),
      $db: target.dbName,
    });
    await wire.command(command({ id: new UUID() }));
    await wire.command(command({ id: new UUID() }));
    expect((await target.db.collection('retry_sessions').findOne({ _id: 's' as never }))?.n).toBe(2);
  });

  it('findAndModify retried returns the original result without applying twice', async () => {
    await target.db.collection('retry_fam').insertOne({ _id: 'f' as never, n: 0 });
    const lsid = { id: new UUID() };
    const command = {
      findAndModify: 'retry_fam',
      query: { _id: 'f' },
      update: { $inc: { n: 1 } },
      new: true,
      lsid,
      txnNumber: Long.fromNumber(3),
      $db: target.dbName,
    };
    const first = await wire.command(command);
    const second = await wire.command(command);
    expect((first.value as { n: number }).n).toBe(1);
    expect((second.value as { n: number }).n).toBe(1);
    expect((await target.db.collection('retry_fam').findOne({ _id: 'f' as never }))?.n).toBe(1);
  });

  it('the driver (retryWrites on by default) gets each acknowledged write applied once', async () => {
    const coll = target.db.collection('retry_driver');
    await coll.insertOne({ _id: 'd' as never, n: 0 });
    await Promise.all(Array.from({ length: 20 }, () => coll.updateOne({ _id: 'd' as never }, { $inc: { n: 1 } })));
    expect((await coll.findOne({ _id: 'd' as never }))?.n).toBe(20);
  });
});
