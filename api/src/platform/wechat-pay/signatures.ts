import { verify, type KeyObject } from 'node:crypto';

/** Why a signed response or notification was refused. */
export type SignatureFailure = 'malformed' | 'signtest' | 'unknown-serial' | 'stale-timestamp' | 'bad-signature';

export const SIGNATURE_TYPE = 'WECHATPAY2-SHA256-RSA2048';

/** WeChat Pay probes merchants with deliberately wrong signatures carrying this prefix; they must fail. */
const SIGNTEST_PREFIX = 'WECHATPAY/SIGNTEST/';

export interface SignedMessage {
  /** Header value by name, case-insensitively; `undefined` when absent. */
  header(name: string): string | undefined;
  /** The body exactly as received: the signature covers these bytes, never a re-serialisation. */
  body: Buffer;
}

export interface SignatureCheck {
  /** The trusted key for a `Wechatpay-Serial`, or `undefined` when it is unknown. */
  findKey(serial: string): Promise<KeyObject | undefined>;
  nowMs: number;
  maxClockSkewSeconds: number;
}

/**
 * Checks `Wechatpay-Timestamp/Nonce/Signature/Serial` over `TS\nNONCE\nBODY\n`, in this order: SIGNTEST
 * probe, known serial, fresh timestamp (replays of old messages), RSA-SHA256 signature. `undefined` means valid.
 */
export async function checkSignature(message: SignedMessage, check: SignatureCheck): Promise<SignatureFailure | undefined> {
  const timestamp = message.header('wechatpay-timestamp');
  const nonce = message.header('wechatpay-nonce');
  const signature = message.header('wechatpay-signature');
  const serial = message.header('wechatpay-serial');
  if (!timestamp || !nonce || !signature || !serial || !/^\d{1,12}$/.test(timestamp)) return 'malformed';
  const signatureType = message.header('wechatpay-signature-type');
  if (signatureType !== undefined && signatureType !== SIGNATURE_TYPE) return 'malformed';
  if (signature.toUpperCase().startsWith(SIGNTEST_PREFIX)) return 'signtest';

  const key = await check.findKey(serial);
  if (key === undefined) return 'unknown-serial';

  if (Math.abs(check.nowMs / 1000 - Number(timestamp)) > check.maxClockSkewSeconds) return 'stale-timestamp';

  const signed = Buffer.concat([Buffer.from(`${timestamp}\n${nonce}\n`, 'utf8'), message.body, Buffer.from('\n', 'utf8')]);
  let valid: boolean;
  try {
    valid = verify('sha256', signed, key, Buffer.from(signature, 'base64'));
  } catch {
    valid = false;
  }
  return valid ? undefined : 'bad-signature';
}

/** A `SignedMessage` over Node's incoming headers (`IncomingHttpHeaders`-like, any case). */
export function signedMessageFromHeaders(body: Buffer, headers: Record<string, string | string[] | undefined>): SignedMessage {
  const lowerCased = new Map<string, string | string[] | undefined>();
  for (const [name, value] of Object.entries(headers)) lowerCased.set(name.toLowerCase(), value);
  return {
    body,
    header(name) {
      const value = lowerCased.get(name.toLowerCase());
      // A repeated signature header is not something WeChat Pay sends: treat it as absent (malformed).
      return typeof value === 'string' ? value : undefined;
    },
  };
}
