import type { Decimal128 } from 'bson';
import { BsonType, bsonTypeOf, compareValues, isPlainDocument } from '../values/bson-values.ts';

/**
 * Whether two values are the same BSON value: same types, same field order, same contents. Unlike
 * MongoDB equality (valuesEqual), a Long and a number of equal value differ, and Decimal128 is
 * compared by its digits instead of failing — this decides whether an update changed a document.
 */
export function identicalValues(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const type = bsonTypeOf(a);
  if (type !== bsonTypeOf(b)) return false;
  switch (type) {
    case BsonType.double:
      return Number.isNaN(a) && Number.isNaN(b);
    case BsonType.decimal:
      return (a as Decimal128).toString() === (b as Decimal128).toString();
    case BsonType.array: {
      const x = a as unknown[];
      const y = b as unknown[];
      return x.length === y.length && x.every((item, i) => identicalValues(item, y[i]));
    }
    case BsonType.object: {
      if (!isPlainDocument(a) || !isPlainDocument(b)) return compareValues(a, b) === 0;
      const keys = Object.keys(a);
      const otherKeys = Object.keys(b);
      return keys.length === otherKeys.length && keys.every((key, i) => key === otherKeys[i] && identicalValues(a[key], b[key]));
    }
    default:
      return compareValues(a, b) === 0;
  }
}
