import { describe, expect, it } from 'vitest';
import { formatFen, parseYuanToFen } from './money.ts';

describe('formatFen', () => {
  it.each([
    [1234, '¥12.34'],
    [0, '¥0.00'],
    [5, '¥0.05'],
    [50, '¥0.50'],
    [100, '¥1.00'],
    [-5, '-¥0.05'],
    [-123456, '-¥1234.56'],
    [Number.MAX_SAFE_INTEGER, '¥90071992547409.91'],
  ])('%d fen → %s', (fen, text) => {
    expect(formatFen(fen)).toBe(text);
  });

  it.each([1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])('refuses %d', (fen) => {
    expect(() => formatFen(fen)).toThrow(RangeError);
  });
});

describe('parseYuanToFen', () => {
  it.each([
    ['12.34', 1234],
    ['12', 1200],
    ['12.3', 1230],
    ['0.5', 50],
    ['0.01', 1],
    ['0', 0],
    [' 8.80 ', 880],
    ['007.10', 710],
    // 0.1 + 0.2 style float errors would show here: 1.15 * 100 = 114.99999999999999.
    ['1.15', 115],
    ['4.35', 435],
    ['90071992547409.91', Number.MAX_SAFE_INTEGER],
    ['000000000000000000000.01', 1],
  ])('%s → %d fen', (text, fen) => {
    expect(parseYuanToFen(text)).toBe(fen);
  });

  it.each([
    '12.345',
    '-1',
    '-0.01',
    '+1',
    '1e3',
    '1,000',
    '¥12',
    '12.',
    '.5',
    '',
    ' ',
    'abc',
    '12.3a',
    '0x10',
    '90071992547409.92',
    '100000000000000',
  ])('refuses %j', (text) => {
    expect(() => parseYuanToFen(text)).toThrow(RangeError);
  });
});
