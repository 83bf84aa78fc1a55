import { z } from 'zod';
import type { Config } from '@mall/config';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { AppError } from '../../http/errors.ts';
import { defineRoute, type Route } from '../../http/routes.ts';
import type { RouteContext } from '../../http/context.ts';
import { recordWecomEvent, wecomEventKey, wecomEventModel } from './callback-events.ts';
import { answerUrlCheck, callbackKeysFromConfig, openEvent } from './callback-crypto.ts';

/** Where WeCom's console points the customer-contact callback (URL check and events). */
export const WECOM_CALLBACK_PATH = '/api/wecom/callback';

/** A WeCom callback is a small XML envelope; anything near this size is not one. */
const MAX_CALLBACK_BYTES = 64 * 1024;

const callbackQuery = z.object({
  msg_signature: z.string().min(1),
  timestamp: z.string().min(1),
  nonce: z.string().min(1),
  echostr: z.string().optional(),
});

async function rawBody(ctx: RouteContext): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_CALLBACK_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', { details: { limitBytes: MAX_CALLBACK_BYTES } });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export interface WecomCallbackOptions {
  /**
   * Called (not awaited) once per newly stored event with its `dedupeKey`: the domain acting on events starts at
   * once (a welcome message has 20 s) while WeCom gets its answer; a duplicate delivery does not call it.
   */
  onEventStored?(dedupeKey: string, log: Logger): void;
}

/**
 * The customer-contact (客户联系) callback URL configured in WeCom: the URL check (GET) and events (POST),
 * both verified and decrypted with the callback Token and EncodingAESKey. Events are stored once each
 * (WeCom retries) and acknowledged at once, within WeCom's 5 s; acting on them is the guide domain's job.
 */
export function wecomCallbackRoutes(config: Config, connection: Connection, options: WecomCallbackOptions = {}): Route[] {
  const events = wecomEventModel(connection);
  return [
    defineRoute({
      operationId: 'wecomCallbackUrlCheck',
      method: 'get',
      path: WECOM_CALLBACK_PATH,
      summary: 'WeCom callback URL check: answers the decrypted echostr',
      tag: 'platform callbacks',
      access: 'public',
      query: callbackQuery,
      reply: { status: 200, description: 'The decrypted echostr', schema: z.string(), contentType: 'text/plain' },
      errors: ['CALLBACK_REJECTED', 'PLATFORM_NOT_CONFIGURED'],
      async handle(_ctx, { query }) {
        return answerUrlCheck(callbackKeysFromConfig(config.wecom), query);
      },
    }),
    defineRoute({
      operationId: 'wecomCallbackEvent',
      method: 'post',
      path: WECOM_CALLBACK_PATH,
      summary: 'WeCom callback event (encrypted XML): verified, decrypted, stored once',
      tag: 'platform callbacks',
      access: 'public',
      query: callbackQuery,
      reply: { status: 200, description: '"success"', schema: z.literal('success'), contentType: 'text/plain' },
      errors: ['CALLBACK_REJECTED', 'PLATFORM_NOT_CONFIGURED', 'PAYLOAD_TOO_LARGE'],
      async handle(ctx, { query }) {
        const event = openEvent(callbackKeysFromConfig(config.wecom), await rawBody(ctx), query);
        const stored = await recordWecomEvent(events, event, new Date());
        ctx.state.log.info({ wecomEvent: event.type, duplicate: !stored }, 'WeCom callback event');
        if (stored) options.onEventStored?.(wecomEventKey(event), ctx.state.log);
        return 'success' as const;
      },
    }),
  ];
}
