import type { z } from 'zod';
import {
  apiErrorOf,
  healthReplySchema,
  networkFailed,
  readApiReply,
  staffListReplySchema,
  staffLoginReplySchema,
  staffReplySchema,
  type CreateStaffRequest,
  type HealthReply,
  type Staff,
  type StaffLoginReply,
  type StaffLoginRequest,
} from '@mall/shared';

export { ApiError, asApiError, type ApiErrorCode } from '@mall/shared';

export interface ApiClientOptions {
  /** Empty for the console's own origin (the API serves it); otherwise e.g. `http://127.0.0.1:3000`. */
  baseUrl: string;
  /** Where the staff token is kept between visits. */
  storage: Storage;
  fetch?: typeof fetch;
}

export interface ApiClient {
  hasToken(): boolean;
  /** Called when the API refuses the stored token (expired, signed out elsewhere, account deactivated); the token is already dropped. */
  onSessionExpired(listener: () => void): () => void;
  health(): Promise<HealthReply>;
  /** Keeps the token for later calls. */
  signIn(request: StaffLoginRequest): Promise<StaffLoginReply>;
  /** Drops the token even when the API cannot be told. */
  signOut(): Promise<void>;
  me(): Promise<Staff>;
  listStaff(): Promise<Staff[]>;
  createStaff(request: CreateStaffRequest): Promise<Staff>;
}

const TOKEN_KEY = 'mall.admin.staffToken';

export function createApiClient({ baseUrl, storage, fetch: fetchImpl = globalThis.fetch.bind(globalThis) }: ApiClientOptions): ApiClient {
  const expiryListeners = new Set<() => void>();

  async function send(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Response> {
    const token = storage.getItem(TOKEN_KEY);
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (token !== null) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await fetchImpl(`${baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (cause) {
      throw networkFailed(cause);
    }
    if (response.ok) return response;
    const error = apiErrorOf({ status: response.status, data: await readJson(response), retryAfter: response.headers.get('Retry-After') });
    if (response.status === 401 && token !== null) {
      storage.removeItem(TOKEN_KEY);
      for (const listener of expiryListeners) listener();
    }
    throw error;
  }

  async function call<S extends z.ZodType>(schema: S, method: 'GET' | 'POST', path: string, body?: unknown): Promise<z.output<S>> {
    const response = await send(method, path, body);
    return readApiReply(schema, { status: response.status, data: await readJson(response) });
  }

  return {
    hasToken: () => storage.getItem(TOKEN_KEY) !== null,
    onSessionExpired(listener) {
      expiryListeners.add(listener);
      return () => expiryListeners.delete(listener);
    },
    health: () => call(healthReplySchema, 'GET', '/api/health'),
    async signIn(request) {
      const reply = await call(staffLoginReplySchema, 'POST', '/api/staff/login', request);
      storage.setItem(TOKEN_KEY, reply.token);
      return reply;
    },
    async signOut() {
      try {
        await send('POST', '/api/staff/logout');
      } finally {
        storage.removeItem(TOKEN_KEY);
      }
    },
    me: async () => (await call(staffReplySchema, 'GET', '/api/staff/me')).staff,
    listStaff: async () => (await call(staffListReplySchema, 'GET', '/api/staff')).items,
    createStaff: async (request) => (await call(staffReplySchema, 'POST', '/api/staff', request)).staff,
  };
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}
