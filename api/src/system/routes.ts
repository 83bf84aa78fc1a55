import { z } from 'zod';
import { healthReplySchema, type DatabaseMode } from '@mall/shared';
import type { Config } from '@mall/config';
import { defineRoute, type Route } from '../http/routes.ts';
import { apiVersion } from '../version.ts';
import { DOCS_PAGE_CSP, renderDocsPage } from './docs-page.ts';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi.ts';

const OPENAPI_PATH = '/api/openapi.json';

const openApiDocumentSchema = z.looseObject({
  openapi: z.literal('3.1.0'),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.unknown()),
});

/**
 * Health and self-documentation. `allRoutes` is read on first use, once every route (these included)
 * is registered, so the document describes the whole API.
 */
export function systemRoutes(options: { config: Config; databaseMode: DatabaseMode; allRoutes: () => readonly Route[] }): Route[] {
  let document: OpenApiDocument | undefined;
  const openApiDocument = () =>
    (document ??= buildOpenApiDocument(options.allRoutes(), { version: apiVersion, serverUrl: options.config.publicApiUrl }));

  return [
    defineRoute({
      operationId: 'health',
      method: 'get',
      path: '/api/health',
      summary: 'Liveness, database mode and whether the platforms are sandboxed',
      tag: 'system',
      access: 'public',
      reply: { status: 200, description: 'The API is up', schema: healthReplySchema },
      async handle() {
        return { status: 'ok' as const, db: { mode: options.databaseMode }, sandbox: options.config.sandbox, version: apiVersion };
      },
    }),
    defineRoute({
      operationId: 'openApiDocument',
      method: 'get',
      path: OPENAPI_PATH,
      summary: 'This API as an OpenAPI 3.1 document, generated from the route registry',
      tag: 'system',
      access: 'public',
      reply: { status: 200, description: 'The OpenAPI document', schema: openApiDocumentSchema },
      async handle() {
        return openApiDocument();
      },
    }),
    defineRoute({
      operationId: 'apiDocs',
      method: 'get',
      path: '/api/docs',
      summary: 'Browsable API documentation (HTML, no external assets)',
      tag: 'system',
      access: 'public',
      reply: { status: 200, description: 'The documentation page', schema: z.string(), contentType: 'text/html' },
      async handle(ctx) {
        ctx.set('Content-Security-Policy', DOCS_PAGE_CSP);
        return renderDocsPage(openApiDocument(), OPENAPI_PATH);
      },
    }),
  ];
}
