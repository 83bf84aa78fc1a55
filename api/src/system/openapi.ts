import { z } from 'zod';
import { errorCatalogue, errorEnvelopeSchema, staffRoles, type ErrorCode } from '@mall/shared';
import type { HttpMethod, Route } from '../http/routes.ts';
import { allowedRoles } from '@mall/shared';

export type JsonSchema = Record<string, unknown>;

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  schema: JsonSchema;
}

export interface OpenApiMedia {
  schema: JsonSchema;
}

export interface OpenApiResponse {
  description: string;
  content?: Record<string, OpenApiMedia>;
}

export interface OpenApiOperation {
  operationId: string;
  summary: string;
  description: string;
  tags: string[];
  security: Record<string, string[]>[];
  /** The staff roles allowed to call it; absent for public operations. */
  'x-roles'?: string[];
  parameters?: OpenApiParameter[];
  requestBody?: { required: true; content: Record<string, OpenApiMedia> };
  responses: Record<string, OpenApiResponse>;
}

/** A type alias rather than an interface, so it fits the reply schema's open record. */
export type OpenApiDocument = {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  servers: { url: string }[];
  paths: Record<string, Partial<Record<HttpMethod, OpenApiOperation>>>;
  components: {
    schemas: Record<string, JsonSchema>;
    securitySchemes: Record<string, JsonSchema>;
  };
};

const ERROR_ENVELOPE_REF = '#/components/schemas/ErrorEnvelope';

/** JSON Schema 2020-12, which OpenAPI 3.1 embeds as is (minus the per-schema `$schema`). */
function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io });
  return rest;
}

/** `/api/staff/:id` → `/api/staff/{id}` */
export function toOpenApiPath(koaPath: string): string {
  return koaPath.replace(/:(\w+)/g, '{$1}');
}

function parametersOf(schema: z.ZodObject, location: 'path' | 'query'): OpenApiParameter[] {
  const object = toJsonSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || (object.required ?? []).includes(name),
    schema: property,
  }));
}

/** The errors a route can answer with: those implied by its schemas and access, plus its own. */
function errorCodesOf(route: Route): ErrorCode[] {
  const codes = new Set<ErrorCode>();
  if (route.body) codes.add('MALFORMED_REQUEST').add('PAYLOAD_TOO_LARGE');
  if (route.body || route.query || route.params) codes.add('VALIDATION_FAILED');
  const roles = allowedRoles(route.access);
  if (roles !== null) codes.add('UNAUTHENTICATED');
  if (roles !== null && roles.length < staffRoles.length) codes.add('FORBIDDEN');
  for (const code of route.errors ?? []) codes.add(code);
  codes.add('INTERNAL');
  return [...codes];
}

function operationOf(route: Route): OpenApiOperation {
  const roles = allowedRoles(route.access);
  const operation: OpenApiOperation = {
    operationId: route.operationId,
    summary: route.summary,
    description: roles === null ? 'Public.' : `Needs a staff bearer token. Roles: ${roles.join(', ')}.`,
    tags: [route.tag],
    security: roles === null ? [] : [{ staffBearer: [] }],
    responses: {},
  };
  if (roles !== null) operation['x-roles'] = [...roles];
  const parameters = [
    ...(route.params ? parametersOf(route.params, 'path') : []),
    ...(route.query ? parametersOf(route.query, 'query') : []),
  ];
  if (parameters.length > 0) operation.parameters = parameters;
  if (route.body) {
    operation.requestBody = { required: true, content: { 'application/json': { schema: toJsonSchema(route.body, 'input') } } };
  }
  const { status, description, schema, contentType = 'application/json' } = route.reply;
  operation.responses[String(status)] =
    schema === undefined ? { description } : { description, content: { [contentType]: { schema: toJsonSchema(schema, 'output') } } };

  const codesByStatus = new Map<number, ErrorCode[]>();
  for (const code of errorCodesOf(route)) {
    const codeStatus = errorCatalogue[code].status;
    codesByStatus.set(codeStatus, [...(codesByStatus.get(codeStatus) ?? []), code]);
  }
  for (const [errorStatus, codes] of [...codesByStatus].sort(([a], [b]) => a - b)) {
    operation.responses[String(errorStatus)] = {
      description: codes.join(' or '),
      content: { 'application/json': { schema: { $ref: ERROR_ENVELOPE_REF } } },
    };
  }
  return operation;
}

export function buildOpenApiDocument(routes: readonly Route[], info: { version: string; serverUrl: string }): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const route of routes) {
    const path = toOpenApiPath(route.path);
    paths[path] = { ...paths[path], [route.method]: operationOf(route) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Guide mall API',
      version: info.version,
      description:
        'Errors always come as `{ "error": { "code", "message", "details"? } }`: branch on `code`; `message` is for people (Chinese).',
    },
    servers: [{ url: info.serverUrl }],
    paths,
    components: {
      schemas: { ErrorEnvelope: toJsonSchema(errorEnvelopeSchema, 'output') },
      securitySchemes: {
        staffBearer: { type: 'http', scheme: 'bearer', description: 'The token from POST /api/staff/login; valid for 12 hours.' },
      },
    },
  };
}
