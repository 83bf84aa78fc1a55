/** A token and when it stops working (epoch ms). */
export interface IssuedToken {
  token: string;
  expiresAt: number;
}

/** Refresh this long before the platform's expiry, so a token never expires mid-request. */
export const TOKEN_REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * Caches one access token (the mini-program's or WeCom's): fetched on first use, refreshed before it
 * expires or when the platform says it is invalid (40001/42001). Concurrent callers share one fetch.
 */
export class AccessTokenCache {
  private current: { issued: IssuedToken; refreshAt: number } | undefined;
  private pending: Promise<IssuedToken> | undefined;

  constructor(
    private readonly fetchToken: () => Promise<IssuedToken>,
    private readonly now: () => number = Date.now,
  ) {}

  async get(): Promise<string> {
    const current = this.current;
    if (current && current.refreshAt > this.now()) return current.issued.token;
    return (await this.refresh()).token;
  }

  /** Drops `rejected` (the platform refused it) so the next `get()` fetches a new one; a newer token is kept. */
  invalidate(rejected: string): void {
    if (this.current?.issued.token === rejected) this.current = undefined;
  }

  private refresh(): Promise<IssuedToken> {
    this.pending ??= this.fetchToken()
      .then((issued) => {
        // A token fetched with less than the margin left (WeCom repeats its current token until it expires)
        // is used for half of what is left, not fetched again on every call.
        const left = issued.expiresAt - this.now();
        this.current = { issued, refreshAt: issued.expiresAt - Math.min(TOKEN_REFRESH_MARGIN_MS, left / 2) };
        return issued;
      })
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }
}
