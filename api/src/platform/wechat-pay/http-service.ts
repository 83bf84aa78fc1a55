import type { KeyObject } from 'node:crypto';
import type { IPayRequest, Output } from 'wechatpay-node-v3/dist/define.js';
import { PlatformError } from '../errors.ts';
import { platformFetch, type PlatformReply } from '../http.ts';
import { errorReplySchema } from './schemas.ts';
import { checkSignature } from './signatures.ts';

/** A reply WeChat Pay would not send (not JSON, wrong shape, undecryptable): `BAD_REPLY`. */
export function badReply(operation: string, message: string, options: { status?: number; cause?: unknown } = {}): PlatformError {
  return new PlatformError(
    { platform: 'wechatpay', operation, code: 'BAD_REPLY', message, ...(options.status === undefined ? {} : { status: options.status }) },
    { cause: options.cause },
  );
}

/** The host wechatpay-node-v3 hard-codes in every URL it builds. */
export const WECHATPAY_HOST = 'https://api.mch.weixin.qq.com';

export interface WechatPayCall {
  operation: string;
  method: 'GET' | 'POST';
  /** Path and query as signed, e.g. `/v3/smartguide/guides?store_id=1`. */
  path: string;
  headers: Record<string, string>;
  /** The JSON text that was signed; sent as is. */
  body?: string;
  /** Whether an unknown `Wechatpay-Serial` may trigger a platform-certificate download (not for the download itself). */
  refreshKeysOnUnknownSerial?: boolean;
}

export interface VerifiedReply {
  status: number;
  /** The parsed JSON body; `undefined` for an empty body (204). */
  json: unknown;
}

export interface WechatPayHttpSettings {
  /** Replaces `https://api.mch.weixin.qq.com` (the sandbox in development and tests). */
  baseUrl: string;
  /** The trusted key for a `Wechatpay-Serial`; `refresh` allows downloading platform certificates to learn new serials. */
  findKey(serial: string, options: { refresh: boolean }): Promise<KeyObject | undefined>;
  now(): number;
  maxClockSkewSeconds: number;
}

/** Operation names (the library's method names) for the calls wechatpay-node-v3 makes, by method and path. */
const LIBRARY_OPERATIONS: readonly (readonly ['GET' | 'POST', RegExp, string])[] = [
  ['POST', /^\/v3\/pay\/transactions\/jsapi$/, 'transactions_jsapi'],
  ['GET', /^\/v3\/pay\/transactions\/(?:out-trade-no|id)\/[^/?]+(?:\?|$)/, 'query'],
  ['POST', /^\/v3\/pay\/transactions\/out-trade-no\/[^/?]+\/close$/, 'close'],
  ['POST', /^\/v3\/refund\/domestic\/refunds$/, 'refunds'],
  ['GET', /^\/v3\/refund\/domestic\/refunds\/[^/?]+$/, 'find_refunds'],
];

/**
 * wechatpay-node-v3's HTTP hook (`pay.createHttp`), hardened: it sends to the configured base URL, sends
 * the signed JSON text once, and verifies every reply's signature over the raw bytes before anything
 * reads it. Failures throw `PlatformError`s (the library would otherwise hand back `{status, error}`).
 */
export class WechatPayHttp implements IPayRequest {
  constructor(private readonly settings: WechatPayHttpSettings) {}

  async post(url: string, params: Record<string, unknown>, headers: Record<string, string>): Promise<Output> {
    const path = this.pathOf(url);
    // The library signed JSON.stringify(params): the same call on the same object gives the same bytes.
    return this.forLibrary({ operation: libraryOperation('POST', path), method: 'POST', path, headers, body: JSON.stringify(params) });
  }

  async get(url: string, headers: Record<string, string>): Promise<Output> {
    const path = this.pathOf(url);
    return this.forLibrary({ operation: libraryOperation('GET', path), method: 'GET', path, headers });
  }

  /** Media upload (multipart) is not part of what this client does; refusing beats sending it unverified. */
  upload(url: string): Promise<Output> {
    return Promise.reject(
      new PlatformError({ platform: 'wechatpay', operation: 'upload', code: 'UNSUPPORTED', message: `uploads are not supported (${url})` }),
    );
  }

  /** One signed call: verified reply, or a `PlatformError` (WeChat Pay's own code for `{code, message}` errors). */
  async send(call: WechatPayCall): Promise<VerifiedReply> {
    const reply = await platformFetch({
      platform: 'wechatpay',
      operation: call.operation,
      method: call.method,
      url: `${this.settings.baseUrl}${call.path}`,
      headers: call.headers,
      body: call.body,
    });
    await this.verify(call, reply);
    const text = reply.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch (cause) {
      throw badReply(call.operation, 'the reply is not JSON', { status: reply.status, cause });
    }
    if (reply.status >= 300) {
      const error = errorReplySchema.safeParse(json);
      throw new PlatformError({
        platform: 'wechatpay',
        operation: call.operation,
        code: error.success ? error.data.code : 'BAD_REPLY',
        message: error.success ? error.data.message : `HTTP ${reply.status} without a WeChat Pay error body`,
        status: reply.status,
      });
    }
    return { status: reply.status, json };
  }

  /** The library reads fields of `data` (e.g. `data.prepay_id`) unchecked: anything but a JSON object (or a 204) stops here. */
  private async forLibrary(call: WechatPayCall): Promise<Output> {
    const reply = await this.send(call);
    const isObject = typeof reply.json === 'object' && reply.json !== null && !Array.isArray(reply.json);
    if (reply.status !== 204 && !isObject) {
      throw badReply(call.operation, 'the reply is not a JSON object', { status: reply.status });
    }
    return { status: reply.status, data: reply.json };
  }

  private async verify(call: WechatPayCall, reply: PlatformReply): Promise<void> {
    const refresh = call.refreshKeysOnUnknownSerial ?? true;
    const failure = await checkSignature(
      { header: (name) => reply.headers.get(name) ?? undefined, body: reply.body },
      {
        findKey: (serial) => this.settings.findKey(serial, { refresh }),
        nowMs: this.settings.now(),
        maxClockSkewSeconds: this.settings.maxClockSkewSeconds,
      },
    );
    if (failure !== undefined) {
      throw new PlatformError({
        platform: 'wechatpay',
        operation: call.operation,
        code: 'BAD_SIGNATURE',
        message: `the reply's signature does not check out (${failure})`,
        status: reply.status,
      });
    }
  }

  /** The path and query under WeChat Pay's host; any other absolute URL is refused (credentials stay with WeChat Pay). */
  private pathOf(url: string): string {
    if (url.startsWith(`${WECHATPAY_HOST}/`)) return url.slice(WECHATPAY_HOST.length);
    if (url.startsWith('/')) return url;
    throw new PlatformError({ platform: 'wechatpay', operation: 'request', code: 'UNSUPPORTED', message: `refusing to send to ${url}` });
  }
}

function libraryOperation(method: 'GET' | 'POST', path: string): string {
  return (
    LIBRARY_OPERATIONS.find(([candidate, pattern]) => candidate === method && pattern.test(path))?.[2] ?? `${method} ${path.split('?')[0]}`
  );
}
