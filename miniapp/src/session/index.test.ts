import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '@mall/shared';
import { answerRequests, failure, requested } from '../testing/api';
import { login, storage } from '../testing/taro';
import { currentShopperSession, ensureSignedIn, logout, sandboxTestUser } from './index';
import { saveShopperSession } from './store';

const shopper = { id: '0123456789abcdef01234567', createdAt: '2026-11-23T00:00:00.000Z', lastLoginAt: '2026-11-23T00:00:00.000Z' };
const expiresAt = new Date(Date.now() + 30 * 86_400_000).toISOString();

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => null,
    (caught: unknown) => caught,
  );
}

describe('ensureSignedIn', () => {
  it('logs the mini-program in silently with wx.login once for parallel callers, then keeps the token in storage', async () => {
    vi.stubEnv('TARO_ENV', 'weapp');
    login.mockResolvedValue({ code: 'wx-code', errMsg: 'login:ok' });
    answerRequests({ 'POST /api/shopper/login': { statusCode: 200, data: { token: 'shopper-token', expiresAt, shopper } } });
    await Promise.all([ensureSignedIn(), ensureSignedIn()]);
    await ensureSignedIn();
    expect(login).toHaveBeenCalledTimes(1);
    expect(requested()).toEqual(['POST /api/shopper/login']);
    expect(storage.get('mall.shopper-session')).toEqual({ token: 'shopper-token', expiresAt });
  });

  it('reports a failed wx.login in Chinese', async () => {
    vi.stubEnv('TARO_ENV', 'weapp');
    login.mockRejectedValueOnce({ errMsg: 'login:fail' });
    expect(await rejectionOf(ensureSignedIn())).toMatchObject({ code: 'NETWORK_FAILED', message: '微信登录失败，请稍后重试' });
    expect(currentShopperSession()).toBeNull();
  });

  it("passes on the API's refusal of the code", async () => {
    vi.stubEnv('TARO_ENV', 'weapp');
    login.mockResolvedValueOnce({ code: 'used-code', errMsg: 'login:ok' });
    answerRequests({ 'POST /api/shopper/login': failure(400, 'LOGIN_CODE_INVALID', '登录凭证无效或已过期，请重新登录') });
    expect(await rejectionOf(ensureSignedIn())).toMatchObject({ code: 'LOGIN_CODE_INVALID' });
    expect(currentShopperSession()).toBeNull();
  });

  it('sends an H5 shopper to the login form, since H5 has no wx.login', async () => {
    vi.stubEnv('TARO_ENV', 'h5');
    const error = await rejectionOf(ensureSignedIn());
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'UNAUTHENTICATED', message: '请先在「我的」页登录' });
    expect(login).not.toHaveBeenCalled();
  });

  it('treats an expired session as signed out', async () => {
    vi.stubEnv('TARO_ENV', 'h5');
    saveShopperSession({ token: 'old-token', expiresAt: new Date(Date.now() - 1000).toISOString() });
    expect(currentShopperSession()).toBeNull();
    expect(storage.has('mall.shopper-session')).toBe(false);
    expect(await rejectionOf(ensureSignedIn())).toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});

describe('logout', () => {
  it('signs out locally even when the API cannot be reached', async () => {
    saveShopperSession({ token: 'held-token', expiresAt });
    answerRequests({});
    await logout();
    expect(requested()).toEqual(['POST /api/shopper/logout']);
    expect(currentShopperSession()).toBeNull();
  });
});

describe('the sandbox test user', () => {
  it('is made up once and then remembered', () => {
    const first = sandboxTestUser();
    expect(first).toMatch(/^test-[a-z0-9]{1,6}$/);
    expect(sandboxTestUser()).toBe(first);
  });
});
