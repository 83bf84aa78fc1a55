import Taro from '@tarojs/taro';
import type { z } from 'zod';
import { healthReplySchema, networkFailed, readApiReply, type HealthReply } from '@mall/shared';

export { ApiError, type ApiErrorCode } from '@mall/shared';

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

  async function call<Schema extends z.ZodType>(method: HttpMethod, path: string, replySchema: Schema): Promise<z.output<Schema>> {
    let reply: { statusCode: number; data: unknown; header?: Record<string, string> };
    try {
      reply = await Taro.request<unknown>({ url: `${origin}${path}`, method, dataType: 'json', header: { Accept: 'application/json' } });
    } catch (cause) {
      throw networkFailed(cause);
    }
    return readApiReply(replySchema, { status: reply.statusCode, data: reply.data, retryAfter: reply.header?.['Retry-After'] });
  }

  return {
    health: () => call('GET', '/api/health', healthReplySchema),
  };
}

/** The storefront's client, calling the API at the build's `API_BASE_URL`. */
export const apiClient = createApiClient(API_BASE_URL);
