import cors from '@koa/cors';
import type { AppMiddleware } from './context.ts';

/**
 * Browsers on the admin console and the H5 storefront may call the API; other origins get no CORS
 * headers, so their browsers refuse. Auth travels in the Authorization header, never cookies, so
 * credentials stay off. The mini-program is not a browser and sends no Origin.
 */
export function corsForOrigins(origins: readonly string[]): AppMiddleware {
  const allowed = new Set(origins);
  return cors({
    origin: (ctx) => (allowed.has(ctx.get('Origin')) ? ctx.get('Origin') : ''),
    allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowHeaders: ['Authorization', 'Content-Type', 'X-Request-Id', 'Idempotency-Key'],
    exposeHeaders: ['X-Request-Id', 'Retry-After'],
    maxAge: 600,
  });
}
