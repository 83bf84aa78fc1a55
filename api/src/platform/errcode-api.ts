import type { AccessTokenCache } from './access-token-cache.ts';
import { PlatformError, type PlatformName } from './errors.ts';
import { parseJsonReply, platformFetch, type PlatformReply, type PlatformRequest } from './http.ts';

/**
 * The mini-program server API and WeCom answer `{errcode, errmsg, …}` (a missing errcode means 0), with
 * the access token in the query string. This is the one way both clients call them.
 */
export interface ErrcodeApi {
  platform: PlatformName;
  baseUrl: string;
  tokens: AccessTokenCache;
  /** errcodes meaning "this token is no longer valid": drop it, fetch a new one, retry once. */
  invalidTokenCodes: readonly number[];
}

export interface ErrcodeCall {
  operation: string;
  method: 'GET' | 'POST';
  /** Path under the base URL, e.g. `/cgi-bin/externalcontact/add_contact_way`. */
  path: string;
  query?: Record<string, string>;
  /** JSON body for POST. */
  json?: unknown;
}

/** A reply's errcode; a missing or non-numeric one means 0 (success), as WeChat and WeCom use it. */
export function errcodeOf(reply: unknown): number {
  if (typeof reply !== 'object' || reply === null) return 0;
  const errcode = (reply as { errcode?: unknown }).errcode;
  return typeof errcode === 'number' ? errcode : 0;
}

function failure(api: Pick<ErrcodeApi, 'platform'>, operation: string, reply: unknown, status: number): PlatformError {
  const errcode = errcodeOf(reply);
  const errmsg = typeof reply === 'object' && reply !== null ? (reply as { errmsg?: unknown }).errmsg : undefined;
  return new PlatformError({
    platform: api.platform,
    operation,
    code: errcode === 0 ? 'BAD_REPLY' : errcode,
    message: typeof errmsg === 'string' ? errmsg : 'unexpected reply',
    status,
  });
}

function request(api: Pick<ErrcodeApi, 'platform' | 'baseUrl'>, call: ErrcodeCall, query: Record<string, string>): PlatformRequest {
  const url = new URL(`${api.baseUrl}${call.path}`);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  return {
    platform: api.platform,
    operation: call.operation,
    method: call.method,
    url: url.toString(),
    headers: call.json === undefined ? {} : { 'Content-Type': 'application/json' },
    body: call.json === undefined ? undefined : JSON.stringify(call.json),
  };
}

/** A call that needs no access token (the token endpoints themselves, jscode2session). Fails on a non-zero errcode. */
export async function callWithoutToken(api: Pick<ErrcodeApi, 'platform' | 'baseUrl'>, call: ErrcodeCall): Promise<unknown> {
  const sent = request(api, call, call.query ?? {});
  const reply = await platformFetch(sent);
  const json = parseJsonReply(sent, reply);
  if (errcodeOf(json) !== 0 || reply.status >= 400) throw failure(api, call.operation, json, reply.status);
  return json;
}

/**
 * Errors come as JSON, labelled `application/json` or `text/plain` over the years; a body starting with
 * `{` is JSON whatever its label (images start with their magic bytes, never with `{`).
 */
function isJsonReply(reply: PlatformReply): boolean {
  const contentType = reply.headers.get('content-type') ?? '';
  return contentType.includes('json') || contentType.startsWith('text/') || reply.body[0] === 0x7b;
}

/**
 * A call with `access_token` in the query; an invalid-token errcode refreshes the token and retries once.
 * Returns the raw reply when it is not JSON (images), otherwise fails on a non-zero errcode.
 */
export async function callWithToken(api: ErrcodeApi, call: ErrcodeCall): Promise<{ json: unknown } | { binary: PlatformReply }> {
  for (let attempt = 1; ; attempt += 1) {
    const token = await api.tokens.get();
    const sent = request(api, call, { ...call.query, access_token: token });
    const reply = await platformFetch(sent);
    if (reply.status < 400 && !isJsonReply(reply)) return { binary: reply };
    const json = parseJsonReply(sent, reply);
    const errcode = errcodeOf(json);
    if (errcode !== 0 && api.invalidTokenCodes.includes(errcode) && attempt === 1) {
      api.tokens.invalidate(token);
      continue;
    }
    if (errcode !== 0 || reply.status >= 400) throw failure(api, call.operation, json, reply.status);
    return { json };
  }
}
