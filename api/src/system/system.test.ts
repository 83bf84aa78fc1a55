import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { healthReplySchema } from '@mall/shared';
import { apiRoutes, routeGuard } from '../app.ts';
import type { Database } from '../db/database.ts';
import { createRouter, type Route } from '../http/routes.ts';
import { testApp, testConfig, type TestApp } from '../testing/app.ts';
import { startTestDatabaseServer, type TestDatabaseServer } from '../testing/database.ts';
import { binaryContent, toOpenApiPath, type OpenApiDocument, type OpenApiOperation } from './openapi.ts';

const packageVersion = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

let server: TestDatabaseServer;
let db: Database;
let api: TestApp;
let routes: Route[];

beforeAll(async () => {
  server = await startTestDatabaseServer();
  db = await server.connect();
  api = testApp(db);
  routes = apiRoutes({ config: testConfig(), db });
});

afterAll(async () => {
  await server.stop();
});

describe('GET /api/health', () => {
  it('reports status, database mode, sandbox and version', async () => {
    const response = await api.http.get('/api/health');
    expect(response.status).toBe(200);
    expect(healthReplySchema.parse(response.body)).toEqual({
      status: 'ok',
      db: { mode: 'embedded' },
      sandbox: true,
      version: packageVersion,
    });
  });

  it('says sandbox is off when the platforms point at their real hosts', async () => {
    const real = testApp(db, {
      env: {
        WECHAT_API_BASE_URL: 'https://api.weixin.qq.com',
        WECHATPAY_API_BASE_URL: 'https://api.mch.weixin.qq.com',
        WECOM_API_BASE_URL: 'https://qyapi.weixin.qq.com',
        KUAIDI100_API_BASE_URL: 'https://poll.kuaidi100.com',
      },
    });
    expect((await real.http.get('/api/health')).body).toMatchObject({ sandbox: false });
  });
});

describe('GET /api/openapi.json', () => {
  let document: OpenApiDocument;

  beforeAll(async () => {
    const response = await api.http.get('/api/openapi.json');
    expect(response.status).toBe(200);
    document = response.body as OpenApiDocument;
  });

  function operationOf(route: Route): OpenApiOperation {
    const operation = document.paths[toOpenApiPath(route.path)]?.[route.method];
    if (!operation) throw new Error(`${route.method} ${route.path} is not documented`);
    return operation;
  }

  it('is an OpenAPI 3.1 document with the API version', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.info.version).toBe(packageVersion);
    expect(document.components.schemas.ErrorEnvelope).toMatchObject({ type: 'object', required: ['error'] });
    expect(document.components.securitySchemes.staffBearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('documents every registered route, and nothing else', () => {
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method} ${path}`),
    );
    expect(documented.sort()).toEqual(routes.map((route) => `${route.method} ${toOpenApiPath(route.path)}`).sort());
    const operationIds = routes.map((route) => operationOf(route).operationId);
    expect(new Set(operationIds).size).toBe(routes.length);
  });

  it('carries the very schemas the routes validate with', () => {
    for (const route of routes) {
      const operation = operationOf(route);
      expect(operation.operationId).toBe(route.operationId);
      if (route.body) {
        const { $schema: _dialect, ...expected } = z.toJSONSchema(route.body, { io: 'input' });
        expect(operation.requestBody?.content['application/json']?.schema, route.operationId).toEqual(expected);
      } else if (route.rawBody) {
        expect(operation.requestBody?.content, route.operationId).toEqual(binaryContent(route.rawBody.contentTypes));
      } else {
        expect(operation.requestBody, route.operationId).toBeUndefined();
      }
      const reply = operation.responses[String(route.reply.status)];
      expect(reply, route.operationId).toBeDefined();
      if (route.reply.schema) {
        const { $schema: _dialect, ...expected } = z.toJSONSchema(route.reply.schema, { io: 'output' });
        expect(reply?.content?.[route.reply.contentType ?? 'application/json']?.schema, route.operationId).toEqual(expected);
      } else if (route.reply.binaryContentTypes) {
        expect(reply?.content, route.operationId).toEqual(binaryContent(route.reply.binaryContentTypes));
      } else {
        expect(reply?.content, route.operationId).toBeUndefined();
      }
    }
  });

  it('describes access, and the errors that come with it, in the envelope schema', () => {
    const login = document.paths['/api/staff/login']?.post;
    expect(login?.security).toEqual([]);
    expect(Object.keys(login?.responses ?? {}).sort()).toEqual(['200', '400', '401', '413', '429', '500']);
    expect(login?.responses['401']?.description).toBe('INVALID_CREDENTIALS');

    const create = document.paths['/api/staff']?.post;
    expect(create?.security).toEqual([{ staffBearer: [] }]);
    expect(create?.['x-roles']).toEqual(['owner']);
    expect(create?.responses['403']?.description).toBe('FORBIDDEN');
    expect(create?.responses['409']?.content?.['application/json']?.schema).toEqual({ $ref: '#/components/schemas/ErrorEnvelope' });

    const me = document.paths['/api/staff/me']?.get;
    expect(me?.['x-roles']).toEqual(['owner', 'operator', 'store_manager', 'viewer']);
    expect(me?.responses['403']).toBeUndefined();

    const shopperMe = document.paths['/api/shopper/me']?.get;
    expect(shopperMe?.security).toEqual([{ shopperBearer: [] }]);
    expect(shopperMe?.['x-roles']).toBeUndefined();
    expect(shopperMe?.responses['401']?.description).toBe('UNAUTHENTICATED');
    expect(shopperMe?.responses['403']).toBeUndefined();
    expect(document.components.securitySchemes.shopperBearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('matches the router built from the same registry', () => {
    const router = createRouter(routes, routeGuard(db));
    const served = router.stack.flatMap((layer) =>
      layer.methods.filter((method) => method !== 'HEAD').map((method) => `${method.toLowerCase()} ${toOpenApiPath(String(layer.path))}`),
    );
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method} ${path}`),
    );
    expect(served.sort()).toEqual(documented.sort());
  });

  it('lists operations the app really serves', async () => {
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const method of Object.keys(operations) as ('get' | 'post')[]) {
        const response = await api.http[method](path);
        expect([404, 405], `${method} ${path}`).not.toContain(response.status);
      }
    }
  });
});

describe('GET /api/docs', () => {
  it('renders every operation as a self-contained page', async () => {
    const response = await api.http.get('/api/docs');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.headers['content-security-policy']).toContain("default-src 'none'");
    const html = response.text;
    expect(html).toMatch(/^<!doctype html>/);
    for (const route of routes) {
      expect(html).toContain(`id="${route.operationId}"`);
      expect(html).toContain(`<code>${toOpenApiPath(route.path)}</code>`);
    }
    expect(html).toContain('id="schema-ErrorEnvelope"');
    expect(html).toContain('&#34;username&#34;');
    // No scripts, stylesheets, images or anything else fetched from elsewhere.
    expect(html).not.toMatch(/<script|<link|<img|src=|@import|url\(/i);
    expect(html).not.toMatch(/https?:\/\//);
  });
});
