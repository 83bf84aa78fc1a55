/** One attempt to hand a callback to the app. */
export interface DeliveryAttempt {
  at: string;
  /** The app's HTTP status; absent when no reply came (refused connection, timeout). */
  status?: number;
  error?: string;
  /** The app's reply body (first 2,000 characters). */
  reply?: string;
}

/** A callback (payment notification, WeCom event) and what became of it. */
export interface CallbackDelivery {
  id: number;
  /** What it is, e.g. `TRANSACTION.SUCCESS`, `REFUND.SUCCESS`, `change_external_contact/add_external_contact`. */
  kind: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  attempts: DeliveryAttempt[];
  state: 'pending' | 'delivered' | 'gave_up';
}

export interface CallbackToSend {
  kind: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Delays after each failed attempt; their count is the number of retries. */
  retryDelaysMs: readonly number[];
  /** Whether the app's reply acknowledges the callback. Default: any 2xx. */
  acknowledged?: (status: number, reply: string) => boolean;
  /** How long an attempt may take (WeCom: 5 s). Default 5 s. */
  timeoutMs?: number;
}

export interface CallbackDeliverer {
  /** Starts delivering (the first attempt right away) and returns the record that its attempts update. */
  send(callback: CallbackToSend): CallbackDelivery;
}

const DEFAULT_TIMEOUT_MS = 5_000;
const MAX_KEPT = 5_000;

/** Delivers callbacks with retries and keeps every delivery for tests to inspect. */
export class DeliveryLog implements CallbackDeliverer {
  private readonly deliveries: CallbackDelivery[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly waiters = new Set<() => void>();
  private nextId = 1;
  private closed = false;

  send(callback: CallbackToSend): CallbackDelivery {
    const delivery: CallbackDelivery = {
      id: this.nextId++,
      kind: callback.kind,
      url: callback.url,
      headers: callback.headers,
      body: callback.body,
      attempts: [],
      state: 'pending',
    };
    this.deliveries.push(delivery);
    if (this.deliveries.length > MAX_KEPT) this.deliveries.shift();
    this.attempt(delivery, callback, 0);
    return delivery;
  }

  list(filter: { kind?: string; url?: string } = {}): CallbackDelivery[] {
    return this.deliveries.filter(
      (delivery) => (!filter.kind || delivery.kind === filter.kind) && (!filter.url || delivery.url === filter.url),
    );
  }

  /** Resolves with the first delivery `predicate` accepts, checked after every attempt; rejects after `timeoutMs`. */
  waitFor(predicate: (delivery: CallbackDelivery) => boolean, timeoutMs = 10_000): Promise<CallbackDelivery> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.deliveries.find(predicate);
        if (!found) return false;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`no matching callback delivery within ${timeoutMs} ms`));
      }, timeoutMs);
      if (!check()) this.waiters.add(check);
    });
  }

  /** Stops retrying and waits for attempts under way. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.inFlight]);
  }

  private attempt(delivery: CallbackDelivery, callback: CallbackToSend, retriesDone: number): void {
    if (this.closed) return;
    const run = this.post(callback).then((attempt) => {
      delivery.attempts.push(attempt);
      const acknowledged =
        attempt.status !== undefined &&
        (callback.acknowledged ?? ((status) => status >= 200 && status < 300))(attempt.status, attempt.reply ?? '');
      if (acknowledged) delivery.state = 'delivered';
      else if (retriesDone >= callback.retryDelaysMs.length) delivery.state = 'gave_up';
      else {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          this.attempt(delivery, callback, retriesDone + 1);
        }, callback.retryDelaysMs[retriesDone]);
        this.timers.add(timer);
      }
      for (const waiter of [...this.waiters]) waiter();
    });
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
  }

  private async post(callback: CallbackToSend): Promise<DeliveryAttempt> {
    const at = new Date().toISOString();
    try {
      const response = await fetch(callback.url, {
        method: 'POST',
        headers: callback.headers,
        body: callback.body,
        signal: AbortSignal.timeout(callback.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      });
      const reply = (await response.text()).slice(0, 2_000);
      return { at, status: response.status, reply };
    } catch (error) {
      return { at, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
    }
  }
}
