import type { PlatformName } from './errors.ts';
import { PlatformError } from './errors.ts';

/** How long a platform call may take before it counts as failed (WeChat's own limits are a few seconds). */
export const PLATFORM_TIMEOUT_MS = 10_000;

export interface PlatformRequest {
  platform: PlatformName;
  operation: string;
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  /** Sent exactly as given (signatures may cover it byte for byte). */
  body?: string | Buffer;
  timeoutMs?: number;
}

export interface PlatformReply {
  status: number;
  headers: Headers;
  /** The raw body: signatures are verified over it, so it is never re-serialised. */
  body: Buffer;
  text(): string;
}

/** One HTTP exchange with a platform; network failures and timeouts become `PlatformError`s. */
export async function platformFetch(request: PlatformRequest): Promise<PlatformReply> {
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(request.timeoutMs ?? PLATFORM_TIMEOUT_MS),
    });
  } catch (cause) {
    const timedOut = cause instanceof Error && cause.name === 'TimeoutError';
    throw new PlatformError(
      {
        platform: request.platform,
        operation: request.operation,
        code: timedOut ? 'TIMEOUT' : 'UNREACHABLE',
        message: timedOut ? `no reply within ${request.timeoutMs ?? PLATFORM_TIMEOUT_MS} ms` : `cannot reach ${new URL(request.url).host}`,
      },
      { cause },
    );
  }
  const body = Buffer.from(await response.arrayBuffer());
  return { status: response.status, headers: response.headers, body, text: () => body.toString('utf8') };
}

/** Parses a reply's JSON, or fails as `BAD_REPLY`. */
export function parseJsonReply(request: Pick<PlatformRequest, 'platform' | 'operation'>, reply: PlatformReply): unknown {
  try {
    return JSON.parse(reply.text());
  } catch (cause) {
    throw new PlatformError(
      {
        platform: request.platform,
        operation: request.operation,
        code: 'BAD_REPLY',
        message: 'the reply is not JSON',
        status: reply.status,
      },
      { cause },
    );
  }
}
