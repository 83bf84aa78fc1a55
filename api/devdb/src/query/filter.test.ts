import { Binary, BSONRegExp, Decimal128, Long, MaxKey, MinKey, ObjectId, Timestamp } from 'bson';
import type { Document } from 'bson';
import { describe, expect, it } from 'vitest';
import { compileFilter } from './index.ts';
import { expectServerError } from './test-support.ts';

/** The documents of `docs` the filter matches. */
function matching(filter: Document, docs: Document[]): Document[] {
  const matches = compileFilter(filter);
  return docs.filter((doc) => matches(doc));
}

function matches(filter: Document, doc: Document): boolean {
  return compileFilter(filter)(doc);
}

describe('compileFilter: equality', () => {
  it('matches ObjectIds by value, not by instance', () => {
    const hex = '65a1b2c3d4e5f60718293a4b';
    expect(matches({ _id: new ObjectId(hex) }, { _id: new ObjectId(hex) })).toBe(true);
    expect(matches({ _id: new ObjectId(hex) }, { _id: new ObjectId('65a1b2c3d4e5f60718293a4c') })).toBe(false);
    expect(matches({ _id: new ObjectId(hex) }, { _id: hex })).toBe(false);
  });

  it('matches Dates by time and embedded documents by fields in order', () => {
    expect(matches({ at: new Date('2026-01-01T00:00:00Z') }, { at: new Date(Date.UTC(2026, 0, 1)) })).toBe(true);
    expect(matches({ at: new Date(1) }, { at: new Date(2) })).toBe(false);
    expect(matches({ a: { x: 1, y: 2 } }, { a: { x: 1, y: 2 } })).toBe(true);
    expect(matches({ a: { x: 1, y: 2 } }, { a: { y: 2, x: 1 } })).toBe(false);
    expect(matches({ a: { x: 1 } }, { a: { x: 1, y: 2 } })).toBe(false);
  });

  it('matches an array field by the whole array or by any element, and numbers across types', () => {
    expect(matches({ tags: 'b' }, { tags: ['a', 'b'] })).toBe(true);
    expect(matches({ tags: ['a', 'b'] }, { tags: ['a', 'b'] })).toBe(true);
    expect(matches({ tags: ['b', 'a'] }, { tags: ['a', 'b'] })).toBe(false);
    expect(matches({ tags: ['a'] }, { tags: [['a'], 'c'] })).toBe(true);
    expect(matches({ n: 1 }, { n: Long.fromNumber(1) })).toBe(true);
    expect(matches({ n: 1 }, { n: 1.0 })).toBe(true);
  });

  it('matches null against null and missing fields, not against other values', () => {
    const docs = [{ _id: 1, a: null }, { _id: 2 }, { _id: 3, a: 0 }, { _id: 4, a: [] }, { _id: 5, a: [null, 1] }];
    expect(matching({ a: null }, docs).map((d) => d._id)).toEqual([1, 2, 5]);
    expect(matching({ a: { $ne: null } }, docs).map((d) => d._id)).toEqual([3, 4]);
  });
});

describe('compileFilter: paths through arrays', () => {
  it('traverses arrays of embedded documents', () => {
    const doc = {
      items: [
        { sku: 'a', qty: 1 },
        { sku: 'b', qty: 5 },
      ],
    };
    expect(matches({ 'items.sku': 'b' }, doc)).toBe(true);
    expect(matches({ 'items.qty': { $gt: 4 } }, doc)).toBe(true);
    expect(matches({ 'items.sku': 'c' }, doc)).toBe(false);
    expect(matches({ 'items.1.sku': 'b' }, doc)).toBe(true);
    expect(matches({ 'items.0.sku': 'b' }, doc)).toBe(false);
  });

  it('treats a missing field inside array elements as null, but skips non-document elements', () => {
    expect(matches({ 'a.b': null }, { a: [{ b: 1 }, { c: 1 }] })).toBe(true);
    expect(matches({ 'a.b': null }, { a: [{ b: 1 }] })).toBe(false);
    expect(matches({ 'a.b': null }, { a: [1, 2] })).toBe(false);
    expect(matches({ 'a.b': null }, { a: 4 })).toBe(true);
    expect(matches({ 'a.b': { $exists: false } }, { a: [1, 2] })).toBe(true);
  });

  it('does not traverse arrays nested directly in arrays', () => {
    expect(matches({ 'a.b': 1 }, { a: [[{ b: 1 }]] })).toBe(false);
    expect(matches({ a: 1 }, { a: [[1]] })).toBe(false);
    expect(matches({ a: [1] }, { a: [[1]] })).toBe(true);
  });
});

describe('compileFilter: comparisons', () => {
  const docs = [
    { _id: 1, a: 5 },
    { _id: 2, a: '7' },
    { _id: 3, a: 10 },
    { _id: 4, a: Long.fromString('9007199254740993') },
    { _id: 5, a: null },
    { _id: 6 },
    { _id: 7, a: [1, 20] },
    { _id: 8, a: new Date(0) },
  ];

  it('compares only within a type bracket', () => {
    expect(matching({ a: { $gt: 5 } }, docs).map((d) => d._id)).toEqual([3, 4, 7]);
    expect(matching({ a: { $lt: 'z' } }, docs).map((d) => d._id)).toEqual([2]);
    expect(matching({ a: { $gte: new Date(0) } }, docs).map((d) => d._id)).toEqual([8]);
  });

  it('interleaves ints, doubles and Longs numerically', () => {
    expect(matching({ a: { $gt: 9007199254740992 } }, docs).map((d) => d._id)).toEqual([4]);
    expect(matching({ a: { $gte: 4.5, $lte: 5.5 } }, docs).map((d) => d._id)).toEqual([1, 7]);
  });

  it('lets $gte/$lte null match null and missing, and $gt null match nothing', () => {
    expect(matching({ a: { $gte: null } }, docs).map((d) => d._id)).toEqual([5, 6]);
    expect(matching({ a: { $gt: null } }, docs)).toEqual([]);
  });

  it('matches an array if any element (or the array itself) satisfies each operator', () => {
    expect(matching({ a: { $gt: 15, $lt: 2 } }, docs).map((d) => d._id)).toEqual([7]);
    expect(matching({ a: { $elemMatch: { $gt: 15, $lt: 2 } } }, docs)).toEqual([]);
  });

  it('treats NaN as equal only to NaN and never greater or smaller', () => {
    const nan = [
      { _id: 1, a: Number.NaN },
      { _id: 2, a: 1 },
    ];
    expect(matching({ a: Number.NaN }, nan).map((d) => d._id)).toEqual([1]);
    expect(matching({ a: { $lt: 5 } }, nan).map((d) => d._id)).toEqual([2]);
    expect(matching({ a: { $gte: Number.NaN } }, nan).map((d) => d._id)).toEqual([1]);
  });

  it('bounds every type with MinKey and MaxKey', () => {
    expect(matching({ a: { $gt: new MinKey() } }, docs).length).toBe(docs.length);
    expect(matching({ a: { $lt: new MaxKey() } }, docs).length).toBe(docs.length);
  });

  it('fails with 115 when a comparison meets a Decimal128', () => {
    expectServerError(() => matches({ a: { $gt: 5 } }, { a: Decimal128.fromString('6') }), 115, 'Decimal128');
    expectServerError(() => matches({ a: Decimal128.fromString('6') }, { a: 6 }), 115);
  });
});

describe('compileFilter: $in and $nin', () => {
  const ids = ['65a1b2c3d4e5f60718293a01', '65a1b2c3d4e5f60718293a02', '65a1b2c3d4e5f60718293a03'];
  const docs = ids.map((hex, i) => ({
    _id: new ObjectId(hex),
    day: new Date(Date.UTC(2026, 0, i + 1)),
    tag: i === 1 ? undefined : `t${i}`,
  }));

  it('matches ObjectIds and Dates by value', () => {
    expect(matching({ _id: { $in: [new ObjectId(ids[0]), new ObjectId(ids[2])] } }, docs)).toEqual([docs[0], docs[2]]);
    expect(matching({ day: { $in: [new Date(Date.UTC(2026, 0, 2))] } }, docs)).toEqual([docs[1]]);
    expect(matching({ _id: { $nin: [new ObjectId(ids[0])] } }, docs)).toEqual([docs[1], docs[2]]);
  });

  it('matches missing fields with null in the list and strings with regexes', () => {
    const withMissing = [{ _id: 1, tag: 'alpha' }, { _id: 2 }, { _id: 3, tag: 'beta' }];
    expect(matching({ tag: { $in: [null] } }, withMissing).map((d) => d._id)).toEqual([2]);
    expect(matching({ tag: { $in: [/^al/, 'beta'] } }, withMissing).map((d) => d._id)).toEqual([1, 3]);
    expect(matching({ tag: { $nin: [null, 'beta'] } }, withMissing).map((d) => d._id)).toEqual([1]);
  });

  it('rejects a non-array operand', () => {
    expectServerError(() => compileFilter({ a: { $in: 5 } }), 2, '$in needs an array');
  });
});

describe('compileFilter: element operators', () => {
  it('implements $exists', () => {
    const docs = [{ _id: 1, a: null }, { _id: 2 }, { _id: 3, a: [] }];
    expect(matching({ a: { $exists: true } }, docs).map((d) => d._id)).toEqual([1, 3]);
    expect(matching({ a: { $exists: false } }, docs).map((d) => d._id)).toEqual([2]);
  });

  it('implements $type with every alias and with numbers', () => {
    const values: Record<string, unknown> = {
      double: 1.5,
      string: 's',
      object: { x: 1 },
      array: [],
      binData: new Binary(Buffer.from('x')),
      objectId: new ObjectId(),
      bool: true,
      date: new Date(),
      null: null,
      regex: /x/,
      int: 7,
      timestamp: new Timestamp({ t: 1, i: 1 }),
      long: Long.fromString('9007199254740993'),
      decimal: Decimal128.fromString('1.5'),
      minKey: new MinKey(),
      maxKey: new MaxKey(),
    };
    const docs = Object.entries(values).map(([type, v]) => ({ type, v }));
    for (const type of Object.keys(values)) {
      expect(
        matching({ v: { $type: type } }, docs).map((d) => d.type),
        type,
      ).toEqual(type === 'array' ? ['array'] : [type]);
    }
    expect(matching({ v: { $type: 'number' } }, docs).map((d) => d.type)).toEqual(['double', 'int', 'long', 'decimal']);
    expect(matching({ v: { $type: 7 } }, docs).map((d) => d.type)).toEqual(['objectId']);
    expect(matching({ v: { $type: ['bool', 2] } }, docs).map((d) => d.type)).toEqual(['string', 'bool']);
  });

  it('matches $type against array elements and the array itself, never a missing field', () => {
    expect(matches({ a: { $type: 'string' } }, { a: [1, 'x'] })).toBe(true);
    expect(matches({ a: { $type: 'array' } }, { a: [1] })).toBe(true);
    expect(matches({ a: { $type: 'null' } }, {})).toBe(false);
  });

  it('rejects unknown $type aliases and codes', () => {
    expectServerError(() => compileFilter({ a: { $type: 'objectid' } }), 2, 'Unknown type name alias: objectid');
    expectServerError(() => compileFilter({ a: { $type: 99 } }), 2, 'Invalid numerical type code: 99');
  });
});

describe('compileFilter: $regex', () => {
  const docs = [
    { _id: 1, s: 'Apple pie' },
    { _id: 2, s: 'apple\ntart' },
    { _id: 3, s: 'banana' },
    { _id: 4, s: ['x', 'APPLE'] },
  ];

  it('accepts RegExp values, $regex strings with $options, and BSONRegExp', () => {
    expect(matching({ s: /^apple/i }, docs).map((d) => d._id)).toEqual([1, 2, 4]);
    expect(matching({ s: { $regex: '^apple', $options: 'i' } }, docs).map((d) => d._id)).toEqual([1, 2, 4]);
    expect(matching({ s: new BSONRegExp('^tart', 'm') }, docs).map((d) => d._id)).toEqual([2]);
    expect(matching({ s: { $regex: new BSONRegExp('pie$') } }, docs).map((d) => d._id)).toEqual([1]);
  });

  it('supports the s and x options and a leading inline flag', () => {
    expect(matching({ s: { $regex: 'apple.tart', $options: 's' } }, docs).map((d) => d._id)).toEqual([2]);
    expect(matching({ s: { $regex: 'ban  ana # comment', $options: 'x' } }, docs).map((d) => d._id)).toEqual([3]);
    expect(matching({ s: { $regex: '(?i)^APPLE P' } }, docs).map((d) => d._id)).toEqual([1]);
  });

  it('reads the bson "g" flag as dotAll and is not stateful', () => {
    const matchesDotAll = compileFilter({ s: /apple.tart/g });
    expect(matchesDotAll(docs[1])).toBe(true);
    expect(matchesDotAll(docs[1])).toBe(true);
  });

  it('rejects $options without $regex and unknown options', () => {
    expectServerError(() => compileFilter({ s: { $options: 'i' } }), 2, '$options needs a $regex');
    expectServerError(() => compileFilter({ s: { $regex: 'a', $options: 'q' } }), 2, 'invalid flag in regex options: q');
  });
});

describe('compileFilter: array operators', () => {
  const docs = [
    {
      _id: 1,
      items: [
        { sku: 'a', qty: 1 },
        { sku: 'b', qty: 5 },
      ],
      tags: ['x', 'y'],
    },
    { _id: 2, items: [{ sku: 'a', qty: 5 }], tags: ['y'] },
    { _id: 3, items: [], tags: [] },
  ];

  it('$elemMatch needs one element to satisfy the whole filter', () => {
    expect(matching({ items: { $elemMatch: { sku: 'a', qty: 5 } } }, docs).map((d) => d._id)).toEqual([2]);
    expect(matching({ 'items.sku': 'a', 'items.qty': 5 }, docs).map((d) => d._id)).toEqual([1, 2]);
    expect(matching({ tags: { $elemMatch: { $in: ['x'] } } }, docs).map((d) => d._id)).toEqual([1]);
  });

  it('$size, $all and $all with $elemMatch', () => {
    expect(matching({ tags: { $size: 2 } }, docs).map((d) => d._id)).toEqual([1]);
    expect(matching({ tags: { $size: 0 } }, docs).map((d) => d._id)).toEqual([3]);
    expect(matching({ tags: { $all: ['y', 'x'] } }, docs).map((d) => d._id)).toEqual([1]);
    expect(matching({ tags: { $all: [] } }, docs)).toEqual([]);
    expect(matching({ items: { $all: [{ $elemMatch: { qty: 5 } }, { $elemMatch: { sku: 'b' } }] } }, docs).map((d) => d._id)).toEqual([1]);
  });
});

describe('compileFilter: logical and evaluation operators', () => {
  const docs = [
    { _id: 1, a: 1, b: 2 },
    { _id: 2, a: 5, b: 2 },
    { _id: 3, a: 7 },
  ];

  it('implements $and, $or, $nor and $not', () => {
    expect(matching({ $or: [{ a: 1 }, { a: 7 }] }, docs).map((d) => d._id)).toEqual([1, 3]);
    expect(matching({ $and: [{ a: { $gt: 1 } }, { b: 2 }] }, docs).map((d) => d._id)).toEqual([2]);
    expect(matching({ $nor: [{ a: 1 }, { b: { $exists: false } }] }, docs).map((d) => d._id)).toEqual([2]);
    expect(matching({ a: { $not: { $gt: 3 } } }, docs).map((d) => d._id)).toEqual([1]);
    expect(matching({ b: { $not: /2/ } }, [{ _id: 1, b: '2' }, { _id: 2, b: 'x' }, { _id: 3 }]).map((d) => d._id)).toEqual([2, 3]);
  });

  it('implements $mod and the bit tests', () => {
    expect(matching({ a: { $mod: [3, 1] } }, docs).map((d) => d._id)).toEqual([1, 3]);
    expect(matching({ a: { $bitsAllSet: [0, 2] } }, docs).map((d) => d._id)).toEqual([2, 3]);
    expect(matching({ a: { $bitsAnyClear: 5 } }, docs).map((d) => d._id)).toEqual([1]);
    expectServerError(() => compileFilter({ a: { $mod: [0, 1] } }), 2, 'divisor cannot be 0');
  });

  it('implements $expr with BSON-ordered comparisons', () => {
    expect(matching({ $expr: { $gt: ['$a', '$b'] } }, docs).map((d) => d._id)).toEqual([2, 3]);
    const id = new ObjectId();
    expect(matches({ $expr: { $lt: ['$id', '$flag'] } }, { id, flag: false })).toBe(true);
    expect(matches({ $expr: { $eq: ['$missing', null] } }, {})).toBe(false);
    const hex = '65a1b2c3d4e5f60718293a4b';
    expect(matches({ $expr: { $eq: ['$_id', new ObjectId(hex)] } }, { _id: new ObjectId(hex) })).toBe(true);
    expect(matches({ $expr: { $in: ['$_id', [new ObjectId(hex)]] } }, { _id: new ObjectId(hex) })).toBe(true);
    expect(matches({ $expr: { $eq: ['$_id', new ObjectId(hex)] } }, { _id: new ObjectId() })).toBe(false);
  });

  it('ignores $comment', () => {
    expect(matching({ a: 1, $comment: 'why' }, docs).map((d) => d._id)).toEqual([1]);
  });
});

describe('compileFilter: errors', () => {
  it.each([
    [{ $text: { $search: 'x' } }],
    [{ $where: 'this.a > 1' }],
    [{ $jsonSchema: {} }],
    [{ loc: { $near: [0, 0] } }],
    [{ loc: { $nearSphere: [0, 0] } }],
    [{ loc: { $geoWithin: { $centerSphere: [[0, 0], 1] } } }],
    [{ loc: { $geoIntersects: { $geometry: { type: 'Point', coordinates: [0, 0] } } } }],
    [{ $expr: { $function: { body: 'return true', args: [], lang: 'js' } } }],
    [{ $expr: { $eq: [{ $accumulator: {} }, 1] } }],
    [{ $or: [{ a: 1 }, { $where: 'true' }] }],
    [{ a: { $elemMatch: { $where: 'true' } } }],
  ])('rejects %j with 115', (filter) => {
    expectServerError(() => compileFilter(filter), 115, 'not supported by devdb');
  });

  it('rejects unknown operators with BadValue', () => {
    expectServerError(() => compileFilter({ a: { $foo: 1 } }), 2, 'unknown operator: $foo');
    expectServerError(() => compileFilter({ a: { $gt: 1, b: 2 } }), 2, 'unknown operator: b');
    expectServerError(() => compileFilter({ $foo: 1 }), 2, 'unknown top level operator: $foo');
    expectServerError(() => compileFilter({ $or: [] }), 2, '$or must be a nonempty array');
  });

  it('treats a document whose first key is not an operator as a value to equal', () => {
    expect(matches({ a: { b: 1, $gt: 1 } }, { a: { b: 1, $gt: 1 } })).toBe(true);
  });
});
