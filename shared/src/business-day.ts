/**
 * Business days and reports run on Asia/Shanghai time. China has kept UTC+8 without daylight saving
 * since 1991, so a fixed offset is exact and avoids relying on Intl time-zone data, which some
 * mini-program runtimes lack.
 */
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

/** The Asia/Shanghai calendar day of an instant, as `YYYY-MM-DD`. */
export function shanghaiBusinessDay(instant: Date): string {
  const time = instant.getTime();
  if (Number.isNaN(time)) throw new RangeError('invalid date');
  return new Date(time + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** An instant as Asia/Shanghai wall-clock time, `YYYY-MM-DD HH:mm` (server-made sentences, e.g. a binding's explanation). */
export function shanghaiDateTime(instant: Date): string {
  const time = instant.getTime();
  if (Number.isNaN(time)) throw new RangeError('invalid date');
  return new Date(time + SHANGHAI_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}
