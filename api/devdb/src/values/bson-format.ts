import type { Binary, BSONRegExp, Decimal128, Document, Long, ObjectId, Timestamp } from 'bson';
import { BsonType, bsonTypeOf, isPlainDocument } from './bson-values.ts';

/** MongoDB's type names (the `$type` aliases) by type number, as used in server error messages. */
const typeNames = new Map<number, string>(Object.entries(BsonType).map(([name, code]) => [code, name]));

/** The MongoDB type name of a value ("string", "objectId", ...); a missing value is "missing". */
export function typeNameOf(value: unknown): string {
  if (value === undefined) return 'missing';
  return typeNames.get(bsonTypeOf(value)) ?? 'object';
}

/** A value written the way the server prints values inside error messages (`{ a: "x", b: [ 1, 2 ] }`). */
export function formatValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? '[]' : `[ ${value.map(formatValue).join(', ')} ]`;
  if (value instanceof Date) return `new Date(${value.getTime()})`;
  if (value instanceof RegExp) return `/${value.source}/${value.flags}`;
  if (isPlainDocument(value)) return formatDocument(value);
  switch ((value as { _bsontype?: string })._bsontype) {
    case 'ObjectId':
      return `ObjectId('${(value as ObjectId).toHexString()}')`;
    case 'Long':
      return (value as Long).toString();
    case 'Decimal128':
      return `NumberDecimal("${(value as Decimal128).toString()}")`;
    case 'Timestamp': {
      const ts = value as Timestamp;
      return `Timestamp(${ts.t}, ${ts.i})`;
    }
    case 'Binary': {
      const bin = value as Binary;
      return `BinData(${bin.sub_type}, ${Buffer.from(bin.buffer.subarray(0, bin.position)).toString('hex').toUpperCase()})`;
    }
    case 'BSONRegExp': {
      const re = value as BSONRegExp;
      return `/${re.pattern}/${re.options}`;
    }
    default:
      return String(value);
  }
}

function formatDocument(doc: Document): string {
  const keys = Object.keys(doc);
  if (keys.length === 0) return '{}';
  return `{ ${keys.map((key) => `${key}: ${formatValue(doc[key])}`).join(', ')} }`;
}

/** `{_id: 1}` — how update errors name the document they failed on. */
export function formatIdOf(doc: Document): string {
  return doc._id === undefined ? '{}' : `{_id: ${formatValue(doc._id)}}`;
}
