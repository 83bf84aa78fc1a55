import type { z } from 'zod';
import {
  errorCatalogue,
  errorEnvelopeSchema,
  healthReplySchema,
  staffListReplySchema,
  staffLoginReplySchema,
  staffReplySchema,
  type CreateStaffRequest,
  type ErrorCode,
  type HealthReply,
  type Staff,
  type StaffLoginReply,
  type StaffLoginRequest,
} from '@mall/shared';

/** The API's own error codes, plus the two ways a call fails without a readable answer. */
export type ApiErrorCode = ErrorCode | 'NETWORK_FAILED' | 'UNEXPECTED_REPLY';

/** A failed call. `message` is the API's Chinese message (or ours for the two client-side codes), ready to show. */
export class ApiError extends Error {
  readonly code: ApiErrorCode;
  /** 0 when no reply arrived. */
  readonly status: number;
  readonly details: unknown;
  /** From `Retry-After` on 429 replies. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: ApiErrorCode,
    message: string,
    options: { status?: number; details?: unknown; retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'ApiError';
    this.code = code;
    this.status = options.status ?? 0;
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

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
      throw new ApiError('NETWORK_FAILED', '无法连接到服务器，请检查网络后重试', { cause });
    }
    if (response.ok) return response;
    const error = await errorOf(response);
    if (response.status === 401 && token !== null) {
      storage.removeItem(TOKEN_KEY);
      for (const listener of expiryListeners) listener();
    }
    throw error;
  }

  async function call<S extends z.ZodType>(schema: S, method: 'GET' | 'POST', path: string, body?: unknown): Promise<z.output<S>> {
    const response = await send(method, path, body);
    const parsed = schema.safeParse(await readJson(response));
    if (!parsed.success) throw unexpectedReply(response.status, parsed.error);
    return parsed.data;
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

/** Client methods fail with ApiError only; anything else is a bug in the console, still shown rather than left hanging. */
export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  console.error(error);
  return new ApiError('INTERNAL', errorCatalogue.INTERNAL.message, { cause: error });
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}

function unexpectedReply(status: number, cause?: unknown): ApiError {
  return new ApiError('UNEXPECTED_REPLY', `服务器返回了无法识别的内容（HTTP ${status}），请稍后再试`, { status, cause });
}

/** The API answers every failure with `{ error: { code, message, details? } }`; anything else (a proxy's HTML page) is unexpected. */
async function errorOf(response: Response): Promise<ApiError> {
  const envelope = errorEnvelopeSchema.safeParse(await readJson(response));
  if (!envelope.success) return unexpectedReply(response.status, envelope.error);
  const { code, message, details } = envelope.data.error;
  const retryAfter = Number.parseInt(response.headers.get('Retry-After') ?? '', 10);
  return new ApiError(code, message, {
    status: response.status,
    details,
    retryAfterSeconds: Number.isNaN(retryAfter) ? undefined : retryAfter,
  });
}
