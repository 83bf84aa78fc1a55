import { z } from 'zod';
import { errorCatalogue, errorEnvelopeSchema, staffRoles, type ErrorCode } from '@mall/shared';
import type { HttpMethod, Route } from '../http/routes.ts';
import { allowedRoles, type Access } from '@mall/shared';

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
  /** The staff roles allowed to call it; absent for public and shopper operations. */
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

/** The staff roles a route allows; null for public and shopper routes, which no staff role opens. */
function staffRolesOf(access: Access): readonly string[] | null {
  return access === 'shopper' ? null : allowedRoles(access);
}

/** The errors a route can answer with: those implied by its schemas and access, plus its own. */
function errorCodesOf(route: Route): ErrorCode[] {
  const codes = new Set<ErrorCode>();
  if (route.body || route.rawBody) codes.add('MALFORMED_REQUEST').add('PAYLOAD_TOO_LARGE');
  if (route.body || route.query || route.params) codes.add('VALIDATION_FAILED');
  const roles = staffRolesOf(route.access);
  if (route.access !== 'public') codes.add('UNAUTHENTICATED');
  if (roles !== null && roles.length < staffRoles.length) codes.add('FORBIDDEN');
  for (const code of route.errors ?? []) codes.add(code);
  codes.add('INTERNAL');
  return [...codes];
}

function accessOf(access: Access): Pick<OpenApiOperation, 'description' | 'security'> {
  if (access === 'public') return { description: 'Public.', security: [] };
  if (access === 'shopper')
    return { description: 'Needs a shopper bearer token (staff tokens are refused).', security: [{ shopperBearer: [] }] };
  const roles = allowedRoles(access) ?? [];
  return { description: `Needs a staff bearer token. Roles: ${roles.join(', ')}.`, security: [{ staffBearer: [] }] };
}

/** Raw bytes (an image) in any of these media types. */
export function binaryContent(mediaTypes: readonly string[]): Record<string, OpenApiMedia> {
  return Object.fromEntries(mediaTypes.map((mediaType) => [mediaType, { schema: { type: 'string', format: 'binary' } }]));
}

function operationOf(route: Route): OpenApiOperation {
  const roles = staffRolesOf(route.access);
  const operation: OpenApiOperation = {
    operationId: route.operationId,
    summary: route.summary,
    ...accessOf(route.access),
    tags: [route.tag],
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
  if (route.rawBody) operation.requestBody = { required: true, content: binaryContent(route.rawBody.contentTypes) };
  const { status, description, schema, contentType = 'application/json', binaryContentTypes } = route.reply;
  operation.responses[String(status)] =
    schema === undefined
      ? { description, ...(binaryContentTypes && { content: binaryContent(binaryContentTypes) }) }
      : { description, content: { [contentType]: { schema: toJsonSchema(schema, 'output') } } };

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
        shopperBearer: { type: 'http', scheme: 'bearer', description: 'The token from POST /api/shopper/login; valid for 30 days.' },
      },
    },
  };
}
