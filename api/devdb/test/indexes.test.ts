import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mongoose, { Schema } from 'mongoose';
import { connectTarget, errorOf, type Target } from './harness.ts';

const { Double } = mongoose.mongo;

let target: Target;

beforeAll(async () => {
  target = await connectTarget();
});

afterAll(async () => {
  await target?.close();
});

async function indexNames(collection: string): Promise<string[]> {
  const indexes = await target.db.collection(collection).listIndexes().toArray();
  return indexes.map((index) => index.name as string).sort();
}

describe('schema indexes', () => {
  const userSchema = new Schema(
    {
      email: { type: String, required: true, unique: true },
      shop: String,
      sku: String,
      city: { type: String, index: true },
      nick: String,
    },
    { versionKey: false },
  );
  // Sparse: users without shop and sku are not in it (otherwise they would all share the key {null, null}).
  userSchema.index({ shop: 1, sku: -1 }, { unique: true, sparse: true });
  userSchema.index({ nick: 1 }, { unique: true, sparse: true });

  function User() {
    return target.conn.models.User ?? target.conn.model('User', userSchema, 'users');
  }

  it('Model.init() creates them and listIndexes returns their specs', async () => {
    await User().init();
    const indexes = await target.db.collection('users').listIndexes().toArray();
    const byName = new Map(indexes.map((index) => [index.name, index]));
    expect([...byName.keys()].sort()).toEqual(['_id_', 'city_1', 'email_1', 'nick_1', 'shop_1_sku_-1']);
    expect(byName.get('_id_')).toMatchObject({ v: 2, key: { _id: 1 }, name: '_id_' });
    expect(byName.get('_id_')).not.toHaveProperty('unique');
    expect(byName.get('email_1')).toMatchObject({ v: 2, key: { email: 1 }, name: 'email_1', unique: true });
    expect(byName.get('city_1')).toMatchObject({ key: { city: 1 }, name: 'city_1' });
    expect(byName.get('city_1')?.unique).toBeFalsy();
    expect(byName.get('shop_1_sku_-1')).toMatchObject({ key: { shop: 1, sku: -1 }, unique: true, sparse: true });
    expect(Object.keys(byName.get('shop_1_sku_-1')!.key)).toEqual(['shop', 'sku']);
    expect(byName.get('nick_1')).toMatchObject({ key: { nick: 1 }, unique: true, sparse: true });
  });

  it('syncIndexes drops indexes that are not in the schema and keeps the rest', async () => {
    await User().init();
    await target.db.collection('users').createIndex({ stray: 1 });
    expect(await indexNames('users')).toContain('stray_1');
    const dropped = await User().syncIndexes();
    expect(dropped).toEqual(['stray_1']);
    expect(await indexNames('users')).toEqual(['_id_', 'city_1', 'email_1', 'nick_1', 'shop_1_sku_-1']);
    expect(await User().syncIndexes()).toEqual([]);
  });

  it('a duplicate email fails with E11000, keyPattern and keyValue, through mongoose', async () => {
    await User().init();
    await User().create({ email: 'ann@example.com' });
    const err = await errorOf(() => User().create({ email: 'ann@example.com' }));
    expect(err.code).toBe(11000);
    expect(err.keyPattern).toEqual({ email: 1 });
    expect(err.keyValue).toEqual({ email: 'ann@example.com' });
    expect(err.message).toMatch(/E11000 duplicate key error/);
    expect(err.message).toMatch(/email_1/);
    expect(await User().countDocuments({ email: 'ann@example.com' })).toBe(1);
  });

  it('the insert reply carries the duplicate in writeErrors (wire shape)', async () => {
    await User().init();
    await User().create({ email: 'wire@example.com' });
    const reply = await target.db.command({
      insert: 'users',
      documents: [{ email: 'fresh@example.com' }, { email: 'wire@example.com' }, { email: 'fresh2@example.com' }],
      ordered: true,
    });
    expect(reply.ok).toBe(1);
    expect(reply.n).toBe(1);
    expect(reply.writeErrors).toHaveLength(1);
    expect(reply.writeErrors[0]).toMatchObject({
      index: 1,
      code: 11000,
      keyPattern: { email: 1 },
      keyValue: { email: 'wire@example.com' },
    });
    expect(reply.writeErrors[0].errmsg).toMatch(
      new RegExp(
        `E11000 duplicate key error collection: ${target.dbName}\\.users index: email_1 dup key: \\{ email: "wire@example\\.com" \\}`,
      ),
    );
  });

  it('a findOneAndUpdate upsert hitting the unique index fails at the top level with keyValue', async () => {
    await User().init();
    await User().create({ email: 'taken@example.com', nick: 'taken' });
    const err = await errorOf(() =>
      User().findOneAndUpdate({ email: 'other@example.com' }, { $set: { nick: 'taken' } }, { upsert: true, returnDocument: 'after' }),
    );
    expect(err.code).toBe(11000);
    expect(err.keyPattern).toEqual({ nick: 1 });
    expect(err.keyValue).toEqual({ nick: 'taken' });
    expect(await User().countDocuments({ email: 'other@example.com' })).toBe(0);
    const raw = await errorOf(() =>
      target.db.command({
        findAndModify: 'users',
        query: { email: 'other2@example.com' },
        update: { $set: { nick: 'taken' } },
        upsert: true,
        new: true,
      }),
    );
    expect(raw.code).toBe(11000);
    expect(raw.codeName).toBe('DuplicateKey');
    expect(raw.keyValue).toEqual({ nick: 'taken' });
    expect(raw.keyPattern).toEqual({ nick: 1 });
  });

  it('an update that would create a duplicate fails with 11000 and changes nothing', async () => {
    await User().init();
    await User().create({ email: 'u1@example.com' });
    const u2 = await User().create({ email: 'u2@example.com' });
    const err = await errorOf(() => User().updateOne({ _id: u2._id }, { $set: { email: 'u1@example.com' } }));
    expect(err.code).toBe(11000);
    expect(err.keyValue).toEqual({ email: 'u1@example.com' });
    expect((await User().findById(u2._id).lean())?.email).toBe('u2@example.com');
  });

  it('compound unique: only the full combination is unique', async () => {
    await User().init();
    await User().create([
      { email: 'c1@x', shop: 's1', sku: 'a' },
      { email: 'c2@x', shop: 's1', sku: 'b' },
      { email: 'c3@x', shop: 's2', sku: 'a' },
    ]);
    const err = await errorOf(() => User().create({ email: 'c4@x', shop: 's1', sku: 'a' }));
    expect(err.code).toBe(11000);
    expect(err.keyPattern).toEqual({ shop: 1, sku: -1 });
    expect(err.keyValue).toEqual({ shop: 's1', sku: 'a' });
  });

  it('sparse unique: many documents may miss the field, but explicit nulls collide', async () => {
    await User().init();
    await User().create([{ email: 'sp1@x' }, { email: 'sp2@x' }, { email: 'sp3@x' }]);
    await target.db.collection('users').insertOne({ email: 'null1@x', nick: null });
    const err = await errorOf(() => target.db.collection('users').insertOne({ email: 'null2@x', nick: null }));
    expect(err.code).toBe(11000);
    expect(err.keyValue).toEqual({ nick: null });
  });
});

describe('index semantics', () => {
  it('partial unique index allows duplicates outside its filter', async () => {
    const coll = target.db.collection('partial');
    await coll.createIndex({ code: 1 }, { unique: true, partialFilterExpression: { active: true } });
    await coll.insertMany([{ code: 'A', active: false }, { code: 'A', active: false }, { code: 'A' }, { code: 'A', active: true }]);
    const err = await errorOf(() => coll.insertOne({ code: 'A', active: true }));
    expect(err.code).toBe(11000);
    expect(err.keyValue).toEqual({ code: 'A' });
    await coll.insertOne({ code: 'B', active: true });
    // Leaving the filter frees the key.
    await coll.updateOne({ code: 'A', active: true }, { $set: { active: false } });
    await coll.insertOne({ code: 'A', active: true });
    expect(await coll.countDocuments({ code: 'A' })).toBe(5);
    const spec = (await coll.listIndexes().toArray()).find((index) => index.name === 'code_1');
    expect(spec).toMatchObject({ unique: true, partialFilterExpression: { active: true } });
  });

  it('multikey unique: array elements are the keys', async () => {
    const coll = target.db.collection('multikey');
    await coll.createIndex({ tags: 1 }, { unique: true });
    await coll.insertOne({ _id: 1 as never, tags: ['a', 'b'] });
    await coll.insertOne({ _id: 2 as never, tags: ['c'] });
    await coll.insertOne({ _id: 3 as never, tags: ['x', 'x'] }); // repeats within one document are fine
    const err = await errorOf(() => coll.insertOne({ _id: 4 as never, tags: ['d', 'b'] }));
    expect(err.code).toBe(11000);
    expect(err.keyValue).toEqual({ tags: 'b' });
    const scalar = await errorOf(() => coll.insertOne({ _id: 5 as never, tags: 'c' }));
    expect(scalar.code).toBe(11000);
    expect(await coll.countDocuments()).toBe(3);
    // An index on an array field still answers element lookups.
    expect((await coll.find({ tags: 'b' }).toArray()).map((d) => d._id)).toEqual([1]);
    expect(
      (
        await coll
          .find({ tags: { $in: ['c', 'x'] } })
          .sort({ _id: 1 })
          .toArray()
      ).map((d) => d._id),
    ).toEqual([2, 3]);
  });

  it('a missing field indexes as null: a second document without it is a duplicate', async () => {
    const coll = target.db.collection('missing_null');
    await coll.createIndex({ ref: 1 }, { unique: true });
    await coll.insertOne({ name: 'first' });
    const err = await errorOf(() => coll.insertOne({ name: 'second' }));
    expect(err.code).toBe(11000);
    expect(err.keyValue).toEqual({ ref: null });
    const explicit = await errorOf(() => coll.insertOne({ name: 'third', ref: null }));
    expect(explicit.code).toBe(11000);
    await coll.insertOne({ name: 'fourth', ref: 1 });
    expect(await coll.countDocuments()).toBe(2);
    // Lookups by null find the missing field through the index too.
    expect((await coll.find({ ref: null }).toArray()).map((d) => d.name)).toEqual(['first']);
  });

  it('numbers of different types are the same key', async () => {
    const coll = target.db.collection('numeric_keys');
    await coll.createIndex({ n: 1 }, { unique: true });
    await coll.insertOne({ n: 1 });
    const err = await errorOf(() => coll.insertOne({ n: new Double(1) }));
    expect(err.code).toBe(11000);
    expect(await coll.countDocuments({ n: 1 })).toBe(1);
  });

  it('a unique index over existing duplicates fails and leaves no index behind', async () => {
    const coll = target.db.collection('dups_before');
    await coll.insertMany([{ k: 1 }, { k: 2 }, { k: 1 }]);
    const err = await errorOf(() => coll.createIndex({ k: 1 }, { unique: true }));
    expect(err.code).toBe(11000);
    expect(await indexNames('dups_before')).toEqual(['_id_']);
    // A non-unique index on the same key is fine.
    await coll.createIndex({ k: 1 });
    expect(await indexNames('dups_before')).toEqual(['_id_', 'k_1']);
  });

  it('dropIndex and dropIndexes', async () => {
    const coll = target.db.collection('droppable');
    await coll.insertOne({ a: 1, b: 1, c: 1 });
    await coll.createIndexes([{ key: { a: 1 } }, { key: { b: 1 }, unique: true }, { key: { c: -1 }, name: 'c_desc' }]);
    expect(await indexNames('droppable')).toEqual(['_id_', 'a_1', 'b_1', 'c_desc']);
    await coll.dropIndex('b_1');
    expect(await indexNames('droppable')).toEqual(['_id_', 'a_1', 'c_desc']);
    await coll.insertOne({ a: 2, b: 1 }); // no longer unique
    const missing = await errorOf(() => coll.dropIndex('nope_1'));
    expect(missing.code).toBe(27);
    await coll.dropIndexes();
    expect(await indexNames('droppable')).toEqual(['_id_']);
    expect(await coll.countDocuments()).toBe(2);
  });

  it('the same index requested twice is a no-op', async () => {
    const coll = target.db.collection('twice');
    expect(await coll.createIndex({ a: 1 }, { unique: true })).toBe('a_1');
    expect(await coll.createIndex({ a: 1 }, { unique: true })).toBe('a_1');
    const reply = await target.db.command({ createIndexes: 'twice', indexes: [{ key: { a: 1 }, name: 'a_1', unique: true }] });
    expect(reply.ok).toBe(1);
    expect(reply.numIndexesBefore).toBe(2);
    expect(reply.numIndexesAfter).toBe(2);
    expect(await indexNames('twice')).toEqual(['_id_', 'a_1']);
  });

  it('the same name with a different key is IndexKeySpecsConflict (86); same key with another name or options is 85', async () => {
    const coll = target.db.collection('conflicts');
    await coll.createIndex({ a: 1 }, { name: 'my_index' });
    const err = await errorOf(() => coll.createIndex({ b: 1 }, { name: 'my_index' }));
    expect(err.code).toBe(86);
    const options = await errorOf(() => coll.createIndex({ a: 1 }, { name: 'my_index', unique: true }));
    expect(options.code).toBe(85);
    const otherName = await errorOf(() => coll.createIndex({ a: 1 }, { name: 'other_name' }));
    expect(otherName.code).toBe(85);
    expect(await indexNames('conflicts')).toEqual(['_id_', 'my_index']);
  });

  it('equality lookups on 100k documents with a unique index return the right documents', async () => {
    const coll = target.db.collection('big_unique');
    await coll.createIndex({ code: 1 }, { unique: true });
    const N = 100_000;
    const chunk = 25_000;
    for (let start = 0; start < N; start += chunk) {
      await coll.insertMany(Array.from({ length: chunk }, (_, k) => ({ code: `c-${start + k}`, n: start + k, bucket: (start + k) % 10 })));
    }
    expect(await coll.estimatedDocumentCount()).toBe(N);
    const probes = Array.from({ length: 300 }, (_, i) => (i * 7_919 + 13) % N);
    const found = await Promise.all(probes.map((n) => coll.findOne({ code: `c-${n}` })));
    found.forEach((doc, i) => expect(doc?.n).toBe(probes[i]));
    expect(await coll.findOne({ code: 'c-100000' })).toBeNull();
    const many = await coll
      .find({ code: { $in: ['c-5', 'c-99999', 'c-nope', 'c-50000'] } })
      .sort({ n: 1 })
      .toArray();
    expect(many.map((d) => d.n)).toEqual([5, 50_000, 99_999]);
    expect(await coll.countDocuments({ code: 'c-77777', bucket: 7 })).toBe(1);
    expect(await coll.countDocuments({ code: 'c-77777', bucket: 8 })).toBe(0);
    const updated = await coll.updateOne({ code: 'c-4242' }, { $set: { code: 'renamed' } });
    expect(updated.modifiedCount).toBe(1);
    expect(await coll.findOne({ code: 'c-4242' })).toBeNull();
    expect((await coll.findOne({ code: 'renamed' }))?.n).toBe(4242);
    await coll.deleteOne({ code: 'c-31337' });
    expect(await coll.findOne({ code: 'c-31337' })).toBeNull();
    await coll.insertOne({ code: 'c-31337', n: -1 });
    expect((await coll.findOne({ code: 'c-31337' }))?.n).toBe(-1);
  }, 60_000);
});
