import { describe, expect, it, vi } from 'vitest';
import { ApiError, createApiClient } from './client.ts';
import { errorReply, fakeApi, jsonReply, sessionHandlers, staffMember } from '../testing/fake-api.tsx';

const owner = staffMember({ username: 'owner', role: 'owner' });
const health = { status: 'ok', db: { mode: 'embedded' }, sandbox: true, version: '0.1.0' };

async function failureOf(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
  return error;
}

describe('the API client', () => {
  it('parses replies with the shared schemas', async () => {
    const api = fakeApi({ 'GET /api/health': () => jsonReply(200, health) });
    expect(await api.client.health()).toEqual(health);
  });

  it('keeps the token from sign-in and sends it as a bearer token', async () => {
    const api = fakeApi(sessionHandlers(owner));
    expect(api.client.hasToken()).toBe(false);
    await api.client.signIn({ username: 'owner', password: 'secret-password' });
    expect(api.calls[0]).toMatchObject({
      method: 'POST',
      path: '/api/staff/login',
      body: { username: 'owner', password: 'secret-password' },
      authorization: null,
    });
    expect(api.client.hasToken()).toBe(true);

    expect(await api.client.me()).toEqual(owner);
    expect(api.calls[1]?.authorization).toBe('Bearer token-of-owner');
  });

  it("turns the error envelope into an ApiError with the API's code, status, message and details", async () => {
    const api = fakeApi({ 'POST /api/staff': () => errorReply('CONFLICT', { message: '用户名已被使用', details: { field: 'username' } }) });
    const error = await failureOf(api.client.createStaff({ username: 'taken', password: 'long-enough-password', role: 'viewer' }));
    expect(error).toMatchObject({
      code: 'CONFLICT',
      status: 409,
      message: '用户名已被使用',
      details: { field: 'username' },
      retryAfterSeconds: undefined,
    });
  });

  it('reads how long to wait from a 429', async () => {
    const api = fakeApi({ 'POST /api/staff/login': () => errorReply('RATE_LIMITED', { headers: { 'Retry-After': '540' } }) });
    const error = await failureOf(api.client.signIn({ username: 'owner', password: 'guess' }));
    expect(error).toMatchObject({ code: 'RATE_LIMITED', status: 429, message: '操作过于频繁，请稍后再试', retryAfterSeconds: 540 });
  });

  it('reports a failure reply that is not the envelope (a proxy page) as unexpected', async () => {
    const api = fakeApi({
      'GET /api/health': () => new Response('<html>Bad Gateway</html>', { status: 502, headers: { 'Content-Type': 'text/html' } }),
    });
    const error = await failureOf(api.client.health());
    expect(error).toMatchObject({ code: 'UNEXPECTED_REPLY', status: 502 });
    expect(error.message).toContain('HTTP 502');
  });

  it('reports a success reply that breaks its schema as unexpected', async () => {
    const api = fakeApi({ 'GET /api/health': () => jsonReply(200, { status: 'ok' }) });
    expect(await failureOf(api.client.health())).toMatchObject({ code: 'UNEXPECTED_REPLY', status: 200 });
  });

  it('reports an unreachable server as a network failure', async () => {
    const client = createApiClient({
      baseUrl: 'http://127.0.0.1:9',
      storage: window.localStorage,
      fetch: () => Promise.reject(new TypeError('fetch failed')),
    });
    const error = await failureOf(client.health());
    expect(error).toMatchObject({ code: 'NETWORK_FAILED', status: 0, message: '无法连接到服务器，请检查网络后重试' });
  });

  it('drops a token the API refuses and reports the session as expired', async () => {
    const api = fakeApi({ ...sessionHandlers(owner), 'GET /api/staff': () => errorReply('UNAUTHENTICATED') });
    const expired = vi.fn();
    api.client.onSessionExpired(expired);
    await api.client.signIn({ username: 'owner', password: 'secret-password' });

    expect(await failureOf(api.client.listStaff())).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
    expect(expired).toHaveBeenCalledTimes(1);
    expect(api.client.hasToken()).toBe(false);
  });

  it('does not call a failed sign-in an expired session', async () => {
    const api = fakeApi(sessionHandlers(owner));
    const expired = vi.fn();
    api.client.onSessionExpired(expired);
    expect(await failureOf(api.client.signIn({ username: 'owner', password: 'wrong-password' }))).toMatchObject({
      code: 'INVALID_CREDENTIALS',
      message: '用户名或密码错误',
    });
    expect(expired).not.toHaveBeenCalled();
  });

  it('signs out in the browser even when the API cannot be told', async () => {
    const api = fakeApi({ ...sessionHandlers(owner), 'POST /api/staff/logout': () => Promise.reject(new TypeError('fetch failed')) });
    await api.client.signIn({ username: 'owner', password: 'secret-password' });
    expect(await failureOf(api.client.signOut())).toMatchObject({ code: 'NETWORK_FAILED' });
    expect(api.client.hasToken()).toBe(false);
  });
});
