import { createPrivateKey, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import type { Config } from '@mall/config';
import Pay from 'wechatpay-node-v3';
import { z } from 'zod';
import { AppError } from '../../http/errors.ts';
import { PlatformError, platformNotConfigured } from '../errors.ts';
import { decryptAes256Gcm } from './gcm.ts';
import { badReply, WechatPayHttp, type VerifiedReply, type WechatPayCall } from './http-service.ts';
import { verifyWechatPayNotification } from './notifications.ts';
import { isCertificatePem, PlatformKeys, readPlatformCertificate, type PlatformKey } from './platform-keys.ts';
import {
  certificatesReplySchema,
  guideRegisteredSchema,
  guidesReplySchema,
  jsapiPaymentParamsSchema,
  refundSchema,
  transactionSchema,
  type WechatPayGuide,
  type WechatPayNotification,
  type WechatPayRefund,
  type WechatPayTransaction,
} from './schemas.ts';

/** The `WECHATPAY_*` configuration plus the AppID payments are made in. */
export type WechatPaySettings = Config['wechatPay'] & {
  /** The mini-program AppID payments are made in. */
  appId: string;
  /** apiclient_cert.pem: only its serial is used, so `merchantSerialNo` alone is enough. */
  merchantCertificatePem?: string;
};

/** Settings with everything a working client needs. */
type CompleteSettings = WechatPaySettings & { mchId: string; privateKeyPem: string; apiV3Key: string; platformPublicKeyPem: string };

function isComplete(settings: WechatPaySettings): settings is CompleteSettings {
  return missingWechatPaySettings(settings).length === 0;
}

export interface WechatPayClientOptions {
  /**
   * The client's clock (epoch ms): signature freshness, certificate validity and the timestamps this code
   * writes (wechatpay-node-v3 stamps the requests it builds with the system clock). Default Date.now.
   */
  now?: () => number;
  /** How far a response's or notification's `Wechatpay-Timestamp` may be from `now`. Default 300 s. */
  maxClockSkewSeconds?: number;
}

export interface JsapiPrepayInput {
  description: string;
  outTradeNo: string;
  notifyUrl: string;
  amountFen: number;
  payerOpenid: string;
  timeExpire?: Date;
  attach?: string;
}

/** What the mini-program passes to `wx.requestPayment`. */
export interface RequestPaymentParams {
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: 'RSA';
  paySign: string;
}

export interface JsapiPrepay {
  prepayId: string;
  requestPayment: RequestPaymentParams;
}

export interface RefundInput {
  outTradeNo: string;
  outRefundNo: string;
  reason?: string;
  notifyUrl?: string;
  refundFen: number;
  totalFen: number;
}

export interface GuideRegistration {
  corpId: string;
  storeId: number;
  /** The guide's WeCom userid. */
  userId: string;
  name: string;
  mobile: string;
  qrCode: string;
  avatar: string;
}

export interface GuideQuery {
  storeId: number;
  userId?: string;
}

/** WeChat Pay API v3 as the API uses it. Every reply and notification is signature-checked before use. */
export interface WechatPayClient {
  /** Places a JSAPI (mini-program) order and signs the `wx.requestPayment` parameters for it. */
  prepayJsapi(order: JsapiPrepayInput): Promise<JsapiPrepay>;
  /** The order as WeChat Pay knows it, or `null` when it has never been placed (`ORDER_NOT_EXIST`). */
  queryByOutTradeNo(outTradeNo: string): Promise<WechatPayTransaction | null>;
  close(outTradeNo: string): Promise<void>;
  /** Asks for a refund; the same `outRefundNo` refunds at most once. */
  refund(request: RefundInput): Promise<WechatPayRefund>;
  /** The refund, or `null` when WeChat Pay has none under this number. */
  queryRefund(outRefundNo: string): Promise<WechatPayRefund | null>;
  /** 支付即服务: registers a WeCom member as a shopping guide. */
  registerGuide(guide: GuideRegistration): Promise<{ guideId: string }>;
  queryGuides(query: GuideQuery): Promise<{ guides: WechatPayGuide[]; totalCount: number }>;
  /** Attributes an order to a guide; must happen before the payment completes. */
  assignGuide(guideId: string, outTradeNo: string): Promise<void>;
  /**
   * Verifies a notification on its raw body and decrypts it; failures are `CALLBACK_REJECTED` with
   * `details.reason`: signtest, unknown-serial, stale-timestamp, bad-signature, malformed, decrypt-failed,
   * other-merchant (a resource about another mchid or appid).
   */
  verifyNotification(rawBody: Buffer | string, headers: Record<string, string | string[] | undefined>): Promise<WechatPayNotification>;
  /** Downloads the platform certificates (certificate mode) and returns every serial now trusted. */
  refreshPlatformCertificates(): Promise<string[]>;
}

const USER_AGENT = 'mall-api (wechatpay-node-v3)';
/** Unknown serials (rotation, or forgeries) trigger at most one certificate download per minute. */
const CERTIFICATE_REFRESH_INTERVAL_MS = 60_000;
const CHINA_OFFSET_MS = 8 * 3600_000;

const outTradeNoSchema = z.string().regex(/^[A-Za-z0-9_\-|*]{6,32}$/, 'must be 6–32 letters, digits or _-|*');
const outRefundNoSchema = z.string().regex(/^[A-Za-z0-9_\-|*@]{1,64}$/, 'must be 1–64 letters, digits or _-|*@');
const guideIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 letters, digits, _ or -');
const fenSchema = z.int().positive();
const notifyUrlSchema = z
  .url({ protocol: /^https?$/ })
  .refine((url) => !url.includes('?') && !url.includes('#'), 'must not carry a query or fragment');

const jsapiPrepayInputSchema = z.object({
  description: z.string().min(1).max(127),
  outTradeNo: outTradeNoSchema,
  notifyUrl: notifyUrlSchema,
  amountFen: fenSchema,
  payerOpenid: z.string().min(1).max(128),
  timeExpire: z.date().optional(),
  attach: z.string().max(128).optional(),
});

const refundInputSchema = z
  .object({
    outTradeNo: outTradeNoSchema,
    outRefundNo: outRefundNoSchema,
    reason: z.string().max(80).optional(),
    notifyUrl: notifyUrlSchema.optional(),
    refundFen: fenSchema,
    totalFen: fenSchema,
  })
  .refine((refund) => refund.refundFen <= refund.totalFen, { path: ['refundFen'], error: 'must not exceed totalFen' });

const guideRegistrationSchema = z.object({
  corpId: z.string().min(1).max(64),
  storeId: z.int().positive(),
  userId: z.string().min(1).max(64),
  name: z.string().min(1).max(64),
  mobile: z.string().regex(/^1\d{10}$/, 'must be an 11-digit mainland mobile number'),
  qrCode: z.url({ protocol: /^https?$/ }),
  avatar: z.url({ protocol: /^https?$/ }),
});

const guideQuerySchema = z.object({ storeId: z.int().positive(), userId: z.string().min(1).max(64).optional() });

function validInput<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new AppError('VALIDATION_FAILED', {
    details: result.error.issues.map((issue) => ({ path: issue.path.map(String), code: issue.code, message: issue.message })),
  });
}

function parseReply<T>(operation: string, schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw badReply(operation, `unexpected reply: ${z.prettifyError(result.error)}`, { cause: result.error });
}

function isPlatformCode(error: unknown, codes: readonly string[]): boolean {
  return error instanceof PlatformError && codes.includes(String(error.failure.code));
}

/** RFC 3339 in China time, as WeChat Pay writes and expects times: 2024-06-01T12:30:00+08:00. */
export function formatChinaTime(date: Date): string {
  return `${new Date(date.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}

/** The variables a working client needs that `settings` lacks. */
export function missingWechatPaySettings(settings: WechatPaySettings): string[] {
  const missing: string[] = [];
  if (!settings.appId) missing.push('WECHAT_APPID');
  if (!settings.mchId) missing.push('WECHATPAY_MCHID');
  if (!settings.privateKeyPem) missing.push('WECHATPAY_PRIVATE_KEY');
  if (!settings.merchantSerialNo && !settings.merchantCertificatePem) missing.push('WECHATPAY_MERCHANT_SERIAL_NO');
  if (!settings.apiV3Key) missing.push('WECHATPAY_APIV3_KEY');
  if (!settings.platformPublicKeyPem) missing.push('WECHATPAY_PLATFORM_PUBLIC_KEY');
  else if (!isCertificatePem(settings.platformPublicKeyPem) && !settings.platformPublicKeyId)
    missing.push('WECHATPAY_PLATFORM_PUBLIC_KEY_ID');
  return missing;
}

/**
 * A WeChat Pay client on wechatpay-node-v3 (request signing, the endpoints it knows) with the gaps closed
 * here: configured base URL, verified replies, public-key mode, GCM tag checks, smart-guide endpoints.
 * Without credentials it still constructs; every method then fails with `PLATFORM_NOT_CONFIGURED` (503).
 */
export function createWechatPayClient(settings: WechatPaySettings, options: WechatPayClientOptions = {}): WechatPayClient {
  if (!isComplete(settings)) return unconfiguredClient(missingWechatPaySettings(settings));
  return new HardenedWechatPayClient(settings, options);
}

/** The client for the API's configuration (`WECHAT_APPID` and the `WECHATPAY_*` variables). */
export function wechatPayClientFromConfig(config: Config): WechatPayClient {
  return createWechatPayClient({ ...config.wechatPay, appId: config.wechat.appId ?? '' });
}

function unconfiguredClient(missing: readonly string[]): WechatPayClient {
  const fail = () => Promise.reject(platformNotConfigured('wechatpay', missing));
  return {
    prepayJsapi: fail,
    queryByOutTradeNo: fail,
    close: fail,
    refund: fail,
    queryRefund: fail,
    registerGuide: fail,
    queryGuides: fail,
    assignGuide: fail,
    verifyNotification: fail,
    refreshPlatformCertificates: fail,
  };
}

/**
 * wechatpay-node-v3 reads `publicKey` only to take the merchant certificate's serial, and only when
 * `serial_no` is absent. With the serial configured and no certificate, it gets the merchant's real
 * public key (derived from the private key) to satisfy its "missing public key" check.
 */
function libraryPublicKey(settings: CompleteSettings): Buffer {
  if (settings.merchantCertificatePem) return Buffer.from(settings.merchantCertificatePem);
  return Buffer.from(createPublicKey(createPrivateKey(settings.privateKeyPem)).export({ type: 'spki', format: 'pem' }));
}

class HardenedWechatPayClient implements WechatPayClient {
  private readonly pay: Pay;
  private readonly http: WechatPayHttp;
  private readonly keys: PlatformKeys;
  private readonly now: () => number;
  private readonly maxClockSkewSeconds: number;
  private certificateRefresh: Promise<void> | undefined;
  private lastCertificateRefreshAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly settings: CompleteSettings,
    options: WechatPayClientOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.maxClockSkewSeconds = options.maxClockSkewSeconds ?? 300;
    this.keys = new PlatformKeys(settings.platformPublicKeyPem, settings.platformPublicKeyId);
    this.pay = new Pay({
      appid: settings.appId,
      mchid: settings.mchId,
      serial_no: settings.merchantSerialNo || undefined,
      publicKey: libraryPublicKey(settings),
      // A parsed key: the library signs every request and every paySign with whatever it holds, and Node
      // re-parses a PEM on each use (a third of a checkout's CPU). KeyObject is accepted wherever it is used.
      privateKey: createPrivateKey(settings.privateKeyPem) as unknown as Buffer,
      key: settings.apiV3Key,
      userAgent: USER_AGENT,
    });
    if (settings.merchantSerialNo && settings.merchantCertificatePem) {
      const certificateSerial = this.pay.getSN(settings.merchantCertificatePem);
      if (certificateSerial.toLowerCase() !== settings.merchantSerialNo.toLowerCase()) {
        throw new Error(
          `WECHATPAY_MERCHANT_SERIAL_NO (${settings.merchantSerialNo}) is not the merchant certificate's serial (${certificateSerial})`,
        );
      }
    }
    this.http = new WechatPayHttp({
      baseUrl: settings.apiBaseUrl.replace(/\/+$/, ''),
      findKey: (serial, { refresh }) => this.findKey(serial, refresh),
      now: this.now,
      maxClockSkewSeconds: this.maxClockSkewSeconds,
    });
    this.pay.createHttp(this.http);
  }

  async prepayJsapi(order: JsapiPrepayInput): Promise<JsapiPrepay> {
    const input = validInput(jsapiPrepayInputSchema, order);
    const result = await this.pay.transactions_jsapi({
      description: input.description,
      out_trade_no: input.outTradeNo,
      notify_url: input.notifyUrl,
      amount: { total: input.amountFen, currency: 'CNY' },
      payer: { openid: input.payerOpenid },
      ...(input.timeExpire === undefined ? {} : { time_expire: formatChinaTime(input.timeExpire) }),
      ...(input.attach === undefined ? {} : { attach: input.attach }),
    });
    // The library swaps the `{prepay_id}` reply for its own requestPayment params; the id is in `package`.
    const prepayId = parseReply('transactions_jsapi', jsapiPaymentParamsSchema, result.data).package.slice('prepay_id='.length);
    const timeStamp = String(Math.floor(this.now() / 1000));
    const nonceStr = randomBytes(16).toString('hex');
    const pkg = `prepay_id=${prepayId}`;
    const paySign = this.pay.sha256WithRsa(`${this.settings.appId}\n${timeStamp}\n${nonceStr}\n${pkg}\n`);
    return { prepayId, requestPayment: { timeStamp, nonceStr, package: pkg, signType: 'RSA', paySign } };
  }

  async queryByOutTradeNo(outTradeNo: string): Promise<WechatPayTransaction | null> {
    validInput(outTradeNoSchema, outTradeNo);
    let data: unknown;
    try {
      data = (await this.pay.query({ out_trade_no: outTradeNo })).data;
    } catch (error) {
      if (isPlatformCode(error, ['ORDER_NOT_EXIST'])) return null;
      throw error;
    }
    const transaction = parseReply('query', transactionSchema, data);
    if (transaction.outTradeNo !== outTradeNo || transaction.mchId !== this.settings.mchId) {
      throw badReply('query', 'the reply is about another order');
    }
    return transaction;
  }

  async close(outTradeNo: string): Promise<void> {
    validInput(outTradeNoSchema, outTradeNo);
    await this.pay.close(outTradeNo);
  }

  async refund(request: RefundInput): Promise<WechatPayRefund> {
    const input = validInput(refundInputSchema, request);
    const result = await this.pay.refunds({
      out_trade_no: input.outTradeNo,
      out_refund_no: input.outRefundNo,
      ...(input.reason === undefined ? {} : { reason: input.reason }),
      ...(input.notifyUrl === undefined ? {} : { notify_url: input.notifyUrl }),
      amount: { refund: input.refundFen, total: input.totalFen, currency: 'CNY' },
    });
    return parseReply('refunds', refundSchema, result.data);
  }

  async queryRefund(outRefundNo: string): Promise<WechatPayRefund | null> {
    validInput(outRefundNoSchema, outRefundNo);
    let data: unknown;
    try {
      data = (await this.pay.find_refunds(outRefundNo)).data;
    } catch (error) {
      if (isPlatformCode(error, ['RESOURCE_NOT_EXISTS', 'ORDER_NOT_EXIST'])) return null;
      throw error;
    }
    return parseReply('find_refunds', refundSchema, data);
  }

  async registerGuide(guide: GuideRegistration): Promise<{ guideId: string }> {
    const input = validInput(guideRegistrationSchema, guide);
    const platformKey = this.keys.current(this.now());
    const encrypt = (text: string) => this.pay.publicEncrypt(text, Buffer.from(platformKey.publicKeyPem));
    const reply = await this.signedCall({
      operation: 'smartguide_guides_register',
      method: 'POST',
      path: '/v3/smartguide/guides',
      json: {
        corpid: input.corpId,
        store_id: input.storeId,
        userid: input.userId,
        name: encrypt(input.name),
        mobile: encrypt(input.mobile),
        qr_code: input.qrCode,
        avatar: input.avatar,
      },
      // Names the key the sensitive fields are encrypted with.
      headers: { 'Wechatpay-Serial': platformKey.serial },
    });
    return { guideId: parseReply('smartguide_guides_register', guideRegisteredSchema, reply.json).guide_id };
  }

  async queryGuides(query: GuideQuery): Promise<{ guides: WechatPayGuide[]; totalCount: number }> {
    const input = validInput(guideQuerySchema, query);
    const search = new URLSearchParams({ store_id: String(input.storeId) });
    if (input.userId !== undefined) search.set('userid', input.userId);
    const reply = await this.signedCall({ operation: 'smartguide_guides_query', method: 'GET', path: `/v3/smartguide/guides?${search}` });
    const listing = parseReply('smartguide_guides_query', guidesReplySchema, reply.json);
    let guides: WechatPayGuide[];
    try {
      // WeChat Pay encrypts name and mobile with the merchant's public key (RSA-OAEP, SHA-1).
      guides = listing.data.map((guide) => ({
        guideId: guide.guide_id,
        storeId: guide.store_id,
        name: this.pay.privateDecrypt(guide.name),
        mobile: this.pay.privateDecrypt(guide.mobile),
        userId: guide.userid || undefined,
        workId: guide.work_id || undefined,
      }));
    } catch (cause) {
      throw badReply('smartguide_guides_query', 'cannot decrypt the guides’ name or mobile', { cause });
    }
    return { guides, totalCount: listing.total_count };
  }

  async assignGuide(guideId: string, outTradeNo: string): Promise<void> {
    validInput(guideIdSchema, guideId);
    validInput(outTradeNoSchema, outTradeNo);
    await this.signedCall({
      operation: 'smartguide_guides_assign',
      method: 'POST',
      path: `/v3/smartguide/guides/${guideId}/assign`,
      json: { out_trade_no: outTradeNo },
    });
  }

  verifyNotification(rawBody: Buffer | string, headers: Record<string, string | string[] | undefined>): Promise<WechatPayNotification> {
    return verifyWechatPayNotification(rawBody, headers, {
      // A failed certificate download leaves the serial unknown: the notification is refused and retried.
      findKey: (serial) => this.findKey(serial, true).catch(() => undefined),
      apiV3Key: this.settings.apiV3Key,
      mchId: this.settings.mchId,
      appId: this.settings.appId,
      now: this.now,
      maxClockSkewSeconds: this.maxClockSkewSeconds,
    });
  }

  async refreshPlatformCertificates(): Promise<string[]> {
    if (this.keys.mode === 'certificate') await this.downloadCertificates();
    return this.keys.serials();
  }

  private async findKey(serial: string, refresh: boolean): Promise<KeyObject | undefined> {
    const known = this.keys.find(serial, this.now());
    if (known !== undefined || !refresh || this.keys.mode !== 'certificate') return known?.key;
    await this.refreshCertificatesAtMostEveryMinute();
    return this.keys.find(serial, this.now())?.key;
  }

  private refreshCertificatesAtMostEveryMinute(): Promise<void> {
    if (this.certificateRefresh !== undefined) return this.certificateRefresh;
    if (this.now() - this.lastCertificateRefreshAt < CERTIFICATE_REFRESH_INTERVAL_MS) return Promise.resolve();
    this.lastCertificateRefreshAt = this.now();
    this.certificateRefresh = this.downloadCertificates().finally(() => {
      this.certificateRefresh = undefined;
    });
    return this.certificateRefresh;
  }

  /**
   * `GET /v3/certificates`: the reply must be signed by a key already trusted (no bootstrapping from the
   * download itself), and every certificate must decrypt with its GCM tag intact and carry its listed serial.
   */
  private async downloadCertificates(): Promise<void> {
    const reply = await this.signedCall({
      operation: 'certificates',
      method: 'GET',
      path: '/v3/certificates',
      refreshKeysOnUnknownSerial: false,
    });
    const listing = parseReply('certificates', certificatesReplySchema, reply.json);
    let certificates: PlatformKey[];
    try {
      // All are checked before any is trusted: one bad entry rejects the whole download.
      certificates = listing.data.map(({ serial_no: serial, encrypt_certificate: sealed }) => {
        const pem = decryptAes256Gcm(
          { ciphertext: sealed.ciphertext, nonce: sealed.nonce, associatedData: sealed.associated_data },
          this.settings.apiV3Key,
        ).toString('utf8');
        return readPlatformCertificate(pem, serial);
      });
    } catch (cause) {
      throw badReply('certificates', 'a platform certificate does not decrypt or match its serial', { cause });
    }
    this.keys.addCertificates(certificates);
  }

  /** A call the library has no method for, signed with its `getSignature`/`getAuthorization`. */
  private signedCall(
    call: Omit<WechatPayCall, 'headers' | 'body'> & { json?: unknown; headers?: Record<string, string> },
  ): Promise<VerifiedReply> {
    const body = call.json === undefined ? undefined : JSON.stringify(call.json);
    const nonce = randomBytes(16).toString('hex');
    const timestamp = String(Math.floor(this.now() / 1000));
    const authorization = this.pay.getAuthorization(
      nonce,
      timestamp,
      this.pay.getSignature(call.method, nonce, timestamp, call.path, body),
    );
    return this.http.send({
      operation: call.operation,
      method: call.method,
      path: call.path,
      headers: {
        Accept: 'application/json',
        'User-Agent': USER_AGENT,
        Authorization: authorization,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...call.headers,
      },
      body,
      refreshKeysOnUnknownSerial: call.refreshKeysOnUnknownSerial,
    });
  }
}
