/** One request the sandbox received, as tests query it. */
export interface RecordedRequest {
  seq: number;
  at: string;
  method: string;
  /** Path without the query, e.g. /wechatpay/v3/pay/transactions/jsapi. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
  /** The status the sandbox answered with. */
  status: number;
}

export interface RequestFilter {
  method?: string;
  /** Exact path, or a prefix when it ends with `*`. */
  path?: string;
  /** Only requests after this sequence number. */
  after?: number;
}

const MAX_RECORDED = 10_000;

/** Every request the sandbox receives, newest last; the oldest are dropped beyond 10,000. */
export class RequestLog {
  private readonly entries: RecordedRequest[] = [];
  private seq = 0;

  record(entry: Omit<RecordedRequest, 'seq'>): RecordedRequest {
    const recorded = { seq: ++this.seq, ...entry };
    this.entries.push(recorded);
    if (this.entries.length > MAX_RECORDED) this.entries.shift();
    return recorded;
  }

  list(filter: RequestFilter = {}): RecordedRequest[] {
    return this.entries.filter((entry) => {
      if (filter.method && entry.method !== filter.method.toUpperCase()) return false;
      if (filter.after !== undefined && entry.seq <= filter.after) return false;
      if (filter.path) {
        if (filter.path.endsWith('*') ? !entry.path.startsWith(filter.path.slice(0, -1)) : entry.path !== filter.path) return false;
      }
      return true;
    });
  }

  /** The newest sequence number, to query only what comes after it. */
  latest(): number {
    return this.seq;
  }
}
