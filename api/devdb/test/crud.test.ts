import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import mongoose, { Schema } from 'mongoose';
import { connectTarget, DEVDB_ONLY, errorOf, isDevdb, type Target } from './harness.ts';

const { Binary, Decimal128, Double, Int32, Long, ObjectId } = mongoose.mongo;

let target: Target;

const itemSchema = new Schema({ sku: String, n: Number }, { _id: false });
const productSchema = new Schema(
  {
    _id: Number,
    name: String,
    tags: { type: [String], default: undefined },
    qty: Number,
    price: Number,
    meta: { color: String, size: { h: Number } },
    items: { type: [itemSchema], default: undefined },
    hits: Number,
    lo: Number,
    hi: Number,
    touchedAt: Date,
    oldName: String,
    renamed: String,
  },
  { versionKey: false },
);
type ProductDoc = {
  _id: number;
  name?: string;
  tags?: string[];
  qty?: number;
  price?: number;
  meta?: { color?: string; size?: { h?: number } };
  items?: Array<{ sku: string; n: number }>;
  hits?: number;
  lo?: number;
  hi?: number;
  touchedAt?: Date;
  oldName?: string;
  renamed?: string;
};

const PRODUCTS: ProductDoc[] = [
  {
    _id: 1,
    name: 'apple',
    tags: ['red', 'fruit'],
    qty: 5,
    price: 1.5,
    meta: { color: 'red', size: { h: 10 } },
    items: [
      { sku: 'a', n: 2 },
      { sku: 'b', n: 5 },
    ],
  },
  {
    _id: 2,
    name: 'banana',
    tags: ['yellow', 'fruit'],
    qty: 12,
    price: 0.5,
    meta: { color: 'yellow', size: { h: 20 } },
    items: [{ sku: 'b', n: 1 }],
  },
  { _id: 3, name: 'carrot', tags: ['orange', 'vegetable'], qty: 0, price: 0.8, meta: { color: 'orange' }, items: [{ sku: 'c', n: 7 }] },
  { _id: 4, name: 'durian', price: 9 },
  { _id: 5, name: 'Anchovy', tags: ['fish'], qty: 3, price: 4, meta: { color: 'silver', size: { h: 5 } }, items: [] },
];

function product() {
  return target.conn.models.Product ?? target.conn.model('Product', productSchema, 'products');
}

async function resetProducts(): Promise<void> {
  await product().deleteMany({});
  await product().insertMany(PRODUCTS);
}

async function ids(filter: Record<string, unknown>, sort: Record<string, 1 | -1> = { _id: 1 }): Promise<unknown[]> {
  const docs = await product().find(filter).sort(sort).lean();
  return docs.map((doc) => doc._id);
}

beforeAll(async () => {
  target = await connectTarget();
});

afterAll(async () => {
  await target?.close();
});

describe('insert', () => {
  it('insertOne through mongoose create assigns an ObjectId and reads back', async () => {
    const Note = target.conn.model('Note', new Schema({ text: String, n: Number }));
    const created = await Note.create({ text: 'hello', n: 1 });
    expect(created._id).toBeInstanceOf(ObjectId);
    const found = await Note.findById(created._id).lean();
    expect(found).toMatchObject({ text: 'hello', n: 1 });
    expect(String(found?._id)).toBe(String(created._id));
  });

  it('insertOne without _id through the raw driver gets a server-visible ObjectId', async () => {
    const coll = target.db.collection('raw_insert');
    const result = await coll.insertOne({ a: 1 });
    expect(result.acknowledged).toBe(true);
    const found = await coll.findOne({ _id: result.insertedId });
    expect(found).toMatchObject({ a: 1 });
  });

  it('ordered insertMany stops at the duplicate in the middle', async () => {
    const coll = target.db.collection('ordered_insert');
    await coll.insertOne({ _id: 3 as never, seed: true });
    const docs = [1, 2, 3, 4, 5].map((_id) => ({ _id, v: _id }));
    const err = await errorOf(() => coll.insertMany(docs as never[], { ordered: true }));
    expect(err.code).toBe(11000);
    const writeErrors = [err.writeErrors].flat();
    expect(writeErrors.map((e: { index: number }) => e.index)).toEqual([2]);
    expect(writeErrors[0].code).toBe(11000);
    expect(err.result.insertedCount).toBe(2);
    const landed = (await coll.find({}).sort({ _id: 1 }).toArray()).map((d) => d._id);
    expect(landed).toEqual([1, 2, 3]);
    expect(await coll.countDocuments({ seed: true })).toBe(1);
  });

  it('unordered insertMany inserts everything but the duplicate', async () => {
    const coll = target.db.collection('unordered_insert');
    await coll.insertOne({ _id: 3 as never, seed: true });
    const docs = [1, 2, 3, 4, 5].map((_id) => ({ _id, v: _id }));
    const err = await errorOf(() => coll.insertMany(docs as never[], { ordered: false }));
    const writeErrors = [err.writeErrors].flat();
    expect(writeErrors.map((e: { index: number }) => e.index)).toEqual([2]);
    expect(err.result.insertedCount).toBe(4);
    const landed = (await coll.find({}).sort({ _id: 1 }).toArray()).map((d) => d._id);
    expect(landed).toEqual([1, 2, 3, 4, 5]);
    expect(await coll.findOne({ _id: 3 as never })).toMatchObject({ seed: true });
  });

  it('unordered insertMany with two duplicates reports both indexes (wire shape)', async () => {
    const reply = await target.db.command({
      insert: 'unordered_wire',
      documents: [{ _id: 1 }, { _id: 1 }, { _id: 2 }, { _id: 2 }, { _id: 3 }],
      ordered: false,
    });
    expect(reply.ok).toBe(1);
    expect(reply.n).toBe(3);
    expect(reply.writeErrors.map((e: { index: number }) => e.index)).toEqual([1, 3]);
    for (const e of reply.writeErrors) {
      expect(e.code).toBe(11000);
      expect(e.errmsg).toMatch(/E11000 duplicate key error/);
    }
  });

  it('mongoose insertMany ordered:false reports the failed index and keeps the rest', async () => {
    const Item = target.conn.model('UnorderedItem', new Schema({ _id: Number, v: Number }, { versionKey: false }));
    await Item.create({ _id: 2, v: 0 });
    const err = await errorOf(() =>
      Item.insertMany(
        [
          { _id: 1, v: 1 },
          { _id: 2, v: 2 },
          { _id: 3, v: 3 },
        ],
        { ordered: false },
      ),
    );
    expect(err.code).toBe(11000);
    const writeErrors = [err.writeErrors].flat();
    expect(writeErrors.map((e: { index: number }) => e.index)).toEqual([1]);
    const docs = await Item.find().sort({ _id: 1 }).lean();
    expect(docs).toEqual([
      { _id: 1, v: 1 },
      { _id: 2, v: 0 },
      { _id: 3, v: 3 },
    ]);
  });
});

describe('find filters', () => {
  beforeAll(resetProducts);

  it('matches nested fields', async () => {
    expect(await ids({ 'meta.color': 'red' })).toEqual([1]);
    expect(await ids({ 'meta.size.h': { $gte: 10 } })).toEqual([1, 2]);
    expect(await ids({ meta: { $exists: false } })).toEqual([4]);
    expect(await ids({ 'meta.size': { $exists: true } })).toEqual([1, 2, 5]);
  });

  it('matches array elements, whole arrays, $all and $size', async () => {
    expect(await ids({ tags: 'fruit' })).toEqual([1, 2]);
    expect(await ids({ tags: ['red', 'fruit'] })).toEqual([1]);
    expect(await ids({ tags: ['fruit', 'red'] })).toEqual([]);
    expect(await ids({ tags: { $all: ['fruit', 'red'] } })).toEqual([1]);
    expect(await ids({ tags: { $size: 2 } })).toEqual([1, 2, 3]);
    expect(await ids({ 'items.sku': 'b' })).toEqual([1, 2]);
    expect(await ids({ items: { $size: 0 } })).toEqual([5]);
  });

  it('$in over scalars and arrays', async () => {
    expect(await ids({ _id: { $in: [1, 3, 99] } })).toEqual([1, 3]);
    expect(await ids({ tags: { $in: ['yellow', 'fish'] } })).toEqual([2, 5]);
    expect(await ids({ qty: { $nin: [5, 12] } })).toEqual([3, 4, 5]);
  });

  it('$elemMatch requires one element to match all conditions', async () => {
    expect(await ids({ items: { $elemMatch: { sku: 'a', n: { $gte: 2 } } } })).toEqual([1]);
    expect(await ids({ items: { $elemMatch: { sku: 'a', n: 5 } } })).toEqual([]);
    // Without $elemMatch the conditions may be met by different elements.
    expect(await ids({ 'items.sku': 'a', 'items.n': 5 })).toEqual([1]);
  });

  it('$regex with and without options', async () => {
    expect(await ids({ name: /^a/ })).toEqual([1]);
    expect(await ids({ name: /^a/i })).toEqual([1, 5]);
    expect(await ids({ name: { $regex: 'AN', $options: 'i' } })).toEqual([2, 4, 5]);
    expect(await ids({ tags: { $regex: '^ve' } })).toEqual([3]);
  });

  it('null and $ne match missing fields, comparison operators do not', async () => {
    expect(await ids({ qty: null })).toEqual([4]);
    expect(await ids({ qty: { $ne: 5 } })).toEqual([2, 3, 4, 5]);
    expect(await ids({ qty: { $lt: 4 } })).toEqual([3, 5]);
    expect(await ids({ qty: { $gte: 0 } })).toEqual([1, 2, 3, 5]);
  });

  it('$or, $and, $not, $nor', async () => {
    expect(await ids({ $or: [{ qty: 0 }, { price: { $gt: 5 } }] })).toEqual([3, 4]);
    expect(await ids({ $and: [{ tags: 'fruit' }, { qty: { $gt: 10 } }] })).toEqual([2]);
    expect(await ids({ price: { $not: { $gt: 1 } } })).toEqual([2, 3]);
    expect(await ids({ $nor: [{ tags: 'fruit' }, { qty: { $exists: false } }] })).toEqual([3, 5]);
  });

  it('sort, skip and limit', async () => {
    const byQtyDesc = await product()
      .find({ qty: { $exists: true } })
      .sort({ qty: -1 })
      .lean();
    expect(byQtyDesc.map((d) => d._id)).toEqual([2, 1, 5, 3]);
    const page = await product().find({}).sort({ price: 1 }).skip(1).limit(2).lean();
    expect(page.map((d) => d._id)).toEqual([3, 1]);
    const byNested = await product().find({}).sort({ 'meta.size.h': -1, _id: 1 }).lean();
    // Missing values sort as null, before numbers; descending puts them last.
    expect(byNested.map((d) => d._id)).toEqual([2, 1, 5, 3, 4]);
    const byName = await product().find({}).sort({ name: 1 }).lean();
    // Binary (not locale) string order: upper case first.
    expect(byName.map((d) => d.name)).toEqual(['Anchovy', 'apple', 'banana', 'carrot', 'durian']);
  });
});

describe('$type aliases', () => {
  const TYPED = 'typed';
  beforeAll(async () => {
    await target.db
      .collection(TYPED)
      .insertMany([
        { _id: 'int', v: 5 },
        { _id: 'int32', v: new Int32(6) },
        { _id: 'double', v: 1.5 },
        { _id: 'wholeDouble', v: new Double(2) },
        { _id: 'long', v: Long.fromNumber(7) },
        { _id: 'bigLong', v: Long.fromString('9007199254740993') },
        { _id: 'string', v: 'str' },
        { _id: 'date', v: new Date('2026-01-01T00:00:00Z') },
        { _id: 'oid', v: new ObjectId() },
        { _id: 'null', v: null },
        { _id: 'bool', v: true },
        { _id: 'missing' },
      ] as never[]);
  });

  async function typed(type: unknown): Promise<string[]> {
    const docs = await target.db
      .collection(TYPED)
      .find({ v: { $type: type } })
      .toArray();
    return docs.map((d) => String(d._id)).sort();
  }

  it('objectId, string, date, null, bool', async () => {
    expect(await typed('objectId')).toEqual(['oid']);
    expect(await typed('string')).toEqual(['string']);
    expect(await typed('date')).toEqual(['date']);
    expect(await typed('null')).toEqual(['null']);
    expect(await typed('bool')).toEqual(['bool']);
  });

  // MongoDB keeps each number's BSON width. devdb keeps the value and MongoDB's order but re-derives
  // the width from the value (a documented difference, see api/devdb/README.md): a whole-number
  // double or an int64 within ±2^53 is stored as the JS number it decodes to.
  it('int and double', async () => {
    expect(await typed(16)).toEqual(isDevdb ? ['int', 'int32', 'long', 'wholeDouble'] : ['int', 'int32']);
    expect(await typed('int')).toEqual(await typed(16));
    expect(await typed('double')).toEqual(isDevdb ? ['double'] : ['double', 'wholeDouble']);
  });

  it('long (small and beyond 2^53)', async () => {
    expect(await typed('long')).toEqual(isDevdb ? ['bigLong'] : ['bigLong', 'long']);
  });

  it("'number' matches every numeric type, arrays of aliases match any", async () => {
    expect(await typed('number')).toEqual(['bigLong', 'double', 'int', 'int32', 'long', 'wholeDouble']);
    expect(await typed(['string', 'date'])).toEqual(['date', 'string']);
  });

  it('$type through a mongoose model query', async () => {
    const Typed = target.conn.model('Typed', new Schema({ _id: String, v: Schema.Types.Mixed }), TYPED);
    const docs = await Typed.find({ v: { $type: 'string' } }).lean();
    expect(docs.map((d) => d._id)).toEqual(['string']);
  });

  it('numbers keep their value on a round trip; int64 beyond 2^53 stays a Long', async () => {
    const raw = target.db.collection(TYPED);
    const wholeDouble = await raw.findOne({ _id: 'wholeDouble' as never }, { promoteValues: false });
    expect(Number(wholeDouble?.v.valueOf())).toBe(2);
    if (!isDevdb) expect(wholeDouble?.v).toBeInstanceOf(Double);
    await raw.insertOne({ _id: 'midLong', v: Long.fromNumber(3_000_000_000) } as never);
    const mid = await raw.findOne({ _id: 'midLong' as never });
    expect(Number(mid?.v)).toBe(3_000_000_000);
    const big = await raw.findOne({ _id: 'bigLong' as never }, { promoteLongs: false });
    expect(big?.v).toBeInstanceOf(Long);
    expect(String(big?.v)).toBe('9007199254740993');
  });
});

describe('projection', () => {
  beforeAll(resetProducts);

  it('inclusion keeps _id and the named fields (nested too)', async () => {
    const doc = await product().findById(1, { name: 1, 'meta.color': 1 }).lean();
    expect(doc).toEqual({ _id: 1, name: 'apple', meta: { color: 'red' } });
    const noId = await product().findById(1, { name: 1, _id: 0 }).lean();
    expect(noId).toEqual({ name: 'apple' });
  });

  it('exclusion drops the named fields only', async () => {
    const doc = await product().findById(1, { tags: 0, items: 0, meta: 0 }).lean();
    expect(doc).toEqual({ _id: 1, name: 'apple', qty: 5, price: 1.5 });
  });

  it('$slice', async () => {
    const first = await product()
      .findById(1, { tags: { $slice: 1 } })
      .lean();
    expect(first?.tags).toEqual(['red']);
    expect(first?.name).toBe('apple'); // $slice alone keeps the other fields
    const last = await product()
      .findById(1, { tags: { $slice: -1 } })
      .lean();
    expect(last?.tags).toEqual(['fruit']);
    const skipped = await product()
      .findById(1, { tags: { $slice: [1, 1] } })
      .lean();
    expect(skipped?.tags).toEqual(['fruit']);
  });

  it('positional projection returns the first matching element', async () => {
    const docs = await product().find({ 'items.sku': 'b' }, { 'items.$': 1 }).sort({ _id: 1 }).lean();
    expect(docs).toEqual([
      { _id: 1, items: [{ sku: 'b', n: 5 }] },
      { _id: 2, items: [{ sku: 'b', n: 1 }] },
    ]);
  });
});

describe('updates', () => {
  beforeEach(resetProducts);

  it('$set (nested), $inc, $unset, $mul, $min, $max', async () => {
    const res = await product().updateOne(
      { _id: 1 },
      { $set: { 'meta.size.h': 11, name: 'green apple' }, $inc: { qty: 2, hits: 1 }, $unset: { tags: '' } },
    );
    expect(res.matchedCount).toBe(1);
    expect(res.modifiedCount).toBe(1);
    await product().updateOne({ _id: 1 }, { $mul: { price: 2 }, $min: { lo: 3 }, $max: { hi: 3 } });
    await product().updateOne({ _id: 1 }, { $min: { lo: 5, qty: 1 }, $max: { hi: 1, price: 10 } });
    const doc = await product().findById(1).lean();
    expect(doc).toMatchObject({ name: 'green apple', qty: 1, hits: 1, price: 10, lo: 3, hi: 3, meta: { color: 'red', size: { h: 11 } } });
    expect(doc).not.toHaveProperty('tags');
  });

  it('an update that changes nothing reports modifiedCount 0', async () => {
    const res = await product().updateOne({ _id: 2 }, { $set: { qty: 12 } });
    expect(res.matchedCount).toBe(1);
    expect(res.modifiedCount).toBe(0);
    const none = await product().updateOne({ _id: 99 }, { $set: { qty: 1 } });
    expect(none.matchedCount).toBe(0);
  });

  it('$push ($each, $slice), $addToSet ($each), $pull (condition)', async () => {
    await product().updateOne({ _id: 1 }, { $push: { tags: 'sweet' } });
    await product().updateOne({ _id: 1 }, { $addToSet: { tags: 'red' } });
    await product().updateOne({ _id: 1 }, { $addToSet: { tags: { $each: ['fruit', 'round'] } } });
    expect((await product().findById(1).lean())?.tags).toEqual(['red', 'fruit', 'sweet', 'round']);
    await product().updateOne({ _id: 1 }, { $push: { tags: { $each: ['x', 'y'], $slice: -3 } } });
    expect((await product().findById(1).lean())?.tags).toEqual(['round', 'x', 'y']);
    await product().updateOne({ _id: 1 }, { $pull: { items: { n: { $gte: 3 } } } });
    expect((await product().findById(1).lean())?.items).toEqual([{ sku: 'a', n: 2 }]);
    await product().updateOne({ _id: 2 }, { $pull: { tags: { $in: ['fruit'] } } });
    expect((await product().findById(2).lean())?.tags).toEqual(['yellow']);
  });

  it('$rename and $currentDate', async () => {
    await product().collection.updateOne({ _id: 3 as never }, { $set: { oldName: 'carrot-old' } });
    const before = Date.now();
    await product().updateOne({ _id: 3 }, { $rename: { oldName: 'renamed' }, $currentDate: { touchedAt: true } });
    const doc = await product().findById(3).lean();
    expect(doc?.renamed).toBe('carrot-old');
    expect(doc).not.toHaveProperty('oldName');
    expect(doc?.touchedAt).toBeInstanceOf(Date);
    expect(doc!.touchedAt!.getTime()).toBeGreaterThanOrEqual(before - 5_000);
    expect(doc!.touchedAt!.getTime()).toBeLessThanOrEqual(Date.now() + 5_000);
  });

  it('updateMany touches every match', async () => {
    const res = await product().updateMany({ tags: 'fruit' }, { $inc: { qty: 100 } });
    expect(res.matchedCount).toBe(2);
    expect(res.modifiedCount).toBe(2);
    expect(await ids({ qty: { $gte: 100 } })).toEqual([1, 2]);
  });

  it('positional $ updates the first matching element', async () => {
    await product().updateOne({ _id: 1, 'items.sku': 'b' }, { $inc: { 'items.$.n': 10 } });
    expect((await product().findById(1).lean())?.items).toEqual([
      { sku: 'a', n: 2 },
      { sku: 'b', n: 15 },
    ]);
  });

  it('arrayFilters and $[]', async () => {
    await product().updateOne({ _id: 1 }, { $set: { 'items.$[el].n': 0 } }, { arrayFilters: [{ 'el.n': { $gt: 3 } }] });
    expect((await product().findById(1).lean())?.items).toEqual([
      { sku: 'a', n: 2 },
      { sku: 'b', n: 0 },
    ]);
    await product().updateOne({ _id: 1 }, { $inc: { 'items.$[].n': 1 } });
    expect((await product().findById(1).lean())?.items).toEqual([
      { sku: 'a', n: 3 },
      { sku: 'b', n: 1 },
    ]);
  });

  it('upsert through updateOne seeds from the filter equalities', async () => {
    const res = await product().updateOne({ _id: 42, name: 'kiwi' }, { $set: { qty: 1 } }, { upsert: true });
    expect(res.upsertedCount).toBe(1);
    expect(res.upsertedId).toBe(42);
    expect(await product().findById(42).lean()).toEqual({ _id: 42, name: 'kiwi', qty: 1 });
  });

  it('replaceOne replaces the whole document but keeps _id', async () => {
    const res = await product().replaceOne({ _id: 1 }, { name: 'replaced', qty: 1 });
    expect(res.modifiedCount).toBe(1);
    const doc = await product().findById(1).lean();
    expect(doc).toEqual({ _id: 1, name: 'replaced', qty: 1 });
  });

  it('deleteOne and deleteMany', async () => {
    expect((await product().deleteOne({ tags: 'fruit' })).deletedCount).toBe(1);
    expect(await product().countDocuments({ tags: 'fruit' })).toBe(1);
    expect((await product().deleteMany({ price: { $lt: 5 } })).deletedCount).toBe(3);
    expect(await ids({})).toEqual([4]);
    expect((await product().deleteMany({ name: 'nothing' })).deletedCount).toBe(0);
  });
});

describe('more update semantics (raw driver)', () => {
  const coll = () => target.db.collection('more_updates');
  beforeEach(async () => {
    await coll().deleteMany({});
    await coll().insertOne({
      _id: 1,
      s: 'str',
      arr: [1, 2],
      items: [
        { k: 'a', v: 1 },
        { k: 'b', v: 2 },
      ],
    } as never);
  });

  it('$pop, $pullAll, $push with $sort, $unset of an array element', async () => {
    await coll().updateOne({ _id: 1 as never }, { $pop: { arr: -1 } } as never);
    expect((await coll().findOne({ _id: 1 as never }))?.arr).toEqual([2]);
    await coll().updateOne({ _id: 1 as never }, { $push: { arr: { $each: [5, 3, 4], $sort: -1 } } } as never);
    expect((await coll().findOne({ _id: 1 as never }))?.arr).toEqual([5, 4, 3, 2]);
    await coll().updateOne({ _id: 1 as never }, { $pullAll: { arr: [4, 2] } } as never);
    expect((await coll().findOne({ _id: 1 as never }))?.arr).toEqual([5, 3]);
    await coll().updateOne({ _id: 1 as never }, { $unset: { 'items.0': '' } } as never);
    expect((await coll().findOne({ _id: 1 as never }))?.items).toEqual([null, { k: 'b', v: 2 }]);
  });

  it('$set creates missing parents; a pipeline update computes from the document', async () => {
    await coll().updateOne({ _id: 1 as never }, { $set: { 'deep.new.path': 1 } });
    expect((await coll().findOne({ _id: 1 as never }))?.deep).toEqual({ new: { path: 1 } });
    await coll().updateOne({ _id: 1 as never }, [{ $set: { total: { $sum: '$arr' }, n: { $size: '$items' } } }]);
    expect(await coll().findOne({ _id: 1 as never }, { projection: { total: 1, n: 1 } })).toEqual({ _id: 1, total: 3, n: 2 });
  });

  it('upsert seeds from equalities only, including dotted paths and $and', async () => {
    const res = await coll().updateOne({ k: { $gt: 1 }, b: 2, 'n.m': 3, $and: [{ z: 4 }] }, { $set: { y: 1 } }, { upsert: true });
    expect(res.upsertedCount).toBe(1);
    const doc = await coll().findOne({ _id: res.upsertedId! }, { projection: { _id: 0 } });
    expect(doc).toEqual({ b: 2, n: { m: 3 }, z: 4, y: 1 });
  });

  it('$setOnInsert does nothing without an insert', async () => {
    const res = await coll().updateOne({ _id: 1 as never }, { $setOnInsert: { created: true }, $set: { touched: true } });
    expect(res.modifiedCount).toBe(1);
    const doc = await coll().findOne({ _id: 1 as never });
    expect(doc?.touched).toBe(true);
    expect(doc).not.toHaveProperty('created');
  });

  it('$elemMatch projection and dotted projection into arrays of documents', async () => {
    expect(await coll().findOne({ _id: 1 as never }, { projection: { items: { $elemMatch: { v: { $gt: 1 } } } } })).toEqual({
      _id: 1,
      items: [{ k: 'b', v: 2 }],
    });
    expect(await coll().findOne({ _id: 1 as never }, { projection: { 'items.k': 1, _id: 0 } })).toEqual({
      items: [{ k: 'a' }, { k: 'b' }],
    });
  });

  it('update error codes: $push on a non-array (2), conflicting operators (40), a field under a string (28)', async () => {
    expect((await errorOf(() => coll().updateOne({ _id: 1 as never }, { $push: { s: 1 } } as never))).code).toBe(2);
    expect((await errorOf(() => coll().updateOne({ _id: 1 as never }, { $set: { a: 1 }, $inc: { a: 1 } }))).code).toBe(40);
    expect((await errorOf(() => coll().updateOne({ _id: 1 as never }, { $inc: { arr: 'x' } } as never))).code).toBe(14);
    expect((await errorOf(() => coll().updateOne({ _id: 1 as never }, { $set: { 's.x': 1 } }))).code).toBe(28);
    expect(await coll().findOne({ _id: 1 as never })).toEqual({
      _id: 1,
      s: 'str',
      arr: [1, 2],
      items: [
        { k: 'a', v: 1 },
        { k: 'b', v: 2 },
      ],
    });
  });
});

describe('findOneAndUpdate / findOneAndDelete', () => {
  beforeEach(resetProducts);

  it('returns the old or the new document', async () => {
    const old = await product()
      .findOneAndUpdate({ _id: 1 }, { $inc: { qty: 1 } })
      .lean();
    expect(old?.qty).toBe(5);
    const updated = await product()
      .findOneAndUpdate({ _id: 1 }, { $inc: { qty: 1 } }, { returnDocument: 'after' })
      .lean();
    expect(updated?.qty).toBe(7);
    const missing = await product()
      .findOneAndUpdate({ _id: 99 }, { $inc: { qty: 1 } }, { returnDocument: 'after' })
      .lean();
    expect(missing).toBeNull();
  });

  it('upsert inserts and returns the new document', async () => {
    const doc = await product()
      .findOneAndUpdate({ name: 'fig' }, { $set: { qty: 3 }, $setOnInsert: { _id: 77 } }, { upsert: true, returnDocument: 'after' })
      .lean();
    expect(doc).toEqual({ _id: 77, name: 'fig', qty: 3 });
    const raw = await product()
      .findOneAndUpdate({ name: 'fig' }, { $set: { qty: 4 } }, { upsert: true, includeResultMetadata: true })
      .lean();
    expect(raw.lastErrorObject?.updatedExisting).toBe(true);
    expect(await product().countDocuments({ name: 'fig' })).toBe(1);
  });

  it('sort picks which document is modified, projection shapes the result', async () => {
    const doc = await product()
      .findOneAndUpdate(
        { qty: { $exists: true } },
        { $set: { hits: 1 } },
        { sort: { qty: -1 }, projection: { name: 1, hits: 1 }, returnDocument: 'after' },
      )
      .lean();
    expect(doc).toEqual({ _id: 2, name: 'banana', hits: 1 });
    const lowest = await product()
      .findOneAndUpdate({ qty: { $exists: true } }, { $set: { hits: 2 } }, { sort: { qty: 1 } })
      .lean();
    expect(lowest?._id).toBe(3);
  });

  it('findOneAndDelete removes and returns the document', async () => {
    const doc = await product()
      .findOneAndDelete({ tags: 'fruit' }, { sort: { price: -1 } })
      .lean();
    expect(doc?._id).toBe(1);
    expect(await product().findById(1)).toBeNull();
    expect(await product().countDocuments()).toBe(4);
  });
});

describe('counting and distinct', () => {
  beforeAll(resetProducts);

  it('countDocuments and estimatedDocumentCount', async () => {
    expect(await product().countDocuments()).toBe(5);
    expect(await product().countDocuments({ tags: 'fruit' })).toBe(2);
    expect(await product().countDocuments({ name: 'none' })).toBe(0);
    expect(await product().estimatedDocumentCount()).toBe(5);
    expect(await target.db.collection('no_such_collection').countDocuments()).toBe(0);
    expect(await target.db.collection('no_such_collection').estimatedDocumentCount()).toBe(0);
  });

  it('distinct expands arrays and skips missing fields', async () => {
    const tags = (await product().distinct('tags')) as string[];
    expect([...tags].sort()).toEqual(['fish', 'fruit', 'orange', 'red', 'vegetable', 'yellow']);
    const colors = (await product().distinct('meta.color')) as string[];
    expect([...colors].sort()).toEqual(['orange', 'red', 'silver', 'yellow']);
    const skus = (await product().distinct('items.sku', { price: { $lt: 1 } })) as string[];
    expect([...skus].sort()).toEqual(['b', 'c']);
    const heights = (await product().distinct('meta.size.h')) as number[];
    expect([...heights].sort((a, b) => a - b)).toEqual([5, 10, 20]);
  });
});

describe('mongoose timestamps', () => {
  const Stamped = () =>
    target.conn.models.Stamped ?? target.conn.model('Stamped', new Schema({ key: String, v: Number }, { timestamps: true }));
  const pause = () => new Promise((resolve) => setTimeout(resolve, 25));

  it('createdAt is set on insert, updatedAt moves on update', async () => {
    const doc = await Stamped().create({ key: 'a', v: 1 });
    const created = await Stamped().findById(doc._id).lean();
    expect(created?.createdAt).toBeInstanceOf(Date);
    expect(created?.updatedAt?.getTime()).toBe(created?.createdAt?.getTime());
    await pause();
    await Stamped().updateOne({ _id: doc._id }, { $inc: { v: 1 } });
    const updated = await Stamped().findById(doc._id).lean();
    expect(updated?.createdAt?.getTime()).toBe(created?.createdAt?.getTime());
    expect(updated!.updatedAt!.getTime()).toBeGreaterThan(created!.updatedAt!.getTime());
  });

  it('createdAt is set by an upsert insert and kept by later upserts', async () => {
    const first = await Stamped()
      .findOneAndUpdate({ key: 'up' }, { $set: { v: 1 } }, { upsert: true, returnDocument: 'after' })
      .lean();
    expect(first?.createdAt).toBeInstanceOf(Date);
    expect(first?.updatedAt).toBeInstanceOf(Date);
    await pause();
    const second = await Stamped()
      .findOneAndUpdate({ key: 'up' }, { $set: { v: 2 } }, { upsert: true, returnDocument: 'after' })
      .lean();
    expect(second?.createdAt?.getTime()).toBe(first?.createdAt?.getTime());
    expect(second!.updatedAt!.getTime()).toBeGreaterThan(first!.updatedAt!.getTime());
    await Stamped().updateOne({ key: 'up2' }, { $set: { v: 1 } }, { upsert: true });
    const viaUpdateOne = await Stamped().findOne({ key: 'up2' }).lean();
    expect(viaUpdateOne?.createdAt).toBeInstanceOf(Date);
  });
});

describe('update errors', () => {
  beforeAll(async () => {
    await target.db.collection('errs').deleteMany({});
    await target.db.collection('errs').insertOne({ _id: 1 as never, name: 'x', n: 1 });
  });

  it('$inc on a string is TypeMismatch (14) and changes nothing', async () => {
    const err = await errorOf(() => target.db.collection('errs').updateOne({ _id: 1 as never }, { $inc: { name: 1, n: 1 } }));
    expect(err.code).toBe(14);
    expect(await target.db.collection('errs').findOne({ _id: 1 as never })).toEqual({ _id: 1, name: 'x', n: 1 });
  });

  it('a failed update statement counts for nothing in n / nModified (wire shape)', async () => {
    await target.db.collection('errs_n').insertMany([{ _id: 1, s: 'text', v: 1 } as never, { _id: 2, s: 'text', v: 1 } as never]);
    const reply = await target.db.command({
      update: 'errs_n',
      updates: [
        { q: { _id: 1 }, u: { $inc: { s: 1 } } },
        { q: { _id: 2 }, u: { $inc: { v: 1 } } },
        { q: { _id: 1 }, u: { $set: { v: 5 }, plain: 1 } },
      ],
      ordered: false,
    });
    expect(reply.ok).toBe(1);
    expect(reply.writeErrors.map((e: { index: number; code: number }) => [e.index, e.code])).toEqual([
      [0, 14],
      [2, 9],
    ]);
    expect(reply.n).toBe(1);
    expect(reply.nModified).toBe(1);
    expect((await target.db.collection('errs_n').find().sort({ _id: 1 }).toArray()).map((d) => d.v)).toEqual([1, 2]);
  });

  it('changing _id is ImmutableField (66)', async () => {
    const err = await errorOf(() => target.db.collection('errs').updateOne({ _id: 1 as never }, { $set: { _id: 2 } }));
    expect(err.code).toBe(66);
    const err2 = await errorOf(() => target.db.collection('errs').replaceOne({ _id: 1 as never }, { _id: 2, name: 'y' } as never));
    expect(err2.code).toBe(66);
    expect(await target.db.collection('errs').countDocuments()).toBe(1);
  });

  it('an unknown query operator is BadValue (2)', async () => {
    const err = await errorOf(() =>
      target.db
        .collection('errs')
        .find({ n: { $foo: 1 } } as never)
        .toArray(),
    );
    expect(err.code).toBe(2);
  });

  it('an unknown update operator is FailedToParse (9)', async () => {
    const err = await errorOf(() => target.db.collection('errs').updateOne({ _id: 1 as never }, { $foo: { n: 1 } } as never));
    expect(err.code).toBe(9);
  });

  it('mongoose surfaces the TypeMismatch code for a Mixed path', async () => {
    const Loose = target.conn.model('Loose', new Schema({ _id: Number, name: Schema.Types.Mixed }, { versionKey: false }), 'errs');
    const err = await errorOf(() => Loose.updateOne({ _id: 1 }, { $inc: { name: 1 } }));
    expect(err.code).toBe(14);
  });
});

describe('BSON round trips', () => {
  it('raw driver: ObjectId, Date, Binary, Long beyond 2^53, nested values, null, booleans, Decimal128', async () => {
    const oid = new ObjectId();
    const when = new Date('2026-03-04T05:06:07.089Z');
    const doc = {
      _id: 'types',
      oid,
      when,
      bin: new Binary(Buffer.from([0, 1, 2, 255]), 4),
      generic: new Binary(Buffer.from('hello')),
      big: Long.fromString('9007199254740993'),
      negBig: Long.fromString('-9223372036854775808'),
      nested: { a: [1, [2, 3], { b: null, c: [] }], d: { e: { f: 'deep' } } },
      nil: null,
      yes: true,
      no: false,
      dec: Decimal128.fromString('12.345'),
      float: 0.1,
      negZero: -1.25,
      empty: '',
      unicode: '导购 🛒',
    };
    const coll = target.db.collection('roundtrip');
    await coll.insertOne(doc as never);
    const back = await coll.findOne({ _id: 'types' as never });
    expect(back).not.toBeNull();
    expect(back!.oid).toBeInstanceOf(ObjectId);
    expect(back!.oid.equals(oid)).toBe(true);
    expect(back!.when).toEqual(when);
    expect(back!.bin).toBeInstanceOf(Binary);
    expect(back!.bin.sub_type).toBe(4);
    expect(Buffer.from(back!.bin.buffer).equals(Buffer.from([0, 1, 2, 255]))).toBe(true);
    expect(Buffer.from(back!.generic.buffer).toString()).toBe('hello');
    expect(back!.big).toBeInstanceOf(Long);
    expect(back!.big.toString()).toBe('9007199254740993');
    expect(back!.negBig.toString()).toBe('-9223372036854775808');
    expect(back!.nested).toEqual({ a: [1, [2, 3], { b: null, c: [] }], d: { e: { f: 'deep' } } });
    expect(back!.nil).toBeNull();
    expect(back!.yes).toBe(true);
    expect(back!.no).toBe(false);
    expect(back!.dec).toBeInstanceOf(Decimal128);
    expect(back!.dec.toString()).toBe('12.345');
    expect(back!.float).toBe(0.1);
    expect(back!.empty).toBe('');
    expect(back!.unicode).toBe('导购 🛒');
    // Equality lookups by typed values.
    expect(await coll.countDocuments({ oid })).toBe(1);
    expect(await coll.countDocuments({ when })).toBe(1);
    expect(await coll.countDocuments({ big: Long.fromString('9007199254740993') })).toBe(1);
    expect(await coll.countDocuments({ big: Long.fromString('9007199254740992') })).toBe(0);
    expect(await coll.countDocuments({ nil: null })).toBe(1);
    expect(await coll.countDocuments({ yes: true, no: false })).toBe(1);
    expect(await coll.countDocuments({ 'nested.d.e.f': 'deep' })).toBe(1);
  });

  it('mongoose: Buffer, BigInt, Decimal128, ObjectId refs, Date, nested arrays', async () => {
    const Typed = target.conn.model(
      'MongooseTyped',
      new Schema({
        data: Buffer,
        big: Schema.Types.BigInt,
        price: Schema.Types.Decimal128,
        owner: Schema.Types.ObjectId,
        at: Date,
        matrix: [[Number]],
        flag: Boolean,
        nothing: Schema.Types.Mixed,
      }),
    );
    const owner = new ObjectId();
    const created = await Typed.create({
      data: Buffer.from('bytes!'),
      big: 2n ** 60n + 7n,
      price: Decimal128.fromString('99.99'),
      owner,
      at: new Date('2026-01-01T00:00:00Z'),
      matrix: [
        [1, 2],
        [3, 4, 5],
      ],
      flag: false,
      nothing: null,
    });
    const back = await Typed.findById(created._id);
    expect(back).not.toBeNull();
    expect(Buffer.from(back!.data as Buffer).toString()).toBe('bytes!');
    expect(back!.big).toBe(2n ** 60n + 7n);
    expect(back!.price?.toString()).toBe('99.99');
    expect(String(back!.owner)).toBe(String(owner));
    expect(back!.at?.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(back!.toObject().matrix).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
    expect(back!.flag).toBe(false);
    expect(back!.nothing).toBeNull();
    expect(await Typed.countDocuments({ big: 2n ** 60n + 7n })).toBe(1);
    expect(await Typed.countDocuments({ owner })).toBe(1);
  });

  it.skipIf(!isDevdb)(`Decimal128 in a sort or in arithmetic fails clearly with 115 — ${DEVDB_ONLY}`, async () => {
    const coll = target.db.collection('decimals_more');
    await coll.insertMany([{ price: Decimal128.fromString('1.10') }, { price: Decimal128.fromString('2.20') }]);
    const sort = await errorOf(() => coll.find({}).sort({ price: 1 }).toArray());
    expect(sort.code).toBe(115);
    const inc = await errorOf(() => coll.updateOne({}, { $inc: { price: 1 } }));
    expect(inc.code).toBe(115);
    const add = await errorOf(() => coll.aggregate([{ $project: { more: { $add: ['$price', 1] } } }]).toArray());
    expect(add.code).toBe(115);
    expect(add.message).toMatch(/devdb/);
  });

  it.skipIf(!isDevdb)(`Decimal128 in a comparison or a $sum fails clearly with 115 — ${DEVDB_ONLY}`, async () => {
    const coll = target.db.collection('decimals');
    await coll.insertMany([{ price: Decimal128.fromString('1.10') }, { price: Decimal128.fromString('2.20') }]);
    expect(await coll.countDocuments({})).toBe(2);
    const cmp = await errorOf(() => coll.find({ price: { $gt: Decimal128.fromString('1.5') } }).toArray());
    expect(cmp.code).toBe(115);
    expect(cmp.message).toMatch(/devdb/);
    const sum = await errorOf(() => coll.aggregate([{ $group: { _id: null, total: { $sum: '$price' } } }]).toArray());
    expect(sum.code).toBe(115);
    expect(sum.message).toMatch(/devdb/);
  });
});
