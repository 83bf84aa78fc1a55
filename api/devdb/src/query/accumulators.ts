import type { Long } from 'bson';
import type { Options } from 'mingo/types';
import { notSupported } from '../errors.ts';
import { compareValues, indexKeyOf } from '../values/bson-values.ts';
import { evaluate } from './evaluate.ts';

/**
 * Group accumulators that replace mingo's: `$sum`/`$avg` fail clearly on Decimal128 (mingo would
 * silently skip it) and add Longs, `$min`/`$max` use the BSON order, and `$push`/`$addToSet` skip
 * missing values and compare with MongoDB equality, as the server does.
 */

type Accumulator = (collection: unknown[], expr: unknown, options: Options) => unknown;

/**
 * The values an accumulator folds: `expr` evaluated against each document, or — when mingo calls
 * an accumulator as an expression (`{$max: ['$a', '$b']}`) — the already-evaluated values.
 */
function inputValues(collection: unknown[], expr: unknown, options: Options): unknown[] {
  if (expr === null || expr === undefined) return collection;
  return collection.map((doc) => evaluate(doc, expr, options));
}

/** A numeric value as a JS number; undefined for non-numbers (which $sum and $avg ignore). */
function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  switch ((value as { _bsontype?: string } | null)?._bsontype) {
    case 'Long':
      return (value as Long).toNumber();
    case 'Decimal128':
      throw notSupported('$sum/$avg over Decimal128 values (store money as integer fen)');
    default:
      return undefined;
  }
}

function numbersIn(values: unknown[]): number[] {
  const numbers: number[] = [];
  for (const value of values) {
    const number = numberOf(value);
    if (number !== undefined) numbers.push(number);
  }
  return numbers;
}

function extreme(values: unknown[], sign: 1 | -1): unknown {
  let best: unknown = null;
  for (const value of values) {
    if (value === null || value === undefined) continue;
    if (best === null || compareValues(value, best) * sign > 0) best = value;
  }
  return best;
}

export const accumulators: Record<`$${string}`, Accumulator> = {
  $sum: (collection, expr, options) => numbersIn(inputValues(collection, expr, options)).reduce((sum, n) => sum + n, 0),
  $avg: (collection, expr, options) => {
    const numbers = numbersIn(inputValues(collection, expr, options));
    return numbers.length === 0 ? null : numbers.reduce((sum, n) => sum + n, 0) / numbers.length;
  },
  $min: (collection, expr, options) => extreme(inputValues(collection, expr, options), -1),
  $max: (collection, expr, options) => extreme(inputValues(collection, expr, options), 1),
  $push: (collection, expr, options) => inputValues(collection, expr, options).filter((value) => value !== undefined),
  $addToSet: (collection, expr, options) => {
    const seen = new Map<string, unknown>();
    for (const value of inputValues(collection, expr, options)) {
      if (value !== undefined) {
        const key = indexKeyOf(value);
        if (!seen.has(key)) seen.set(key, value);
      }
    }
    return [...seen.values()];
  },
  $accumulator: () => {
    throw notSupported('The $accumulator operator (server-side JavaScript)');
  },
};
