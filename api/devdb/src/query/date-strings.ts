import { evalExpr } from 'mingo/core';
import { badValue } from '../errors.ts';
import { isPlainDocument } from '../values/bson-values.ts';
import { typeNameOf } from '../values/bson-format.ts';
import {
  calendarMillis,
  dayOfYearOf,
  type ExpressionOperator,
  HOUR,
  isoWeekOf,
  MINUTE,
  MONTH_NAMES,
  namedArgs,
  SECOND,
  sundayWeekOf,
  toDate,
  zoneArg,
} from './date-support.ts';
import { fromLocalMillis, type TimeZone, timeZoneNamed, UTC } from './time-zones.ts';

/**
 * `$dateToString` and `$dateFromString` in a time zone. mingo's `$dateToString` numbers %w from 0;
 * its `$dateFromString` returns nothing for a string without an offset when given a `timezone`
 * but no format, and rejects "UTC".
 */

function pad(value: number, width: number): string {
  const digits = String(Math.abs(value)).padStart(width, '0');
  return value < 0 ? `-${digits}` : digits;
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60), 2)}${pad(abs % 60, 2)}`;
}

function formatDate(date: Date, zone: TimeZone, format: string): string {
  const offset = zone.offsetMinutes(date.getTime());
  const local = new Date(date.getTime() + offset * MINUTE);
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const ch = format[i];
    if (ch !== '%') {
      out += ch;
      continue;
    }
    const spec = format[++i];
    switch (spec) {
      case 'Y':
        out += pad(local.getUTCFullYear(), 4);
        break;
      case 'G':
        out += pad(isoWeekOf(local).isoWeekYear, 4);
        break;
      case 'm':
        out += pad(local.getUTCMonth() + 1, 2);
        break;
      case 'd':
        out += pad(local.getUTCDate(), 2);
        break;
      case 'H':
        out += pad(local.getUTCHours(), 2);
        break;
      case 'M':
        out += pad(local.getUTCMinutes(), 2);
        break;
      case 'S':
        out += pad(local.getUTCSeconds(), 2);
        break;
      case 'L':
        out += pad(local.getUTCMilliseconds(), 3);
        break;
      case 'j':
        out += pad(dayOfYearOf(local), 3);
        break;
      case 'w':
        out += String(local.getUTCDay() + 1);
        break;
      case 'u':
        out += String(isoWeekOf(local).isoDayOfWeek);
        break;
      case 'U':
        out += pad(sundayWeekOf(local), 2);
        break;
      case 'V':
        out += pad(isoWeekOf(local).isoWeek, 2);
        break;
      case 'z':
        out += formatOffset(offset);
        break;
      case 'Z':
        out += `${offset < 0 ? '-' : '+'}${Math.abs(offset)}`;
        break;
      case 'b':
        out += MONTH_NAMES[local.getUTCMonth()].slice(0, 3);
        break;
      case 'B':
        out += MONTH_NAMES[local.getUTCMonth()];
        break;
      case '%':
        out += '%';
        break;
      case undefined:
        throw badValue("Unmatched '%' at end of format string");
      default:
        throw badValue(`Invalid format character '%${spec}' in format string`);
    }
  }
  return out;
}

const $dateToString: ExpressionOperator = (obj, expr, options) => {
  const args = namedArgs(obj, expr, options, '$dateToString', ['date', 'format', 'timezone', 'onNull'], ['date']);
  const date = toDate(args.date, '$dateToString');
  if (date === null) return Object.hasOwn(args, 'onNull') ? args.onNull : null;
  const zone = Object.hasOwn(args, 'timezone') ? zoneArg(args.timezone) : UTC;
  if (zone === null) return null;
  // MongoDB's default format ends in "Z" only when the result is in UTC.
  const format = Object.hasOwn(args, 'format') ? args.format : zone.isUtc ? '%Y-%m-%dT%H:%M:%S.%LZ' : '%Y-%m-%dT%H:%M:%S.%L';
  if (format === null || format === undefined) return null;
  if (typeof format !== 'string') throw badValue(`$dateToString requires that 'format' be a string, found: ${typeNameOf(format)}`);
  return formatDate(date, zone, format);
};

/** ISO 8601 as MongoDB reads it without a format: a date, an optional time, an optional zone. */
const ISO_DATE_STRING = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/;

const FORMAT_FIELDS: Record<string, { pattern: string; field: string }> = {
  Y: { pattern: '(\\d{4})', field: 'year' },
  m: { pattern: '(\\d{1,2})', field: 'month' },
  d: { pattern: '(\\d{1,2})', field: 'day' },
  H: { pattern: '(\\d{1,2})', field: 'hour' },
  M: { pattern: '(\\d{1,2})', field: 'minute' },
  S: { pattern: '(\\d{1,2})', field: 'second' },
  L: { pattern: '(\\d{1,3})', field: 'millisecond' },
  j: { pattern: '(\\d{1,3})', field: 'dayOfYear' },
  b: { pattern: '([A-Za-z]{3})', field: 'monthName' },
  B: { pattern: '([A-Za-z]+)', field: 'monthName' },
  z: { pattern: '([+-]\\d{2}:?\\d{2})', field: 'offset' },
  Z: { pattern: '([+-]\\d+)', field: 'offsetMinutes' },
};

/** Reads a date string with a $dateToString-style format (%Y %m %d %H %M %S %L %j %b %B %z %Z %%). */
function parseWithFormat(text: string, format: string, zone: TimeZone): Date | null {
  let pattern = '';
  const fields: string[] = [];
  for (let i = 0; i < format.length; i++) {
    if (format[i] !== '%') {
      pattern += format[i].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      continue;
    }
    const spec = format[++i];
    if (spec === '%') {
      pattern += '%';
      continue;
    }
    const known = spec === undefined ? undefined : FORMAT_FIELDS[spec];
    if (!known) throw badValue(`Invalid format character '%${spec ?? ''}' in format string`);
    pattern += known.pattern;
    fields.push(known.field);
  }
  const match = new RegExp(`^${pattern}$`).exec(text);
  if (!match) return null;
  const parts: Record<string, string> = {};
  fields.forEach((field, i) => (parts[field] = match[i + 1]));
  const number = (field: string, fallback: number) => (parts[field] === undefined ? fallback : Number(parts[field]));
  let monthIndex = number('month', 1) - 1;
  if (parts.monthName !== undefined) {
    const given = parts.monthName.toLowerCase();
    monthIndex = MONTH_NAMES.findIndex((name) =>
      given.length === 3 ? name.toLowerCase().startsWith(given) : name.toLowerCase() === given,
    );
    if (monthIndex < 0) return null;
  }
  const year = number('year', 1970);
  const dayStart =
    parts.dayOfYear !== undefined ? calendarMillis(year, 0, number('dayOfYear', 1)) : calendarMillis(year, monthIndex, number('day', 1));
  const local =
    dayStart +
    number('hour', 0) * HOUR +
    number('minute', 0) * MINUTE +
    number('second', 0) * SECOND +
    Number((parts.millisecond ?? '0').padEnd(3, '0'));
  if (parts.offset !== undefined) return fromLocalMillis(local, timeZoneNamed(parts.offset));
  if (parts.offsetMinutes !== undefined) return new Date(local - Number(parts.offsetMinutes) * MINUTE);
  return fromLocalMillis(local, zone);
}

function parseDateString(text: string, format: unknown, zone: TimeZone): Date | null {
  if (format !== undefined) {
    if (typeof format !== 'string') throw badValue(`$dateFromString requires that 'format' be a string, found: ${typeNameOf(format)}`);
    return parseWithFormat(text, format, zone);
  }
  const match = ISO_DATE_STRING.exec(text.trim());
  if (!match) return null;
  const [, year, month, day, hour, minute, second, fraction, offset] = match;
  const local =
    calendarMillis(Number(year), Number(month) - 1, Number(day)) +
    Number(hour ?? 0) * HOUR +
    Number(minute ?? 0) * MINUTE +
    Number(second ?? 0) * SECOND +
    Number((fraction ?? '0').slice(0, 3).padEnd(3, '0'));
  if (offset === 'Z') return new Date(local);
  return fromLocalMillis(local, offset ? timeZoneNamed(offset) : zone);
}

/** `$dateFromString`: a string without a zone of its own is read in `timezone` (UTC by default), never in the process's zone. */
const $dateFromString: ExpressionOperator = (obj, expr, options) => {
  const op = '$dateFromString';
  if (!isPlainDocument(expr)) throw badValue(`${op} only supports an object as its argument`);
  const evaluate = (name: string) => evalExpr(obj, expr[name], options);
  const text = evaluate('dateString');
  if (text === null || text === undefined) return Object.hasOwn(expr, 'onNull') ? evaluate('onNull') : null;
  const zone = Object.hasOwn(expr, 'timezone') ? zoneArg(evaluate('timezone')) : UTC;
  if (zone === null) return null;
  const date =
    typeof text === 'string' ? parseDateString(text, Object.hasOwn(expr, 'format') ? evaluate('format') : undefined, zone) : null;
  if (date && !Number.isNaN(date.getTime())) return date;
  if (Object.hasOwn(expr, 'onError')) return evaluate('onError');
  throw badValue(`Error parsing date string '${typeof text === 'string' ? text : typeNameOf(text)}'`);
};

export const dateStringOperators: Record<`$${string}`, ExpressionOperator> = { $dateToString, $dateFromString };
