import Koa from 'koa';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createLogger } from '../logger.ts';
import { buildOpenApiDocument } from '../system/openapi.ts';
import { jsonBody } from './body.ts';
import type { AppState } from './context.ts';
import { errorHandler, unmatchedRoutes } from './errors.ts';
import { requestContext } from './request-context.ts';
import { ReplyCache } from './reply-cache.ts';
import { createRouter, defineRoute, type Route } from './routes.ts';

/** A registry of one route that uses every request part, served by the same middleware as the API. */
const seen: unknown[] = [];
const routes: Route[] = [
  defineRoute({
    operationId: 'renameItem',
    method: 'put',
    path: '/items/:itemId',
    summary: 'Rename an item',
    tag: 'items',
    access: 'public',
    params: z.object({ itemId: z.string().regex(/^[a-f0-9]{24}$/) }),
    query: z.object({ dryRun: z.enum(['true', 'false']).optional(), page: z.coerce.number().int().min(1).default(1) }),
    body: z.strictObject({ name: z.string().min(1) }),
    reply: { status: 200, description: 'Renamed', schema: z.object({ id: z.string(), name: z.string() }) },
    async handle(_ctx, input) {
      seen.push(input);
      return input.body.name === 'drift'
        ? ({ id: input.params.itemId } as { id: string; name: string })
        : { id: input.params.itemId, name: input.body.name };
    },
  }),
];

function serve() {
  const app = new Koa<AppState>();
  const router = createRouter(routes, () => []);
  app.use(requestContext(createLogger('silent')));
  app.use(errorHandler());
  app.use(unmatchedRoutes());
  app.use(jsonBody());
  app.use(router.routes());
  app.use(router.allowedMethods());
  return request(app.callback());
}

const ITEM = '0123456789abcdef01234567';

describe('routes from the registry', () => {
  it('hand the handler parsed params, query and body', async () => {
    const response = await serve().put(`/items/${ITEM}?page=3`).send({ name: 'mug' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ id: ITEM, name: 'mug' });
    expect(seen.at(-1)).toEqual({ params: { itemId: ITEM }, query: { page: 3 }, body: { name: 'mug' } });
  });

  it('say which part failed validation', async () => {
    const badParams = await serve().put('/items/nope').send({ name: 'mug' });
    expect(badParams.status).toBe(400);
    expect(badParams.body.error.details).toEqual([expect.objectContaining({ in: 'params', path: ['itemId'] })]);

    const badQuery = await serve().put(`/items/${ITEM}?page=0&dryRun=maybe`).send({ name: 'mug' });
    expect(badQuery.status).toBe(400);
    expect(
      badQuery.body.error.details.map((issue: { in: string; path: string[] }) => `${issue.in}.${issue.path.join('.')}`).sort(),
    ).toEqual(['query.dryRun', 'query.page']);
  });

  it('turn a reply that breaks its own schema into a 500', async () => {
    const response = await serve().put(`/items/${ITEM}`).send({ name: 'drift' });
    expect(response.status).toBe(500);
    expect(response.body.error.code).toBe('INTERNAL');
  });

  it('refuse to register the same method and path twice', () => {
    expect(() => createRouter([...routes, ...routes], () => [])).toThrow(/registered twice: PUT \/items\/:itemId/);
  });

  it('let only public JSON GET routes cache their replies', () => {
    const cache = new ReplyCache({ ttlMs: 1000 });
    const cached = (route: Partial<Route>): Route => ({ ...routes[0]!, method: 'get', body: undefined, cache, ...route });
    expect(() => createRouter([cached({})], () => [])).not.toThrow();
    expect(() => createRouter([cached({ reply: { ...routes[0]!.reply, contentType: 'text/html' } })], () => [])).toThrow(
      'only public JSON GET routes',
    );
    expect(() => createRouter([cached({ access: 'public', method: 'put' })], () => [])).toThrow('only public JSON GET routes');
    expect(() => createRouter([cached({ access: 'catalog.read' })], () => [])).toThrow('only public JSON GET routes');
  });

  it('serve a cached route from memory until its time-to-live has passed', async () => {
    const time = { now: 0 };
    const cache = new ReplyCache({ ttlMs: 1000, now: () => time.now });
    let calls = 0;
    const app = new Koa<AppState>();
    const counter = defineRoute({
      operationId: 'count',
      method: 'get',
      path: '/count',
      summary: 'Counts its calls',
      tag: 'items',
      access: 'public',
      cache,
      query: z.object({ page: z.coerce.number().int().default(1) }),
      reply: { status: 200, description: 'Calls so far', schema: z.object({ calls: z.number() }) },
      async handle() {
        return { calls: ++calls };
      },
    });
    app.use(requestContext(createLogger('silent')));
    app.use(errorHandler());
    app.use(createRouter([counter], () => []).routes());
    const http = request(app.callback());
    expect((await http.get('/count')).body).toEqual({ calls: 1 });
    expect((await http.get('/count')).body).toEqual({ calls: 1 });
    expect((await http.get('/count?page=2')).body).toEqual({ calls: 2 });
    time.now = 1000;
    const expired = await http.get('/count');
    expect(expired.body).toEqual({ calls: 3 });
    expect(expired.headers['content-type']).toMatch(/^application\/json/);
    // A URL that fails validation is never served from, nor stored in, the cache.
    expect((await http.get('/count?page=x')).status).toBe(400);
    expect((await http.get('/count?page=x')).status).toBe(400);
  });

  it('document path and query parameters', () => {
    const operation = buildOpenApiDocument(routes, { version: 'test', serverUrl: 'http://127.0.0.1' }).paths['/items/{itemId}']?.put;
    expect(operation?.parameters).toEqual([
      { name: 'itemId', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-f0-9]{24}$' } },
      { name: 'dryRun', in: 'query', required: false, schema: { type: 'string', enum: ['true', 'false'] } },
      { name: 'page', in: 'query', required: false, schema: expect.objectContaining({ type: 'integer', minimum: 1 }) },
    ]);
    expect(Object.keys(operation?.responses ?? {})).toEqual(['200', '400', '413', '500']);
  });
});
