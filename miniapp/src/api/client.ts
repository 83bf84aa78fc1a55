import Taro from '@tarojs/taro';
import type { z } from 'zod';
import { errorEnvelopeSchema, healthReplySchema, type ErrorCode, type HealthReply } from '@mall/shared';

/** The API's own error codes, plus the two ways a call fails without a readable answer. */
export type ApiErrorCode = ErrorCode | 'NETWORK_FAILED' | 'UNEXPECTED_REPLY';

/** A failed call. `message` is the API's Chinese message (or ours for the two client-side codes), ready to show. */
export class ApiError extends Error {
  readonly code: ApiErrorCode;
  /** 0 when no reply arrived. */
  readonly status: number;
  readonly details: unknown;

  constructor(code: ApiErrorCode, message: string, options: { status?: number; details?: unknown; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'ApiError';
    this.code = code;
    this.status = options.status ?? 0;
    this.details = options.details;
  }
}

export const NETWORK_FAILED_MESSAGE = '无法连接到服务器，请检查网络后重试';

type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ApiClient {
  /** `GET /api/health`: whether the service is up, its database mode, sandbox flag and version. */
  health(): Promise<HealthReply>;
}

/**
 * A typed client over `Taro.request` (wx.request in the mini-program, fetch in H5). Every reply is parsed with
 * the `@mall/shared` schemas; failures become `ApiError`. `baseUrl` empty means the page's own origin (H5).
 */
export function createApiClient(baseUrl: string): ApiClient {
  const origin = baseUrl.replace(/\/+$/, '');

  async function call<Schema extends z.ZodType>(method: HttpMethod, path: string, replySchema: Schema): Promise<z.infer<Schema>> {
    let reply: { statusCode: number; data: unknown };
    try {
      reply = await Taro.request<unknown>({ url: `${origin}${path}`, method, dataType: 'json', header: { Accept: 'application/json' } });
    } catch (cause) {
      throw new ApiError('NETWORK_FAILED', NETWORK_FAILED_MESSAGE, { cause });
    }
    const { statusCode, data } = reply;
    if (statusCode >= 200 && statusCode < 300) {
      const parsed = replySchema.safeParse(data);
      if (parsed.success) return parsed.data;
      throw new ApiError('UNEXPECTED_REPLY', `服务器返回了无法识别的内容（HTTP ${statusCode}）`, {
        status: statusCode,
        details: parsed.error.issues,
      });
    }
    const envelope = errorEnvelopeSchema.safeParse(data);
    if (envelope.success) {
      const { code, message, details } = envelope.data.error;
      throw new ApiError(code, message, { status: statusCode, details });
    }
    throw new ApiError('UNEXPECTED_REPLY', `服务器返回了无法识别的内容（HTTP ${statusCode}）`, { status: statusCode });
  }

  return {
    health: () => call('GET', '/api/health', healthReplySchema),
  };
}

/** The storefront's client, calling the API at the build's `API_BASE_URL`. */
export const apiClient = createApiClient(API_BASE_URL);
