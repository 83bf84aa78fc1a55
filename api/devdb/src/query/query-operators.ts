import type { Binary, BSONRegExp, BSONSymbol, Document, Long } from 'bson';
import { Query } from 'mingo/query';
import type { AnyObject, Options } from 'mingo/types';
import { BsonType, bsonTypeOf, compareValues, indexKeyOf, isPlainDocument, sameTypeBracket, valuesEqual } from '../values/bson-values.ts';
import { bytesToBigInt, isValueElemMatch } from './filter-syntax.ts';
import { valuesAtPath } from './paths.ts';
import { isRegexValue } from './regex.ts';

/**
 * MongoDB's field-level query operators, registered into mingo's Context in place of mingo's own:
 * mingo resolves paths through arrays by depth heuristics and compares across types, while MongoDB
 * matches each value a path reaches (see paths.ts) and compares only within a type bracket, using
 * the BSON order of compareValues. Operands arrive canonical (filter-syntax.ts).
 */

type ValueTest = (value: unknown) => boolean;

/** A compiled condition on one path: as a test of a whole document, or of one value (for value-form `$elemMatch` and `$pull`). */
export interface Condition {
  matchesDocument(doc: unknown): boolean;
  matchesValue(value: unknown): boolean;
}

/** "Some value at the path passes `test`" (or, negated, "none does" — how `$ne`, `$nin` and `$exists: false` read). */
function existential(parts: readonly string[], expandLeafArrays: boolean, test: ValueTest, negated = false): Condition {
  return {
    matchesDocument: (doc) => valuesAtPath(doc, parts, expandLeafArrays).some(test) !== negated,
    matchesValue: (value) => test(value) !== negated,
  };
}

function allOf(conditions: Condition[], negated = false): Condition {
  return {
    matchesDocument: (doc) => conditions.every((c) => c.matchesDocument(doc)) !== negated,
    matchesValue: (value) => conditions.every((c) => c.matchesValue(value)) !== negated,
  };
}

function buildCondition(parts: readonly string[], op: string, operand: unknown, options: Options): Condition {
  switch (op) {
    case '$eq':
      return existential(parts, true, equalsTest(operand));
    case '$ne':
      return existential(parts, true, equalsTest(operand), true);
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte':
      return existential(parts, true, comparisonTest(op, operand));
    case '$in':
      return existential(parts, true, inTest(operand as unknown[]));
    case '$nin':
      return existential(parts, true, inTest(operand as unknown[]), true);
    case '$regex':
      return existential(parts, true, regexTest(operand as RegExp));
    case '$exists':
      return existential(parts, true, (value) => value !== undefined, !operand);
    case '$type': {
      const codes = operand as number[];
      return existential(parts, true, (value) => value !== undefined && codes.includes(bsonTypeOf(value)));
    }
    case '$size':
      return existential(parts, false, (value) => Array.isArray(value) && value.length === operand);
    case '$mod':
      return existential(parts, true, modTest(operand as [number, number]));
    case '$bitsAllSet':
    case '$bitsAnySet':
    case '$bitsAllClear':
    case '$bitsAnyClear':
      return existential(parts, true, bitsTest(op, BigInt(operand as string)));
    case '$elemMatch':
      return existential(parts, false, elemMatchTest(operand as Document, options));
    case '$all':
      return allCondition(parts, operand as unknown[], options);
    case '$not':
      return allOf(operatorConditions(parts, operand as Document, options), true);
    default:
      throw new Error(`query operator ${op} reached the matcher without a canonical form`);
  }
}

/** One condition per operator of a canonical operator document, all on the same path. */
export function operatorConditions(parts: readonly string[], spec: Document, options: Options): Condition[] {
  return Object.keys(spec).map((op) => buildCondition(parts, op, spec[op], options));
}

function equalsTest(operand: unknown): ValueTest {
  if (operand === null) return (value) => value === null || value === undefined;
  return (value) => value !== undefined && valuesEqual(value, operand);
}

function isNaNValue(value: unknown): boolean {
  return typeof value === 'number' && Number.isNaN(value);
}

/** `$gt` and friends: same type bracket only, missing compares as null, NaN only equals NaN. MinKey/MaxKey bound every type. */
function comparisonTest(op: string, operand: unknown): ValueTest {
  const below = op === '$lt' || op === '$lte';
  const inclusive = op === '$lte' || op === '$gte';
  const operandType = bsonTypeOf(operand);
  const isBound = operandType === BsonType.minKey || operandType === BsonType.maxKey;
  return (raw) => {
    const value = raw === undefined ? null : raw;
    if (!sameTypeBracket(value, operand)) {
      return isBound && (below ? operandType === BsonType.maxKey : operandType === BsonType.minKey);
    }
    if (isNaNValue(value) || isNaNValue(operand)) return inclusive && isNaNValue(value) && isNaNValue(operand);
    const order = compareValues(value, operand);
    if (order === 0) return inclusive;
    return below ? order < 0 : order > 0;
  };
}

/** `$in`: hashed exact-equality keys (missing and null share one), plus regexes tested against strings. */
function inTest(list: unknown[]): ValueTest {
  const keys = new Set<string>();
  const regexes: RegExp[] = [];
  for (const item of list) {
    if (item instanceof RegExp) regexes.push(item);
    else keys.add(indexKeyOf(item));
  }
  const test = regexes.length === 0 ? undefined : anyRegexTest(regexes);
  return (value) => keys.has(indexKeyOf(value)) || (test !== undefined && test(value));
}

function anyRegexTest(regexes: RegExp[]): ValueTest {
  const tests = regexes.map(regexTest);
  return (value) => tests.some((test) => test(value));
}

/** A regex matches strings (and symbols) by pattern, and a stored regex only when it is the same regex. */
function regexTest(regex: RegExp): ValueTest {
  return (value) => {
    if (typeof value === 'string') return regex.test(value);
    if ((value as { _bsontype?: string } | null)?._bsontype === 'BSONSymbol') return regex.test((value as BSONSymbol).value);
    if (isRegexValue(value)) {
      const [source, flags] =
        value instanceof RegExp ? [value.source, value.flags] : [(value as BSONRegExp).pattern, (value as BSONRegExp).options];
      return source === regex.source && flags === regex.flags;
    }
    return false;
  };
}

function modTest([divisor, remainder]: [number, number]): ValueTest {
  return (value) => {
    if (typeof value === 'number') return Number.isFinite(value) && Math.trunc(value) % divisor === remainder;
    if ((value as { _bsontype?: string } | null)?._bsontype === 'Long') {
      return (value as Long).toBigInt() % BigInt(divisor) === BigInt(remainder);
    }
    return false;
  };
}

/** The bits of an integral number, Long or BinData value (numbers as 64-bit two's complement); undefined for anything else. */
function bitsOf(value: unknown): bigint | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt.asUintN(64, BigInt(value)) : undefined;
  switch ((value as { _bsontype?: string } | null)?._bsontype) {
    case 'Long':
      return BigInt.asUintN(64, (value as Long).toBigInt());
    case 'Binary':
      return bytesToBigInt(value as Binary);
    default:
      return undefined;
  }
}

function bitsTest(op: string, mask: bigint): ValueTest {
  return (value) => {
    const bits = bitsOf(value);
    if (bits === undefined) return false;
    const set = bits & mask;
    switch (op) {
      case '$bitsAllSet':
        return set === mask;
      case '$bitsAnySet':
        return set !== 0n;
      case '$bitsAllClear':
        return set === 0n;
      default:
        return set !== mask;
    }
  };
}

/** `$elemMatch`: some element of an array value satisfies every operator (value form) or the embedded filter (object form). */
function elemMatchTest(spec: Document, options: Options): ValueTest {
  if (isValueElemMatch(spec)) {
    const conditions = operatorConditions([], spec, options);
    return (value) => Array.isArray(value) && value.some((element) => conditions.every((c) => c.matchesValue(element)));
  }
  const query = new Query(spec, options);
  return (value) => Array.isArray(value) && value.some((element) => isPlainDocument(element) && query.test(element));
}

/** `$all`: every listed value (or `$elemMatch`) is matched at the path; an empty list matches nothing. */
function allCondition(parts: readonly string[], list: unknown[], options: Options): Condition {
  if (list.length === 0) return { matchesDocument: () => false, matchesValue: () => false };
  return allOf(
    list.map((item) => {
      if (isPlainDocument(item) && Object.hasOwn(item, '$elemMatch')) return buildCondition(parts, '$elemMatch', item.$elemMatch, options);
      if (item instanceof RegExp) return buildCondition(parts, '$regex', item, options);
      return buildCondition(parts, '$eq', item, options);
    }),
  );
}

type MingoQueryOperator = (selector: string, operand: unknown, options: Options) => (doc: AnyObject) => boolean;

function asMingoOperator(op: string): MingoQueryOperator {
  return (selector, operand, options) => {
    const condition = buildCondition(selector.split('.'), op, operand, options);
    return (doc) => condition.matchesDocument(doc);
  };
}

const FIELD_OPERATORS = [
  '$eq',
  '$ne',
  '$gt',
  '$gte',
  '$lt',
  '$lte',
  '$in',
  '$nin',
  '$regex',
  '$exists',
  '$type',
  '$size',
  '$mod',
  '$bitsAllSet',
  '$bitsAnySet',
  '$bitsAllClear',
  '$bitsAnyClear',
  '$elemMatch',
  '$all',
  '$not',
] as const;

/** The field-level query operators as mingo query operators. */
export const queryOperators: Record<`$${string}`, MingoQueryOperator> = Object.fromEntries(
  FIELD_OPERATORS.map((op) => [op, asMingoOperator(op)]),
);
