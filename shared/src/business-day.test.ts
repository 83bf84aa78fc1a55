import { describe, expect, it } from 'vitest';
import { shanghaiBusinessDay, shanghaiDateTime } from './business-day.ts';

describe('shanghaiBusinessDay', () => {
  it.each([
    ['2026-11-22T15:59:59.999Z', '2026-11-22'],
    ['2026-11-22T16:00:00.000Z', '2026-11-23'],
    ['2026-11-23T00:00:00.000Z', '2026-11-23'],
    ['2026-12-31T16:30:00.000Z', '2027-01-01'],
    ['2028-02-28T16:00:00.000Z', '2028-02-29'],
    // Summer and winter alike: no daylight saving in China.
    ['2026-07-01T15:59:59.000Z', '2026-07-01'],
    ['2026-07-01T16:00:00.000Z', '2026-07-02'],
  ])('%s is %s in Shanghai', (iso, day) => {
    expect(shanghaiBusinessDay(new Date(iso))).toBe(day);
  });

  it('refuses an invalid date', () => {
    expect(() => shanghaiBusinessDay(new Date('nope'))).toThrow(RangeError);
  });
});

describe('shanghaiDateTime', () => {
  it.each([
    ['2026-11-22T15:59:59.999Z', '2026-11-22 23:59'],
    ['2026-11-22T16:00:00.000Z', '2026-11-23 00:00'],
    ['2026-12-31T16:30:00.000Z', '2027-01-01 00:30'],
  ])('%s is %s in Shanghai', (iso, text) => {
    expect(shanghaiDateTime(new Date(iso))).toBe(text);
  });

  it('refuses an invalid date', () => {
    expect(() => shanghaiDateTime(new Date('nope'))).toThrow(RangeError);
  });
});
