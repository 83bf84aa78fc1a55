import { describe, expect, it } from 'vitest';
import { formatOrderNumber, luhnCheckDigit, ORDER_SEQUENCE_MAX, parseOrderNumber } from './order-number.ts';

describe('luhnCheckDigit', () => {
  it.each([
    ['7992739871', 3],
    ['4539 1488 0343 646'.replaceAll(' ', ''), 7],
    ['0', 0],
  ])('%s → %d', (digits, check) => {
    expect(luhnCheckDigit(digits)).toBe(check);
  });
});

describe('formatOrderNumber', () => {
  it('is the Shanghai business day, the zero-padded sequence and a check digit', () => {
    const number = formatOrderNumber(new Date('2026-11-23T02:00:00Z'), 42);
    expect(number).toMatch(/^2026112300000042\d$/);
    expect(number).toHaveLength(17);
    expect(number).toBe('20261123000000424');
  });

  it('uses the Shanghai day, not the UTC day', () => {
    expect(formatOrderNumber(new Date('2026-11-22T16:00:00Z'), 1).slice(0, 8)).toBe('20261123');
    expect(formatOrderNumber(new Date('2026-11-22T15:59:59Z'), 1).slice(0, 8)).toBe('20261122');
  });

  it.each([0, -1, 1.5, ORDER_SEQUENCE_MAX + 1])('refuses sequence %d', (sequence) => {
    expect(() => formatOrderNumber(new Date(), sequence)).toThrow(RangeError);
  });

  it('gives distinct numbers for distinct sequences and days', () => {
    const numbers = new Set<string>();
    for (const day of ['2026-11-23T04:00:00Z', '2026-11-24T04:00:00Z']) {
      for (let sequence = 1; sequence <= 500; sequence += 1) numbers.add(formatOrderNumber(new Date(day), sequence));
    }
    expect(numbers.size).toBe(1000);
  });
});

describe('parseOrderNumber', () => {
  it('round-trips', () => {
    const number = formatOrderNumber(new Date('2026-11-23T02:00:00Z'), ORDER_SEQUENCE_MAX);
    expect(parseOrderNumber(number)).toEqual({ businessDay: '2026-11-23', sequence: ORDER_SEQUENCE_MAX });
  });

  it('catches every single-digit typo and adjacent swap', () => {
    const number = formatOrderNumber(new Date('2026-11-23T02:00:00Z'), 31_415);
    for (let i = 0; i < number.length; i += 1) {
      for (let digit = 0; digit <= 9; digit += 1) {
        if (String(digit) === number[i]) continue;
        const typo = number.slice(0, i) + String(digit) + number.slice(i + 1);
        expect(parseOrderNumber(typo), typo).toBeNull();
      }
    }
    for (let i = 0; i < number.length - 1; i += 1) {
      const a = number[i]!;
      const b = number[i + 1]!;
      // Luhn misses only the 09 ↔ 90 swap.
      if (a === b || `${a}${b}` === '09' || `${a}${b}` === '90') continue;
      const swapped = number.slice(0, i) + b + a + number.slice(i + 2);
      expect(parseOrderNumber(swapped), swapped).toBeNull();
    }
  });

  it.each(['', '2026112300000042', '202611230000004247', '2026112300000042x', 'abcdefghijklmnopq'])('refuses malformed %j', (text) => {
    expect(parseOrderNumber(text)).toBeNull();
  });

  it('refuses impossible dates and sequence 0 even with a valid check digit', () => {
    for (const payload of ['2026023000000001', '2026130100000001', '2026112300000000']) {
      expect(parseOrderNumber(payload + String(luhnCheckDigit(payload)))).toBeNull();
    }
  });
});
