import { Long, ObjectId } from 'bson';
import { describe, expect, it } from 'vitest';
import { type MongoServerError } from '../errors.ts';
import { CommittedAccess } from './access.ts';
import { documentKey } from './collection.ts';
import { Engine } from './engine.ts';
import { Index, validateIndexSpec } from './index.ts';
import { Transaction } from './transaction.ts';

function codeOf(run: () => unknown): number | undefined {
  try {
    run();
  } catch (error) {
    return (error as MongoServerError).code;
  }
  return undefined;
}

describe('Index', () => {
  it('indexes missing fields as null and expands arrays (multikey)', () => {
    const index = new Index(validateIndexSpec({ key: { tags: 1 }, name: 'tags_1' }));
    expect(index.keysOf({ _id: 1 }).map((k) => k.values)).toEqual([[null]]);
    expect(index.keysOf({ _id: 1, tags: ['a', 'b', 'a'] }).map((k) => k.values)).toEqual([['a'], ['b']]);
    expect(index.keysOf({ _id: 1, tags: [{ x: 1 }] }).map((k) => k.values)).toEqual([[{ x: 1 }]]);
  });

  it('follows dotted paths through arrays of documents', () => {
    const index = new Index(validateIndexSpec({ key: { 'items.sku': 1 }, name: 's' }));
    expect(index.keysOf({ items: [{ sku: 'a' }, { sku: 'b' }, { other: 1 }] }).map((k) => k.values)).toEqual([['a'], ['b'], [null]]);
  });

  it('refuses two array fields in one compound index', () => {
    const index = new Index(validateIndexSpec({ key: { a: 1, b: 1 }, name: 'ab' }));
    expect(codeOf(() => index.keysOf({ a: [1, 2], b: [3, 4] }))).toBe(171);
    expect(codeOf(() => index.keysOf({ a: [1], b: [] }))).toBe(171);
    expect(index.keysOf({ a: [1, 2], b: 3 })).toHaveLength(2);
  });

  it('leaves documents missing every field out of a sparse index', () => {
    const index = new Index(validateIndexSpec({ key: { code: 1 }, name: 'code_1', sparse: true, unique: true }));
    expect(index.keysOf({ _id: 1 })).toEqual([]);
    expect(index.keysOf({ _id: 1, code: null })).toHaveLength(1);
  });

  it('rejects index kinds the engine does not implement with code 115', () => {
    expect(codeOf(() => validateIndexSpec({ key: { body: 'text' }, name: 't' }))).toBe(115);
    expect(codeOf(() => validateIndexSpec({ key: { at: '2dsphere' }, name: 'g' }))).toBe(115);
    expect(codeOf(() => validateIndexSpec({ key: { a: 1 }, name: 'a', collation: { locale: 'zh' } }))).toBe(115);
    expect(codeOf(() => validateIndexSpec({ key: {}, name: 'none' }))).toBe(2);
    expect(codeOf(() => validateIndexSpec({ key: { at: 1 }, name: 'ttl', expireAfterSeconds: -1 }))).toBe(2);
  });
});

describe('Collection', () => {
  function setup() {
    const engine = new Engine();
    const access = new CommittedAccess(engine);
    const coll = access.collectionForWrite('shop', 'items');
    coll.addIndex(validateIndexSpec({ key: { sku: 1 }, name: 'sku_1', unique: true }));
    return { engine, access, coll };
  }

  it('refuses names MongoDB reserves', () => {
    const engine = new Engine();
    expect(codeOf(() => engine.ensureCollection('shop', 'system.users', []))).toBe(73);
    expect(codeOf(() => engine.ensureCollection('sh.op', 'items', []))).toBe(73);
    expect(codeOf(() => engine.ensureCollection('shop', 'a$b', []))).toBe(73);
  });

  it('treats 1, 1.0 and Long(1) as the same _id and the same unique key', () => {
    const { access, coll } = setup();
    access.put(coll, documentKey(1), { _id: 1, sku: 7 });
    expect(access.get(coll, documentKey(Long.fromNumber(1)))).toEqual({ _id: 1, sku: 7 });
    const error = (() => {
      try {
        access.put(coll, documentKey(2), { _id: 2, sku: Long.fromNumber(7) });
      } catch (caught) {
        return caught as MongoServerError;
      }
      return null;
    })();
    expect(error?.code).toBe(11000);
    expect(error?.extra).toMatchObject({ keyPattern: { sku: 1 } });
    expect(error?.message).toMatch(/E11000 duplicate key error collection: shop.items index: sku_1 dup key: \{ sku: 7 \}/);
    expect(coll.size).toBe(1);
  });

  it('answers equality and $in through indexes, in natural order, and falls back to a scan otherwise', () => {
    const { access, coll } = setup();
    for (let i = 0; i < 10; i++) access.put(coll, documentKey(i), { _id: i, sku: `s${i}`, n: i % 3 });
    expect(coll.candidateKeys({ sku: 's3' })).toEqual([documentKey(3)]);
    expect(coll.candidateKeys({ sku: { $in: ['s9', 's1'] } })).toEqual([documentKey(1), documentKey(9)]);
    expect(coll.candidateKeys({ _id: 4 })).toEqual([documentKey(4)]);
    expect(coll.candidateKeys({ $and: [{ sku: 's2' }, { n: 2 }] })).toEqual([documentKey(2)]);
    expect(coll.candidateKeys({ n: 1 })).toBeNull();
    expect(coll.candidateKeys({ sku: /s/ })).toBeNull();
    expect(access.find(coll, { sku: { $in: ['s9', 's1'] } }).map((d) => d.doc._id)).toEqual([1, 9]);
  });

  it('keeps old versions only while a snapshot is open', () => {
    const { engine, access, coll } = setup();
    const key = documentKey('a');
    access.put(coll, key, { _id: 'a', sku: 'x', v: 1 });
    const snapshot = engine.openSnapshot();
    access.put(coll, key, { _id: 'a', sku: 'x', v: 2 });
    access.remove(coll, key);
    expect(coll.at(key, snapshot)).toEqual({ _id: 'a', sku: 'x', v: 1 });
    expect(coll.current(key)).toBeNull();
    engine.closeSnapshot(snapshot);
    expect(coll.records.has(key)).toBe(false);
    expect(coll.versionedKeys().size).toBe(0);
  });
});

describe('Transaction', () => {
  function setup() {
    const engine = new Engine();
    const access = new CommittedAccess(engine);
    const coll = access.collectionForWrite('bank', 'accounts');
    coll.addIndex(validateIndexSpec({ key: { email: 1 }, name: 'email_1', unique: true }));
    access.put(coll, documentKey('a'), { _id: 'a', email: 'a@x', balance: 100 });
    access.put(coll, documentKey('b'), { _id: 'b', email: 'b@x', balance: 0 });
    return { engine, access, coll };
  }

  it('reads its snapshot plus its own writes and commits atomically', async () => {
    const { engine, access, coll } = setup();
    const txn = new Transaction(engine, 1);
    txn.access.put(coll, documentKey('a'), { _id: 'a', email: 'a@x', balance: 60 });
    txn.access.put(coll, documentKey('b'), { _id: 'b', email: 'b@x', balance: 40 });
    expect(access.get(coll, documentKey('a'))?.balance).toBe(100);
    expect(txn.access.find(coll, { balance: { $gte: 40 } }).map((d) => d.doc.balance)).toEqual([60, 40]);
    await txn.commit();
    expect(access.find(coll, {}).map((d) => d.doc.balance)).toEqual([60, 40]);
    await txn.commit();
    expect(coll.lockedBy.size).toBe(0);
  });

  it('does not see writes committed after its snapshot, and cannot overwrite them (112, transient)', () => {
    const { engine, access, coll } = setup();
    const txn = new Transaction(engine, 1);
    access.put(coll, documentKey('a'), { _id: 'a', email: 'a@x', balance: 1 });
    access.put(coll, documentKey('c'), { _id: 'c', email: 'c@x', balance: 5 });
    expect(txn.access.get(coll, documentKey('a'))?.balance).toBe(100);
    expect(txn.access.find(coll, {}).map((d) => d.doc._id)).toEqual(['a', 'b']);
    let error: MongoServerError | undefined;
    try {
      txn.access.put(coll, documentKey('a'), { _id: 'a', email: 'a@x', balance: 2 });
    } catch (caught) {
      error = caught as MongoServerError;
    }
    expect(error?.code).toBe(112);
    expect(error?.errorLabels).toContain('TransientTransactionError');
    expect(txn.state).toBe('aborted');
  });

  it('lets the first writer of a document win against a second transaction', async () => {
    const { engine, coll } = setup();
    const first = new Transaction(engine, 1);
    const second = new Transaction(engine, 1);
    first.access.put(coll, documentKey('a'), { _id: 'a', email: 'a@x', balance: 1 });
    expect(codeOf(() => second.access.put(coll, documentKey('a'), { _id: 'a', email: 'a@x', balance: 2 }))).toBe(112);
    await first.commit();
    expect(coll.current(documentKey('a'))?.balance).toBe(1);
  });

  it('fails at commit when a plain write changed a document it holds', async () => {
    const { engine, access, coll } = setup();
    const txn = new Transaction(engine, 1);
    txn.access.put(coll, documentKey('a'), { _id: 'a', email: 'a@x', balance: 1 });
    access.put(coll, documentKey('a'), { _id: 'a', email: 'a@x', balance: 7 });
    await expect(txn.commit()).rejects.toMatchObject({ code: 112 });
    expect(coll.current(documentKey('a'))?.balance).toBe(7);
  });

  it('checks unique indexes against committed data and its own writes', async () => {
    const { engine, access, coll } = setup();
    const txn = new Transaction(engine, 1);
    // Swapping two unique values inside one transaction is fine.
    txn.access.put(coll, documentKey('a'), { _id: 'a', email: 'tmp', balance: 100 });
    txn.access.put(coll, documentKey('b'), { _id: 'b', email: 'a@x', balance: 0 });
    txn.access.put(coll, documentKey('a'), { _id: 'a', email: 'b@x', balance: 100 });
    await txn.commit();
    expect(access.find(coll, { email: 'a@x' }).map((d) => d.doc._id)).toEqual(['b']);

    const clash = new Transaction(engine, 2);
    clash.access.put(coll, documentKey('n1'), { _id: 'n1', email: 'new@x' });
    expect(codeOf(() => clash.access.put(coll, documentKey('n2'), { _id: 'n2', email: 'new@x' }))).toBe(11000);
    expect(clash.state).toBe('aborted');
    expect(coll.current(documentKey('n1'))).toBeNull();
  });

  it('re-checks unique keys at commit: a key committed meanwhile is a retryable WriteConflict', async () => {
    const { engine, access, coll } = setup();
    const txn = new Transaction(engine, 1);
    txn.access.put(coll, documentKey('t'), { _id: 't', email: 'late@x' });
    access.put(coll, documentKey('p'), { _id: 'p', email: 'late@x' });
    await expect(txn.commit()).rejects.toMatchObject({ code: 112, errorLabels: ['TransientTransactionError'] });
    expect(coll.current(documentKey('t'))).toBeNull();
  });

  it('reports a unique key its snapshot already holds as a duplicate key (11000)', () => {
    const { engine, coll } = setup();
    const txn = new Transaction(engine, 1);
    expect(codeOf(() => txn.access.put(coll, documentKey('c'), { _id: 'c', email: 'a@x' }))).toBe(11000);
  });

  it('turns a unique key written after its snapshot into a WriteConflict at write time', () => {
    const { engine, access, coll } = setup();
    const txn = new Transaction(engine, 1);
    access.put(coll, documentKey('p'), { _id: 'p', email: 'pay-1' });
    expect(codeOf(() => txn.access.put(coll, documentKey('t'), { _id: 't', email: 'pay-1' }))).toBe(112);
  });

  it('releases its locks and snapshot on abort', () => {
    const { engine, coll } = setup();
    const txn = new Transaction(engine, 1);
    txn.access.put(coll, documentKey(new ObjectId().toHexString()), { email: 'z@x' });
    txn.abort();
    expect(coll.lockedBy.size).toBe(0);
    expect(engine.retainHistory).toBe(false);
    expect(codeOf(() => txn.ensureUsable())).toBe(251);
  });

  it('is aborted once it outlives its lifetime limit, releasing its locks', async () => {
    const { engine, coll } = setup();
    const txn = new Transaction(engine, 1, 20);
    txn.access.put(coll, documentKey('a'), { _id: 'a', email: 'a@x', balance: 5 });
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(codeOf(() => txn.ensureUsable())).toBe(251);
    expect(txn.state).toBe('aborted');
    expect(coll.lockedBy.size).toBe(0);
    expect(coll.current(documentKey('a'))?.balance).toBe(100);
  });

  it('creates collections implicitly only when it commits', async () => {
    const { engine } = setup();
    const aborted = new Transaction(engine, 1);
    const draft = aborted.access.collectionForWrite('bank', 'ledger');
    aborted.access.put(draft, documentKey(1), { _id: 1 });
    expect(engine.collection('bank', 'ledger')).toBeUndefined();
    expect(aborted.access.find(draft, {})).toHaveLength(1);
    aborted.abort();
    expect(engine.collection('bank', 'ledger')).toBeUndefined();

    const committed = new Transaction(engine, 2);
    committed.access.put(committed.access.collectionForWrite('bank', 'ledger'), documentKey(2), { _id: 2 });
    await committed.commit();
    expect(engine.collection('bank', 'ledger')?.size).toBe(1);
  });
});
