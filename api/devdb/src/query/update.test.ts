import { Decimal128, Long, ObjectId, Timestamp } from 'bson';
import type { Document } from 'bson';
import { describe, expect, it } from 'vitest';
import { applyUpdate, type UpdateOptions } from './index.ts';
import { deepFreeze, expectServerError } from './test-support.ts';

const UPDATE: UpdateOptions = { isUpsertInsert: false };

function update(doc: Document, spec: Document | Document[], options: Partial<UpdateOptions> = {}): Document {
  return applyUpdate(deepFreeze(doc), spec, { ...UPDATE, ...options }).doc;
}

describe('applyUpdate: field operators', () => {
  it('$set creates embedded documents and appends new fields in path order', () => {
    const result = update({ _id: 1, z: 0 }, { $set: { 'b.y': 2, a: 1, 'b.x': 1 } });
    expect(result).toEqual({ _id: 1, z: 0, a: 1, b: { x: 1, y: 2 } });
    expect(Object.keys(result)).toEqual(['_id', 'z', 'a', 'b']);
    expect(Object.keys(result.b)).toEqual(['x', 'y']);
  });

  it('$set keeps an existing field in place and pads arrays with null', () => {
    expect(Object.keys(update({ _id: 1, a: 1, b: 2 }, { $set: { a: 9 } }))).toEqual(['_id', 'a', 'b']);
    expect(update({ _id: 1, a: [1] }, { $set: { 'a.3': 4 } }).a).toEqual([1, null, null, 4]);
  });

  it('$unset removes fields and nulls array elements', () => {
    expect(update({ _id: 1, a: 1, b: { c: 1, d: 2 } }, { $unset: { a: '', 'b.c': 1, missing: 1 } })).toEqual({ _id: 1, b: { d: 2 } });
    expect(update({ _id: 1, a: [1, 2, 3] }, { $unset: { 'a.1': '' } }).a).toEqual([1, null, 3]);
  });

  it('$inc and $mul add and multiply, starting missing fields from the operand (or 0)', () => {
    expect(update({ _id: 1, n: 2 }, { $inc: { n: 3, m: 5 }, $mul: { p: 4 } })).toEqual({ _id: 1, n: 5, m: 5, p: 0 });
    expect(update({ _id: 1, n: 2.5 }, { $mul: { n: 2 } }).n).toBe(5);
    expect(update({ _id: 1, n: Long.fromNumber(2) }, { $inc: { n: 1 } }).n).toEqual(Long.fromNumber(3));
  });

  it('$min and $max compare in BSON order', () => {
    expect(update({ _id: 1, lo: 5, hi: 5 }, { $min: { lo: 3 }, $max: { hi: 9, new: 1 } })).toEqual({ _id: 1, lo: 3, hi: 9, new: 1 });
    expect(update({ _id: 1, d: new Date(5) }, { $min: { d: new Date(1) } }).d).toEqual(new Date(1));
    expect(update({ _id: 1, v: 'text' }, { $max: { v: 1 } }).v).toBe('text');
  });

  it('$rename moves a value (to the end), and ignores a missing source', () => {
    const result = update({ _id: 1, a: 1, b: 2 }, { $rename: { a: 'c.d', missing: 'x' } });
    expect(result).toEqual({ _id: 1, b: 2, c: { d: 1 } });
    expectServerError(() => update({ _id: 1, a: 1 }, { $rename: { a: 'a.b' } }), 2, 'must not be on the same path');
  });

  it('$currentDate sets a Date or a Timestamp', () => {
    const before = Date.now();
    const result = update({ _id: 1 }, { $currentDate: { at: true, ts: { $type: 'timestamp' } } });
    expect(result.at).toBeInstanceOf(Date);
    expect(result.at.getTime()).toBeGreaterThanOrEqual(before);
    expect(result.ts).toBeInstanceOf(Timestamp);
  });

  it('$bit applies and/or/xor', () => {
    expect(update({ _id: 1, f: 0b1100 }, { $bit: { f: { and: 0b1010 }, g: { or: 0b0101 } } })).toEqual({ _id: 1, f: 0b1000, g: 0b0101 });
  });

  it('$setOnInsert applies only when inserting', () => {
    const spec = { $set: { updatedAt: 2 }, $setOnInsert: { createdAt: 1 } };
    expect(update({ _id: 1 }, spec)).toEqual({ _id: 1, updatedAt: 2 });
    expect(update({ _id: 1 }, spec, { isUpsertInsert: true })).toEqual({ _id: 1, createdAt: 1, updatedAt: 2 });
  });
});

describe('applyUpdate: array operators', () => {
  it('$push appends, and with $each honours $position, $sort and $slice', () => {
    expect(update({ _id: 1, a: [1] }, { $push: { a: 2, b: [3] } })).toEqual({ _id: 1, a: [1, 2], b: [[3]] });
    expect(update({ _id: 1, a: [1, 4] }, { $push: { a: { $each: [2, 3], $position: 1 } } }).a).toEqual([1, 2, 3, 4]);
    expect(update({ _id: 1, a: [5, 1] }, { $push: { a: { $each: [3], $sort: -1, $slice: 2 } } }).a).toEqual([5, 3]);
    expect(update({ _id: 1, a: [{ n: 2 }, { n: 9 }] }, { $push: { a: { $each: [{ n: 5 }], $sort: { n: 1 }, $slice: -2 } } }).a).toEqual([
      { n: 5 },
      { n: 9 },
    ]);
    expect(update({ _id: 1, a: [1, 2, 3] }, { $push: { a: { $each: [9], $position: -1 } } }).a).toEqual([1, 2, 9, 3]);
  });

  it('$addToSet adds only values not already present, by MongoDB equality', () => {
    const hex = '65a1b2c3d4e5f60718293a4b';
    const result = update(
      { _id: 1, ids: [new ObjectId(hex)], n: [1] },
      { $addToSet: { ids: new ObjectId(hex), n: { $each: [1.0, 2, 2, { a: 1 }] } } },
    );
    expect(result.ids).toHaveLength(1);
    expect(result.n).toEqual([1, 2, { a: 1 }]);
  });

  it('$pull removes by value, by condition, by document query and by regex; $pullAll by values', () => {
    expect(update({ _id: 1, a: [1, 2, 3, 2] }, { $pull: { a: 2 } }).a).toEqual([1, 3]);
    expect(update({ _id: 1, a: [1, 5, 8] }, { $pull: { a: { $gte: 5 } } }).a).toEqual([1]);
    expect(update({ _id: 1, a: [{ k: 1, v: 'x' }, { k: 2 }] }, { $pull: { a: { k: 1 } } }).a).toEqual([{ k: 2 }]);
    expect(update({ _id: 1, a: ['apple', 'pear'] }, { $pull: { a: /^ap/ } }).a).toEqual(['pear']);
    expect(update({ _id: 1, a: [1, 2, 3] }, { $pullAll: { a: [1, 3] } }).a).toEqual([2]);
  });

  it('$pop removes the last (1) or first (-1) element', () => {
    expect(update({ _id: 1, a: [1, 2, 3], b: [1, 2, 3] }, { $pop: { a: 1, b: -1 } })).toEqual({ _id: 1, a: [1, 2], b: [2, 3] });
  });
});

describe('applyUpdate: positional updates', () => {
  const student = {
    _id: 1,
    grades: [
      { grade: 80, mean: 75 },
      { grade: 85, mean: 90 },
      { grade: 85, mean: 85 },
    ],
  };

  it('$ updates the first element the query matched', () => {
    const result = update(student, { $set: { 'grades.$.mean': 100 } }, { query: { _id: 1, 'grades.grade': 85 } });
    expect(result.grades.map((g: Document) => g.mean)).toEqual([75, 100, 85]);
    const scalars = update({ _id: 1, a: [1, 2, 3] }, { $inc: { 'a.$': 10 } }, { query: { a: { $gt: 1 } } });
    expect(scalars.a).toEqual([1, 12, 3]);
    const elemMatch = update(student, { $set: { 'grades.$.grade': 0 } }, { query: { grades: { $elemMatch: { grade: 85, mean: 85 } } } });
    expect(elemMatch.grades[2].grade).toBe(0);
  });

  it('$ without a matching query condition is an error', () => {
    expectServerError(
      () => update(student, { $set: { 'grades.$.mean': 1 } }, { query: { _id: 1 } }),
      2,
      'The positional operator did not find the match needed from the query.',
    );
  });

  it('$[] updates every element and $[id] the elements arrayFilters select', () => {
    expect(update(student, { $inc: { 'grades.$[].grade': 1 } }).grades.map((g: Document) => g.grade)).toEqual([81, 86, 86]);
    const filtered = update(
      student,
      { $set: { 'grades.$[g].mean': 0 } },
      { arrayFilters: [{ 'g.grade': { $gte: 85 }, 'g.mean': { $gt: 85 } }] },
    );
    expect(filtered.grades.map((g: Document) => g.mean)).toEqual([75, 0, 85]);
    const nested = update(
      { _id: 1, orders: [{ items: [{ q: 1 }, { q: 5 }] }, { items: [{ q: 7 }] }] },
      { $set: { 'orders.$[].items.$[big].q': 0 } },
      { arrayFilters: [{ 'big.q': { $gt: 4 } }] },
    );
    expect(nested.orders).toEqual([{ items: [{ q: 1 }, { q: 0 }] }, { items: [{ q: 0 }] }]);
    expect(update({ _id: 1, a: [1, 5, 9] }, { $set: { 'a.$[x]': 0 } }, { arrayFilters: [{ x: { $lt: 6 } }] }).a).toEqual([0, 0, 9]);
  });

  it('rejects missing, unused and malformed array filters', () => {
    expectServerError(() => update(student, { $set: { 'grades.$[g].mean': 0 } }), 2, "No array filter found for identifier 'g'");
    expectServerError(
      () => update(student, { $set: { a: 1 } }, { arrayFilters: [{ x: 1 }] }),
      9,
      "The array filter for identifier 'x' was not used",
    );
    expectServerError(
      () => update(student, { $set: { 'grades.$[g].mean': 0 } }, { arrayFilters: [{ g: 1, h: 2 }] }),
      9,
      'Expected a single top-level field name',
    );
    expectServerError(
      () => update({ _id: 1 }, { $set: { 'a.$[].b': 1 } }),
      2,
      "The path 'a' must exist in the document in order to apply array updates.",
    );
  });
});

describe('applyUpdate: replacement and pipeline updates', () => {
  it('a replacement keeps the original _id first', () => {
    const result = update({ _id: 7, a: 1 }, { b: 2, _id: 7 });
    expect(result).toEqual({ _id: 7, b: 2 });
    expect(Object.keys(result)).toEqual(['_id', 'b']);
    expect(update({ _id: 7, a: 1 }, {})).toEqual({ _id: 7 });
    expectServerError(
      () => update({ _id: 7 }, { _id: 8, a: 1 }),
      66,
      "the (immutable) field '_id' was found to have been altered to _id: 8",
    );
    expectServerError(() => update({ _id: 7 }, { a: 1, $set: { b: 1 } }), 52, "The dollar ($) prefixed field '$set'");
  });

  it('a pipeline runs $set/$unset/$replaceWith stages and keeps _id', () => {
    const result = update({ _id: 1, a: 2, b: 3, c: 4 }, [{ $set: { total: { $add: ['$a', '$b'] } } }, { $unset: 'c' }]);
    expect(result).toEqual({ _id: 1, a: 2, b: 3, total: 5 });
    expect(update({ _id: 1, inner: { x: 1 } }, [{ $replaceWith: '$inner' }])).toEqual({ _id: 1, x: 1 });
    expect(update({ _id: 1 }, [{ $set: { at: '$$NOW' } }]).at).toBeInstanceOf(Date);
  });

  it('a pipeline rejects stages not allowed in updates and changes to _id', () => {
    expectServerError(() => update({ _id: 1 }, [{ $group: { _id: null } }]), 72, '$group is not allowed to be used within an update');
    expectServerError(() => update({ _id: 1 }, [{ $set: { _id: 2 } }]), 66);
  });
});

describe('applyUpdate: modified flag and immutability', () => {
  it('reports whether the document changed', () => {
    const doc = deepFreeze({ _id: 1, a: 1, list: [1, 2] });
    expect(applyUpdate(doc, { $set: { a: 1 } }, UPDATE).modified).toBe(false);
    expect(applyUpdate(doc, { $set: {} }, UPDATE).modified).toBe(false);
    expect(applyUpdate(doc, { $addToSet: { list: 2 } }, UPDATE).modified).toBe(false);
    expect(applyUpdate(doc, { $pull: { list: 9 } }, UPDATE).modified).toBe(false);
    expect(applyUpdate(doc, { $set: { a: 2 } }, UPDATE).modified).toBe(true);
    expect(applyUpdate(doc, { _id: 1, list: [1, 2], a: 1 }, UPDATE).modified).toBe(true);
  });

  it('never writes into the input document', () => {
    const doc = deepFreeze({ _id: 1, nested: { a: 1 }, list: [{ v: 1 }] });
    const result = applyUpdate(doc, { $set: { 'nested.b': 2, 'list.0.v': 5 }, $push: { more: 1 } }, UPDATE).doc;
    expect(result).toEqual({ _id: 1, nested: { a: 1, b: 2 }, list: [{ v: 5 }], more: [1] });
    expect(doc).toEqual({ _id: 1, nested: { a: 1 }, list: [{ v: 1 }] });
  });

  it('allows setting _id to an equal value but not changing it', () => {
    expect(applyUpdate({ _id: 1, a: 1 }, { $set: { _id: 1 } }, UPDATE).modified).toBe(false);
    expectServerError(
      () => update({ _id: 1 }, { $set: { _id: 2 } }),
      66,
      "Performing an update on the path '_id' would modify the immutable field '_id'",
    );
    expectServerError(() => update({ _id: 1 }, { $unset: { _id: 1 } }), 66);
  });
});

describe('applyUpdate: errors', () => {
  it('rejects mixed and unknown modifiers with FailedToParse', () => {
    expectServerError(() => update({ _id: 1 }, { $set: { a: 1 }, b: 2 }), 9, 'Unknown modifier: b');
    expectServerError(() => update({ _id: 1 }, { $foo: { a: 1 } }), 9, 'Unknown modifier: $foo');
    expectServerError(() => update({ _id: 1 }, { $set: 5 }), 9, 'Modifiers operate on fields');
  });

  it('rejects two operators on the same or overlapping paths', () => {
    expectServerError(
      () => update({ _id: 1 }, { $set: { a: 1 }, $inc: { a: 1 } }),
      40,
      "Updating the path 'a' would create a conflict at 'a'",
    );
    expectServerError(
      () => update({ _id: 1 }, { $set: { 'a.b': 1 }, $unset: { a: 1 } }),
      40,
      "Updating the path 'a.b' would create a conflict at 'a'",
    );
    expectServerError(() => update({ _id: 1 }, { $set: { a: 1 }, $setOnInsert: { a: 2 } }), 40);
  });

  it('reports type errors of $inc and $mul as TypeMismatch', () => {
    expectServerError(() => update({ _id: 1 }, { $inc: { a: 'x' } }), 14, 'Cannot increment with non-numeric argument: {a: "x"}');
    expectServerError(() => update({ _id: 1 }, { $mul: { a: null } }), 14, 'Cannot multiply with non-numeric argument');
    expectServerError(
      () => update({ _id: 1, a: 'x' }, { $inc: { a: 1 } }),
      14,
      "Cannot apply $inc to a value of non-numeric type. {_id: 1} has the field 'a' of non-numeric type string",
    );
  });

  it('reports array operators on non-arrays', () => {
    expectServerError(
      () => update({ _id: 1, a: 'x' }, { $push: { a: 1 } }),
      2,
      "The field 'a' must be an array but is of type string in document {_id: 1}",
    );
    expectServerError(() => update({ _id: 1, a: 'x' }, { $addToSet: { a: 1 } }), 2, 'Cannot apply $addToSet to non-array field');
    expectServerError(() => update({ _id: 1, a: 'x' }, { $pull: { a: 1 } }), 2, 'Cannot apply $pull to a non-array value');
    expectServerError(() => update({ _id: 1, a: 'x' }, { $pop: { a: 1 } }), 14, "Path 'a' contains an element of non-array type 'string'");
  });

  it('reports paths that cannot be created and invalid paths', () => {
    expectServerError(() => update({ _id: 1, a: 5 }, { $set: { 'a.b': 1 } }), 28, "Cannot create field 'b' in element {a: 5}");
    expectServerError(() => update({ _id: 1 }, { $set: { 'a..b': 1 } }), 56);
    expectServerError(() => update({ _id: 1 }, { $set: { 'a.$foo': 1 } }), 52);
  });

  it('fails with 115 on Decimal128 arithmetic', () => {
    expectServerError(() => update({ _id: 1, a: 1 }, { $inc: { a: Decimal128.fromString('1') } }), 115);
  });
});
