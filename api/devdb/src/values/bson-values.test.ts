import { Binary, BSONRegExp, Decimal128, Long, MaxKey, MinKey, ObjectId, Timestamp } from 'bson';
import { describe, expect, it } from 'vitest';
import { bsonTypeOf, BsonType, cloneValue, compareValues, indexKeyOf, resolveTypeOperand, valuesEqual } from './bson-values.ts';

describe('compareValues', () => {
  it('orders types like MongoDB: MinKey < null < numbers < strings < objects < arrays < binData < ObjectId < bool < Date < Timestamp < regex < MaxKey', () => {
    const ordered = [
      new MinKey(),
      null,
      -5,
      'a',
      { a: 1 },
      [1],
      new Binary(Buffer.from('x')),
      new ObjectId('000000000000000000000001'),
      false,
      true,
      new Date(0),
      new Timestamp({ t: 1, i: 0 }),
      /a/,
      new MaxKey(),
    ];
    const shuffled = [...ordered].reverse();
    shuffled.sort(compareValues);
    expect(shuffled).toEqual(ordered);
  });

  it('compares int, double and Long numerically and puts NaN first', () => {
    expect(compareValues(1, 1.5)).toBe(-1);
    expect(compareValues(Long.fromNumber(2), 1.5)).toBe(1);
    expect(compareValues(Long.fromBigInt(2n ** 60n), 2 ** 59)).toBe(1);
    expect(compareValues(Number.NaN, -Infinity)).toBe(-1);
    expect(compareValues(3, Long.fromNumber(3))).toBe(0);
  });

  it('compares arrays element-wise and documents field by field', () => {
    expect(compareValues([1, 2], [1, 3])).toBe(-1);
    expect(compareValues([1, 2], [1])).toBe(1);
    expect(compareValues({ a: 1, b: 2 }, { a: 1, b: 1 })).toBe(1);
    expect(compareValues({ a: 1 }, { b: 1 })).toBe(-1);
  });

  it('treats missing as null', () => {
    expect(compareValues(undefined, null)).toBe(0);
  });

  it('refuses Decimal128 with code 115 naming devdb', () => {
    expect(() => compareValues(Decimal128.fromString('1.5'), 1)).toThrow(/devdb/);
    try {
      compareValues(Decimal128.fromString('1.5'), 1);
    } catch (error) {
      expect((error as { code: number }).code).toBe(115);
    }
  });
});

describe('indexKeyOf', () => {
  it('gives equal values the same key and different values different keys', () => {
    expect(indexKeyOf(1)).toBe(indexKeyOf(Long.fromNumber(1)));
    expect(indexKeyOf(1)).toBe(indexKeyOf(1.0));
    expect(indexKeyOf(0)).toBe(indexKeyOf(-0));
    expect(indexKeyOf(null)).toBe(indexKeyOf(undefined));
    expect(indexKeyOf(new ObjectId('65a000000000000000000001'))).toBe(indexKeyOf(new ObjectId('65a000000000000000000001')));
    expect(indexKeyOf('1')).not.toBe(indexKeyOf(1));
    expect(indexKeyOf({ a: 1, b: 2 })).not.toBe(indexKeyOf({ b: 2, a: 1 }));
    expect(indexKeyOf('a,b')).not.toBe(indexKeyOf(['a', 'b']));
    expect(indexKeyOf(new Date(5))).not.toBe(indexKeyOf(5));
    expect(indexKeyOf(new BSONRegExp('a', 'i'))).toBe(indexKeyOf(/a/i));
  });
});

describe('bsonTypeOf and $type operands', () => {
  it('reports the type the value is serialized as', () => {
    expect(bsonTypeOf(5)).toBe(BsonType.int);
    expect(bsonTypeOf(5.5)).toBe(BsonType.double);
    expect(bsonTypeOf(2 ** 40)).toBe(BsonType.double);
    expect(bsonTypeOf(Long.fromBigInt(2n ** 60n))).toBe(BsonType.long);
    expect(bsonTypeOf(new ObjectId())).toBe(BsonType.objectId);
    expect(bsonTypeOf(Decimal128.fromString('1'))).toBe(BsonType.decimal);
    expect(bsonTypeOf(new Binary(Buffer.from('a')))).toBe(BsonType.binData);
    expect(bsonTypeOf(new Timestamp({ t: 1, i: 1 }))).toBe(BsonType.timestamp);
  });

  it('resolves aliases, numbers and "number"', () => {
    expect(resolveTypeOperand('objectId')).toEqual([7]);
    expect(resolveTypeOperand('long')).toEqual([18]);
    expect(resolveTypeOperand('number')).toEqual([1, 16, 18, 19]);
    expect(resolveTypeOperand(2)).toEqual([2]);
    expect(resolveTypeOperand('nope')).toBeNull();
    expect(resolveTypeOperand(99)).toBeNull();
  });
});

describe('cloneValue', () => {
  it('copies documents, arrays and dates deeply and shares immutable bson values', () => {
    const id = new ObjectId();
    const original = { _id: id, at: new Date(1), list: [{ n: 1 }] };
    const copy = cloneValue(original);
    expect(copy).toEqual(original);
    expect(copy.list[0]).not.toBe(original.list[0]);
    expect(copy.at).not.toBe(original.at);
    expect(copy._id).toBe(id);
    expect(valuesEqual(copy, original)).toBe(true);
  });
});
