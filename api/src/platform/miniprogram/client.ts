import type { Config } from '@mall/config';
import { z } from 'zod';
import { AppError } from '../../http/errors.ts';
import { AccessTokenCache } from '../access-token-cache.ts';
import { callWithToken, callWithoutToken, type ErrcodeApi } from '../errcode-api.ts';
import { PlatformError, platformNotConfigured } from '../errors.ts';

/**
 * The mini-program server API (https://api.weixin.qq.com): login, mini-program codes, subscribe
 * messages, shipping info and the content check, with a cached stable access token.
 */
export interface MiniProgramClient {
  /** Exchanges a `wx.login` code for the shopper's ids. The session key is dropped: the API never needs it. */
  codeToSession(code: string): Promise<MiniProgramSession>;
  /** A mini-program code that opens `page` with `scene` (the page reads `decodeURIComponent(query.scene)`). */
  unlimitedCode(request: UnlimitedCodeRequest): Promise<MiniProgramCodeImage>;
  /** Fails with errcode 43101 when the shopper refused or has no quota left: see `isSubscriptionRefused`. */
  sendSubscribeMessage(message: SubscribeMessage): Promise<void>;
  /** 发货信息管理: WeChat keeps the payment frozen until the order's shipping is uploaded. */
  uploadShippingInfo(upload: ShippingUpload): Promise<void>;
  /** msgSecCheck v2 on text a shopper wrote. */
  checkText(check: TextCheck): Promise<TextCheckResult>;
}

export interface MiniProgramSession {
  openid: string;
  /** Present when the mini-program is bound to a WeChat Open Platform account. */
  unionid?: string;
}

export type MiniProgramEnvVersion = 'release' | 'trial' | 'develop';

export interface UnlimitedCodeRequest {
  /** At most 32 characters of `0-9 A-Z a-z !#$&'()*+,/:;=?@-._~`. */
  scene: string;
  /** A page path without a leading `/` or query, e.g. `pages/goods/detail`. */
  page: string;
  /** WeChat's default `true` requires a published page; trial and development codes need `false`. */
  checkPath?: boolean;
  envVersion?: MiniProgramEnvVersion;
  /** 280 to 1280 px; WeChat's default is 430. */
  width?: number;
}

export interface MiniProgramCodeImage {
  /** As WeChat sent it (`image/jpeg` from WeChat, `image/png` from the sandbox). */
  contentType: string;
  image: Buffer;
}

export type MiniProgramState = 'developer' | 'trial' | 'formal';

export interface SubscribeMessage {
  toOpenid: string;
  templateId: string;
  /** The page the message opens, with its query. */
  page?: string;
  /** Template keyword → value, e.g. `{ thing1: '连衣裙', character_string2: 'SO2024…' }`. */
  data: Record<string, string>;
  /** Which version of the mini-program the message opens. Default `formal`. */
  state?: MiniProgramState;
}

/** The order by WeChat Pay's transaction id, or by merchant id and our out_trade_no. */
export type ShippingOrder = { transactionId: string } | { mchId: string; outTradeNo: string };

export type LogisticsType = 'express' | 'same-city' | 'virtual' | 'self-pickup';

/** One package. Express delivery needs its tracking number and company code. */
export interface ShippedPackage {
  trackingNo?: string;
  /** WeChat's express company code, e.g. `SF`, `YTO`. */
  expressCompany?: string;
  /** What is in it, at most 120 characters. */
  itemDesc: string;
  /** The receiver's masked phone (`189****1234`), which WeChat asks for with some companies (SF). */
  receiverContact?: string;
}

export type ShippingUpload = ShippingOrder & {
  payerOpenid: string;
  logisticsType: LogisticsType;
  /** Every package of the order: one is a unified delivery, several a split delivery that is complete. */
  items: ShippedPackage[];
  uploadTime: Date;
};

export type TextCheckScene = 'profile' | 'comment' | 'forum' | 'social-log';

export interface TextCheck {
  content: string;
  /** The author, who must have used the mini-program in the last two hours. */
  openid: string;
  scene: TextCheckScene;
}

export interface TextCheckResult {
  suggest: 'pass' | 'review' | 'risky';
  /** WeChat's label: 100 normal, 10001 advertising, 20001 politics, 20002 pornography, 20003 abuse, 20006 crime, 20008 fraud, … */
  label: number;
}

export interface MiniProgramClientOptions {
  /** The clock for token expiry (epoch ms). Default Date.now. */
  now?: () => number;
}

/** errcodes meaning the access token is no longer good: 40001 invalid, 42001 expired, 40014 malformed. */
export const INVALID_TOKEN_ERRCODES = [40001, 42001, 40014] as const;
/** 40029: unknown or expired login code; 40163: already used. */
export const INVALID_LOGIN_CODE_ERRCODES = [40029, 40163] as const;
export const SUBSCRIPTION_REFUSED_ERRCODE = 43101;

function hasWechatCode(error: unknown, codes: readonly number[]): boolean {
  return error instanceof PlatformError && error.failure.platform === 'wechat' && codes.includes(error.failure.code as number);
}

/** The shopper's login code was bad or used: ask the mini-program to log in again (a 4xx, not our failure). */
export function isInvalidLoginCode(error: unknown): boolean {
  return hasWechatCode(error, INVALID_LOGIN_CODE_ERRCODES);
}

/** The shopper refused the subscribe message (or has no quota left): nothing to retry. */
export function isSubscriptionRefused(error: unknown): boolean {
  return hasWechatCode(error, [SUBSCRIPTION_REFUSED_ERRCODE]);
}

const SCENE = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]{1,32}$/;
const PAGE = /^[A-Za-z0-9_-]+(?:\/[A-Za-z0-9_.-]+)*$/;
const MAX_PAGE_LENGTH = 128;
const LOGIN_CODE = /^[A-Za-z0-9_-]{1,128}$/;
const MAX_PACKAGES = 10;
const MAX_ITEM_DESCRIPTION = 120;
const MAX_CHECKED_TEXT = 2500;
const LOGISTICS_TYPES: Record<LogisticsType, number> = { express: 1, 'same-city': 2, virtual: 3, 'self-pickup': 4 };
const TEXT_CHECK_SCENES: Record<TextCheckScene, number> = { profile: 1, comment: 2, forum: 3, 'social-log': 4 };

function invalid(field: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', { details: [{ path: [field], message }] });
}

const tokenReply = z.object({ access_token: z.string().min(1), expires_in: z.number().positive() });
// Only the ids: an object schema drops session_key, so it cannot travel further.
const sessionReply = z.object({ openid: z.string().min(1), unionid: z.string().min(1).optional() });
const textCheckReply = z.object({ result: z.object({ suggest: z.enum(['pass', 'review', 'risky']), label: z.number() }) });

function parseReply<T>(operation: string, schema: z.ZodType<T>, reply: unknown): T {
  const parsed = schema.safeParse(reply);
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.map((issue) => issue.path.join('.')).join(', ');
  throw new PlatformError({ platform: 'wechat', operation, code: 'BAD_REPLY', message: `unexpected reply (${fields})` });
}

/** RFC 3339 in China time, as WeChat writes it: 2024-01-02T10:00:00.000+08:00. */
function chinaTime(date: Date): string {
  return `${new Date(date.getTime() + 8 * 3_600_000).toISOString().slice(0, 23)}+08:00`;
}

function configuredClient(appId: string, appSecret: string, apiBaseUrl: string, now: () => number): MiniProgramClient {
  const base = { platform: 'wechat' as const, baseUrl: apiBaseUrl };
  const tokens = new AccessTokenCache(async () => {
    const reply = await callWithoutToken(base, {
      operation: 'stable_token',
      method: 'POST',
      path: '/cgi-bin/stable_token',
      json: { grant_type: 'client_credential', appid: appId, secret: appSecret },
    });
    const { access_token: token, expires_in: expiresIn } = parseReply('stable_token', tokenReply, reply);
    return { token, expiresAt: now() + expiresIn * 1000 };
  }, now);
  const api: ErrcodeApi = { ...base, tokens, invalidTokenCodes: INVALID_TOKEN_ERRCODES };

  async function postJson(operation: string, path: string, json: unknown): Promise<unknown> {
    const result = await callWithToken(api, { operation, method: 'POST', path, json });
    if ('json' in result) return result.json;
    throw new PlatformError({ platform: 'wechat', operation, code: 'BAD_REPLY', message: 'expected JSON', status: result.binary.status });
  }

  return {
    async codeToSession(code) {
      if (!LOGIN_CODE.test(code)) throw invalid('code', 'must be the code from wx.login');
      let reply: unknown;
      try {
        reply = await callWithoutToken(base, {
          operation: 'jscode2session',
          method: 'GET',
          path: '/sns/jscode2session',
          query: { appid: appId, secret: appSecret, js_code: code, grant_type: 'authorization_code' },
        });
      } catch (error) {
        // A cause (a parse error quoting the reply, a fetch error) could carry the session key or the secret.
        if (error instanceof PlatformError) throw new PlatformError(error.failure);
        throw error;
      }
      const { openid, unionid } = parseReply('jscode2session', sessionReply, reply);
      return unionid === undefined ? { openid } : { openid, unionid };
    },

    async unlimitedCode({ scene, page, checkPath, envVersion, width }) {
      if (!SCENE.test(scene)) throw invalid('scene', "must be 1 to 32 characters of 0-9 A-Z a-z !#$&'()*+,/:;=?@-._~");
      if (!PAGE.test(page) || page.length > MAX_PAGE_LENGTH) {
        throw invalid(
          'page',
          `must be a page path such as pages/goods/detail: no leading /, no query, at most ${MAX_PAGE_LENGTH} characters`,
        );
      }
      if (width !== undefined && (!Number.isInteger(width) || width < 280 || width > 1280))
        throw invalid('width', 'must be 280 to 1280 px');
      const result = await callWithToken(api, {
        operation: 'getwxacodeunlimit',
        method: 'POST',
        path: '/wxa/getwxacodeunlimit',
        json: { scene, page, check_path: checkPath, env_version: envVersion, width },
      });
      if ('json' in result)
        throw new PlatformError({ platform: 'wechat', operation: 'getwxacodeunlimit', code: 'BAD_REPLY', message: 'expected an image' });
      return { contentType: result.binary.headers.get('content-type') ?? 'application/octet-stream', image: result.binary.body };
    },

    async sendSubscribeMessage({ toOpenid, templateId, page, data, state }) {
      if (Object.keys(data).length === 0) throw invalid('data', 'must hold the template keywords');
      await postJson('subscribe_send', '/cgi-bin/message/subscribe/send', {
        touser: toOpenid,
        template_id: templateId,
        page,
        data: Object.fromEntries(Object.entries(data).map(([key, value]) => [key, { value }])),
        miniprogram_state: state ?? 'formal',
        lang: 'zh_CN',
      });
    },

    async uploadShippingInfo(upload) {
      const { payerOpenid, logisticsType, items, uploadTime } = upload;
      if (items.length === 0 || items.length > MAX_PACKAGES) throw invalid('items', `must list 1 to ${MAX_PACKAGES} packages`);
      for (const item of items) {
        if (item.itemDesc.trim() === '' || item.itemDesc.length > MAX_ITEM_DESCRIPTION) {
          throw invalid('items', `itemDesc must be 1 to ${MAX_ITEM_DESCRIPTION} characters`);
        }
        if (logisticsType === 'express' && (!item.trackingNo || !item.expressCompany)) {
          throw invalid('items', 'express delivery needs trackingNo and expressCompany');
        }
      }
      if (Number.isNaN(uploadTime.getTime())) throw invalid('uploadTime', 'must be a valid date');
      const orderKey =
        'transactionId' in upload
          ? { order_number_type: 2, transaction_id: upload.transactionId }
          : { order_number_type: 1, mchid: upload.mchId, out_trade_no: upload.outTradeNo };
      await postJson('upload_shipping_info', '/wxa/sec/order/upload_shipping_info', {
        order_key: orderKey,
        logistics_type: LOGISTICS_TYPES[logisticsType],
        delivery_mode: items.length === 1 ? 1 : 2,
        ...(items.length === 1 ? {} : { is_all_delivered: true }),
        shipping_list: items.map((item) => ({
          tracking_no: item.trackingNo,
          express_company: item.expressCompany,
          item_desc: item.itemDesc,
          ...(item.receiverContact === undefined ? {} : { contact: { receiver_contact: item.receiverContact } }),
        })),
        upload_time: chinaTime(uploadTime),
        payer: { openid: payerOpenid },
      });
    },

    async checkText({ content, openid, scene }) {
      if (content === '' || content.length > MAX_CHECKED_TEXT) throw invalid('content', `must be 1 to ${MAX_CHECKED_TEXT} characters`);
      const reply = await postJson('msg_sec_check', '/wxa/msg_sec_check', { content, version: 2, scene: TEXT_CHECK_SCENES[scene], openid });
      return parseReply('msg_sec_check', textCheckReply, reply).result;
    },
  };
}

/** Every call fails with PLATFORM_NOT_CONFIGURED (503): the server runs, the feature is unavailable. */
function unconfiguredClient(missing: readonly string[]): MiniProgramClient {
  const refuse = () => Promise.reject(platformNotConfigured('wechat', missing));
  return { codeToSession: refuse, unlimitedCode: refuse, sendSubscribeMessage: refuse, uploadShippingInfo: refuse, checkText: refuse };
}

export function createMiniProgramClient(config: Config['wechat'], options: MiniProgramClientOptions = {}): MiniProgramClient {
  const { appId, appSecret, apiBaseUrl } = config;
  if (appId === undefined || appSecret === undefined) {
    return unconfiguredClient([...(appId === undefined ? ['WECHAT_APPID'] : []), ...(appSecret === undefined ? ['WECHAT_SECRET'] : [])]);
  }
  return configuredClient(appId, appSecret, apiBaseUrl, options.now ?? Date.now);
}

export function miniProgramClientFromConfig(config: Pick<Config, 'wechat'>, options: MiniProgramClientOptions = {}): MiniProgramClient {
  return createMiniProgramClient(config.wechat, options);
}
