import {
  constants,
  createCipheriv,
  createPrivateKey,
  createPublicKey,
  createSign,
  createVerify,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { base62 } from './keys.ts';

/** The only scheme WeChat Pay API v3 uses, in `Authorization` and `Wechatpay-Signature-Type`. */
export const SIGNATURE_SCHEME = 'WECHATPAY2-SHA256-RSA2048';
/** Requests and notifications more than 5 minutes off the clock are refused. */
export const MAX_CLOCK_SKEW_SECONDS = 300;

/** A WeChat Pay error reply: `{code, message}` with its HTTP status. */
export class WechatPayError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'WechatPayError';
  }
}

export const paramError = (message: string) => new WechatPayError(400, 'PARAM_ERROR', message);
export const signError = (message: string) => new WechatPayError(401, 'SIGN_ERROR', message);

/** The key WeChat Pay signs with and the serial it names in `Wechatpay-Serial`. */
export interface ResponseSigner {
  serial: string;
  privateKey: KeyObject;
}

export interface SignedHeaders {
  'Wechatpay-Timestamp': string;
  'Wechatpay-Nonce': string;
  'Wechatpay-Signature': string;
  'Wechatpay-Serial': string;
  'Wechatpay-Signature-Type': string;
}

export function rsaSha256Sign(message: string, key: KeyObject): string {
  return createSign('RSA-SHA256').update(message).sign(key, 'base64');
}

export function rsaSha256Verify(message: string, signature: string, key: KeyObject): boolean {
  try {
    return createVerify('RSA-SHA256').update(message).verify(key, signature, 'base64');
  } catch {
    return false;
  }
}

/** Headers that sign `body` the way WeChat Pay signs responses and notifications: `TS\nNONCE\nBODY\n`. */
export function signedHeaders(body: string, signer: ResponseSigner, timestampSeconds: number): SignedHeaders {
  const timestamp = String(timestampSeconds);
  const nonce = randomBytes(16).toString('hex').toUpperCase();
  return {
    'Wechatpay-Timestamp': timestamp,
    'Wechatpay-Nonce': nonce,
    'Wechatpay-Signature': rsaSha256Sign(`${timestamp}\n${nonce}\n${body}\n`, signer.privateKey),
    'Wechatpay-Serial': signer.serial,
    'Wechatpay-Signature-Type': SIGNATURE_SCHEME,
  };
}

export interface AuthorizationFields {
  mchid: string;
  nonce_str: string;
  timestamp: string;
  serial_no: string;
  signature: string;
}

const AUTHORIZATION_FIELDS = ['mchid', 'nonce_str', 'timestamp', 'serial_no', 'signature'] as const;

/** Parses `WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",timestamp="…",serial_no="…",signature="…"`. */
export function parseAuthorization(header: string | undefined): AuthorizationFields {
  if (header === undefined || header.trim() === '') throw signError('Authorization header is missing');
  const space = header.indexOf(' ');
  const scheme = space < 0 ? header : header.slice(0, space);
  if (scheme !== SIGNATURE_SCHEME) throw signError(`Authorization scheme must be ${SIGNATURE_SCHEME}, got '${scheme}'`);
  const fields: Record<string, string> = {};
  for (const part of header.slice(space + 1).split(',')) {
    const match = /^\s*([a-z_]+)="([^"]*)"\s*$/.exec(part);
    if (!match) throw signError(`Authorization has a malformed field: '${part.trim()}'`);
    fields[match[1]] = match[2];
  }
  for (const name of AUTHORIZATION_FIELDS) {
    if (!fields[name]) throw signError(`Authorization lacks ${name}`);
  }
  return fields as unknown as AuthorizationFields;
}

/** `METHOD\nPATH?QUERY\nTS\nNONCE\nBODY\n`, what the merchant signs for a request. */
export function requestSigningMessage(method: string, pathAndQuery: string, fields: AuthorizationFields, body: string): string {
  return `${method}\n${pathAndQuery}\n${fields.timestamp}\n${fields.nonce_str}\n${body}\n`;
}

/** AEAD_AES_256_GCM as WeChat Pay uses it: key = APIv3 key bytes, IV = the 12-character nonce, ciphertext ‖ 16-byte tag in base64. */
export function encryptAeadAes256Gcm(plaintext: string, apiV3Key: string, nonce: string, associatedData: string): string {
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(nonce, 'utf8'));
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([ciphertext, cipher.getAuthTag()]).toString('base64');
}

/** The 12-character nonce WeChat Pay puts next to its AES-GCM ciphertexts. */
export function gcmNonce(): string {
  return base62(12);
}

/** Sensitive fields (guide name, mobile): RSA-OAEP with SHA-1, as WeChat Pay uses. */
export function oaepEncrypt(plaintext: string, publicKeyPem: string): string {
  return publicEncrypt(
    { key: createPublicKey(publicKeyPem), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
    Buffer.from(plaintext, 'utf8'),
  ).toString('base64');
}

/** `undefined` when the value is not a ciphertext for this key. */
export function oaepDecrypt(ciphertext: string, privateKey: KeyObject): string | undefined {
  try {
    return privateDecrypt(
      { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
      Buffer.from(ciphertext, 'base64'),
    ).toString('utf8');
  } catch {
    return undefined;
  }
}

export function privateKeyObject(pem: string): KeyObject {
  return createPrivateKey(pem);
}

/** RFC 3339 in China Standard Time, as WeChat Pay writes times: `2025-01-01T12:00:00+08:00`. */
export function rfc3339China(epochMs: number): string {
  return `${new Date(epochMs + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;
}

/** A random string of decimal digits (transaction and refund ids). */
export function randomDigits(count: number): string {
  let text = '';
  while (text.length < count) text += randomBytes(8).readBigUInt64BE().toString().slice(1);
  return text.slice(0, count);
}

/** Yuan from fen without floating point: 1999 → "19.99". */
export function yuan(fen: number): string {
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}
