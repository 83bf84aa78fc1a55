import { describe, expect, it } from 'vitest';
import { AccessTokenCache, TOKEN_REFRESH_MARGIN_MS, type IssuedToken } from './access-token-cache.ts';

/** The token cache on a fake clock: one fetch for concurrent callers, refresh before expiry, after rejection and after failure. */

function issuer(lifetimeMs: number, clock: { now: number }) {
  let issued = 0;
  const fetchToken = async (): Promise<IssuedToken> => {
    issued += 1;
    await new Promise((resolve) => setTimeout(resolve, 5));
    return { token: `token-${issued}`, expiresAt: clock.now + lifetimeMs };
  };
  return { fetchToken, count: () => issued };
}

describe('AccessTokenCache', () => {
  it('fetches once for many concurrent callers and reuses the token while it is fresh', async () => {
    const clock = { now: 1_000_000 };
    const tokens = issuer(7_200_000, clock);
    const cache = new AccessTokenCache(tokens.fetchToken, () => clock.now);
    const all = await Promise.all(Array.from({ length: 20 }, () => cache.get()));
    expect(new Set(all)).toEqual(new Set(['token-1']));
    clock.now += 7_200_000 - TOKEN_REFRESH_MARGIN_MS - 1;
    expect(await cache.get()).toBe('token-1');
    expect(tokens.count()).toBe(1);
  });

  it('refreshes before expiry, within the margin', async () => {
    const clock = { now: 0 };
    const tokens = issuer(7_200_000, clock);
    const cache = new AccessTokenCache(tokens.fetchToken, () => clock.now);
    await cache.get();
    clock.now += 7_200_000 - TOKEN_REFRESH_MARGIN_MS;
    expect(await cache.get()).toBe('token-2');
  });

  it('does not fetch on every call when the platform hands back the same token with less than the margin left', async () => {
    // WeCom's gettoken answers with the current token until it has expired.
    const clock = { now: 0 };
    let fetches = 0;
    const expiresAt = 200_000;
    const cache = new AccessTokenCache(
      async () => {
        fetches += 1;
        return { token: 'ending', expiresAt };
      },
      () => clock.now,
    );
    for (let call = 0; call < 10; call += 1) expect(await cache.get()).toBe('ending');
    expect(fetches).toBe(1);
    // Half of what was left, then half of that: a handful of fetches until the platform issues a new token.
    clock.now = 100_000;
    await cache.get();
    expect(fetches).toBe(2);
  });

  it('drops a rejected token but keeps a newer one', async () => {
    const clock = { now: 0 };
    const tokens = issuer(7_200_000, clock);
    const cache = new AccessTokenCache(tokens.fetchToken, () => clock.now);
    await cache.get();
    cache.invalidate('token-1');
    expect(await cache.get()).toBe('token-2');
    cache.invalidate('token-1');
    expect(await cache.get()).toBe('token-2');
    expect(tokens.count()).toBe(2);
  });

  it('lets the next caller retry after a failed fetch', async () => {
    let attempts = 0;
    const cache = new AccessTokenCache(async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('platform down');
      return { token: 'recovered', expiresAt: Date.now() + 7_200_000 };
    });
    await expect(cache.get()).rejects.toThrow('platform down');
    expect(await cache.get()).toBe('recovered');
  });
});
