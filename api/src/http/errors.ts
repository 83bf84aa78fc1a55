import { errorCatalogue, type ErrorCode, type ErrorEnvelope } from '@mall/shared';
import type { AppMiddleware } from './context.ts';

/** An error meant for the client: its code decides the status; the message defaults to the catalogue's. */
export class AppError extends Error {
  readonly status: number;
  readonly details: unknown;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    readonly code: ErrorCode,
    options: { message?: string; details?: unknown; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(options.message ?? errorCatalogue[code].message, { cause: options.cause });
    this.name = 'AppError';
    this.status = errorCatalogue[code].status;
    this.details = options.details;
    this.headers = options.headers ?? {};
  }
}

/**
 * Turns every failure into the `{ error: { code, message, details? } }` envelope. Anything that is not
 * an AppError is a bug: it is logged with its stack and answered as a bare 500 INTERNAL.
 */
export function errorHandler(): AppMiddleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (caught) {
      if (!(caught instanceof AppError)) ctx.state.log.error({ err: caught }, 'unhandled error');
      const error = caught instanceof AppError ? caught : new AppError('INTERNAL');
      const envelope: ErrorEnvelope = { error: { code: error.code, message: error.message } };
      if (error.details !== undefined) envelope.error.details = error.details;
      ctx.set(error.headers);
      ctx.status = error.status;
      ctx.body = envelope;
      ctx.state.errorCode = error.code;
    }
  };
}

/**
 * Requests no route answered: 404 for unknown paths, 405 for a known path with another method (the
 * router has already set `Allow`).
 */
export function unmatchedRoutes(): AppMiddleware {
  return async (ctx, next) => {
    await next();
    if (ctx.body !== undefined && ctx.body !== null) return;
    if (ctx.status === 404) throw new AppError('NOT_FOUND');
    if (ctx.status === 405 || ctx.status === 501) throw new AppError('METHOD_NOT_ALLOWED');
  };
}
