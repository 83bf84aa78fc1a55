import type { RouteContext } from './context.ts';
import { AppError } from './errors.ts';

/**
 * The request body exactly as sent, for routes that verify a signature over it (routes declaring `rawBody`,
 * which the JSON parser leaves alone). Reading stops at `limitBytes`: 413 PAYLOAD_TOO_LARGE.
 */
export async function readRawBody(ctx: RouteContext, limitBytes: number): Promise<Buffer> {
  const declared = Number(ctx.get('Content-Length'));
  if (Number.isFinite(declared) && declared > limitBytes) throw new AppError('PAYLOAD_TOO_LARGE', { details: { limitBytes } });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) throw new AppError('PAYLOAD_TOO_LARGE', { details: { limitBytes } });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
