/**
 * Money is integer fen (分) everywhere; yuan strings exist only at the edges (display, admin input).
 * Conversions work on digit strings, never on floats, so 0.1 + 0.2 style errors cannot creep in.
 * (No BigInt either: some mini-program runtimes still in use lack it.)
 */

const YUAN_INPUT = /^(\d+)(?:\.(\d{1,2}))?$/;
const MAX_FEN_DIGITS = String(Number.MAX_SAFE_INTEGER);

function assertFen(fen: number): void {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`amount must be a safe integer number of fen, got ${fen}`);
}

/** `1234` → `'¥12.34'`, `-5` → `'-¥0.05'`. */
export function formatFen(fen: number): string {
  assertFen(fen);
  const digits = String(Math.abs(fen)).padStart(3, '0');
  const yuan = `${digits.slice(0, -2)}.${digits.slice(-2)}`;
  return fen < 0 ? `-¥${yuan}` : `¥${yuan}`;
}

/**
 * `'12.34'` → `1234`, `'12'` → `1200`, `'0.5'` → `50`. Surrounding whitespace is ignored.
 * Throws a RangeError for negatives, more than two decimals, exponents, separators or any other text,
 * and for amounts beyond Number.MAX_SAFE_INTEGER fen.
 */
export function parseYuanToFen(input: string): number {
  const match = YUAN_INPUT.exec(input.trim());
  if (!match) throw new RangeError(`not a yuan amount with at most two decimals: '${input}'`);
  const [, whole = '', fraction = ''] = match;
  const digits = `${whole}${fraction.padEnd(2, '0')}`.replace(/^0+(?=\d)/, '');
  // Same-length digit strings compare like the numbers they spell.
  if (digits.length > MAX_FEN_DIGITS.length || (digits.length === MAX_FEN_DIGITS.length && digits > MAX_FEN_DIGITS)) {
    throw new RangeError(`amount too large: '${input}'`);
  }
  return Number(digits);
}
