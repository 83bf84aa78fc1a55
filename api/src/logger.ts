import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from '@mall/config';

/** Structured JSON lines on stdout (or `destination`), one object per event. */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino({ level, base: { service: 'mall-api' }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}
