import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../http/errors.ts';

/*
 * Tencent Cloud CSS (云直播) URL authentication: a URL carries `txTime` (expiry, Unix seconds in upper-case
 * hex) and `txSecret` = lower-case hex MD5(key + streamName + txTime). Push URLs are signed with the push
 * key, playback URLs with the playback key; CDN callbacks carry `t` (expiry) and `sign` = MD5(callbackKey + t).
 */

export interface StreamAddress {
  /** Host with an optional port, no scheme: the CSS push or playback domain. */
  domain: string;
  /** The CSS "AppName" path segment, usually `live`. */
  app: string;
  stream: string;
  /** The domain's authentication key. */
  key: string;
  /** When the URL stops working; the CDN refuses a push or playback after it. */
  expiresAt: Date;
}

export interface PlayUrls {
  hls: string;
  flv: string;
}

/** Path segments CSS accepts: letters, digits, `_` and `-` (stream names are also what `txSecret` signs). */
const PATH_SEGMENT = /^[A-Za-z0-9_-]{1,128}$/;
const DOMAIN = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

function md5Hex(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

function invalid(path: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', { details: [{ in: 'live', path: [path], message }] });
}

function signed(address: StreamAddress): { txSecret: string; txTime: string } {
  if (!DOMAIN.test(address.domain)) throw invalid('domain', 'a host name with an optional port, no scheme or path');
  if (!PATH_SEGMENT.test(address.app)) throw invalid('app', '1 to 128 letters, digits, _ or -');
  if (!PATH_SEGMENT.test(address.stream)) throw invalid('stream', '1 to 128 letters, digits, _ or -');
  if (address.key === '') throw invalid('key', 'the authentication key is empty');
  const seconds = Math.floor(address.expiresAt.getTime() / 1000);
  if (!Number.isSafeInteger(seconds) || seconds <= 0) throw invalid('expiresAt', 'a valid date after 1970');
  const txTime = seconds.toString(16).toUpperCase();
  return { txSecret: md5Hex(`${address.key}${address.stream}${txTime}`), txTime };
}

/** `rtmp://domain/app/stream?txSecret=…&txTime=…`: what the host's streaming software pushes to. */
export function signPushUrl(address: StreamAddress): string {
  const { txSecret, txTime } = signed(address);
  return `rtmp://${address.domain}/${address.app}/${address.stream}?txSecret=${txSecret}&txTime=${txTime}`;
}

/** Whether `domain` (host with an optional port) is this machine: localhost, *.localhost, 127.0.0.0/8 or [::1]. */
export function isLoopbackDomain(domain: string): boolean {
  const host = (domain.startsWith('[') ? domain.slice(1, domain.indexOf(']')) : domain.replace(/:\d+$/, '')).toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * HLS (`.m3u8`, played in the weapp's `<video>` and by hls.js) and FLV playback URLs. They are https, as
 * the weapp requires; only a loopback domain gets http, because the local sandbox that stands in for the
 * CDN in development serves plain HTTP and has no certificate to offer.
 */
export function signPlayUrls(address: StreamAddress): PlayUrls {
  const { txSecret, txTime } = signed(address);
  const scheme = isLoopbackDomain(address.domain) ? 'http' : 'https';
  const base = `${scheme}://${address.domain}/${address.app}/${address.stream}`;
  const query = `txSecret=${txSecret}&txTime=${txTime}`;
  return { hls: `${base}.m3u8?${query}`, flv: `${base}.flv?${query}` };
}

export interface CdnCallbackAuth {
  /** Expiry of the notification, Unix seconds (CSS sends a number; strings of digits are accepted too). */
  t: unknown;
  sign: unknown;
}

function rejected(reason: 'missing_sign' | 'bad_sign' | 'expired'): AppError {
  return new AppError('CALLBACK_REJECTED', { details: { reason } });
}

/**
 * Checks a CSS event callback (push started / interrupted, recording ready): `sign` must be
 * MD5(callbackKey + t) and `t` must not have passed. Throws 401 CALLBACK_REJECTED with the reason.
 */
export function verifyCdnCallback(auth: CdnCallbackAuth, callbackKey: string, now: Date = new Date()): void {
  const t = typeof auth.t === 'number' ? String(auth.t) : auth.t;
  if (typeof t !== 'string' || !/^\d{1,12}$/.test(t) || typeof auth.sign !== 'string' || auth.sign === '') throw rejected('missing_sign');
  const expected = Buffer.from(md5Hex(`${callbackKey}${t}`), 'utf8');
  const given = Buffer.from(auth.sign.toLowerCase(), 'utf8');
  // Without a key the sign is MD5(t), which anyone can compute.
  if (callbackKey === '' || given.length !== expected.length || !timingSafeEqual(given, expected)) throw rejected('bad_sign');
  if (Number(t) * 1000 < now.getTime()) throw rejected('expired');
}
