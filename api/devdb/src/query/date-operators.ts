import { evalExpr } from 'mingo/core';
import { badValue } from '../errors.ts';
import { isPlainDocument } from '../values/bson-values.ts';
import {
  calendarMillis,
  DAY,
  dayOfYearOf,
  daysInMonth,
  type ExpressionOperator,
  floorDiv,
  HOUR,
  integerArg,
  isoWeekOf,
  MINUTE,
  namedArgs,
  SECOND,
  sundayWeekOf,
  toDate,
  UNIT_MILLIS,
  UNIT_MONTHS,
  unitArg,
  weekdayArg,
  zoneArg,
} from './date-support.ts';
import { dateStringOperators } from './date-strings.ts';
import { fromLocalMillis, type TimeZone, toLocalMillis, UTC } from './time-zones.ts';

/**
 * MongoDB's date expression operators with IANA time zones. mingo's versions apply a zone by
 * shifting the instant and then truncating or adding in UTC (so $dateTrunc to a day in
 * Asia/Shanghai lands on the wrong day), accept only "Area/City" names, number $dayOfWeek-style
 * format fields from 0, and overflow months in $dateAdd; these compute on local wall-clock time.
 */

const DATE_PARTS: Record<string, (local: Date) => number> = {
  $year: (d) => d.getUTCFullYear(),
  $month: (d) => d.getUTCMonth() + 1,
  $dayOfMonth: (d) => d.getUTCDate(),
  $hour: (d) => d.getUTCHours(),
  $minute: (d) => d.getUTCMinutes(),
  $second: (d) => d.getUTCSeconds(),
  $millisecond: (d) => d.getUTCMilliseconds(),
  $dayOfWeek: (d) => d.getUTCDay() + 1,
  $dayOfYear: dayOfYearOf,
  $week: sundayWeekOf,
  $isoWeek: (d) => isoWeekOf(d).isoWeek,
  $isoWeekYear: (d) => isoWeekOf(d).isoWeekYear,
  $isoDayOfWeek: (d) => isoWeekOf(d).isoDayOfWeek,
};

/** `{$year: <date>}`, `{$year: [<date>]}` or `{$year: {date, timezone}}`. */
function datePartOperator(op: string, part: (local: Date) => number): ExpressionOperator {
  return (obj, expr, options) => {
    let dateExpr = expr;
    let zone: TimeZone | null = UTC;
    if (Array.isArray(expr)) {
      if (expr.length !== 1) throw badValue(`Expression ${op} takes exactly 1 arguments. ${expr.length} were passed in.`);
      dateExpr = expr[0];
    } else if (isPlainDocument(expr) && Object.hasOwn(expr, 'date')) {
      const args = namedArgs(obj, expr, options, op, ['date', 'timezone'], ['date']);
      const date = toDate(args.date, op);
      zone = Object.hasOwn(args, 'timezone') ? zoneArg(args.timezone) : UTC;
      return date === null || zone === null ? null : part(new Date(toLocalMillis(date, zone)));
    }
    const date = toDate(evalExpr(obj, dateExpr, options), op);
    return date === null ? null : part(new Date(toLocalMillis(date, zone)));
  };
}

const $dateToParts: ExpressionOperator = (obj, expr, options) => {
  const args = namedArgs(obj, expr, options, '$dateToParts', ['date', 'timezone', 'iso8601'], ['date']);
  const date = toDate(args.date, '$dateToParts');
  const zone = Object.hasOwn(args, 'timezone') ? zoneArg(args.timezone) : UTC;
  if (date === null || zone === null) return null;
  const local = new Date(toLocalMillis(date, zone));
  const time = {
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
    millisecond: local.getUTCMilliseconds(),
  };
  if (args.iso8601 === true) return { ...isoWeekOf(local), ...time };
  return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate(), ...time };
};

const CALENDAR_PARTS = ['year', 'month', 'day'];
const ISO_PARTS = ['isoWeekYear', 'isoWeek', 'isoDayOfWeek'];
const TIME_PARTS = ['hour', 'minute', 'second', 'millisecond'];

const $dateFromParts: ExpressionOperator = (obj, expr, options) => {
  const iso = isPlainDocument(expr) && Object.hasOwn(expr, 'isoWeekYear');
  const parts = iso ? ISO_PARTS : CALENDAR_PARTS;
  const args = namedArgs(obj, expr, options, '$dateFromParts', [...parts, ...TIME_PARTS, 'timezone'], [parts[0]]);
  const value = (name: string, fallback: number): number | null =>
    Object.hasOwn(args, name) ? integerArg(args[name], '$dateFromParts', name) : fallback;
  const first = value(parts[0], 1);
  const second = value(parts[1], 1);
  const third = value(parts[2], 1);
  const times = TIME_PARTS.map((name) => value(name, 0));
  const zone = Object.hasOwn(args, 'timezone') ? zoneArg(args.timezone) : UTC;
  if (first === null || second === null || third === null || times.includes(null) || zone === null) return null;
  if (first < 1 || first > 9999) throw badValue(`'${parts[0]}' must evaluate to an integer in the range 1 to 9999, found ${first}`);
  const [hour, minute, sec, milli] = times as number[];
  const timeOfDay = hour * HOUR + minute * MINUTE + sec * SECOND + milli;
  let dayStart: number;
  if (iso) {
    const jan4 = calendarMillis(first, 0, 4);
    const week1Monday = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY;
    dayStart = week1Monday + ((second - 1) * 7 + (third - 1)) * DAY;
  } else {
    dayStart = calendarMillis(first, second - 1, third);
  }
  return fromLocalMillis(dayStart + timeOfDay, zone);
};

/** $dateTrunc's reference point: 2000-01-01T00:00 local time (a Saturday). */
const REFERENCE_LOCAL = Date.UTC(2000, 0, 1);
const REFERENCE_WEEKDAY = 6;

const $dateTrunc: ExpressionOperator = (obj, expr, options) => {
  const op = '$dateTrunc';
  const args = namedArgs(obj, expr, options, op, ['date', 'unit', 'binSize', 'timezone', 'startOfWeek'], ['date', 'unit']);
  const date = toDate(args.date, op);
  const unit = unitArg(args.unit, op);
  const binSize = Object.hasOwn(args, 'binSize') ? integerArg(args.binSize, op, 'binSize') : 1;
  const zone = Object.hasOwn(args, 'timezone') ? zoneArg(args.timezone) : UTC;
  const startOfWeek = Object.hasOwn(args, 'startOfWeek') ? weekdayArg(args.startOfWeek, op) : 0;
  if (date === null || unit === null || binSize === null || zone === null || startOfWeek === null) return null;
  if (binSize < 1) throw badValue(`${op} requires 'binSize' to be greater than 0, but got value ${binSize}`);
  const local = toLocalMillis(date, zone);
  let truncated: number;
  if (unit in UNIT_MONTHS) {
    const reading = new Date(local);
    const months = (reading.getUTCFullYear() - 2000) * 12 + reading.getUTCMonth();
    const size = UNIT_MONTHS[unit] * binSize;
    const start = floorDiv(months, size) * size;
    truncated = calendarMillis(2000 + floorDiv(start, 12), ((start % 12) + 12) % 12, 1);
  } else {
    const reference = unit === 'week' ? REFERENCE_LOCAL + ((startOfWeek - REFERENCE_WEEKDAY + 7) % 7) * DAY : REFERENCE_LOCAL;
    const size = UNIT_MILLIS[unit] * binSize;
    truncated = reference + floorDiv(local - reference, size) * size;
  }
  return fromLocalMillis(truncated, zone);
};

/** Adds `amount` units: calendar units on local wall-clock time (months clamp to the month's last day), time units as durations. */
function addToDate(date: Date, unit: string, amount: number, zone: TimeZone): Date {
  if (unit in UNIT_MONTHS) {
    const local = new Date(toLocalMillis(date, zone));
    const months = local.getUTCFullYear() * 12 + local.getUTCMonth() + amount * UNIT_MONTHS[unit];
    const year = floorDiv(months, 12);
    const monthIndex = months - year * 12;
    const day = Math.min(local.getUTCDate(), daysInMonth(year, monthIndex));
    const timeOfDay = local.getTime() - calendarMillis(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
    return fromLocalMillis(calendarMillis(year, monthIndex, day) + timeOfDay, zone);
  }
  if (unit === 'day' || unit === 'week') return fromLocalMillis(toLocalMillis(date, zone) + amount * UNIT_MILLIS[unit], zone);
  return new Date(date.getTime() + amount * UNIT_MILLIS[unit]);
}

function dateArithmetic(op: string, sign: 1 | -1): ExpressionOperator {
  return (obj, expr, options) => {
    const args = namedArgs(obj, expr, options, op, ['startDate', 'unit', 'amount', 'timezone'], ['startDate', 'unit', 'amount']);
    const date = toDate(args.startDate, op);
    const unit = unitArg(args.unit, op);
    const amount = integerArg(args.amount, op, 'amount');
    const zone = Object.hasOwn(args, 'timezone') ? zoneArg(args.timezone) : UTC;
    if (date === null || unit === null || amount === null || zone === null) return null;
    return addToDate(date, unit, sign * amount, zone);
  };
}

/** Number of `unit` boundaries crossed between two local readings (how $dateDiff counts). */
function unitsBetween(start: number, end: number, unit: string, startOfWeek: number): number {
  if (unit in UNIT_MONTHS) {
    const a = new Date(start);
    const b = new Date(end);
    const months = (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + (b.getUTCMonth() - a.getUTCMonth());
    if (unit === 'month') return months;
    if (unit === 'year') return b.getUTCFullYear() - a.getUTCFullYear();
    return floorDiv(b.getUTCFullYear() * 12 + b.getUTCMonth(), 3) - floorDiv(a.getUTCFullYear() * 12 + a.getUTCMonth(), 3);
  }
  if (unit === 'week') {
    // Day 0 of the epoch was a Thursday; shift so that weeks begin on startOfWeek.
    const shift = (4 - startOfWeek + 7) % 7;
    return floorDiv(floorDiv(end, DAY) + shift, 7) - floorDiv(floorDiv(start, DAY) + shift, 7);
  }
  return floorDiv(end, UNIT_MILLIS[unit]) - floorDiv(start, UNIT_MILLIS[unit]);
}

const $dateDiff: ExpressionOperator = (obj, expr, options) => {
  const op = '$dateDiff';
  const args = namedArgs(
    obj,
    expr,
    options,
    op,
    ['startDate', 'endDate', 'unit', 'timezone', 'startOfWeek'],
    ['startDate', 'endDate', 'unit'],
  );
  const start = toDate(args.startDate, op);
  const end = toDate(args.endDate, op);
  const unit = unitArg(args.unit, op);
  const zone = Object.hasOwn(args, 'timezone') ? zoneArg(args.timezone) : UTC;
  const startOfWeek = Object.hasOwn(args, 'startOfWeek') ? weekdayArg(args.startOfWeek, op) : 0;
  if (start === null || end === null || unit === null || zone === null || startOfWeek === null) return null;
  if (unit === 'millisecond') return end.getTime() - start.getTime();
  return unitsBetween(toLocalMillis(start, zone), toLocalMillis(end, zone), unit, startOfWeek);
};

export const dateOperators: Record<`$${string}`, ExpressionOperator> = {
  ...Object.fromEntries(Object.entries(DATE_PARTS).map(([op, part]) => [op, datePartOperator(op, part)])),
  ...dateStringOperators,
  $dateToParts,
  $dateFromParts,
  $dateTrunc,
  $dateAdd: dateArithmetic('$dateAdd', 1),
  $dateSubtract: dateArithmetic('$dateSubtract', -1),
  $dateDiff,
};
