import type { Long, ObjectId, Timestamp } from 'bson';
import { evalExpr } from 'mingo/core';
import type { AnyObject, Options } from 'mingo/types';
import { badValue } from '../errors.ts';
import { isPlainDocument } from '../values/bson-values.ts';
import { formatValue, typeNameOf } from '../values/bson-format.ts';
import { type TimeZone, timeZoneNamed } from './time-zones.ts';

/** Shared pieces of the date expression operators: units, argument checks and calendar fields. */

export type ExpressionOperator = (obj: AnyObject, expr: unknown, options: Options) => unknown;

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const WEEK = 7 * DAY;
export const UNIT_MILLIS: Record<string, number> = { millisecond: 1, second: SECOND, minute: MINUTE, hour: HOUR, day: DAY, week: WEEK };
export const UNIT_MONTHS: Record<string, number> = { month: 1, quarter: 3, year: 12 };
const TIME_UNITS = new Set(['year', 'quarter', 'month', 'week', 'day', 'hour', 'minute', 'second', 'millisecond']);
const DAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
export const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

export function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

/** Epoch milliseconds of a UTC calendar date (Date.UTC maps years 0–99 to 1900+, this does not). */
export function calendarMillis(year: number, monthIndex: number, day: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, monthIndex, day);
  return date.getTime();
}

export function daysInMonth(year: number, monthIndex: number): number {
  return new Date(calendarMillis(year, monthIndex + 1, 0)).getUTCDate();
}

/** A date-like value as a Date (ObjectIds and Timestamps carry one); null for null or missing. */
export function toDate(value: unknown, op: string): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  switch ((value as { _bsontype?: string })._bsontype) {
    case 'ObjectId':
      return (value as ObjectId).getTimestamp();
    case 'Timestamp':
      return new Date((value as Timestamp).t * SECOND);
    default:
      throw badValue(`${op}: can't convert from BSON type ${typeNameOf(value)} to Date`);
  }
}

/** An integral number (or Long) argument; null for null or missing. */
export function integerArg(value: unknown, op: string, name: string): number | null {
  if (value === null || value === undefined) return null;
  const number = (value as { _bsontype?: string })._bsontype === 'Long' ? (value as Long).toNumber() : value;
  if (typeof number !== 'number' || !Number.isInteger(number))
    throw badValue(`${op} requires '${name}' to be an integer, found ${formatValue(value)}`);
  return number;
}

export function zoneArg(value: unknown): TimeZone | null {
  return value === null || value === undefined ? null : timeZoneNamed(value);
}

export function unitArg(value: unknown, op: string): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string' || !TIME_UNITS.has(value)) {
    throw badValue(`${op} parameter 'unit' value cannot be recognized as a time unit: ${formatValue(value)}`);
  }
  return value;
}

export function weekdayArg(value: unknown, op: string): number | null {
  if (value === null || value === undefined) return null;
  const name = typeof value === 'string' ? value.toLowerCase() : '';
  const index = DAY_NAMES.findIndex((day) => day === name || day.slice(0, 3) === name);
  if (index < 0) throw badValue(`${op} parameter 'startOfWeek' value cannot be recognized as a day of a week: ${formatValue(value)}`);
  return index;
}

/** Evaluates the named arguments of an object-form operator, rejecting unknown ones. */
export function namedArgs(
  obj: AnyObject,
  expr: unknown,
  options: Options,
  op: string,
  allowed: string[],
  required: string[],
): Record<string, unknown> {
  if (!isPlainDocument(expr)) throw badValue(`${op} only supports an object as its argument`);
  const args: Record<string, unknown> = {};
  for (const key of Object.keys(expr)) {
    if (!allowed.includes(key)) throw badValue(`Unrecognized argument to ${op}: ${key}`);
    args[key] = evalExpr(obj, expr[key], options);
  }
  for (const key of required) if (!Object.hasOwn(expr, key)) throw badValue(`Missing '${key}' parameter to ${op}`);
  return args;
}

// Calendar fields of a local-millis reading (a Date whose UTC fields are the wall-clock fields).

interface IsoWeek {
  isoWeekYear: number;
  isoWeek: number;
  isoDayOfWeek: number;
}

export function isoWeekOf(local: Date): IsoWeek {
  const isoDayOfWeek = local.getUTCDay() || 7;
  const day = calendarMillis(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
  const thursday = new Date(day + (4 - isoDayOfWeek) * DAY);
  const isoWeekYear = thursday.getUTCFullYear();
  const isoWeek = floorDiv(thursday.getTime() - calendarMillis(isoWeekYear, 0, 1), WEEK) + 1;
  return { isoWeekYear, isoWeek, isoDayOfWeek };
}

export function dayOfYearOf(local: Date): number {
  const year = local.getUTCFullYear();
  return floorDiv(calendarMillis(year, local.getUTCMonth(), local.getUTCDate()) - calendarMillis(year, 0, 1), DAY) + 1;
}

/** strftime's %U: weeks start on Sunday; days before the year's first Sunday are week 0. */
export function sundayWeekOf(local: Date): number {
  return floorDiv(dayOfYearOf(local) - 1 + 7 - local.getUTCDay(), 7);
}
