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
