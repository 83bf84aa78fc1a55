import { ObjectId } from 'bson';
import type { Decimal128, Long, Timestamp } from 'bson';
import { evalExpr } from 'mingo/core';
import * as mingoExpressions from 'mingo/operators/expression';
import type { AnyObject, Options } from 'mingo/types';
import { badValue, notSupported } from '../errors.ts';
import { BsonType, bsonTypeOf, compareValues, isPlainDocument } from '../values/bson-values.ts';
import { typeNameOf } from '../values/bson-format.ts';

/**
 * Expression operators that replace mingo's: comparisons in BSON order (mingo compares
 * ObjectIds, Longs and mixed types by their JS representation and treats missing as equal to
 * null), `$type` with MongoDB's names, conversions that know ObjectId, and arithmetic that fails
 * clearly on Decimal128 (mingo reports "must resolve to number").
 */

type ExpressionOperator = (obj: AnyObject, expr: unknown, options: Options) => unknown;

/** Expression order: BSON order, with a missing value below everything (in expressions missing is not null). */
export function compareExpressionValues(a: unknown, b: unknown): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1;
  return compareValues(a, b);
}

function twoArguments(op: string, obj: AnyObject, expr: unknown, options: Options): [unknown, unknown] {
  if (!Array.isArray(expr) || expr.length !== 2) {
    throw badValue(`Expression ${op} takes exactly 2 arguments. ${Array.isArray(expr) ? expr.length : 1} were passed in.`);
  }
  return evalExpr(obj, expr, options) as [unknown, unknown];
}

function comparison(op: string, accept: (order: number) => boolean): ExpressionOperator {
  return (obj, expr, options) => {
    const [a, b] = twoArguments(op, obj, expr, options);
    return accept(compareExpressionValues(a, b));
  };
}

/** The single argument of a one-argument operator, which may be written bare or as a one-element array. */
function oneArgument(op: string, obj: AnyObject, expr: unknown, options: Options): unknown {
  if (Array.isArray(expr)) {
    if (expr.length !== 1) throw badValue(`Expression ${op} takes exactly 1 arguments. ${expr.length} were passed in.`);
    return evalExpr(obj, expr[0], options);
  }
  return evalExpr(obj, expr, options);
}

function unsupportedConversion(value: unknown, target: string): never {
  throw badValue(`Unsupported conversion from ${typeNameOf(value)} to ${target} in $convert with no onError value`);
}

function convertToString(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
      return String(value);
    default:
      break;
  }
  if (value instanceof Date) return value.toISOString();
  switch ((value as { _bsontype?: string })._bsontype) {
    case 'ObjectId':
      return (value as ObjectId).toHexString();
    case 'Long':
      return (value as Long).toString();
    case 'Decimal128':
      return (value as Decimal128).toString();
    default:
      return unsupportedConversion(value, 'string');
  }
}

function convertToObjectId(value: unknown): ObjectId {
  if ((value as { _bsontype?: string })._bsontype === 'ObjectId') return value as ObjectId;
  if (typeof value !== 'string') return unsupportedConversion(value, 'objectId');
  if (value.length !== 24) {
    throw badValue(
      `Failed to parse objectId '${value}' in $convert with no onError value: Invalid string length for parsing to OID, expected 24 but found ${value.length}`,
    );
  }
  if (!/^[0-9a-fA-F]{24}$/.test(value)) {
    throw badValue(`Failed to parse objectId '${value}' in $convert with no onError value: Invalid character found in hex string`);
  }
  return ObjectId.createFromHexString(value);
}

/** A date/time string without an offset is UTC in MongoDB (JS would read it as the process's local time). */
const OFFSETLESS_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

function convertToDate(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value);
  if (typeof value === 'string') {
    const text = OFFSETLESS_DATE_TIME.test(value) ? `${value.replace(' ', 'T')}Z` : value;
    const millis = Date.parse(text);
    if (Number.isNaN(millis)) throw badValue(`Error parsing date string '${value}' in $convert with no onError value`);
    return new Date(millis);
  }
  switch ((value as { _bsontype?: string })._bsontype) {
    case 'ObjectId':
      return (value as ObjectId).getTimestamp();
    case 'Timestamp':
      return new Date((value as Timestamp).t * 1000);
    case 'Long':
      return new Date((value as Long).toNumber());
    default:
      return unsupportedConversion(value, 'date');
  }
}

const CONVERSIONS = new Map<unknown, (value: unknown) => unknown>([
  ['string', convertToString],
  [BsonType.string, convertToString],
  ['objectId', convertToObjectId],
  [BsonType.objectId, convertToObjectId],
  ['date', convertToDate],
  [BsonType.date, convertToDate],
]);

function conversion(op: string, convert: (value: unknown) => unknown): ExpressionOperator {
  return (obj, expr, options) => {
    const value = oneArgument(op, obj, expr, options);
    return value === null || value === undefined ? null : convert(value);
  };
}

/** `$convert` to string, objectId or date is handled here; other targets go to mingo's. */
const $convert: ExpressionOperator = (obj, expr, options) => {
  if (!isPlainDocument(expr)) throw badValue('$convert expects an object of named arguments');
  const convert = CONVERSIONS.get(evalExpr(obj, expr.to, options));
  if (!convert) return mingoExpressions.$convert(obj, expr as Parameters<typeof mingoExpressions.$convert>[1], options);
  const input = evalExpr(obj, expr.input, options);
  if (input === null || input === undefined) return Object.hasOwn(expr, 'onNull') ? evalExpr(obj, expr.onNull, options) : null;
  try {
    return convert(input);
  } catch (error) {
    if (Object.hasOwn(expr, 'onError')) return evalExpr(obj, expr.onError, options);
    throw error;
  }
};

const ARITHMETIC_OPERATORS = [
  '$add',
  '$subtract',
  '$multiply',
  '$divide',
  '$mod',
  '$abs',
  '$ceil',
  '$floor',
  '$round',
  '$trunc',
  '$pow',
  '$sqrt',
  '$exp',
  '$ln',
  '$log',
  '$log10',
] as const;

/** An arithmetic argument mingo can compute with: a Long becomes a number (exact up to 2^53); Decimal128 is refused. */
function arithmeticArgument(op: string, value: unknown): unknown {
  switch ((value as { _bsontype?: string } | null)?._bsontype) {
    case 'Decimal128':
      throw notSupported(`${op} over Decimal128 values (store money as integer fen)`);
    case 'Long':
      return (value as Long).toNumber();
    default:
      return value;
  }
}

/** Evaluates the arguments, checks them, and hands them to mingo's operator as literals. */
function arithmetic(op: (typeof ARITHMETIC_OPERATORS)[number]): ExpressionOperator {
  const operator = mingoExpressions[op] as ExpressionOperator;
  return (obj, expr, options) => {
    const args = evalExpr(obj, expr, options);
    const literal = (value: unknown) => ({ $literal: arithmeticArgument(op, value) });
    return operator(obj, Array.isArray(args) ? args.map(literal) : literal(args), options);
  };
}

const NUMERIC_TYPES: number[] = [BsonType.int, BsonType.long, BsonType.double, BsonType.decimal];

export const expressionOperators: Record<`$${string}`, ExpressionOperator> = {
  ...Object.fromEntries(ARITHMETIC_OPERATORS.map((op) => [op, arithmetic(op)])),
  $eq: comparison('$eq', (order) => order === 0),
  $ne: comparison('$ne', (order) => order !== 0),
  $gt: comparison('$gt', (order) => order > 0),
  $gte: comparison('$gte', (order) => order >= 0),
  $lt: comparison('$lt', (order) => order < 0),
  $lte: comparison('$lte', (order) => order <= 0),
  $cmp: (obj, expr, options) => {
    const [a, b] = twoArguments('$cmp', obj, expr, options);
    return Math.sign(compareExpressionValues(a, b));
  },
  $type: (obj, expr, options) => typeNameOf(oneArgument('$type', obj, expr, options)),
  $isNumber: (obj, expr, options) => NUMERIC_TYPES.includes(bsonTypeOf(oneArgument('$isNumber', obj, expr, options))),
  $toString: conversion('$toString', convertToString),
  $toObjectId: conversion('$toObjectId', convertToObjectId),
  $toDate: conversion('$toDate', convertToDate),
  $convert,
  $function: (obj, expr, options) => {
    // mingo's $setWindowFields computes windows through $function with a JS function body; a
    // client's $function carries its body as a string (or Code) and is refused.
    if (isPlainDocument(expr) && typeof expr.body === 'function')
      return mingoExpressions.$function(obj, expr as Parameters<typeof mingoExpressions.$function>[1], options);
    throw notSupported('The $function operator (server-side JavaScript)');
  },
};
