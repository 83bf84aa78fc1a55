/**
 * Serialised replies of public GET routes kept for a few seconds, for the storefront reads every visitor
 * makes (product list, product detail, category tree, guide shop). A hit is answered before the body parser and the router
 * (see `cachedReplies` in routes.ts): no handler, database, schema check or serialisation; concurrent misses for one key share a single load. `clear()` is called
 * by this instance's writes to the data behind the replies, so a merchant sees their own change at once;
 * other API instances (and changes the cache is not told about, such as stock taken by orders) show it
 * within the time-to-live. Checkout re-reads price and stock, so a stale page never sells wrongly.
 */
export interface ReplyCacheOptions {
  ttlMs: number;
  /** Distinct keys kept; the oldest entry goes first when full (pages and filters are bounded in practice). */
  maxEntries?: number;
  now?: () => number;
}

/** How long a storefront read (catalog, guide shop) may be served from memory. */
export const STOREFRONT_REPLY_TTL_MS = 2000;

interface Entry<Value> {
  value: Value;
  expiresAt: number;
}

/** Holds the encoded JSON body by default: a hit is written out as it is. */
export class ReplyCache<Value = Buffer> {
  private readonly entries = new Map<string, Entry<Value>>();
  private readonly loading = new Map<string, Promise<Value>>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  /** Bumped by `clear()`: a load that started before it does not store its (possibly stale) reply. */
  private generation = 0;

  constructor({ ttlMs, maxEntries = 2000, now = Date.now }: ReplyCacheOptions) {
    this.ttlMs = ttlMs;
    this.maxEntries = maxEntries;
    this.now = now;
  }

  /** The cached reply for `key` while it is fresh. */
  peek(key: string): Value | undefined {
    const entry = this.entries.get(key);
    return entry !== undefined && entry.expiresAt > this.now() ? entry.value : undefined;
  }

  /** The cached reply for `key`, or the one `load` produces (shared by callers asking while it runs). */
  async getOrLoad(key: string, load: () => Promise<Value>): Promise<Value> {
    const fresh = this.peek(key);
    if (fresh !== undefined) return fresh;
    const running = this.loading.get(key);
    if (running !== undefined) return running;
    const generation = this.generation;
    const loaded = load().then(
      (value) => {
        if (this.loading.get(key) === loaded) this.loading.delete(key);
        if (generation === this.generation) this.store(key, value);
        return value;
      },
      (error: unknown) => {
        if (this.loading.get(key) === loaded) this.loading.delete(key);
        throw error;
      },
    );
    this.loading.set(key, loaded);
    return loaded;
  }

  clear(): void {
    this.generation += 1;
    this.entries.clear();
    this.loading.clear();
  }

  private store(key: string, value: Value): void {
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs });
  }
}
