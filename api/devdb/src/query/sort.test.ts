import { Binary, Long, MaxKey, MinKey, ObjectId, Timestamp } from 'bson';
import type { Document } from 'bson';
import { describe, expect, it } from 'vitest';
import { compileSort } from './index.ts';
import { expectServerError } from './test-support.ts';

function sortedIds(docs: Document[], spec: Document): unknown[] {
  return [...docs].sort(compileSort(spec)).map((doc) => doc._id);
}

describe('compileSort', () => {
  it('orders mixed types in the BSON order, with a missing field as null', () => {
    const docs = [
      { _id: 'maxKey', v: new MaxKey() },
      { _id: 'regex', v: /a/ },
      { _id: 'timestamp', v: new Timestamp({ t: 1, i: 1 }) },
      { _id: 'date', v: new Date(0) },
      { _id: 'bool', v: false },
      { _id: 'objectId', v: new ObjectId('65a1b2c3d4e5f60718293a4b') },
      { _id: 'binData', v: new Binary(Buffer.from('x')) },
      { _id: 'array', v: [[1]] },
      { _id: 'object', v: { a: 1 } },
      { _id: 'string', v: 'a' },
      { _id: 'number', v: 1 },
      { _id: 'null', v: null },
      { _id: 'minKey', v: new MinKey() },
    ];
    expect(sortedIds(docs, { v: 1 })).toEqual([
      'minKey',
      'null',
      'number',
      'string',
      'object',
      'array',
      'binData',
      'objectId',
      'bool',
      'date',
      'timestamp',
      'regex',
      'maxKey',
    ]);
    expect(sortedIds(docs, { v: -1 })[0]).toBe('maxKey');
  });

  it('interleaves ints, doubles and Longs numerically', () => {
    const docs = [
      { _id: 'long-big', v: Long.fromString('9007199254740993') },
      { _id: 'double', v: 2.5 },
      { _id: 'int', v: 2 },
      { _id: 'long-small', v: Long.fromNumber(3) },
      { _id: 'negative', v: -1 },
    ];
    expect(sortedIds(docs, { v: 1 })).toEqual(['negative', 'int', 'double', 'long-small', 'long-big']);
  });

  it('sorts arrays by their smallest element ascending and largest descending', () => {
    const docs = [
      { _id: 'a', v: [5, 1] },
      { _id: 'b', v: 3 },
      { _id: 'c', v: [2, 9] },
    ];
    expect(sortedIds(docs, { v: 1 })).toEqual(['a', 'c', 'b']);
    expect(sortedIds(docs, { v: -1 })).toEqual(['c', 'a', 'b']);
  });

  it('puts an empty array before null and missing, which tie in input order', () => {
    const docs = [{ _id: 'missing' }, { _id: 'null', v: null }, { _id: 'empty', v: [] }, { _id: 'one', v: 1 }];
    expect(sortedIds(docs, { v: 1 })).toEqual(['empty', 'missing', 'null', 'one']);
    expect(sortedIds(docs, { v: -1 })).toEqual(['one', 'missing', 'null', 'empty']);
  });

  it('sorts by several keys and by paths through arrays', () => {
    const docs = [
      { _id: 1, a: 1, items: [{ n: 4 }] },
      { _id: 2, a: 2, items: [{ n: 1 }, { n: 9 }] },
      { _id: 3, a: 1, items: [{ n: 2 }] },
    ];
    expect(sortedIds(docs, { a: 1, 'items.n': -1 })).toEqual([1, 3, 2]);
    expect(sortedIds(docs, { 'items.n': 1 })).toEqual([2, 3, 1]);
  });

  it('is stable for ties', () => {
    const docs = Array.from({ length: 20 }, (_, i) => ({ _id: i, k: i % 2 }));
    expect(sortedIds(docs, { k: 1 })).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19]);
  });

  it('rejects $meta with 115 and other orderings with BadValue', () => {
    expectServerError(() => compileSort({ score: { $meta: 'textScore' } }), 115);
    expectServerError(() => compileSort({ a: 2 }), 2, '$sort key ordering must be 1 (for ascending) or -1 (for descending)');
    expectServerError(() => compileSort({ a: 'asc' }), 2, '$sort key ordering must be 1');
  });
});
