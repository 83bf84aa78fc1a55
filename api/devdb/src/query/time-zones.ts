import { badValue } from '../errors.ts';
import { formatValue } from '../values/bson-format.ts';

/**
 * Time zones for the date expression operators: an Olson identifier (resolved by Node's Intl, so
 * DST rules are the ICU ones) or a fixed UTC offset ("+08:00", "-0530", "+03"). Local time is
 * represented as "local milliseconds": the UTC epoch milliseconds a wall-clock reading would have
 * if it were UTC, so calendar fields are read with the getUTC* methods.
 */
export interface TimeZone {
  /** True for UTC itself (only then does $dateToString's default format end in "Z"). */
  readonly isUtc: boolean;
  /** Minutes east of UTC at the given instant. */
  offsetMinutes(utcMillis: number): number;
}

const MINUTE = 60_000;
/** Offsets change only on quarter-hour boundaries, so one lookup serves a whole quarter hour. */
const OFFSET_BUCKET = 15 * MINUTE;
const MAX_CACHED_OFFSETS = 50_000;

export const UTC: TimeZone = { isUtc: true, offsetMinutes: () => 0 };

const zones = new Map<string, TimeZone>();

function fixedOffset(minutes: number): TimeZone {
  return { isUtc: false, offsetMinutes: () => minutes };
}

function olsonZone(name: string): TimeZone {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    throw badValue(`unrecognized time zone identifier: "${name}"`);
  }
  const offsets = new Map<number, number>();
  return {
    isUtc: false,
    offsetMinutes(utcMillis) {
      const bucket = Math.floor(utcMillis / OFFSET_BUCKET);
      let offset = offsets.get(bucket);
      if (offset === undefined) {
        const instant = bucket * OFFSET_BUCKET;
        const fields: Record<string, number> = {};
        for (const part of format.formatToParts(instant)) if (part.type !== 'literal') fields[part.type] = Number(part.value);
        const asUtc = Date.UTC(fields.year, fields.month - 1, fields.day, fields.hour, fields.minute, fields.second);
        offset = Math.round((asUtc - instant) / MINUTE);
        if (offsets.size >= MAX_CACHED_OFFSETS) offsets.clear();
        offsets.set(bucket, offset);
      }
      return offset;
    },
  };
}

/** The zone named by a `timezone` argument; throws BadValue for anything MongoDB would reject. */
export function timeZoneNamed(spec: unknown): TimeZone {
  if (typeof spec !== 'string') throw badValue(`timezone must evaluate to a string, found ${formatValue(spec)}`);
  let zone = zones.get(spec);
  if (!zone) {
    const offset = /^([+-])(\d{2})(?::?(\d{2}))?$/.exec(spec);
    if (offset) {
      const minutes = Number(offset[2]) * 60 + Number(offset[3] ?? 0);
      zone = fixedOffset(offset[1] === '-' ? -minutes : minutes);
    } else if (spec === 'UTC' || spec === 'GMT' || spec === 'Etc/UTC' || spec === 'Etc/GMT' || spec === 'Z') {
      zone = UTC;
    } else {
      zone = olsonZone(spec);
    }
    zones.set(spec, zone);
  }
  return zone;
}

export function toLocalMillis(date: Date, zone: TimeZone): number {
  const utc = date.getTime();
  return utc + zone.offsetMinutes(utc) * MINUTE;
}

/** The instant whose wall-clock reading in `zone` is `localMillis` (in a DST gap, the reading just after it). */
export function fromLocalMillis(localMillis: number, zone: TimeZone): Date {
  const guess = localMillis - zone.offsetMinutes(localMillis) * MINUTE;
  return new Date(localMillis - zone.offsetMinutes(guess) * MINUTE);
}
