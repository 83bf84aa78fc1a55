import Taro from '@tarojs/taro';
import { useSyncExternalStore } from 'react';
import { ApiError, type ShopperLoginReply } from '@mall/shared';
import { apiClient } from '../api/client';
import {
  clearShopperSession,
  currentShopperSession,
  saveShopperSession,
  subscribeToShopperSession,
  type StoredShopperSession,
} from './store';

export { currentShopperSession, type StoredShopperSession } from './store';

/**
 * Shopper sign-in. The mini-program logs in with `wx.login`; the H5 build has no `wx.login`, so in development
 * (API on the sandbox) it logs in as a named test user with a code the API fetches from the sandbox
 * (`POST /api/dev/sandbox-login-code`, same origin as the CSP requires); elsewhere H5 cannot log in.
 */

/** True in the mini-program build, where `wx.login` exists. */
export function hasWechatLogin(): boolean {
  return process.env.TARO_ENV === 'weapp';
}

/** The stored session, re-rendering the caller when it changes (login, logout, a token the API refused). */
export function useShopperSession(): StoredShopperSession | null {
  return useSyncExternalStore(subscribeToShopperSession, currentShopperSession, currentShopperSession);
}

async function loginWithCode(code: string): Promise<ShopperLoginReply> {
  const reply = await apiClient.shopperLogin(code);
  saveShopperSession({ token: reply.token, expiresAt: reply.expiresAt });
  return reply;
}

/** 微信一键登录: a fresh `wx.login` code for a shopper token. */
export async function loginWithWechat(): Promise<ShopperLoginReply> {
  let code: string;
  try {
    ({ code } = await Taro.login());
  } catch (cause) {
    throw new ApiError('NETWORK_FAILED', '微信登录失败，请稍后重试', { cause });
  }
  return loginWithCode(code);
}

/** 开发环境登录: a sandbox test user (the same name is always the same shopper). */
export async function loginAsSandboxUser(user: string): Promise<ShopperLoginReply> {
  const { code } = await apiClient.sandboxLoginCode(user);
  return loginWithCode(code);
}

/** The silent login under way, shared by every caller that needs it meanwhile (a page loading several things). */
let silentLogin: Promise<unknown> | null = null;

/**
 * Before a shopper call: signed in already, or silently logged in with `wx.login` in the mini-program. In H5 the
 * shopper has to use the 我的 page's login form, which this says.
 */
export async function ensureSignedIn(): Promise<void> {
  if (currentShopperSession() !== null) return;
  if (!hasWechatLogin()) throw new ApiError('UNAUTHENTICATED', '请先在「我的」页登录', { status: 401 });
  silentLogin ??= loginWithWechat().finally(() => {
    silentLogin = null;
  });
  await silentLogin;
}

/** Ends the session on the API too; signed out locally even when the API cannot be reached. */
export async function logout(): Promise<void> {
  try {
    await apiClient.shopperLogout();
  } catch {
    // The token is dropped below either way; an unreachable API only leaves a session that expires by itself.
  } finally {
    clearShopperSession();
  }
}

const TEST_USER_KEY = 'mall.sandbox-test-user';

/** The test user name the development login form offers: random on first use, then remembered. */
export function sandboxTestUser(): string {
  const stored: unknown = Taro.getStorageSync(TEST_USER_KEY);
  if (typeof stored === 'string' && stored !== '') return stored;
  const user = `test-${Math.random().toString(36).slice(2, 8)}`;
  Taro.setStorageSync(TEST_USER_KEY, user);
  return user;
}

export function rememberSandboxTestUser(user: string): void {
  Taro.setStorageSync(TEST_USER_KEY, user);
}
