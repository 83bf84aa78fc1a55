/*
 * Checks of the mini-program server API request bodies. Each returns the problem (used in the errmsg
 * hint) or the values the sandbox keeps.
 */

export type JsonRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

/** getwxacodeunlimit: at most 32 visible characters from this set (the page reads it with decodeURIComponent). */
export const SCENE_PATTERN = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]{1,32}$/;
/** A page path as in app.json: no leading `/`, no query (parameters go in the scene), at most 128 characters. */
export const PAGE_PATTERN = /^(?=.{1,128}$)[A-Za-z0-9_-]+(?:\/[A-Za-z0-9_.-]+)*$/;
export const ENV_VERSIONS = ['release', 'trial', 'develop'] as const;
export type EnvVersion = (typeof ENV_VERSIONS)[number];
export const MIN_CODE_WIDTH = 280;
export const MAX_CODE_WIDTH = 1280;
export const DEFAULT_CODE_WIDTH = 430;

export type Checked<T> = { ok: true; value: T } | { ok: false; errcode: number; problem: string };

const DATA_FORMAT_ERROR = 47001;
const formatError = (problem: string): Checked<never> => ({ ok: false, errcode: DATA_FORMAT_ERROR, problem });

export interface CodeRequest {
  scene: string;
  /** Absent: the mini-program's home page. */
  page?: string;
  checkPath: boolean;
  envVersion: EnvVersion;
  width: number;
}

export function checkCodeRequest(body: JsonRecord): Checked<CodeRequest> {
  const { scene, page, check_path: checkPath = true, env_version: envVersion = 'release', width = DEFAULT_CODE_WIDTH } = body;
  if (typeof scene !== 'string' || !SCENE_PATTERN.test(scene)) return { ok: false, errcode: 40169, problem: 'invalid scene' };
  if (page !== undefined && (typeof page !== 'string' || !PAGE_PATTERN.test(page)))
    return { ok: false, errcode: 41030, problem: 'invalid page' };
  if (!ENV_VERSIONS.includes(envVersion as EnvVersion)) return { ok: false, errcode: 40097, problem: 'invalid args: env_version' };
  if (typeof checkPath !== 'boolean') return formatError('check_path must be a boolean');
  if (typeof width !== 'number' || !Number.isFinite(width)) return formatError('width must be a number');
  return {
    ok: true,
    value: {
      scene,
      ...(page === undefined ? {} : { page }),
      checkPath,
      envVersion: envVersion as EnvVersion,
      // WeChat draws codes from 280 to 1280 px wide; other widths are brought into that range.
      width: Math.min(MAX_CODE_WIDTH, Math.max(MIN_CODE_WIDTH, Math.round(width))),
    },
  };
}

/** Longest value of a template keyword by its type (`thing1` is a `thing`); the app must shorten longer text. */
const TEMPLATE_VALUE_LIMITS: Record<string, number> = { thing: 20, phrase: 5, character_string: 32, number: 32, letter: 32, symbol: 5 };

export const MINIPROGRAM_STATES = ['developer', 'trial', 'formal'] as const;

export interface SubscribeMessage {
  touser: string;
  template_id: string;
  page?: string;
  data: Record<string, { value: string }>;
  miniprogram_state: (typeof MINIPROGRAM_STATES)[number];
  lang: string;
}

export function checkSubscribeMessage(body: JsonRecord): Checked<SubscribeMessage> {
  const { touser, template_id: templateId, page, data, miniprogram_state: state = 'formal', lang = 'zh_CN' } = body;
  if (!nonEmptyString(touser)) return { ok: false, errcode: 40003, problem: 'invalid openid' };
  if (typeof templateId !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(templateId))
    return { ok: false, errcode: 40037, problem: 'invalid template_id' };
  if (page !== undefined && typeof page !== 'string') return formatError('page must be a string');
  if (!isRecord(data) || Object.keys(data).length === 0) return formatError('data must be an object of {key: {value}}');
  for (const [key, entry] of Object.entries(data)) {
    if (!isRecord(entry) || typeof entry.value !== 'string' || entry.value === '') {
      return { ok: false, errcode: 47003, problem: `argument invalid! data.${key}.value is empty` };
    }
    const limit = TEMPLATE_VALUE_LIMITS[key.replace(/\d+$/, '')];
    if (limit !== undefined && [...entry.value].length > limit) {
      return { ok: false, errcode: 47003, problem: `argument invalid! data.${key}.value exceeds ${limit} characters` };
    }
  }
  if (!MINIPROGRAM_STATES.includes(state as SubscribeMessage['miniprogram_state'])) {
    return { ok: false, errcode: 47003, problem: 'argument invalid! miniprogram_state' };
  }
  if (typeof lang !== 'string') return formatError('lang must be a string');
  return {
    ok: true,
    value: {
      touser,
      template_id: templateId,
      ...(page === undefined ? {} : { page }),
      data: Object.fromEntries(Object.entries(data).map(([key, entry]) => [key, { value: (entry as { value: string }).value }])),
      miniprogram_state: state as SubscribeMessage['miniprogram_state'],
      lang,
    },
  };
}

export interface ShippingInfo {
  order_key: { order_number_type: 1; mchid: string; out_trade_no: string } | { order_number_type: 2; transaction_id: string };
  /** 1 express, 2 same-city delivery, 3 virtual goods, 4 self-pickup. */
  logistics_type: 1 | 2 | 3 | 4;
  /** 1 one package (unified), 2 split into several. */
  delivery_mode: 1 | 2;
  is_all_delivered?: boolean;
  shipping_list: { tracking_no?: string; express_company?: string; item_desc: string; contact?: Record<string, string> }[];
  upload_time: string;
  payer: { openid: string };
}

const MAX_SHIPPING_ITEMS = 10;
const MAX_ITEM_DESCRIPTION = 120;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

export function checkShippingInfo(body: JsonRecord): Checked<ShippingInfo> {
  const { order_key: orderKey, logistics_type: logisticsType, delivery_mode: deliveryMode, is_all_delivered: allDelivered } = body;
  const { shipping_list: shippingList, upload_time: uploadTime, payer } = body;
  if (!isRecord(orderKey)) return formatError('order_key missing');
  let key: ShippingInfo['order_key'];
  if (orderKey.order_number_type === 1) {
    if (!nonEmptyString(orderKey.mchid) || !nonEmptyString(orderKey.out_trade_no))
      return formatError('order_key needs mchid and out_trade_no');
    key = { order_number_type: 1, mchid: orderKey.mchid, out_trade_no: orderKey.out_trade_no };
  } else if (orderKey.order_number_type === 2) {
    if (!nonEmptyString(orderKey.transaction_id)) return formatError('order_key needs transaction_id');
    key = { order_number_type: 2, transaction_id: orderKey.transaction_id };
  } else {
    return formatError('order_key.order_number_type must be 1 or 2');
  }
  if (logisticsType !== 1 && logisticsType !== 2 && logisticsType !== 3 && logisticsType !== 4)
    return formatError('logistics_type must be 1 to 4');
  if (deliveryMode !== 1 && deliveryMode !== 2) return formatError('delivery_mode must be 1 or 2');
  if (deliveryMode === 2 && typeof allDelivered !== 'boolean') return formatError('is_all_delivered is required with delivery_mode 2');
  if (!Array.isArray(shippingList) || shippingList.length === 0 || shippingList.length > MAX_SHIPPING_ITEMS) {
    return formatError(`shipping_list must hold 1 to ${MAX_SHIPPING_ITEMS} packages`);
  }
  if (deliveryMode === 1 && shippingList.length !== 1) return formatError('delivery_mode 1 ships one package');
  const items: ShippingInfo['shipping_list'] = [];
  for (const [index, item] of shippingList.entries()) {
    if (!isRecord(item)) return formatError(`shipping_list[${index}] must be an object`);
    const { tracking_no: trackingNo, express_company: expressCompany, item_desc: description, contact } = item;
    if (!nonEmptyString(description) || description.length > MAX_ITEM_DESCRIPTION) {
      return formatError(`shipping_list[${index}].item_desc must be 1 to ${MAX_ITEM_DESCRIPTION} characters`);
    }
    if (logisticsType === 1 && (!nonEmptyString(trackingNo) || !nonEmptyString(expressCompany))) {
      return formatError(`shipping_list[${index}] needs tracking_no and express_company for express delivery`);
    }
    if (contact !== undefined && (!isRecord(contact) || Object.values(contact).some((value) => typeof value !== 'string'))) {
      return formatError(`shipping_list[${index}].contact must hold strings`);
    }
    items.push({
      ...(nonEmptyString(trackingNo) ? { tracking_no: trackingNo } : {}),
      ...(nonEmptyString(expressCompany) ? { express_company: expressCompany } : {}),
      item_desc: description,
      ...(contact === undefined ? {} : { contact: contact as Record<string, string> }),
    });
  }
  if (typeof uploadTime !== 'string' || !RFC3339.test(uploadTime) || Number.isNaN(Date.parse(uploadTime))) {
    return formatError('upload_time must be an RFC 3339 time, e.g. 2024-01-02T10:00:00.000+08:00');
  }
  if (!isRecord(payer) || !nonEmptyString(payer.openid)) return formatError('payer.openid missing');
  return {
    ok: true,
    value: {
      order_key: key,
      logistics_type: logisticsType,
      delivery_mode: deliveryMode,
      ...(deliveryMode === 2 ? { is_all_delivered: allDelivered as boolean } : {}),
      shipping_list: items,
      upload_time: uploadTime,
      payer: { openid: payer.openid },
    },
  };
}

export interface TextCheck {
  content: string;
  openid: string;
  /** 1 profile, 2 comment, 3 forum, 4 social log. */
  scene: 1 | 2 | 3 | 4;
}

const MAX_CHECKED_TEXT = 2500;

export function checkTextCheck(body: JsonRecord): Checked<TextCheck> {
  const { content, openid, scene, version } = body;
  if (version !== 2) return formatError('version must be 2 (the sandbox speaks msgSecCheck v2 only)');
  if (typeof content !== 'string' || content === '' || content.length > MAX_CHECKED_TEXT) {
    return formatError(`content must be 1 to ${MAX_CHECKED_TEXT} characters`);
  }
  if (!nonEmptyString(openid)) return { ok: false, errcode: 40003, problem: 'invalid openid' };
  if (scene !== 1 && scene !== 2 && scene !== 3 && scene !== 4) return formatError('scene must be 1 to 4');
  return { ok: true, value: { content, openid, scene } };
}

/**
 * What the sandbox's content check flags (case-insensitive substring match). The real check is a model
 * plus keyword lists; labels follow WeChat's: 10001 advertising, 20002 pornography, 20003 abuse,
 * 20006 crime, 20008 fraud, 21000 other.
 */
export const SENSITIVE_WORDS: readonly { word: string; suggest: 'review' | 'risky'; label: number }[] = [
  { word: '加微信', suggest: 'review', label: 10001 },
  { word: '笨蛋', suggest: 'review', label: 20003 },
  { word: '刷单', suggest: 'risky', label: 20008 },
  { word: '赌博', suggest: 'risky', label: 20006 },
  { word: '色情', suggest: 'risky', label: 20002 },
  { word: 'sandbox-review', suggest: 'review', label: 21000 },
  { word: 'sandbox-risky', suggest: 'risky', label: 21000 },
];

/** The label of text with nothing found. */
export const NORMAL_LABEL = 100;
