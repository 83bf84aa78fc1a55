import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { AppMiddleware } from './context.ts';

/** Ids from callers are echoed only when they are short and plain, so they cannot forge log lines. */
const ACCEPTED_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives each request its id (the caller's `X-Request-Id`, or a new UUID), echoes it in the response,
 * and a logger bound to it. Runs first, so everything downstream can rely on `ctx.state`.
 */
export function requestContext(logger: Logger): AppMiddleware {
  return async (ctx, next) => {
    const incoming = ctx.get('X-Request-Id');
    const requestId = ACCEPTED_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    ctx.state.log = logger.child({ requestId });
    ctx.state.input = {};
    ctx.set('X-Request-Id', requestId);
    await next();
  };
}

/** One structured line per request, written once the response status is final. */
export function requestLog(): AppMiddleware {
  return async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      if (ctx.state.log.isLevelEnabled('info')) logRequest(ctx, started);
    }
  };
}

function logRequest(ctx: Parameters<AppMiddleware>[0], started: number): void {
  ctx.state.log.info(
    {
      method: ctx.method,
      path: ctx.path,
      status: ctx.status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      errorCode: ctx.state.errorCode,
      staffId: ctx.state.auth?.staff._id.toHexString(),
    },
    'request',
  );
}
