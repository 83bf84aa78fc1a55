import type { PlatformName } from './errors.ts';
import { PlatformError } from './errors.ts';

/** How long a platform call may take before it counts as failed (WeChat's own limits are a few seconds). */
export const PLATFORM_TIMEOUT_MS = 10_000;
/** The largest reply read: mini-program code images are the biggest thing a platform sends, well under 1 MiB. */
export const MAX_REPLY_BYTES = 4 * 1024 * 1024;

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

/**
 * One HTTP exchange with a platform; network failures and timeouts (of the reply's body too) become
 * `PlatformError`s. Redirects are not followed: platform APIs do not redirect, and following one would
 * send the request (a secret in its body) somewhere else.
 */
export async function platformFetch(request: PlatformRequest): Promise<PlatformReply> {
  let response: Response;
  let body: Buffer | undefined;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(request.timeoutMs ?? PLATFORM_TIMEOUT_MS),
    });
    body = await readAtMost(response, MAX_REPLY_BYTES);
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
  if (body === undefined) {
    throw new PlatformError({
      platform: request.platform,
      operation: request.operation,
      code: 'BAD_REPLY',
      message: `the reply is larger than ${MAX_REPLY_BYTES} bytes`,
      status: response.status,
    });
  }
  const received = body;
  return { status: response.status, headers: response.headers, body: received, text: () => received.toString('utf8') };
}

/** The response body, or `undefined` (and the rest left unread) once it passes `limit` bytes. */
async function readAtMost(response: Response, limit: number): Promise<Buffer | undefined> {
  if (response.body === null) return Buffer.alloc(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks);
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
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
