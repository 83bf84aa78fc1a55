import type { Binary, Document, Long } from 'bson';
import { badValue, notSupported } from '../errors.ts';
import { isPlainDocument, resolveTypeOperand } from '../values/bson-values.ts';
import { formatValue } from '../values/bson-format.ts';
import { compileRegex, isRegexValue, regexOf } from './regex.ts';

/**
 * Validation and normalization of query filters, before mingo compiles them. The canonical form has
 * an operator document for every field, regexes as stateless JS RegExps, `$type` as type codes and
 * bit masks as decimal strings (mingo JSON-stringifies filters, which bigints break), so the
 * operators in query-operators.ts only ever see checked operands.
 * Errors are MongoDB's: BadValue (2) for malformed filters, 115 for what devdb does not implement.
 */

/** Operators that apply to the whole document rather than to a field. */
const PATHLESS_OPERATORS = new Set([
  '$and',
  '$or',
  '$nor',
  '$expr',
  '$where',
  '$text',
  '$comment',
  '$jsonSchema',
  '$alwaysTrue',
  '$alwaysFalse',
  '$sampleRate',
]);

const UNSUPPORTED_TOP_LEVEL = new Set(['$where', '$text', '$jsonSchema', '$sampleRate']);
const GEO_OPERATORS = new Set(['$near', '$nearSphere', '$geoWithin', '$geoIntersects', '$within', '$maxDistance', '$minDistance']);
/** Aggregation operators that run user JavaScript. */
const SCRIPT_OPERATORS = new Set(['$function', '$accumulator', '$where']);
const BIT_OPERATORS = new Set(['$bitsAllSet', '$bitsAnySet', '$bitsAllClear', '$bitsAnyClear']);

export function canonicalFilter(filter: unknown): Document {
  if (!isPlainDocument(filter)) throw badValue(`a query filter must be an object, not ${formatValue(filter)}`);
  const out: Document = {};
  const extraClauses: Document[] = [];
  for (const key of Object.keys(filter)) {
    const value = filter[key];
    if (!key.startsWith('$')) {
      out[key] = canonicalCondition(value);
      continue;
    }
    switch (key) {
      case '$and':
      case '$or':
      case '$nor':
        out[key] = logicalClauses(key, value);
        break;
      case '$expr':
        rejectScriptOperators(value);
        out.$expr = value;
        break;
      case '$comment':
        break;
      case '$alwaysTrue':
      case '$alwaysFalse':
        extraClauses.push({ $expr: key === '$alwaysTrue' });
        break;
      default:
        if (UNSUPPORTED_TOP_LEVEL.has(key)) throw notSupported(`The ${key} query operator`);
        throw badValue(`unknown top level operator: ${key}`);
    }
  }
  if (extraClauses.length > 0) out.$and = [...((out.$and as Document[] | undefined) ?? []), ...extraClauses];
  return out;
}

/** True when an `$elemMatch` argument applies operators to each element itself (`{$gt: 5}`) rather than a filter on embedded documents. */
export function isValueElemMatch(spec: Document): boolean {
  const first = Object.keys(spec)[0];
  return first !== undefined && first.startsWith('$') && !PATHLESS_OPERATORS.has(first);
}

/** Throws 115 if an aggregation expression (or pipeline) uses an operator that runs user JavaScript. */
export function rejectScriptOperators(value: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) rejectScriptOperators(item);
  } else if (isPlainDocument(value)) {
    for (const key of Object.keys(value)) {
      if (SCRIPT_OPERATORS.has(key)) throw notSupported(`The ${key} operator (server-side JavaScript)`);
      if (key !== '$literal') rejectScriptOperators(value[key]);
    }
  }
}

function logicalClauses(operator: string, value: unknown): Document[] {
  if (!Array.isArray(value) || value.length === 0) throw badValue(`${operator} must be a nonempty array`);
  return value.map((clause) => {
    if (!isPlainDocument(clause)) throw badValue(`${operator} argument's entries must be objects`);
    return canonicalFilter(clause);
  });
}

/** A field's condition: a regex, an operator document, or a value to equal. */
function canonicalCondition(value: unknown): Document {
  if (isRegexValue(value)) return { $regex: regexOf(value) };
  if (isPlainDocument(value) && Object.keys(value)[0]?.startsWith('$')) return canonicalOperators(value);
  return { $eq: value };
}

/** Validates an operator document (`{$gt: 1, $lt: 5}`) and returns its canonical form. */
export function canonicalOperators(spec: Document): Document {
  const out: Document = {};
  let regex: unknown;
  let regexOptions: string | undefined;
  for (const op of Object.keys(spec)) {
    const operand = spec[op];
    switch (op) {
      case '$eq':
      case '$ne':
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte':
      case '$exists':
        out[op] = operand;
        break;
      case '$in':
      case '$nin':
        out[op] = inList(op, operand);
        break;
      case '$type':
        out[op] = typeCodes(operand);
        break;
      case '$size':
        out[op] = sizeOperand(operand);
        break;
      case '$mod':
        out[op] = modOperand(operand);
        break;
      case '$all':
        out[op] = allOperand(operand);
        break;
      case '$elemMatch':
        out[op] = elemMatchOperand(operand);
        break;
      case '$not':
        out[op] = notOperand(operand);
        break;
      case '$regex':
        if (typeof operand !== 'string' && !isRegexValue(operand)) throw badValue('$regex has to be a string');
        regex = operand;
        break;
      case '$options':
        if (typeof operand !== 'string') throw badValue('$options has to be a string');
        regexOptions = operand;
        break;
      default:
        if (BIT_OPERATORS.has(op)) out[op] = bitMask(op, operand).toString();
        else if (GEO_OPERATORS.has(op)) throw notSupported(`The geospatial query operator ${op}`);
        else throw badValue(`unknown operator: ${op}`);
    }
  }
  if (regexOptions !== undefined && regex === undefined) throw badValue('$options needs a $regex');
  if (regex !== undefined) out.$regex = regexOperand(regex, regexOptions);
  return out;
}

function regexOperand(regex: unknown, options: string | undefined): RegExp {
  if (typeof regex === 'string') return compileRegex(regex, options ?? '');
  const compiled = regexOf(regex as RegExp);
  if (options === undefined || options === '') return compiled;
  if (compiled.flags !== '') throw badValue('options set in both $regex and $options');
  return compileRegex(compiled.source, options);
}

function inList(op: string, operand: unknown): unknown[] {
  if (!Array.isArray(operand)) throw badValue(`${op} needs an array`);
  return operand.map((item) => {
    if (isRegexValue(item)) return regexOf(item);
    if (isPlainDocument(item) && Object.keys(item)[0]?.startsWith('$')) throw badValue(`cannot nest $ under ${op}`);
    return item;
  });
}

function typeCodes(operand: unknown): number[] {
  const items = Array.isArray(operand) ? operand : [operand];
  return items.flatMap((item) => {
    const codes = resolveTypeOperand(item);
    if (codes) return codes;
    if (typeof item === 'number') throw badValue(`Invalid numerical type code: ${item}`);
    if (typeof item === 'string') throw badValue(`Unknown type name alias: ${item}`);
    throw badValue('type must be represented as a number or a string');
  });
}

/** A number or Long operand as a JS number, or undefined when it is neither. */
function numberOperand(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if ((value as { _bsontype?: string } | null)?._bsontype === 'Long') return (value as Long).toNumber();
  return undefined;
}

function sizeOperand(operand: unknown): number {
  const size = numberOperand(operand);
  if (size === undefined) throw badValue('$size needs a number');
  if (!Number.isInteger(size)) throw badValue(`Failed to parse $size. Expected an integer, but found ${size}`);
  if (size < 0) throw badValue(`Failed to parse $size. Expected a non-negative number in: $size: ${size}`);
  return size;
}

function modOperand(operand: unknown): [number, number] {
  if (!Array.isArray(operand)) throw badValue('malformed mod, needs to be an array');
  if (operand.length < 2) throw badValue('malformed mod, not enough elements');
  if (operand.length > 2) throw badValue('malformed mod, too many elements');
  const divisor = numberOperand(operand[0]);
  const remainder = numberOperand(operand[1]);
  if (divisor === undefined || !Number.isFinite(divisor)) throw badValue('malformed mod, divisor not a number');
  if (remainder === undefined || !Number.isFinite(remainder)) throw badValue('malformed mod, remainder not a number');
  if (Math.trunc(divisor) === 0) throw badValue('divisor cannot be 0');
  return [Math.trunc(divisor), Math.trunc(remainder)];
}

function allOperand(operand: unknown): unknown[] {
  if (!Array.isArray(operand)) throw badValue('$all needs an array');
  return operand.map((item) => {
    if (isRegexValue(item)) return regexOf(item);
    if (isPlainDocument(item) && Object.keys(item)[0]?.startsWith('$')) {
      if (Object.keys(item)[0] !== '$elemMatch') throw badValue('no $ expressions in $all');
      return { $elemMatch: elemMatchOperand(item.$elemMatch) };
    }
    return item;
  });
}

function elemMatchOperand(operand: unknown): Document {
  if (!isPlainDocument(operand)) throw badValue('$elemMatch needs an Object');
  return isValueElemMatch(operand) ? canonicalOperators(operand) : canonicalFilter(operand);
}

function notOperand(operand: unknown): Document {
  if (isRegexValue(operand)) return { $regex: regexOf(operand) };
  if (!isPlainDocument(operand)) throw badValue('$not needs a regex or a document');
  if (Object.keys(operand).length === 0) throw badValue('$not cannot be empty');
  if (!Object.keys(operand)[0].startsWith('$')) throw badValue(`unknown operator: ${Object.keys(operand)[0]}`);
  return canonicalOperators(operand);
}

/** A bit test's operand (a number, a list of bit positions, or BinData) as a mask. */
function bitMask(op: string, operand: unknown): bigint {
  const number = numberOperand(operand);
  if (number !== undefined) {
    if (!Number.isInteger(number) || number < 0) throw badValue(`${op} requires a non-negative integer bitmask, not ${number}`);
    return BigInt(number);
  }
  if (Array.isArray(operand)) {
    let mask = 0n;
    for (const position of operand) {
      if (typeof position !== 'number' || !Number.isInteger(position) || position < 0) {
        throw badValue(`bit positions must be non-negative integers, not ${formatValue(position)}`);
      }
      mask |= 1n << BigInt(position);
    }
    return mask;
  }
  if ((operand as { _bsontype?: string } | null)?._bsontype === 'Binary') return bytesToBigInt(operand as Binary);
  throw badValue(`${op} takes an Array, a number, or a BinData but received: ${formatValue(operand)}`);
}

/** BinData bytes as an unsigned little-endian integer (bit 0 is the lowest bit of the first byte). */
export function bytesToBigInt(binary: Binary): bigint {
  const bytes = binary.buffer.subarray(0, binary.position);
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]);
  return value;
}
