import { shanghaiBusinessDay } from './business-day.ts';

/**
 * Order numbers are 17 digits: `YYYYMMDD` (the Asia/Shanghai business day the order was placed) +
 * an 8-digit, zero-padded sequence that restarts at 1 every business day (taken from an atomic
 * per-day counter, which is what makes the numbers unique) + one Luhn check digit, so a number
 * mistyped or misread to customer service is caught instead of matching another order.
 * Example: `2026112300000042` + check digit `4` → `20261123000000424`.
 * All digits, well within WeChat Pay's 6–32 character `out_trade_no`.
 */
export const ORDER_SEQUENCE_MAX = 99_999_999;
const ORDER_NUMBER = /^(\d{4})(\d{2})(\d{2})(\d{8})(\d)$/;

/** The Luhn check digit for a string of digits (the digit that, appended, makes the Luhn sum divisible by 10). */
export function luhnCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    const digit = Number(digits[digits.length - 1 - i]);
    // The rightmost payload digit is doubled, because the check digit will sit to its right.
    const weighted = i % 2 === 0 ? digit * 2 : digit;
    sum += weighted > 9 ? weighted - 9 : weighted;
  }
  return (10 - (sum % 10)) % 10;
}

export function formatOrderNumber(placedAt: Date, sequence: number): string {
  if (!Number.isInteger(sequence) || sequence < 1 || sequence > ORDER_SEQUENCE_MAX) {
    throw new RangeError(`order sequence must be an integer from 1 to ${ORDER_SEQUENCE_MAX}, got ${sequence}`);
  }
  const payload = shanghaiBusinessDay(placedAt).replace(/-/g, '') + String(sequence).padStart(8, '0');
  return payload + String(luhnCheckDigit(payload));
}

export interface ParsedOrderNumber {
  /** `YYYY-MM-DD`, Asia/Shanghai. */
  businessDay: string;
  sequence: number;
}

/** Splits a well-formed order number, or returns null when the shape, the date or the check digit is wrong. */
export function parseOrderNumber(orderNumber: string): ParsedOrderNumber | null {
  const match = ORDER_NUMBER.exec(orderNumber);
  if (!match) return null;
  const [, year, month, day, sequenceDigits, check] = match;
  if (luhnCheckDigit(orderNumber.slice(0, -1)) !== Number(check)) return null;
  const businessDay = `${year}-${month}-${day}`;
  const date = new Date(`${businessDay}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== businessDay) return null;
  const sequence = Number(sequenceDigits);
  if (sequence < 1) return null;
  return { businessDay, sequence };
}
