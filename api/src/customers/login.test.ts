import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { errorEnvelopeSchema, shopperLoginReplySchema, shopperReplySchema } from '@mall/shared';
import type { Database } from '../db/database.ts';
import { testApp, type TestApp } from '../testing/app.ts';
import { startTestDatabaseServer, type TestDatabaseServer } from '../testing/database.ts';
import { startTestSandbox, type TestSandbox } from '../testing/sandbox.ts';
import { customerModels, type CustomerModels } from './models.ts';
import { SHOPPER_SESSION_LIFETIME_MS } from './sessions.ts';

/** Shopper login against the sandbox (real jscode2session), the profile routes and the H5 development login code. */

let server: TestDatabaseServer;
let sandbox: TestSandbox;
let db: Database;
let models: CustomerModels;
let api: TestApp;

beforeAll(async () => {
  [server, sandbox] = await Promise.all([startTestDatabaseServer(), startTestSandbox()]);
});

afterAll(async () => {
  await Promise.all([server.stop(), sandbox.stop()]);
});

beforeEach(async () => {
  db = await server.connect();
  models = customerModels(db.connection);
  api = testApp(db, { env: sandbox.sandbox.apiEnv });
});

function codeOf(body: unknown): string {
  return errorEnvelopeSchema.parse(body).error.code;
}

async function sandboxControl(path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${sandbox.sandbox.url}/__sandbox/wechat${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return response.json();
}

async function loginCode(user: string): Promise<string> {
  return ((await sandboxControl('/login-code', { user })) as { code: string }).code;
}

async function login(user: string) {
  const response = await api.http.post('/api/shopper/login').send({ code: await loginCode(user) });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return shopperLoginReplySchema.parse(response.body);
}

describe('POST /api/shopper/login', () => {
  it('turns a wx.login code into a 30-day token for a new shopper with their WeChat ids', async () => {
    const before = Date.now();
    const reply = await login('login-alice');
    expect(reply.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const expiresAt = Date.parse(reply.expiresAt);
    expect(expiresAt).toBeGreaterThanOrEqual(before + SHOPPER_SESSION_LIFETIME_MS);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + SHOPPER_SESSION_LIFETIME_MS);
    expect(reply.shopper).toEqual({ id: expect.any(String), createdAt: expect.any(String), lastLoginAt: expect.any(String) });

    const ids = (await sandboxControl('/users/login-alice')) as { openid: string; unionid: string };
    const stored = await models.Shopper.findById(reply.shopper.id).lean();
    expect(stored).toMatchObject({ openid: ids.openid, unionid: ids.unionid });
    // The shopper's own view carries no WeChat ids.
    expect(JSON.stringify(reply)).not.toContain(ids.openid);

    const me = await api.http.get('/api/shopper/me').set('Authorization', `Bearer ${reply.token}`);
    expect(me.status).toBe(200);
    expect(shopperReplySchema.parse(me.body).shopper.id).toBe(reply.shopper.id);
  });

  it('finds the same shopper on the next login and records when', async () => {
    const first = await login('login-bo');
    const second = await login('login-bo');
    expect(second.shopper.id).toBe(first.shopper.id);
    expect(second.token).not.toBe(first.token);
    expect(second.shopper.createdAt).toBe(first.shopper.createdAt);
    expect(Date.parse(second.shopper.lastLoginAt)).toBeGreaterThanOrEqual(Date.parse(first.shopper.lastLoginAt));
    expect(await models.Shopper.countDocuments()).toBe(1);
  });

  it('stores only the SHA-256 of the token', async () => {
    const { token } = await login('login-cai');
    const sessions = await models.ShopperSession.find().lean();
    expect(sessions).toHaveLength(1);
    expect(sessions[0]?.tokenHash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(sessions)).not.toContain(token);
  });

  it('refuses a used or unknown code with 400 LOGIN_CODE_INVALID', async () => {
    const code = await loginCode('login-dan');
    expect((await api.http.post('/api/shopper/login').send({ code })).status).toBe(200);
    const reused = await api.http.post('/api/shopper/login').send({ code });
    expect(reused.status).toBe(400);
    expect(codeOf(reused.body)).toBe('LOGIN_CODE_INVALID');
    expect(reused.body.error.message).toBe('登录凭证无效或已过期，请重新登录');

    const unknown = await api.http.post('/api/shopper/login').send({ code: 'never-issued-code' });
    expect(unknown.status).toBe(400);
    expect(codeOf(unknown.body)).toBe('LOGIN_CODE_INVALID');
    expect(await models.ShopperSession.countDocuments()).toBe(1);
  });

  it('makes one shopper of 20 parallel first logins of one user', async () => {
    const codes = await Promise.all(Array.from({ length: 20 }, () => loginCode('login-parallel')));
    const replies = await Promise.all(codes.map((code) => api.http.post('/api/shopper/login').send({ code })));
    expect(replies.map((reply) => reply.status)).toEqual(codes.map(() => 200));
    const shopperIds = new Set(replies.map((reply) => shopperLoginReplySchema.parse(reply.body).shopper.id));
    expect(shopperIds.size).toBe(1);
    expect(await models.Shopper.countDocuments()).toBe(1);
    expect(new Set(replies.map((reply) => reply.body.token as string)).size).toBe(20);
  });

  it('retries when a racing first login inserted the shopper first (the unique openid refused this one)', async () => {
    const first = await login('login-race');
    const duplicateKey = Object.assign(new Error('E11000 duplicate key error'), { code: 11000 });
    const upsert = vi.spyOn(models.Shopper, 'findOneAndUpdate').mockImplementationOnce(() => {
      throw duplicateKey;
    });
    try {
      const second = await login('login-race');
      expect(second.shopper.id).toBe(first.shopper.id);
      expect(upsert).toHaveBeenCalledTimes(2);
    } finally {
      upsert.mockRestore();
    }
  });

  it.each([
    ['no body', undefined],
    ['no code', {}],
    ['an empty code', { code: '' }],
    ['a code with spaces', { code: 'a b' }],
    ['a code too long', { code: 'a'.repeat(129) }],
    ['a number', { code: 123 }],
    ['an extra field', { code: 'abc', openid: 'forged' }],
  ])('refuses %s with 400 VALIDATION_FAILED, asking WeChat nothing', async (_case, body) => {
    const after = sandbox.sandbox.requests.latest();
    const response = await api.http.post('/api/shopper/login').send(body);
    expect(response.status).toBe(400);
    expect(codeOf(response.body)).toBe('VALIDATION_FAILED');
    expect(sandbox.sandbox.requests.list({ path: '/wechat/sns/jscode2session', after })).toHaveLength(0);
  });

  it('answers 502 PLATFORM_ERROR when WeChat cannot be reached', async () => {
    const down = testApp(db, { env: { ...sandbox.sandbox.apiEnv, WECHAT_API_BASE_URL: 'http://127.0.0.1:1/wechat' } });
    const response = await down.http.post('/api/shopper/login').send({ code: 'a-code' });
    expect(response.status).toBe(502);
    expect(response.body.error).toMatchObject({ code: 'PLATFORM_ERROR', details: { platform: 'wechat', code: 'UNREACHABLE' } });
  });

  it('answers 503 PLATFORM_NOT_CONFIGURED without mini-program credentials', async () => {
    const unconfigured = testApp(db);
    const response = await unconfigured.http.post('/api/shopper/login').send({ code: 'a-code' });
    expect(response.status).toBe(503);
    expect(response.body.error).toMatchObject({ code: 'PLATFORM_NOT_CONFIGURED', details: { missing: ['WECHAT_APPID', 'WECHAT_SECRET'] } });
  });
});

describe('the profile', () => {
  it('takes a new nickname and avatar', async () => {
    const { token } = await login('profile-eve');
    const response = await api.http
      .patch('/api/shopper/me')
      .set('Authorization', `Bearer ${token}`)
      .send({ nickname: '  小艾 🌸 ', avatarUrl: 'https://cdn.example.com/a.png' });
    expect(response.status).toBe(200);
    expect(shopperReplySchema.parse(response.body).shopper).toMatchObject({
      nickname: '小艾 🌸',
      avatarUrl: 'https://cdn.example.com/a.png',
    });
    const me = await api.http.get('/api/shopper/me').set('Authorization', `Bearer ${token}`);
    expect(me.body.shopper).toMatchObject({ nickname: '小艾 🌸' });
  });

  it.each([
    ['nothing to change', {}],
    ['an empty nickname', { nickname: '   ' }],
    ['a nickname too long', { nickname: '长'.repeat(33) }],
    ['a nickname with a line break', { nickname: 'a\nb' }],
    ['a nickname that is not text', { nickname: 7 }],
    ['an avatar that is not a URL', { avatarUrl: 'avatar.png' }],
    ['an avatar on another scheme', { avatarUrl: 'javascript:alert(1)' }],
    ['an avatar URL too long', { avatarUrl: `https://cdn.example.com/${'a'.repeat(500)}` }],
    ['a field that is not the profile', { phone: '13800138000' }],
  ])('refuses %s with 400 VALIDATION_FAILED, changing nothing', async (_case, body) => {
    const { token, shopper } = await login('profile-fay');
    const response = await api.http.patch('/api/shopper/me').set('Authorization', `Bearer ${token}`).send(body);
    expect(response.status).toBe(400);
    expect(codeOf(response.body)).toBe('VALIDATION_FAILED');
    const stored = await models.Shopper.findById(shopper.id).lean();
    expect(stored?.nickname).toBeUndefined();
    expect(stored?.avatarUrl).toBeUndefined();
    expect(stored?.phone).toBeUndefined();
  });
});

describe('POST /api/dev/sandbox-login-code (H5 development login)', () => {
  it('hands out a sandbox login code that logs the test user in', async () => {
    const response = await api.http.post('/api/dev/sandbox-login-code').send({ user: '测试用户-01' });
    expect(response.status).toBe(200);
    const loggedIn = await api.http.post('/api/shopper/login').send({ code: response.body.code });
    expect(loggedIn.status).toBe(200);
    const ids = (await sandboxControl(`/users/${encodeURIComponent('测试用户-01')}`)) as { openid: string };
    expect(await models.Shopper.findById(loggedIn.body.shopper.id).lean()).toMatchObject({ openid: ids.openid });
  });

  it.each([
    ['no user', {}],
    ['an empty user', { user: '' }],
    ['a user with a slash', { user: 'a/b' }],
    ['a user too long', { user: 'a'.repeat(65) }],
  ])('refuses %s with 400 VALIDATION_FAILED', async (_case, body) => {
    const response = await api.http.post('/api/dev/sandbox-login-code').send(body);
    expect(response.status).toBe(400);
    expect(codeOf(response.body)).toBe('VALIDATION_FAILED');
  });

  it('answers 502 PLATFORM_ERROR when the sandbox is not running', async () => {
    const down = testApp(db, { env: { ...sandbox.sandbox.apiEnv, WECHAT_API_BASE_URL: 'http://127.0.0.1:1/wechat' } });
    const response = await down.http.post('/api/dev/sandbox-login-code').send({ user: 'nobody' });
    expect(response.status).toBe(502);
    expect(codeOf(response.body)).toBe('PLATFORM_ERROR');
  });

  it('does not exist unless the mini-program API is the sandbox', async () => {
    const real = testApp(db, { env: { WECHAT_API_BASE_URL: 'https://api.weixin.qq.com' } });
    const response = await real.http.post('/api/dev/sandbox-login-code').send({ user: 'alice' });
    expect(response.status).toBe(404);
    expect(codeOf(response.body)).toBe('NOT_FOUND');
    expect((await real.http.get('/api/openapi.json')).body.paths['/api/dev/sandbox-login-code']).toBeUndefined();
  });
});
