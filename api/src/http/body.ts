import { bodyParser } from '@koa/bodyparser';
import type { AppMiddleware } from './context.ts';
import { AppError } from './errors.ts';

/** Generous for every JSON payload the API takes; uploads go to object storage, not through JSON. */
export const JSON_BODY_LIMIT_BYTES = 100 * 1024;

/**
 * Parses JSON bodies (objects and arrays only); oversized → 413, unparseable → 400, both in the envelope.
 * Requests to `rawBodyPaths` are left unread: those routes verify a signature over the body as sent.
 */
export function jsonBody(rawBodyPaths: ReadonlySet<string> = new Set()): AppMiddleware {
  const parse = bodyParser({
    enableTypes: ['json'],
    jsonLimit: JSON_BODY_LIMIT_BYTES,
    jsonStrict: true,
    onError(error) {
      const status = (error as Error & { status?: number }).status;
      if (status === 413) {
        throw new AppError('PAYLOAD_TOO_LARGE', { details: { limitBytes: JSON_BODY_LIMIT_BYTES }, cause: error });
      }
      throw new AppError('MALFORMED_REQUEST', { details: { reason: 'the body is not valid JSON (an object or an array)' }, cause: error });
    },
  });
  return (ctx, next) => (rawBodyPaths.has(ctx.path) ? next() : parse(ctx, next));
}
