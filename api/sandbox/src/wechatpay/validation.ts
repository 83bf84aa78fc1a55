import { paramError } from './protocol.ts';

/** JSAPI order parameters after validation. */
export interface JsapiOrderRequest {
  appid: string;
  mchid: string;
  description: string;
  out_trade_no: string;
  notify_url: string;
  amount: { total: number; currency: string };
  payer: { openid: string };
  time_expire?: string;
  attach?: string;
}

export interface RefundRequest {
  out_trade_no?: string;
  transaction_id?: string;
  out_refund_no: string;
  reason?: string;
  notify_url?: string;
  amount: { refund: number; total: number; currency: string };
}

export interface GuideRegistration {
  corpid: string;
  store_id: number;
  userid: string;
  /** RSA-OAEP ciphertexts, as sent. */
  name: string;
  mobile: string;
  qr_code: string;
  avatar: string;
}

const OUT_TRADE_NO = /^[A-Za-z0-9_\-|*]{6,32}$/;
const OUT_REFUND_NO = /^[A-Za-z0-9_\-|*@]{1,64}$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

type Json = Record<string, unknown>;

export function requireObject(value: unknown, what: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw paramError(`${what} must be a JSON object`);
  return value as Json;
}

function string(object: Json, field: string, path: string, limits: { min?: number; max: number }): string {
  const value = object[field];
  if (typeof value !== 'string') throw paramError(`${path} is required and must be a string`);
  const length = [...value].length;
  if (length < (limits.min ?? 1) || length > limits.max) {
    throw paramError(`${path} must be ${limits.min ?? 1} to ${limits.max} characters, got ${length}`);
  }
  return value;
}

function optionalString(object: Json, field: string, path: string, max: number): string | undefined {
  return object[field] === undefined ? undefined : string(object, field, path, { max });
}

function positiveInteger(object: Json, field: string, path: string): number {
  const value = object[field];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw paramError(`${path} is required and must be a positive integer (fen), got ${JSON.stringify(value)}`);
  }
  return value;
}

function currency(object: Json, path: string, required: boolean): string {
  if (object.currency === undefined && !required) return 'CNY';
  if (object.currency !== 'CNY') throw paramError(`${path} must be "CNY", got ${JSON.stringify(object.currency)}`);
  return 'CNY';
}

/** Loopback hosts may use plain http in the sandbox; everything else must be https as WeChat Pay requires. */
function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function notifyUrl(object: Json, field: string, path: string): string {
  const value = string(object, field, path, { max: 256 });
  if (!URL.canParse(value)) throw paramError(`${path} must be an absolute URL, got '${value}'`);
  const url = new URL(value);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw paramError(`${path} must be an https URL (plain http only for loopback hosts in the sandbox), got '${value}'`);
  }
  if (url.search !== '' || value.includes('?')) throw paramError(`${path} must not carry a query string, got '${value}'`);
  if (url.hash !== '') throw paramError(`${path} must not carry a fragment, got '${value}'`);
  return value;
}

export function parseJsapiOrder(body: unknown): JsapiOrderRequest {
  const object = requireObject(body, 'request body');
  const amount = requireObject(object.amount, 'amount');
  const payer = requireObject(object.payer, 'payer');
  const order: JsapiOrderRequest = {
    appid: string(object, 'appid', 'appid', { max: 32 }),
    mchid: string(object, 'mchid', 'mchid', { max: 32 }),
    description: string(object, 'description', 'description', { max: 127 }),
    out_trade_no: string(object, 'out_trade_no', 'out_trade_no', { max: 32 }),
    notify_url: notifyUrl(object, 'notify_url', 'notify_url'),
    amount: { total: positiveInteger(amount, 'total', 'amount.total'), currency: currency(amount, 'amount.currency', false) },
    payer: { openid: string(payer, 'openid', 'payer.openid', { max: 128 }) },
  };
  if (!OUT_TRADE_NO.test(order.out_trade_no)) {
    throw paramError(`out_trade_no must be 6 to 32 of A-Z a-z 0-9 _ - | *, got '${order.out_trade_no}'`);
  }
  const timeExpire = optionalString(object, 'time_expire', 'time_expire', 64);
  if (timeExpire !== undefined) {
    if (!RFC3339.test(timeExpire) || Number.isNaN(Date.parse(timeExpire))) {
      throw paramError(`time_expire must be an RFC 3339 time such as 2025-01-01T12:00:00+08:00, got '${timeExpire}'`);
    }
    order.time_expire = timeExpire;
  }
  const attach = optionalString(object, 'attach', 'attach', 128);
  if (attach !== undefined) order.attach = attach;
  return order;
}

export function parseRefund(body: unknown): RefundRequest {
  const object = requireObject(body, 'request body');
  const amount = requireObject(object.amount, 'amount');
  const refund: RefundRequest = {
    out_refund_no: string(object, 'out_refund_no', 'out_refund_no', { max: 64 }),
    amount: {
      refund: positiveInteger(amount, 'refund', 'amount.refund'),
      total: positiveInteger(amount, 'total', 'amount.total'),
      currency: currency(amount, 'amount.currency', true),
    },
  };
  if (!OUT_REFUND_NO.test(refund.out_refund_no)) {
    throw paramError(`out_refund_no must be 1 to 64 of A-Z a-z 0-9 _ - | * @, got '${refund.out_refund_no}'`);
  }
  const outTradeNo = optionalString(object, 'out_trade_no', 'out_trade_no', 32);
  const transactionId = optionalString(object, 'transaction_id', 'transaction_id', 32);
  if (outTradeNo === undefined && transactionId === undefined) throw paramError('one of out_trade_no and transaction_id is required');
  if (outTradeNo !== undefined) refund.out_trade_no = outTradeNo;
  if (transactionId !== undefined) refund.transaction_id = transactionId;
  const reason = optionalString(object, 'reason', 'reason', 80);
  if (reason !== undefined) refund.reason = reason;
  if (object.notify_url !== undefined) refund.notify_url = notifyUrl(object, 'notify_url', 'notify_url');
  if (refund.amount.refund > refund.amount.total) throw paramError('amount.refund must not exceed amount.total');
  return refund;
}

export function parseGuideRegistration(body: unknown): GuideRegistration {
  const object = requireObject(body, 'request body');
  const storeId = object.store_id;
  if (typeof storeId !== 'number' || !Number.isSafeInteger(storeId) || storeId <= 0) {
    throw paramError(`store_id is required and must be a positive integer, got ${JSON.stringify(storeId)}`);
  }
  return {
    corpid: string(object, 'corpid', 'corpid', { max: 64 }),
    store_id: storeId,
    userid: string(object, 'userid', 'userid', { max: 64 }),
    name: string(object, 'name', 'name', { max: 1024 }),
    mobile: string(object, 'mobile', 'mobile', { max: 1024 }),
    qr_code: httpUrlField(object, 'qr_code'),
    avatar: httpUrlField(object, 'avatar'),
  };
}

function httpUrlField(object: Json, field: string): string {
  const value = string(object, field, field, { max: 512 });
  if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol))
    throw paramError(`${field} must be an http(s) URL, got '${value}'`);
  return value;
}

/** Decrypted guide name: 1–32 characters. */
export function checkGuideName(name: string): void {
  const length = [...name].length;
  if (length < 1 || length > 32) throw paramError(`name must decrypt to 1 to 32 characters, got ${length}`);
}

/** Decrypted guide mobile: a mainland China mobile number. */
export function checkGuideMobile(mobile: string): void {
  if (!/^1\d{10}$/.test(mobile)) throw paramError('mobile must decrypt to an 11-digit mainland China mobile number');
}

export function parseMchidBody(body: unknown): { mchid: string } {
  const object = requireObject(body, 'request body');
  return { mchid: string(object, 'mchid', 'mchid', { max: 32 }) };
}

export function parseOutTradeNoBody(body: unknown): { out_trade_no: string } {
  const object = requireObject(body, 'request body');
  return { out_trade_no: string(object, 'out_trade_no', 'out_trade_no', { max: 32 }) };
}
