import { Router } from '@koa/router';
import type { Context, Middleware } from 'koa';
import type { z } from 'zod';
import type { ErrorCode } from '@mall/shared';
import type { Access } from '@mall/shared';
import type { AppState, RouteContext } from './context.ts';
import type { ReplyCache } from './reply-cache.ts';
import { validateBody, validateParams, validateQuery } from './validation.ts';

/**
 * The route registry: each route declares its method, path, request schemas, reply schema and access.
 * The router (below) and the OpenAPI document (system/openapi.ts) are both built from it, so what is
 * documented is exactly what is validated and served.
 */
export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;
type ReplyBody<S> = S extends z.ZodType ? z.input<S> : void;

export interface RouteDefinition<
  Body extends z.ZodType | undefined = undefined,
  Query extends z.ZodObject | undefined = undefined,
  Params extends z.ZodObject | undefined = undefined,
  Reply extends z.ZodType | undefined = undefined,
> {
  /** Unique; the OpenAPI operationId. */
  operationId: string;
  method: HttpMethod;
  /** Koa syntax: `/api/staff/:id`. */
  path: string;
  summary: string;
  tag: string;
  access: Access;
  body?: Body;
  /**
   * A body that is not JSON (an image upload): the handler reads and checks `ctx.req` itself; this
   * documents the media types it takes. Never together with `body`.
   */
  rawBody?: { contentTypes: readonly string[] };
  query?: Query;
  params?: Params;
  reply: {
    status: number;
    description: string;
    /** Undefined for an empty reply (204), and for a binary one, which the handler puts in `ctx.body` itself. */
    schema: Reply;
    contentType?: 'application/json' | 'text/html' | 'text/plain';
    /** The media types of a binary reply (an image), documented as such. */
    binaryContentTypes?: readonly string[];
  };
  /**
   * Public GET routes whose reply is the same for every caller may keep it briefly (see reply-cache.ts),
   * keyed by the URL as requested.
   */
  cache?: ReplyCache;
  /** Errors the handler raises itself; validation, auth and internal errors are implied by the rest. */
  errors?: readonly ErrorCode[];
  handle(ctx: RouteContext, input: { body: Parsed<Body>; query: Parsed<Query>; params: Parsed<Params> }): Promise<ReplyBody<Reply>>;
}

export type Route = RouteDefinition<z.ZodType | undefined, z.ZodObject | undefined, z.ZodObject | undefined, z.ZodType | undefined>;

/** Checks a route's handler against its own schemas, then files it under the common Route type. */
export function defineRoute<
  Body extends z.ZodType | undefined = undefined,
  Query extends z.ZodObject | undefined = undefined,
  Params extends z.ZodObject | undefined = undefined,
  Reply extends z.ZodType | undefined = undefined,
>(route: RouteDefinition<Body, Query, Params, Reply>): Route {
  return route as unknown as Route;
}

type RouteMiddleware = Middleware<AppState, RouteContext>;

/** Order matters: who may call comes before what they sent, so strangers learn nothing from validation errors. */
export function createRouter(routes: readonly Route[], authorize: (access: Access) => RouteMiddleware[]): Router<AppState> {
  const router = new Router<AppState>();
  const registered = new Set<string>();
  for (const route of routes) {
    const key = `${route.method.toUpperCase()} ${route.path}`;
    if (registered.has(key)) throw new Error(`route registered twice: ${key}`);
    registered.add(key);
    if (
      route.cache &&
      (route.method !== 'get' || route.access !== 'public' || route.reply.contentType !== undefined || route.reply.status !== 200)
    ) {
      throw new Error(`only public JSON GET routes answering 200 may cache their replies: ${key}`);
    }
    const stack: RouteMiddleware[] = [...authorize(route.access)];
    if (route.params) stack.push(validateParams(route.params));
    if (route.query) stack.push(validateQuery(route.query));
    if (route.body) stack.push(validateBody(route.body));
    stack.push((ctx) => respond(ctx, route));
    router.register(route.path, [route.method.toUpperCase()], stack, { name: route.operationId });
  }
  return router;
}

async function respond(ctx: RouteContext, route: Route): Promise<void> {
  // The validate* middleware above parsed each part with exactly the schemas the handler is typed by.
  const input = ctx.state.input as Parameters<Route['handle']>[1];
  const { status, schema, contentType } = route.reply;
  if (route.cache && schema !== undefined) {
    sendJson(
      ctx,
      await route.cache.getOrLoad(ctx.url, async () => Buffer.from(JSON.stringify(schema.parse(await route.handle(ctx, input))))),
    );
    return;
  }
  const result = await route.handle(ctx, input);
  ctx.status = status;
  if (schema === undefined) return;
  // Replies are held to their documented schema: drift is a loud 500 here, not a silent contract break.
  ctx.body = schema.parse(result);
  if (contentType === 'text/html') ctx.type = 'html';
  if (contentType === 'text/plain') ctx.type = 'text';
}

/** A write through one of `routes` drops `replies` once it has succeeded, so the next read shows the change. */
export function clearingRepliesOnChange(routes: readonly Route[], replies: ReplyCache): Route[] {
  return routes.map((route) =>
    route.method === 'get'
      ? route
      : {
          ...route,
          async handle(ctx, input) {
            const reply = await route.handle(ctx, input);
            replies.clear();
            return reply;
          },
        },
  );
}

/**
 * Answers a GET whose exact URL one of the routes' caches answered moments ago, ahead of the body parser and the
 * router: that request passed the same validation then, and cached routes are public (see `cache`).
 */
export function cachedReplies(routes: readonly Route[]): Middleware<AppState> {
  const caches = [...new Set(routes.flatMap((route) => (route.cache === undefined ? [] : [route.cache])))];
  return async (ctx, next) => {
    if (ctx.method === 'GET') {
      for (const cache of caches) {
        const body = cache.peek(ctx.url);
        if (body !== undefined) return sendJson(ctx, body);
      }
    }
    await next();
  };
}

function sendJson(ctx: Context, body: Buffer): void {
  ctx.status = 200;
  ctx.body = body;
  ctx.type = 'json';
}
