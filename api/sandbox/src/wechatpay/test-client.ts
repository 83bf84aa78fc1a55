/**
 * For tests only: a merchant written directly on node:crypto (not on the sandbox's own helpers, so a
 * shared mistake cannot cancel out) and an app stand-in that receives notifications.
 */
import {
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  createSign,
  createVerify,
  randomBytes,
  X509Certificate,
  type KeyObject,
} from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WechatPayReply {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown>;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  /** Unix seconds to sign with; default the test's clock. */
  timestamp?: number;
  /** Sent instead of the signed body (to tamper after signing). */
  sentBody?: string;
  /** Requested instead of the signed path and query. */
  sentPathAndQuery?: string;
  /** Replaces the Authorization header. */
  authorization?: string | null;
  serialNo?: string;
  signingKey?: KeyObject;
}

/** Verifies `TS\nNONCE\nBODY\n` the way the merchant must. */
export function verifyWechatpaySignature(headers: Record<string, string>, body: string, key: KeyObject): boolean {
  const message = `${headers['wechatpay-timestamp']}\n${headers['wechatpay-nonce']}\n${body}\n`;
  try {
    return createVerify('RSA-SHA256')
      .update(message)
      .verify(key, headers['wechatpay-signature'] ?? '', 'base64');
  } catch {
    return false;
  }
}

/** AEAD_AES_256_GCM with the tag checked (`final()` throws on a bad tag or associated data). */
export function decryptResource(
  resource: { ciphertext: string; nonce: string; associated_data: string },
  apiV3Key: string,
  associatedData = resource.associated_data,
): string {
  const bytes = Buffer.from(resource.ciphertext, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(apiV3Key), Buffer.from(resource.nonce));
  decipher.setAuthTag(bytes.subarray(bytes.length - 16));
  decipher.setAAD(Buffer.from(associatedData));
  return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString('utf8');
}

export class MerchantClient {
  readonly mchid: string;
  readonly serialNo: string;
  readonly apiV3Key: string;
  readonly privateKey: KeyObject;
  /** WeChat Pay's verification key (public key or platform certificate). */
  readonly platformKey: KeyObject;
  /** What `Wechatpay-Serial` must say: the public key id or the platform certificate's serial. */
  readonly platformSerial: string;
  /** Added to Date.now() when signing, to follow a sandbox whose clock was moved. */
  clockOffsetMs = 0;

  constructor(readonly env: Record<string, string>) {
    this.mchid = env.WECHATPAY_MCHID;
    this.serialNo = env.WECHATPAY_MERCHANT_SERIAL_NO;
    this.apiV3Key = env.WECHATPAY_APIV3_KEY;
    this.privateKey = createPrivateKey(env.WECHATPAY_PRIVATE_KEY);
    this.platformKey = createPublicKey(env.WECHATPAY_PLATFORM_PUBLIC_KEY);
    this.platformSerial = env.WECHATPAY_PLATFORM_PUBLIC_KEY.includes('BEGIN CERTIFICATE')
      ? new X509Certificate(env.WECHATPAY_PLATFORM_PUBLIC_KEY).serialNumber
      : env.WECHATPAY_PLATFORM_PUBLIC_KEY_ID;
  }

  nowSeconds(): number {
    return Math.floor((Date.now() + this.clockOffsetMs) / 1000);
  }

  /** Signs and sends a request to `pathAndQuery` (WeChat's path, e.g. /v3/pay/transactions/jsapi); throws when the reply's signature is wrong. */
  async request(method: string, pathAndQuery: string, body?: unknown, options: RequestOptions = {}): Promise<WechatPayReply> {
    const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    const timestamp = options.timestamp ?? this.nowSeconds();
    const nonce = randomBytes(16).toString('hex');
    const signature = createSign('RSA-SHA256')
      .update(`${method}\n${pathAndQuery}\n${timestamp}\n${nonce}\n${text}\n`)
      .sign(options.signingKey ?? this.privateKey, 'base64');
    const authorization =
      options.authorization === undefined
        ? `WECHATPAY2-SHA256-RSA2048 mchid="${this.mchid}",nonce_str="${nonce}",timestamp="${timestamp}",serial_no="${options.serialNo ?? this.serialNo}",signature="${signature}"`
        : options.authorization;
    const response = await fetch(`${this.env.WECHATPAY_API_BASE_URL}${options.sentPathAndQuery ?? pathAndQuery}`, {
      method,
      headers: {
        Accept: 'application/json',
        ...(method === 'GET' ? {} : { 'Content-Type': 'application/json' }),
        ...(authorization === null ? {} : { Authorization: authorization }),
        ...options.headers,
      },
      body: method === 'GET' ? undefined : (options.sentBody ?? text),
    });
    const responseText = await response.text();
    const headers = Object.fromEntries(response.headers.entries());
    if (!verifyWechatpaySignature(headers, responseText, this.platformKey))
      throw new Error(`reply to ${method} ${pathAndQuery} is not signed by WeChat Pay`);
    if (headers['wechatpay-serial'] !== this.platformSerial)
      throw new Error(`reply names serial ${headers['wechatpay-serial']}, expected ${this.platformSerial}`);
    if (headers['wechatpay-signature-type'] !== 'WECHATPAY2-SHA256-RSA2048' || !headers['request-id'])
      throw new Error('reply lacks Wechatpay headers');
    return {
      status: response.status,
      headers: response.headers,
      text: responseText,
      json: responseText === '' ? {} : (JSON.parse(responseText) as Record<string, unknown>),
    };
  }
}

export interface ReceivedNotification {
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** The app's notify_url: records every notification; answers with the statuses queued for its path, then 204. */
export async function startNotifyServer(): Promise<{
  url: string;
  received: ReceivedNotification[];
  answer(path: string, statuses: number[]): void;
  close(): Promise<void>;
}> {
  const received: ReceivedNotification[] = [];
  const queued = new Map<string, number[]>();
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      received.push({ path, headers: request.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8') });
      response.statusCode = queued.get(path)?.shift() ?? 204;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    answer: (path, statuses) => queued.set(path, [...statuses]),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
