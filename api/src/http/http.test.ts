import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { errorCatalogue, errorEnvelopeSchema } from '@mall/shared';
import type { Database } from '../db/database.ts';
import { staffModels } from '../staff/models.ts';
import { capturingLogger, testApp, type TestApp } from '../testing/app.ts';
import { startTestDatabaseServer, type TestDatabaseServer } from '../testing/database.ts';
import { JSON_BODY_LIMIT_BYTES } from './body.ts';

const ADMIN_ORIGIN = 'https://admin.brand.example.com';
const H5_ORIGIN = 'https://m.brand.example.com';

let server: TestDatabaseServer;
let db: Database;
let api: TestApp;
let log: ReturnType<typeof capturingLogger>;

beforeAll(async () => {
  server = await startTestDatabaseServer();
  db = await server.connect();
  log = capturingLogger();
  api = testApp(db, { env: { ADMIN_ORIGIN, H5_ORIGIN }, logger: log.logger });
});

afterAll(async () => {
  await server.stop();
});

afterEach(() => {
  vi.restoreAllMocks();
});

function expectEnvelope(body: unknown, code: keyof typeof errorCatalogue): void {
  const envelope = errorEnvelopeSchema.parse(body);
  expect(envelope.error.code).toBe(code);
  expect(envelope.error.message).toBeTruthy();
}

describe('request ids', () => {
  it('generates one and echoes it', async () => {
    const response = await api.http.get('/api/health');
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("echoes the caller's id and logs the request under it", async () => {
    const response = await api.http.get('/api/health').set('X-Request-Id', 'edge-7f3a:42');
    expect(response.headers['x-request-id']).toBe('edge-7f3a:42');
    const entry = log.entries().find((line) => line.requestId === 'edge-7f3a:42');
    expect(entry).toMatchObject({ msg: 'request', method: 'GET', path: '/api/health', status: 200 });
    expect(entry?.durationMs).toEqual(expect.any(Number));
  });

  it('replaces ids that could forge log lines', async () => {
    for (const id of ['has spaces', 'x'.repeat(129), 'new\\nline"}']) {
      const response = await api.http.get('/api/health').set('X-Request-Id', id);
      expect(response.headers['x-request-id']).not.toBe(id);
      expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('is on error responses too', async () => {
    const response = await api.http.get('/api/nowhere').set('X-Request-Id', 'trace-404');
    expect(response.status).toBe(404);
    expect(response.headers['x-request-id']).toBe('trace-404');
  });
});

describe('unmatched routes', () => {
  it('answer 404 NOT_FOUND in the envelope', async () => {
    for (const path of ['/api/nowhere', '/', '/api/staff/me/extra']) {
      const response = await api.http.get(path);
      expect(response.status, path).toBe(404);
      expectEnvelope(response.body, 'NOT_FOUND');
    }
  });

  it('answer 405 METHOD_NOT_ALLOWED with Allow for a known path', async () => {
    const response = await api.http.delete('/api/health');
    expect(response.status).toBe(405);
    expect(response.headers.allow).toContain('GET');
    expectEnvelope(response.body, 'METHOD_NOT_ALLOWED');
  });
});

describe('JSON bodies', () => {
  it('refuse malformed JSON with 400 MALFORMED_REQUEST', async () => {
    const response = await api.http.post('/api/staff/login').set('Content-Type', 'application/json').send('{"username": "owner", ');
    expect(response.status).toBe(400);
    expectEnvelope(response.body, 'MALFORMED_REQUEST');
  });

  it('refuse a bare JSON value (objects and arrays only)', async () => {
    const response = await api.http.post('/api/staff/login').set('Content-Type', 'application/json').send('"owner"');
    expect(response.status).toBe(400);
    expectEnvelope(response.body, 'MALFORMED_REQUEST');
  });

  it('refuse bodies over the limit with 413 PAYLOAD_TOO_LARGE', async () => {
    const response = await api.http
      .post('/api/staff/login')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ username: 'owner', password: 'x'.repeat(JSON_BODY_LIMIT_BYTES) }));
    expect(response.status).toBe(413);
    expectEnvelope(response.body, 'PAYLOAD_TOO_LARGE');
  });
});

describe('validation', () => {
  it('answers 400 VALIDATION_FAILED with the zod issues in details', async () => {
    const response = await api.http.post('/api/staff/login').send({ username: 42, extra: true });
    expect(response.status).toBe(400);
    expectEnvelope(response.body, 'VALIDATION_FAILED');
    const details = (response.body as { error: { details: { in: string; path: unknown[]; code: string; message: string }[] } }).error
      .details;
    expect(details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ in: 'body', path: ['username'], code: 'invalid_type' }),
        expect.objectContaining({ in: 'body', path: ['password'], code: 'invalid_type' }),
        expect.objectContaining({ in: 'body', code: 'unrecognized_keys' }),
      ]),
    );
  });

  it('treats a missing body as an empty one', async () => {
    const response = await api.http.post('/api/staff/login');
    expect(response.status).toBe(400);
    expectEnvelope(response.body, 'VALIDATION_FAILED');
  });
});

describe('unexpected errors', () => {
  it('answer 500 INTERNAL without leaking the message or stack, and log them', async () => {
    vi.spyOn(staffModels(db.connection).StaffAccount, 'findOne').mockImplementation(() => {
      throw new Error('connection string mongodb://secret@db leaked');
    });
    const response = await api.http
      .post('/api/staff/login')
      .set('X-Request-Id', 'boom-1')
      .send({ username: 'owner', password: 'whatever' });
    expect(response.status).toBe(500);
    expect(response.body).toEqual({ error: { code: 'INTERNAL', message: errorCatalogue.INTERNAL.message } });
    expect(response.text).not.toContain('secret');
    expect(response.text).not.toMatch(/\bat\s/);
    const logged = log.entries().find((line) => line.requestId === 'boom-1' && line.msg === 'unhandled error');
    expect(JSON.stringify(logged)).toContain('leaked');
  });
});

describe('CORS', () => {
  it.each([ADMIN_ORIGIN, H5_ORIGIN])('allows %s', async (origin) => {
    const response = await api.http.get('/api/health').set('Origin', origin);
    expect(response.headers['access-control-allow-origin']).toBe(origin);
    expect(response.headers['access-control-expose-headers']).toContain('X-Request-Id');
    expect(response.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('gives other origins no CORS headers', async () => {
    const response = await api.http.get('/api/health').set('Origin', 'https://evil.example.com');
    expect(response.status).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers preflights for allowed origins only', async () => {
    const allowed = await api.http
      .options('/api/staff/login')
      .set('Origin', ADMIN_ORIGIN)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type,authorization');
    expect(allowed.status).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe(ADMIN_ORIGIN);
    expect(allowed.headers['access-control-allow-headers']).toBe('Authorization,Content-Type,X-Request-Id,Idempotency-Key');
    expect(allowed.headers['access-control-allow-methods']).toContain('POST');

    const denied = await api.http
      .options('/api/staff/login')
      .set('Origin', 'https://evil.example.com')
      .set('Access-Control-Request-Method', 'POST');
    expect(denied.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('keeps the headers on error responses, so the browser can read the error', async () => {
    const response = await api.http.get('/api/staff/me').set('Origin', H5_ORIGIN);
    expect(response.status).toBe(401);
    expect(response.headers['access-control-allow-origin']).toBe(H5_ORIGIN);
  });
});
