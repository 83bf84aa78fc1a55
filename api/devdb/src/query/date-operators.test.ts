import { ObjectId, Timestamp } from 'bson';
import type { Document } from 'bson';
import { describe, expect, it } from 'vitest';
import { runPipeline } from './index.ts';
import { expectServerError } from './test-support.ts';

/** Evaluates expressions against one document `{d: date}`. */
function evaluate(date: Date, expressions: Document): Document {
  const [result] = runPipeline([{ d: date }], [{ $project: { _id: 0, ...expressions } }], { resolveCollection: () => [] });
  return result;
}

const SHANGHAI = 'Asia/Shanghai';
/** 17:00 UTC on Jan 1 is 01:00 on Friday, Jan 2 in Shanghai. */
const EVENING_UTC = new Date('2026-01-01T17:00:00Z');

describe('date parts with a time zone', () => {
  it('reads the calendar in Asia/Shanghai', () => {
    const inShanghai = (op: string) => ({ [op]: { date: '$d', timezone: SHANGHAI } });
    expect(
      evaluate(EVENING_UTC, {
        year: inShanghai('$year'),
        month: inShanghai('$month'),
        day: inShanghai('$dayOfMonth'),
        hour: inShanghai('$hour'),
        weekday: inShanghai('$dayOfWeek'),
        dayOfYear: inShanghai('$dayOfYear'),
        isoWeek: inShanghai('$isoWeek'),
        isoDay: inShanghai('$isoDayOfWeek'),
        week: inShanghai('$week'),
      }),
    ).toEqual({ year: 2026, month: 1, day: 2, hour: 1, weekday: 6, dayOfYear: 2, isoWeek: 1, isoDay: 5, week: 0 });
  });

  it('reads UTC without a time zone, and accepts the bare and array forms', () => {
    expect(evaluate(EVENING_UTC, { day: { $dayOfMonth: '$d' }, hour: { $hour: ['$d'] }, weekday: { $dayOfWeek: { date: '$d' } } })).toEqual(
      { day: 1, hour: 17, weekday: 5 },
    );
  });

  it('crosses the year boundary in the zone', () => {
    expect(evaluate(new Date('2025-12-31T16:30:00Z'), { y: { $year: { date: '$d', timezone: SHANGHAI } }, utc: { $year: '$d' } })).toEqual({
      y: 2026,
      utc: 2025,
    });
  });

  it('accepts UTC offsets and rejects unknown zones', () => {
    expect(
      evaluate(EVENING_UTC, {
        a: { $hour: { date: '$d', timezone: '+08:00' } },
        b: { $hour: { date: '$d', timezone: '-0530' } },
        c: { $hour: { date: '$d', timezone: '+03' } },
      }),
    ).toEqual({
      a: 1,
      b: 11,
      c: 20,
    });
    expectServerError(
      () => evaluate(EVENING_UTC, { a: { $hour: { date: '$d', timezone: 'Mars/Olympus' } } }),
      2,
      'unrecognized time zone identifier: "Mars/Olympus"',
    );
  });

  it('takes the date of an ObjectId and a Timestamp, and returns null for a missing date', () => {
    const id = ObjectId.createFromTime(EVENING_UTC.getTime() / 1000);
    const [result] = runPipeline(
      [{ id, ts: new Timestamp({ t: EVENING_UTC.getTime() / 1000, i: 1 }) }],
      [{ $project: { _id: 0, a: { $dayOfMonth: { date: '$id', timezone: SHANGHAI } }, b: { $hour: '$ts' }, c: { $year: '$missing' } } }],
      { resolveCollection: () => [] },
    );
    expect(result).toEqual({ a: 2, b: 17, c: null });
  });
});

describe('$dateToString', () => {
  it('formats in a time zone', () => {
    expect(
      evaluate(EVENING_UTC, {
        day: { $dateToString: { date: '$d', format: '%Y-%m-%d', timezone: SHANGHAI } },
        full: { $dateToString: { date: '$d', format: '%Y-%m-%d %H:%M:%S.%L %z %Z', timezone: SHANGHAI } },
        iso: { $dateToString: { date: '$d', timezone: SHANGHAI } },
        utc: { $dateToString: { date: '$d' } },
      }),
    ).toEqual({
      day: '2026-01-02',
      full: '2026-01-02 01:00:00.000 +0800 +480',
      iso: '2026-01-02T01:00:00.000',
      utc: '2026-01-01T17:00:00.000Z',
    });
  });

  it('supports the week, weekday, day-of-year and month-name specifiers', () => {
    expect(
      evaluate(EVENING_UTC, { s: { $dateToString: { date: '$d', format: '%G-W%V-%u %U %w %j %b %B %%', timezone: SHANGHAI } } }),
    ).toEqual({
      s: '2026-W01-5 00 6 002 Jan January %',
    });
  });

  it('returns onNull for a missing date and rejects unknown specifiers', () => {
    expect(
      evaluate(EVENING_UTC, { s: { $dateToString: { date: '$nope', onNull: 'n/a' } }, t: { $dateToString: { date: '$nope' } } }),
    ).toEqual({ s: 'n/a', t: null });
    expectServerError(
      () => evaluate(EVENING_UTC, { s: { $dateToString: { date: '$d', format: '%Q' } } }),
      2,
      "Invalid format character '%Q'",
    );
  });
});

describe('$dateTrunc', () => {
  it('truncates to day, week and month boundaries of the zone', () => {
    expect(
      evaluate(EVENING_UTC, {
        day: { $dateTrunc: { date: '$d', unit: 'day', timezone: SHANGHAI } },
        week: { $dateTrunc: { date: '$d', unit: 'week', timezone: SHANGHAI } },
        monday: { $dateTrunc: { date: '$d', unit: 'week', timezone: SHANGHAI, startOfWeek: 'monday' } },
        month: { $dateTrunc: { date: '$d', unit: 'month', timezone: SHANGHAI } },
        utcDay: { $dateTrunc: { date: '$d', unit: 'day' } },
      }),
    ).toEqual({
      day: new Date('2026-01-01T16:00:00Z'),
      week: new Date('2025-12-27T16:00:00Z'),
      monday: new Date('2025-12-28T16:00:00Z'),
      month: new Date('2025-12-31T16:00:00Z'),
      utcDay: new Date('2026-01-01T00:00:00Z'),
    });
  });

  it('supports bin sizes and time units', () => {
    expect(
      evaluate(new Date('2026-03-15T10:47:31Z'), {
        quarter: { $dateTrunc: { date: '$d', unit: 'quarter', timezone: SHANGHAI } },
        twoHours: { $dateTrunc: { date: '$d', unit: 'hour', binSize: 2 } },
        fifteen: { $dateTrunc: { date: '$d', unit: 'minute', binSize: 15 } },
      }),
    ).toEqual({
      quarter: new Date('2025-12-31T16:00:00Z'),
      twoHours: new Date('2026-03-15T10:00:00Z'),
      fifteen: new Date('2026-03-15T10:45:00Z'),
    });
  });
});

describe('$dateAdd, $dateSubtract and $dateDiff', () => {
  it('adds months on the local calendar, clamping to the end of the month', () => {
    const endOfJanuaryInShanghai = new Date('2026-01-30T16:00:00Z');
    expect(
      evaluate(endOfJanuaryInShanghai, {
        local: { $dateAdd: { startDate: '$d', unit: 'month', amount: 1, timezone: SHANGHAI } },
        utc: { $dateAdd: { startDate: '$d', unit: 'month', amount: 1 } },
        back: { $dateSubtract: { startDate: '$d', unit: 'day', amount: 2, timezone: SHANGHAI } },
        hours: { $dateAdd: { startDate: '$d', unit: 'hour', amount: 36 } },
      }),
    ).toEqual({
      local: new Date('2026-02-27T16:00:00Z'),
      utc: new Date('2026-02-28T16:00:00Z'),
      back: new Date('2026-01-28T16:00:00Z'),
      hours: new Date('2026-02-01T04:00:00Z'),
    });
  });

  it('keeps the wall-clock time across a DST change when adding days', () => {
    const noonBeforeDst = new Date('2026-03-07T17:00:00Z');
    expect(
      evaluate(noonBeforeDst, { next: { $dateAdd: { startDate: '$d', unit: 'day', amount: 1, timezone: 'America/New_York' } } }),
    ).toEqual({
      next: new Date('2026-03-08T16:00:00Z'),
    });
  });

  it('counts boundaries crossed in the zone', () => {
    const [result] = runPipeline(
      [{ a: new Date('2026-01-01T15:00:00Z'), b: EVENING_UTC, c: new Date('2026-03-02T00:00:00Z') }],
      [
        {
          $project: {
            _id: 0,
            days: { $dateDiff: { startDate: '$a', endDate: '$b', unit: 'day', timezone: SHANGHAI } },
            utcDays: { $dateDiff: { startDate: '$a', endDate: '$b', unit: 'day' } },
            hours: { $dateDiff: { startDate: '$a', endDate: '$b', unit: 'hour' } },
            months: { $dateDiff: { startDate: '$a', endDate: '$c', unit: 'month', timezone: SHANGHAI } },
            weeks: { $dateDiff: { startDate: '$a', endDate: '$c', unit: 'week', timezone: SHANGHAI } },
            years: { $dateDiff: { startDate: '$a', endDate: '$c', unit: 'year' } },
          },
        },
      ],
      { resolveCollection: () => [] },
    );
    expect(result).toEqual({ days: 1, utcDays: 0, hours: 2, months: 2, weeks: 9, years: 0 });
  });

  it('groups orders by Shanghai day', () => {
    const docs = [
      { at: new Date('2026-01-01T15:59:59Z'), total: 1 },
      { at: new Date('2026-01-01T16:00:00Z'), total: 2 },
      { at: new Date('2026-01-02T15:00:00Z'), total: 4 },
    ];
    const result = runPipeline(
      docs,
      [
        { $group: { _id: { $dateToString: { date: '$at', format: '%Y-%m-%d', timezone: SHANGHAI } }, total: { $sum: '$total' } } },
        { $sort: { _id: 1 } },
      ],
      { resolveCollection: () => [] },
    );
    expect(result).toEqual([
      { _id: '2026-01-01', total: 1 },
      { _id: '2026-01-02', total: 6 },
    ]);
  });
});

describe('$dateToParts and $dateFromParts', () => {
  it('round-trips through the parts of the zone', () => {
    const result = evaluate(EVENING_UTC, {
      parts: { $dateToParts: { date: '$d', timezone: SHANGHAI } },
      back: { $dateFromParts: { year: 2026, month: 1, day: 2, hour: 1, timezone: SHANGHAI } },
      overflow: { $dateFromParts: { year: 2026, month: 13, day: 1 } },
      iso: { $dateFromParts: { isoWeekYear: 2026, isoWeek: 1, isoDayOfWeek: 5, hour: 1, timezone: SHANGHAI } },
    });
    expect(result).toEqual({
      parts: { year: 2026, month: 1, day: 2, hour: 1, minute: 0, second: 0, millisecond: 0 },
      back: EVENING_UTC,
      overflow: new Date('2027-01-01T00:00:00Z'),
      iso: EVENING_UTC,
    });
  });
});

describe('$dateFromString', () => {
  it('reads strings without a zone in the given time zone (UTC by default)', () => {
    expect(
      evaluate(EVENING_UTC, {
        local: { $dateFromString: { dateString: '2026-01-02 01:00:00', timezone: SHANGHAI } },
        utc: { $dateFromString: { dateString: '2026-01-01T17:00:00' } },
        zoned: { $dateFromString: { dateString: '2026-01-02T01:00:00+08:00', timezone: 'UTC' } },
        dateOnly: { $dateFromString: { dateString: '2026-01-02', timezone: SHANGHAI } },
        formatted: { $dateFromString: { dateString: '02/01/2026 01:00', format: '%d/%m/%Y %H:%M', timezone: SHANGHAI } },
        named: { $dateFromString: { dateString: '2 Jan 2026', format: '%d %b %Y' } },
      }),
    ).toEqual({
      local: EVENING_UTC,
      utc: EVENING_UTC,
      zoned: EVENING_UTC,
      dateOnly: new Date('2026-01-01T16:00:00Z'),
      formatted: EVENING_UTC,
      named: new Date('2026-01-02T00:00:00Z'),
    });
  });

  it('returns onNull and onError, or fails with BadValue', () => {
    expect(
      evaluate(EVENING_UTC, {
        a: { $dateFromString: { dateString: '$nope', onNull: 'none' } },
        b: { $dateFromString: { dateString: 'soon', onError: 'bad' } },
      }),
    ).toEqual({ a: 'none', b: 'bad' });
    expectServerError(
      () => evaluate(EVENING_UTC, { a: { $dateFromString: { dateString: 'soon' } } }),
      2,
      "Error parsing date string 'soon'",
    );
  });
});
