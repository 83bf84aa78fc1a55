import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { errorEnvelopeSchema, staffLoginReplySchema } from '@mall/shared';
import type { Database } from '../db/database.ts';
import { createStaffAccount, signIn, testApp, TEST_PASSWORD, type TestApp } from '../testing/app.ts';
import { startTestDatabaseServer, type TestDatabaseServer } from '../testing/database.ts';
import { LOGIN_FAILURE_LIMIT } from './login-throttle.ts';
import { staffModels, type StaffModels } from './models.ts';
import { SESSION_LIFETIME_MS } from './sessions.ts';

let server: TestDatabaseServer;
let db: Database;
let models: StaffModels;
let api: TestApp;

beforeAll(async () => {
  server = await startTestDatabaseServer();
});

afterAll(async () => {
  await server.stop();
});

// Each test gets a fresh database, so sign-in failures and sessions never leak between tests.
beforeEach(async () => {
  db = await server.connect();
  models = staffModels(db.connection);
  api = testApp(db);
  await createStaffAccount(db, { username: 'mei', role: 'operator' });
});

function codeOf(body: unknown): string {
  return errorEnvelopeSchema.parse(body).error.code;
}

describe('POST /api/staff/login', () => {
  it('returns a 12-hour bearer token and the account, never the password hash', async () => {
    const before = Date.now();
    const response = await api.http.post('/api/staff/login').send({ username: 'mei', password: TEST_PASSWORD });
    expect(response.status).toBe(200);
    const reply = staffLoginReplySchema.parse(response.body);
    expect(reply.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(reply.staff).toMatchObject({ username: 'mei', role: 'operator', active: true });
    const expiresAt = Date.parse(reply.expiresAt);
    expect(expiresAt).toBeGreaterThanOrEqual(before + SESSION_LIFETIME_MS);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + SESSION_LIFETIME_MS);
    expect(response.text).not.toContain('scrypt');
  });

  it('stores only the SHA-256 of the token', async () => {
    const token = await signIn(api.http, 'mei');
    const sessions = await models.StaffSession.find().lean();
    expect(sessions).toHaveLength(1);
    expect(sessions[0]?.tokenHash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(sessions)).not.toContain(token);
  });

  it('takes the username in any case', async () => {
    await signIn(api.http, '  MEI ');
  });

  it('gives one answer for a wrong password, an unknown user and a deactivated account', async () => {
    await createStaffAccount(db, { username: 'gone', role: 'viewer', active: false });
    const attempts = [
      { username: 'mei', password: 'wrong password' },
      { username: 'nobody', password: TEST_PASSWORD },
      { username: 'gone', password: TEST_PASSWORD },
    ];
    const bodies = [];
    for (const attempt of attempts) {
      const response = await api.http.post('/api/staff/login').send(attempt);
      expect(response.status).toBe(401);
      bodies.push(response.body);
    }
    expect(codeOf(bodies[0])).toBe('INVALID_CREDENTIALS');
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[2]).toEqual(bodies[0]);
  });
});

describe('failed sign-in limit', () => {
  it(`lets exactly ${LOGIN_FAILURE_LIMIT} of a parallel burst of wrong passwords through`, async () => {
    const burst = await Promise.all(
      Array.from({ length: 12 }, () => api.http.post('/api/staff/login').send({ username: 'mei', password: 'guess' })),
    );
    const statuses = burst.map((response) => response.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(LOGIN_FAILURE_LIMIT);
    expect(statuses.filter((status) => status === 429)).toHaveLength(12 - LOGIN_FAILURE_LIMIT);
    const limited = burst.find((response) => response.status === 429);
    expect(codeOf(limited?.body)).toBe('RATE_LIMITED');
    expect(Number(limited?.headers['retry-after'])).toBeGreaterThan(500);

    // Locked even with the right password, until the window ends.
    const right = await api.http.post('/api/staff/login').send({ username: 'mei', password: TEST_PASSWORD });
    expect(right.status).toBe(429);
    await models.LoginFailures.updateMany({}, { $set: { windowEndsAt: new Date(Date.now() - 1000) } });
    await signIn(api.http, 'mei');
  });

  it('counts per username and IP', async () => {
    await createStaffAccount(db, { username: 'jun', role: 'viewer' });
    for (let attempt = 0; attempt < LOGIN_FAILURE_LIMIT; attempt += 1) {
      expect((await api.http.post('/api/staff/login').send({ username: 'mei', password: 'guess' })).status).toBe(401);
    }
    expect((await api.http.post('/api/staff/login').send({ username: 'mei', password: 'guess' })).status).toBe(429);
    await signIn(api.http, 'jun');

    // Behind a trusted proxy, another client address is another count.
    const proxied = testApp(db, { env: { TRUST_PROXY: 'true' } });
    const elsewhere = await proxied.http
      .post('/api/staff/login')
      .set('X-Forwarded-For', '203.0.113.9')
      .send({ username: 'mei', password: TEST_PASSWORD });
    expect(elsewhere.status).toBe(200);
  });

  it('starts counting afresh after a successful sign-in', async () => {
    for (let attempt = 0; attempt < LOGIN_FAILURE_LIMIT - 1; attempt += 1) {
      await api.http.post('/api/staff/login').send({ username: 'mei', password: 'guess' });
    }
    await signIn(api.http, 'mei');
    for (let attempt = 0; attempt < LOGIN_FAILURE_LIMIT; attempt += 1) {
      expect((await api.http.post('/api/staff/login').send({ username: 'mei', password: 'guess' })).status).toBe(401);
    }
  });
});

describe('sessions', () => {
  it('GET /api/staff/me answers with the account behind the token', async () => {
    const token = await signIn(api.http, 'mei');
    const response = await api.http.get('/api/staff/me').set('Authorization', `Bearer ${token}`);
    expect(response.status).toBe(200);
    expect(response.body.staff).toMatchObject({ username: 'mei', role: 'operator' });
  });

  it.each([
    ['no header', undefined],
    ['another scheme', 'Basic bWVpOnB3'],
    ['a malformed token', 'Bearer not-a-token'],
    ['an unknown token', `Bearer ${'A'.repeat(43)}`],
  ])('refuses %s with 401 UNAUTHENTICATED', async (_case, header) => {
    const request = api.http.get('/api/staff/me');
    if (header) request.set('Authorization', header);
    const response = await request;
    expect(response.status).toBe(401);
    expect(codeOf(response.body)).toBe('UNAUTHENTICATED');
  });

  it('expire', async () => {
    const token = await signIn(api.http, 'mei');
    await models.StaffSession.updateMany({}, { $set: { expiresAt: new Date(Date.now() - 1) } });
    const response = await api.http.get('/api/staff/me').set('Authorization', `Bearer ${token}`);
    expect(response.status).toBe(401);
    expect(codeOf(response.body)).toBe('UNAUTHENTICATED');
  });

  it('end on sign-out, leaving other sessions of the account alive', async () => {
    const laptop = await signIn(api.http, 'mei');
    const phone = await signIn(api.http, 'mei');
    const logout = await api.http.post('/api/staff/logout').set('Authorization', `Bearer ${laptop}`);
    expect(logout.status).toBe(204);
    expect((await api.http.get('/api/staff/me').set('Authorization', `Bearer ${laptop}`)).status).toBe(401);
    expect((await api.http.post('/api/staff/logout').set('Authorization', `Bearer ${laptop}`)).status).toBe(401);
    expect((await api.http.get('/api/staff/me').set('Authorization', `Bearer ${phone}`)).status).toBe(200);
  });

  it('stop working when the account is deactivated', async () => {
    const token = await signIn(api.http, 'mei');
    await models.StaffAccount.updateOne({ username: 'mei' }, { $set: { active: false } });
    expect((await api.http.get('/api/staff/me').set('Authorization', `Bearer ${token}`)).status).toBe(401);
  });
});
