import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Schema } from 'mongoose';
import { connectTarget, type Target } from './harness.ts';

let target: Target;

const stockSchema = new Schema({ _id: String, qty: Number }, { versionKey: false });
const counterSchema = new Schema({ key: { type: String, unique: true }, hits: Number, createdBy: Number }, { versionKey: false });
const claimSchema = new Schema({ code: { type: String, unique: true }, owner: Number }, { versionKey: false });

function Stock() {
  return target.conn.models.Stock ?? target.conn.model('Stock', stockSchema, 'stock');
}
function Counter() {
  return target.conn.models.Counter ?? target.conn.model('Counter', counterSchema, 'counters');
}
function Claim() {
  return target.conn.models.Claim ?? target.conn.model('Claim', claimSchema, 'claims');
}

beforeAll(async () => {
  // Many requests really in flight at once: a pool of 20 connections.
  target = await connectTarget({ maxPoolSize: 20 });
  await Promise.all([Stock().init(), Counter().init(), Claim().init()]);
});

afterAll(async () => {
  await target?.close();
});

describe('concurrency', () => {
  it('200 parallel guarded decrements with updateOne: exactly 50 succeed, stock ends at 0', async () => {
    await Stock().create({ _id: 'sku-1', qty: 50 });
    const results = await Promise.all(
      Array.from({ length: 200 }, () => Stock().updateOne({ _id: 'sku-1', qty: { $gte: 1 } }, { $inc: { qty: -1 } })),
    );
    const succeeded = results.filter((r) => r.modifiedCount === 1).length;
    expect(succeeded).toBe(50);
    expect(results.filter((r) => r.matchedCount === 1).length).toBe(50);
    expect(results.every((r) => r.modifiedCount === 0 || r.modifiedCount === 1)).toBe(true);
    expect((await Stock().findById('sku-1').lean())?.qty).toBe(0);
  });

  it('200 parallel guarded decrements with findOneAndUpdate: 50 documents back, each stock level once', async () => {
    await Stock().create({ _id: 'sku-2', qty: 50 });
    const results = await Promise.all(
      Array.from({ length: 200 }, () =>
        Stock()
          .findOneAndUpdate({ _id: 'sku-2', qty: { $gte: 1 } }, { $inc: { qty: -1 } }, { returnDocument: 'after' })
          .lean(),
      ),
    );
    const won = results.filter((doc) => doc !== null);
    expect(won.length).toBe(50);
    const levels = won.map((doc) => doc!.qty as number).sort((a, b) => a - b);
    expect(levels).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(levels.every((qty) => qty >= 0)).toBe(true);
    expect((await Stock().findById('sku-2').lean())?.qty).toBe(0);
  });

  it('guarded decrements by 3 never overdraw', async () => {
    await Stock().create({ _id: 'sku-3', qty: 100 });
    const results = await Promise.all(
      Array.from({ length: 100 }, () => Stock().updateOne({ _id: 'sku-3', qty: { $gte: 3 } }, { $inc: { qty: -3 } })),
    );
    expect(results.filter((r) => r.modifiedCount === 1).length).toBe(33);
    expect((await Stock().findById('sku-3').lean())?.qty).toBe(1);
  });

  it('100 parallel upserts of one key with $setOnInsert produce one document', async () => {
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        Counter().updateOne({ key: 'daily' }, { $setOnInsert: { createdBy: i }, $inc: { hits: 1 } }, { upsert: true }),
      ),
    );
    expect(results.filter((r) => r.upsertedCount === 1).length).toBe(1);
    const docs = await Counter().find({ key: 'daily' }).lean();
    expect(docs.length).toBe(1);
    expect(docs[0].hits).toBe(100);
    expect(typeof docs[0].createdBy).toBe('number');
    const inserter = results.findIndex((r) => r.upsertedCount === 1);
    expect(docs[0].createdBy).toBe(inserter);
    expect(String(results[inserter].upsertedId)).toBe(String(docs[0]._id));
  });

  it('parallel inserts of the same unique key: exactly one succeeds, the rest get 11000', async () => {
    const settled = await Promise.allSettled(Array.from({ length: 60 }, (_, i) => Claim().create({ code: 'ONLY-ONE', owner: i })));
    const fulfilled = settled.filter((s) => s.status === 'fulfilled');
    const rejected = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
    expect(fulfilled.length).toBe(1);
    expect(rejected.length).toBe(59);
    for (const r of rejected) {
      expect(r.reason.code).toBe(11000);
      expect(r.reason.keyValue).toEqual({ code: 'ONLY-ONE' });
    }
    const docs = await Claim().find({ code: 'ONLY-ONE' }).lean();
    expect(docs.length).toBe(1);
  });

  it('parallel $push from many clients keeps every element', async () => {
    await target.db.collection('log').insertOne({ _id: 'l' as never, events: [] });
    await Promise.all(
      Array.from({ length: 150 }, (_, i) =>
        target.db.collection('log').updateOne({ _id: 'l' as never }, { $push: { events: i } as never }),
      ),
    );
    const doc = await target.db.collection('log').findOne({ _id: 'l' as never });
    expect([...doc!.events].sort((a: number, b: number) => a - b)).toEqual(Array.from({ length: 150 }, (_, i) => i));
  });
});
