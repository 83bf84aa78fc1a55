import { Decimal128 } from 'bson';
import type { Binary, BSONRegExp, BSONSymbol, Code, Long, ObjectId, Timestamp } from 'bson';
import type { Document } from 'bson';
import { notSupported } from '../errors.ts';

/**
 * The engine's value model is what `bson.deserialize` gives with default options: numbers are JS
 * numbers (int32 vs double is decided again when serialized), int64 beyond 2^53 stays a `Long`, and
 * every other BSON type is its `bson` class. These helpers give MongoDB's semantics over that model.
 */

/** BSON type numbers by MongoDB's `$type` alias. */
export const BsonType = {
  double: 1,
  string: 2,
  object: 3,
  array: 4,
  binData: 5,
  undefined: 6,
  objectId: 7,
  bool: 8,
  date: 9,
  null: 10,
  regex: 11,
  dbPointer: 12,
  javascript: 13,
  symbol: 14,
  javascriptWithScope: 15,
  int: 16,
  timestamp: 17,
  long: 18,
  decimal: 19,
  minKey: -1,
  maxKey: 127,
} as const;

export type BsonTypeAlias = keyof typeof BsonType;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

function bsontypeOf(value: object): string | undefined {
  return (value as { _bsontype?: string })._bsontype;
}

/**
 * The BSON type a value has when the engine serializes it (so `$type` agrees with what clients read).
 * `undefined` (a missing field) reports as `undefined`; callers treat missing separately.
 */
export function bsonTypeOf(value: unknown): number {
  if (value === undefined) return BsonType.undefined;
  if (value === null) return BsonType.null;
  switch (typeof value) {
    case 'number':
      return Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX ? BsonType.int : BsonType.double;
    case 'bigint':
      return BsonType.long;
    case 'string':
      return BsonType.string;
    case 'boolean':
      return BsonType.bool;
    case 'function':
      return BsonType.javascript;
    case 'object':
      break;
    default:
      return BsonType.undefined;
  }
  if (Array.isArray(value)) return BsonType.array;
  if (value instanceof Date) return BsonType.date;
  if (value instanceof RegExp) return BsonType.regex;
  switch (bsontypeOf(value)) {
    case 'ObjectId':
      return BsonType.objectId;
    case 'Long':
      return BsonType.long;
    case 'Int32':
      return BsonType.int;
    case 'Double':
      return BsonType.double;
    case 'Decimal128':
      return BsonType.decimal;
    case 'Binary':
      return BsonType.binData;
    case 'Timestamp':
      return BsonType.timestamp;
    case 'BSONRegExp':
      return BsonType.regex;
    case 'BSONSymbol':
      return BsonType.symbol;
    case 'Code':
      return (value as Code).scope ? BsonType.javascriptWithScope : BsonType.javascript;
    case 'MinKey':
      return BsonType.minKey;
    case 'MaxKey':
      return BsonType.maxKey;
    case 'DBRef':
      return BsonType.object;
    default:
      return BsonType.object;
  }
}

/** Resolves a `$type` operand (number or alias, including "number") to the set of type numbers. */
export function resolveTypeOperand(operand: unknown): number[] | null {
  if (typeof operand === 'number') return Object.values(BsonType).includes(operand as never) ? [operand] : null;
  if (typeof operand !== 'string') return null;
  if (operand === 'number') return [BsonType.double, BsonType.int, BsonType.long, BsonType.decimal];
  return operand in BsonType ? [BsonType[operand as BsonTypeAlias]] : null;
}

/** MongoDB's canonical type order for comparisons and sorts (lower sorts first). */
function typeRank(value: unknown): number {
  const type = bsonTypeOf(value);
  switch (type) {
    case BsonType.minKey:
      return 1;
    case BsonType.undefined:
    case BsonType.null:
      return 2;
    case BsonType.double:
    case BsonType.int:
    case BsonType.long:
    case BsonType.decimal:
      return 3;
    case BsonType.symbol:
    case BsonType.string:
      return 4;
    case BsonType.object:
      return 5;
    case BsonType.array:
      return 6;
    case BsonType.binData:
      return 7;
    case BsonType.objectId:
      return 8;
    case BsonType.bool:
      return 9;
    case BsonType.date:
      return 10;
    case BsonType.timestamp:
      return 11;
    case BsonType.regex:
      return 12;
    case BsonType.javascript:
      return 13;
    case BsonType.javascriptWithScope:
      return 14;
    case BsonType.maxKey:
      return 15;
    default:
      return 5;
  }
}

/** True when both values are in the same comparison bracket (query operators only match within one). */
export function sameTypeBracket(a: unknown, b: unknown): boolean {
  return typeRank(a) === typeRank(b);
}

function rejectDecimal(value: unknown): void {
  if (value instanceof Decimal128) {
    throw notSupported('Decimal128 in comparisons, sorts and arithmetic (store money as integer fen)');
  }
}

/** A number, Long or bigint as a comparable number-or-bigint pair (exact for integers). */
function numericValue(value: unknown): number | bigint {
  if (typeof value === 'number' || typeof value === 'bigint') return value;
  const type = bsontypeOf(value as object);
  if (type === 'Long') return (value as Long).toBigInt();
  if (type === 'Int32' || type === 'Double') return (value as { value: number }).value;
  rejectDecimal(value);
  return Number.NaN;
}

function compareNumbers(a: number | bigint, b: number | bigint): number {
  if (typeof a === 'number' && Number.isNaN(a)) return typeof b === 'number' && Number.isNaN(b) ? 0 : -1;
  if (typeof b === 'number' && Number.isNaN(b)) return 1;
  if (typeof a === 'bigint' && typeof b === 'number' && !Number.isFinite(b)) return b > 0 ? -1 : 1;
  if (typeof b === 'bigint' && typeof a === 'number' && !Number.isFinite(a)) return a > 0 ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'bigint') return compareNumbers(b, a) * -1 || 0;
  if (typeof a === 'bigint' && typeof b === 'number') {
    // Exact: a fractional b lies strictly between floor(b) and floor(b) + 1.
    const floor = BigInt(Math.floor(b));
    if (a !== floor) return a < floor ? -1 : 1;
    return Number.isInteger(b) ? 0 : -1;
  }
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

function regexParts(value: unknown): [string, string] {
  if (value instanceof RegExp) return [value.source, value.flags];
  const r = value as BSONRegExp;
  return [r.pattern, r.options];
}

/**
 * MongoDB's total order over BSON values (the order of `$lt`/`$gt` within a bracket and of sorts):
 * MinKey < null < numbers < strings < objects < arrays < binData < ObjectId < bool < Date <
 * Timestamp < regex < MaxKey. Missing (undefined) compares as null. Arrays compare element-wise.
 */
export function compareValues(a: unknown, b: unknown): number {
  rejectDecimal(a);
  rejectDecimal(b);
  const rankA = typeRank(a);
  const rankB = typeRank(b);
  if (rankA !== rankB) return rankA < rankB ? -1 : 1;
  switch (rankA) {
    case 1:
    case 2:
    case 15:
      return 0;
    case 3:
      return compareNumbers(numericValue(a), numericValue(b));
    case 4:
      return compareStrings(stringValue(a), stringValue(b));
    case 5:
      return compareDocuments(a as Document, b as Document);
    case 6:
      return compareArrays(a as unknown[], b as unknown[]);
    case 7: {
      const x = a as Binary;
      const y = b as Binary;
      if (x.position !== y.position) return x.position < y.position ? -1 : 1;
      if (x.sub_type !== y.sub_type) return x.sub_type < y.sub_type ? -1 : 1;
      return compareBytes(x.buffer.subarray(0, x.position), y.buffer.subarray(0, y.position));
    }
    case 8:
      return compareBytes((a as ObjectId).id, (b as ObjectId).id);
    case 9:
      return a === b ? 0 : a ? 1 : -1;
    case 10: {
      const x = (a as Date).getTime();
      const y = (b as Date).getTime();
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 11: {
      const x = (a as Timestamp).toBigInt();
      const y = (b as Timestamp).toBigInt();
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 12: {
      const [pa, fa] = regexParts(a);
      const [pb, fb] = regexParts(b);
      return compareStrings(pa, pb) || compareStrings(fa, fb);
    }
    default:
      return compareStrings(String(a), String(b));
  }
}

function stringValue(value: unknown): string {
  return typeof value === 'string' ? value : (value as BSONSymbol).value;
}

function compareArrays(a: unknown[], b: unknown[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareValues(a[i], b[i]);
    if (c !== 0) return c;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** Embedded documents compare pair by pair: value type, then field name, then value. */
function compareDocuments(a: Document, b: Document): number {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  const n = Math.min(ka.length, kb.length);
  for (let i = 0; i < n; i++) {
    const va = a[ka[i]];
    const vb = b[kb[i]];
    const byType = typeRank(va) - typeRank(vb);
    if (byType !== 0) return byType < 0 ? -1 : 1;
    const byName = compareStrings(ka[i], kb[i]);
    if (byName !== 0) return byName;
    const byValue = compareValues(va, vb);
    if (byValue !== 0) return byValue;
  }
  return ka.length === kb.length ? 0 : ka.length < kb.length ? -1 : 1;
}

/** MongoDB equality (1 == 1.0 == Long(1); missing equals null only where the caller decides). */
export function valuesEqual(a: unknown, b: unknown): boolean {
  return typeRank(a) === typeRank(b) && compareValues(a, b) === 0;
}

/**
 * A string key such that two values get the same key exactly when MongoDB considers them equal.
 * Used by hash indexes; missing and null share a key, as they do in MongoDB indexes.
 */
export function indexKeyOf(value: unknown): string {
  if (value === undefined || value === null) return 'z';
  switch (typeof value) {
    case 'number':
      if (Number.isNaN(value)) return 'n:NaN';
      return 'n:' + (Number.isInteger(value) ? BigInt(value).toString() : String(value));
    case 'bigint':
      return 'n:' + value.toString();
    case 'string':
      return 's' + JSON.stringify(value);
    case 'boolean':
      return value ? 'b1' : 'b0';
    default:
      break;
  }
  if (Array.isArray(value)) return 'A[' + value.map(indexKeyOf).join(',') + ']';
  if (value instanceof Date) return 'd' + value.getTime();
  if (value instanceof RegExp) return 'r' + JSON.stringify([value.source, value.flags]);
  switch (bsontypeOf(value as object)) {
    case 'ObjectId':
      return 'o' + (value as ObjectId).toHexString();
    case 'Long': {
      const big = (value as Long).toBigInt();
      // Equal to a double with the same value: a Long inside the safe range keys like that number.
      return 'n:' + big.toString();
    }
    case 'Int32':
    case 'Double':
      return indexKeyOf((value as { value: number }).value);
    case 'Decimal128':
      rejectDecimal(value);
      return '';
    case 'Binary': {
      const bin = value as Binary;
      return 'x' + bin.sub_type + ':' + Buffer.from(bin.buffer.subarray(0, bin.position)).toString('base64');
    }
    case 'Timestamp':
      return 't' + (value as Timestamp).toBigInt().toString();
    case 'BSONRegExp': {
      const r = value as BSONRegExp;
      return 'r' + JSON.stringify([r.pattern, r.options]);
    }
    case 'BSONSymbol':
      return 's' + JSON.stringify((value as BSONSymbol).value);
    case 'MinKey':
      return 'm';
    case 'MaxKey':
      return 'M';
    default: {
      const doc = value as Document;
      return (
        '{' +
        Object.keys(doc)
          .map((k) => JSON.stringify(k) + ':' + indexKeyOf(doc[k]))
          .join(',') +
        '}'
      );
    }
  }
}

/**
 * Deep copy of a document for writing: plain objects, arrays and Dates are copied; the immutable
 * bson value classes are shared. mingo updates in place, so stored documents are never handed to it.
 */
export function cloneValue<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(cloneValue) as T;
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (bsontypeOf(value) !== undefined) return value;
  if (value instanceof RegExp) return value;
  const out: Document = {};
  for (const key of Object.keys(value)) out[key] = cloneValue((value as Document)[key]);
  return out as T;
}

/** True for a plain embedded document (not an array, Date or bson value class). */
export function isPlainDocument(value: unknown): value is Document {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    !(value instanceof Date) &&
    !(value instanceof RegExp) &&
    bsontypeOf(value) === undefined
  );
}
