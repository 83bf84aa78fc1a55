import type { z } from 'zod';
import { errorCatalogue, errorEnvelopeSchema, type ErrorCode } from '../errors.ts';

/**
 * How the admin console and the storefront read the API's replies (each sends requests its own way:
 * fetch, Taro.request). One failure type for both, so pages handle errors the same way everywhere.
 */

/** The API's own error codes, plus the two ways a call fails without a readable answer. */
export type ApiErrorCode = ErrorCode | 'NETWORK_FAILED' | 'UNEXPECTED_REPLY';

export const NETWORK_FAILED_MESSAGE = '无法连接到服务器，请检查网络后重试';

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

/** One reply as the client received it: `data` is the parsed JSON body (undefined when it was not JSON). */
export interface ApiReply {
  status: number;
  data: unknown;
  /** The `Retry-After` header, when there was one. */
  retryAfter?: string | null;
}

/** No reply at all: the network failed or the server is down. */
export function networkFailed(cause: unknown): ApiError {
  return new ApiError('NETWORK_FAILED', NETWORK_FAILED_MESSAGE, { cause });
}

function unexpectedReply(status: number, details?: unknown): ApiError {
  return new ApiError('UNEXPECTED_REPLY', `服务器返回了无法识别的内容（HTTP ${status}），请稍后再试`, { status, details });
}

/** The API answers every failure with `{ error: { code, message, details? } }`; anything else (a proxy's HTML page) is unexpected. */
export function apiErrorOf(reply: ApiReply): ApiError {
  const envelope = errorEnvelopeSchema.safeParse(reply.data);
  if (!envelope.success) return unexpectedReply(reply.status);
  const { code, message, details } = envelope.data.error;
  const retryAfter = Number.parseInt(reply.retryAfter ?? '', 10);
  return new ApiError(code, message, {
    status: reply.status,
    details,
    retryAfterSeconds: Number.isNaN(retryAfter) ? undefined : retryAfter,
  });
}

/** A 2xx reply parsed with `schema` (a reply that does not match is UNEXPECTED_REPLY); any other reply as its ApiError. */
export function readApiReply<Schema extends z.ZodType>(schema: Schema, reply: ApiReply): z.output<Schema> {
  if (reply.status < 200 || reply.status >= 300) throw apiErrorOf(reply);
  const parsed = schema.safeParse(reply.data);
  if (!parsed.success) throw unexpectedReply(reply.status, parsed.error.issues);
  return parsed.data;
}

/** Client methods fail with ApiError only; anything else is a bug in the page, logged and still shown rather than left hanging. */
export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  console.error(error);
  return new ApiError('INTERNAL', errorCatalogue.INTERNAL.message, { cause: error });
}
