import Taro from '@tarojs/taro';

/**
 * The shopper's session token, kept in the mini-program's storage (localStorage in H5) so it survives restarts.
 * No imports from the API client: the client reads the token from here.
 */
export interface StoredShopperSession {
  token: string;
  /** ISO time; the API refuses the token after it. */
  expiresAt: string;
}

const SESSION_KEY = 'mall.shopper-session';

type Listener = () => void;
const listeners = new Set<Listener>();
/** What storage holds, read once: pages re-render from this snapshot, which only changes on write. */
let current: StoredShopperSession | null | undefined;

function isStoredSession(value: unknown): value is StoredShopperSession {
  if (typeof value !== 'object' || value === null) return false;
  const { token, expiresAt } = value as Record<string, unknown>;
  return typeof token === 'string' && token !== '' && typeof expiresAt === 'string' && !Number.isNaN(Date.parse(expiresAt));
}

function load(): StoredShopperSession | null {
  const stored: unknown = Taro.getStorageSync(SESSION_KEY);
  return isStoredSession(stored) ? { token: stored.token, expiresAt: stored.expiresAt } : null;
}

function notify(): void {
  for (const listener of listeners) listener();
}

/** The stored session, or null when signed out or when it has expired. */
export function currentShopperSession(): StoredShopperSession | null {
  if (current === undefined) current = load();
  if (current !== null && Date.parse(current.expiresAt) <= Date.now()) {
    Taro.removeStorageSync(SESSION_KEY);
    current = null;
  }
  return current;
}

export function shopperToken(): string | null {
  return currentShopperSession()?.token ?? null;
}

export function saveShopperSession(session: StoredShopperSession): void {
  current = { token: session.token, expiresAt: session.expiresAt };
  Taro.setStorageSync(SESSION_KEY, current);
  notify();
}

export function clearShopperSession(): void {
  Taro.removeStorageSync(SESSION_KEY);
  current = null;
  notify();
}

export function subscribeToShopperSession(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
