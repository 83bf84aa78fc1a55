import type { Middleware } from 'koa';
import type { z } from 'zod';
import type { AppState, RouteContext } from './context.ts';
import { AppError } from './errors.ts';

type RequestPart = keyof AppState['input'];

function validate(part: RequestPart, schema: z.ZodType, read: (ctx: RouteContext) => unknown): Middleware<AppState, RouteContext> {
  return async (ctx, next) => {
    const result = await schema.safeParseAsync(read(ctx));
    if (!result.success) {
      const details = result.error.issues.map((issue) => ({
        in: part,
        path: issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key)),
        code: issue.code,
        message: issue.message,
      }));
      throw new AppError('VALIDATION_FAILED', { details });
    }
    ctx.state.input[part] = result.data;
    await next();
  };
}

/** Parses the JSON body with `schema`; the parsed value lands in `ctx.state.input.body`. 400 VALIDATION_FAILED otherwise. */
export function validateBody(schema: z.ZodType): Middleware<AppState, RouteContext> {
  return validate('body', schema, (ctx) => ctx.request.body);
}

export function validateQuery(schema: z.ZodType): Middleware<AppState, RouteContext> {
  return validate('query', schema, (ctx) => ctx.query);
}

export function validateParams(schema: z.ZodType): Middleware<AppState, RouteContext> {
  return validate('params', schema, (ctx) => ctx.params);
}
