import { createCipheriv, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WechatPaySettings } from './client.ts';

/** Test helpers playing WeChat Pay's side with node:crypto (keys, signatures, GCM), independent of the client code. */

/** The unit tests' APIv3 key (32 bytes) and WeChat Pay public key id. */
export const TEST_APIV3_KEY = 'sandboxApiV3Key0123456789abcdefg';
export const TEST_PUBLIC_KEY_ID = 'PUB_KEY_ID_0114232134912410000000000000';

/** An order as WeChat Pay's query answers before payment (with fields the client does not read). */
export const UNPAID_TRANSACTION = {
  appid: 'wx0123456789abcdef',
  mchid: '1900000001',
  out_trade_no: 'ORDER20240601000001',
  trade_state: 'NOTPAY',
  trade_state_desc: '订单未支付',
  amount: { total: 1990, payer_currency: 'CNY' },
  scene_info: { device_id: '' },
};

/**
 * The unit tests' merchant: signs with `merchant` and trusts `platformPem`, a WeChat Pay public key
 * (named TEST_PUBLIC_KEY_ID) or a platform certificate.
 */
export function testSettings(merchant: RsaKeys, platformPem: string, apiBaseUrl: string): WechatPaySettings {
  return {
    appId: 'wx0123456789abcdef',
    mchId: '1900000001',
    privateKeyPem: merchant.privateKeyPem,
    merchantSerialNo: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
    apiV3Key: TEST_APIV3_KEY,
    platformPublicKeyPem: platformPem,
    platformPublicKeyId: platformPem.includes('BEGIN CERTIFICATE') ? undefined : TEST_PUBLIC_KEY_ID,
    apiBaseUrl,
  };
}

export interface RsaKeys {
  privateKey: KeyObject;
  publicKey: KeyObject;
  privateKeyPem: string;
  publicKeyPem: string;
}

export function generateRsaKeys(): RsaKeys {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKey,
    publicKey,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** RSA-SHA256 over `TS\nNONCE\nBODY\n`, base64: how WeChat Pay signs replies and notifications. */
export function wechatPaySignature(privateKey: KeyObject, timestamp: string, nonce: string, body: string): string {
  return sign('sha256', Buffer.from(`${timestamp}\n${nonce}\n${body}\n`, 'utf8'), privateKey).toString('base64');
}

/** AES-256-GCM as WeChat Pay seals resources: base64(ciphertext ‖ tag). */
export function sealGcm(plaintext: string, apiV3Key: string, nonce: string, associatedData: string): string {
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(nonce, 'utf8'));
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return sealed.toString('base64');
}

export function secondsNow(nowMs = Date.now()): string {
  return String(Math.floor(nowMs / 1000));
}

export interface SignedHeaders {
  timestamp?: string;
  nonce?: string;
  serial: string;
  /** Overrides the computed signature (SIGNTEST probes, garbage). */
  signature?: string;
}

/** The `Wechatpay-*` headers for `body` signed with `privateKey`. */
export function signedHeaders(privateKey: KeyObject, body: string, options: SignedHeaders): Record<string, string> {
  const timestamp = options.timestamp ?? secondsNow();
  const nonce = options.nonce ?? randomBytes(16).toString('hex');
  return {
    'wechatpay-timestamp': timestamp,
    'wechatpay-nonce': nonce,
    'wechatpay-serial': options.serial,
    'wechatpay-signature': options.signature ?? wechatPaySignature(privateKey, timestamp, nonce, body),
    'wechatpay-signature-type': 'WECHATPAY2-SHA256-RSA2048',
  };
}

export interface RecordedRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface CannedReply {
  status: number;
  body?: string;
  /** Replaces the signed `Wechatpay-*` headers (or drops them with `{}`). */
  headers?: Record<string, string>;
}

/**
 * A loopback HTTP server answering with `reply(request)`, signed by `signer` unless the reply brings its
 * own headers. Records every request.
 */
export async function startFakeServer(
  signer: { privateKey: KeyObject; serial: string },
  reply: (request: RecordedRequest) => CannedReply,
): Promise<{ url: string; requests: RecordedRequest[]; close(): Promise<void> }> {
  const requests: RecordedRequest[] = [];
  const server = http.createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const request = {
        method: incoming.method ?? '',
        url: incoming.url ?? '',
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      const canned = reply(request);
      const body = canned.body ?? '';
      const headers = canned.headers ?? signedHeaders(signer.privateKey, body, { serial: signer.serial });
      outgoing.writeHead(canned.status, { ...headers, ...(body === '' ? {} : { 'Content-Type': 'application/json' }) });
      outgoing.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

// ── X.509 for certificate-mode tests: a minimal DER encoder, since node:crypto reads certificates but cannot issue them.

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest >>= 8) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function der(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
}

function derOid(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split('.').map(Number);
  const bytes = [40 * first + second];
  for (const component of rest) {
    const groups: number[] = [];
    for (let value = component; ; value = Math.floor(value / 128)) {
      groups.unshift((value % 128) | (groups.length > 0 ? 0x80 : 0));
      if (value < 128) break;
    }
    bytes.push(...groups);
  }
  return der(0x06, Buffer.from(bytes));
}

function derTime(date: Date): Buffer {
  const text = date.toISOString().replace(/[-:T]/g, '').slice(2, 14);
  return der(0x17, Buffer.from(`${text}Z`));
}

const SHA256_WITH_RSA = () => der(0x30, derOid('1.2.840.113549.1.1.11'), Buffer.from([0x05, 0x00]));

/**
 * A self-signed X.509 v3 certificate for `keys` with `serialHex` (1–20 bytes, high bit clear), valid
 * from `validFrom` for a year: a stand-in platform certificate.
 */
export function selfSignedCertificate(keys: RsaKeys, serialHex: string, validFrom: Date, commonName = 'Tenpay.com test platform'): string {
  const name = der(0x30, der(0x31, der(0x30, derOid('2.5.4.3'), der(0x0c, Buffer.from(commonName)))));
  const validTo = new Date(validFrom.getTime() + 365 * 24 * 3600_000);
  const tbs = der(
    0x30,
    der(0xa0, der(0x02, Buffer.from([2]))),
    der(0x02, Buffer.from(serialHex, 'hex')),
    SHA256_WITH_RSA(),
    name,
    der(0x30, derTime(validFrom), derTime(validTo)),
    name,
    keys.publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha256', tbs, keys.privateKey);
  const certificate = der(0x30, tbs, SHA256_WITH_RSA(), der(0x03, Buffer.from([0]), signature));
  const lines = certificate.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
