import { createPublicKey, generateKeyPairSync, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import path from 'node:path';
import type { CallbackDelivery } from '../deliveries.ts';
import type { SandboxRuntime } from '../runtime.ts';
import { dictionary } from '../dictionary.ts';
import { JsonState } from '../storage.ts';
import { base62, certificateSerial, type WechatPayKeys } from './keys.ts';
import {
  encryptAeadAes256Gcm,
  gcmNonce,
  oaepDecrypt,
  oaepEncrypt,
  paramError,
  privateKeyObject,
  randomDigits,
  rfc3339China,
  rsaSha256Sign,
  signedHeaders,
  WechatPayError,
  type ResponseSigner,
} from './protocol.ts';
import { checkGuideMobile, checkGuideName, type GuideRegistration, type JsapiOrderRequest, type RefundRequest } from './validation.ts';

/** The WeChat Pay look-alike's state and rules: orders, refunds, smart guides, and the notifications they send. */

export type TradeState = 'NOTPAY' | 'SUCCESS' | 'REFUND' | 'CLOSED';
export type PaymentBlocker = 'paid' | 'closed' | 'expired';

export interface OrderRecord {
  request: Omit<JsapiOrderRequest, 'mchid' | 'out_trade_no'>;
  out_trade_no: string;
  prepay_id: string;
  create_time: string;
  trade_state: TradeState;
  transaction_id?: string;
  success_time?: string;
  guide_id?: string;
  /** What the payer did in the cashier that left no trace in WeChat Pay's answer (e.g. cancelled the payment). */
  payer_notes: { at: string; note: string }[];
  /** Notifications sent for this order (delivery ids of this sandbox run). */
  notifications: { delivery_id: number; event_type: string; tampered?: TamperKind }[];
}

export type RefundStatus = 'PROCESSING' | 'SUCCESS';

export interface RefundRecord {
  refund_id: string;
  out_refund_no: string;
  out_trade_no: string;
  transaction_id: string;
  reason?: string;
  notify_url?: string;
  amount: { refund: number; total: number; currency: string };
  status: RefundStatus;
  create_time: string;
  success_time?: string;
}

export interface GuideRecord {
  guide_id: string;
  corpid: string;
  store_id: number;
  userid: string;
  name: string;
  mobile: string;
  qr_code: string;
  avatar: string;
  create_time: string;
}

interface WechatPayState {
  orders: Record<string, OrderRecord>;
  refunds: Record<string, RefundRecord>;
  guides: Record<string, GuideRecord>;
}

export const TAMPER_KINDS = ['signature', 'gcm-tag', 'associated-data', 'stale-timestamp', 'unknown-serial', 'signtest'] as const;
export type TamperKind = (typeof TAMPER_KINDS)[number];

/** WeChat Pay keeps partial refunds of one order to 50. */
const MAX_REFUNDS_PER_ORDER = 50;
/** A refund stays PROCESSING this long before it succeeds, so the app sees both states. */
const REFUND_PROCESSING_MS = 100;
const TRADE_STATE_DESC: Record<TradeState, string> = {
  NOTPAY: '订单未支付',
  SUCCESS: '支付成功',
  REFUND: '转入退款',
  CLOSED: '订单已关闭',
};
/** Tampered notifications carry a timestamp this far in the past (beyond the 5-minute window). */
const STALE_TIMESTAMP_SECONDS = 600;

/** The merchant-side state of the WeChat Pay look-alike: orders, refunds, smart guides and the notifications they cause. */
export class WechatPayService {
  private readonly refundTimers = new Set<NodeJS.Timeout>();
  /** Verifies request signatures: the public key of the merchant API certificate. */
  readonly merchantPublicKey: KeyObject;
  private rogueSigner: ResponseSigner | undefined;

  private constructor(
    private readonly runtime: SandboxRuntime,
    readonly keys: WechatPayKeys,
    private readonly state: JsonState<WechatPayState>,
    /** Signs responses and notifications: the public-key-mode key or the platform certificate's key. */
    readonly signer: ResponseSigner,
  ) {
    this.merchantPublicKey = createPublicKey(keys.merchant.certificatePem);
  }

  static async open(runtime: SandboxRuntime, keys: WechatPayKeys): Promise<WechatPayService> {
    const state = await JsonState.open<WechatPayState>(path.join(runtime.dataDir, 'state.json'), () => ({
      orders: {},
      refunds: {},
      guides: {},
    }));
    state.value.orders = dictionary(state.value.orders);
    state.value.refunds = dictionary(state.value.refunds);
    state.value.guides = dictionary(state.value.guides);
    const certificateMode = runtime.options.wechatPayMode === 'certificate';
    const signer = {
      serial: certificateMode ? keys.platform.serialNo : keys.publicKey.keyId,
      privateKey: privateKeyObject(certificateMode ? keys.platform.privateKeyPem : keys.publicKey.privateKeyPem),
    };
    const service = new WechatPayService(runtime, keys, state, signer);
    for (const refund of Object.values(state.value.refunds)) {
      if (refund.status === 'PROCESSING') service.scheduleRefundSuccess(refund);
    }
    return service;
  }

  /** Stops pending refund completions (they resume on the next start) and waits for the last state write. */
  async close(): Promise<void> {
    for (const timer of this.refundTimers) clearTimeout(timer);
    this.refundTimers.clear();
    await this.save();
  }

  private nowSeconds(): number {
    return Math.floor(this.runtime.now() / 1000);
  }

  // ── Orders ────────────────────────────────────────────────────────────────

  /** Creates the order, or returns the same prepay_id when the same order is placed again. */
  createJsapiOrder(request: JsapiOrderRequest): { prepay_id: string } {
    if (request.mchid !== this.keys.mchid) throw paramError(`mchid ${request.mchid} does not match the merchant in Authorization`);
    const { mchid: _mchid, out_trade_no: outTradeNo, ...orderRequest } = request;
    const existing = this.state.value.orders[outTradeNo];
    if (existing) {
      if (existing.trade_state === 'SUCCESS' || existing.trade_state === 'REFUND')
        throw new WechatPayError(403, 'ORDERPAID', '该订单已支付');
      if (existing.trade_state === 'CLOSED') throw new WechatPayError(400, 'ORDER_CLOSED', '该订单已关闭');
      if (JSON.stringify(existing.request) !== JSON.stringify(orderRequest)) {
        throw new WechatPayError(
          403,
          'OUT_TRADE_NO_USED',
          `商户订单号重复: out_trade_no ${outTradeNo} was placed with different parameters`,
        );
      }
      return { prepay_id: existing.prepay_id };
    }
    if (request.time_expire !== undefined && Date.parse(request.time_expire) <= this.runtime.now()) {
      throw paramError(`time_expire ${request.time_expire} has already passed`);
    }
    const now = this.runtime.now();
    const order: OrderRecord = {
      request: orderRequest,
      out_trade_no: outTradeNo,
      prepay_id: `wx${rfc3339China(now).slice(0, 19).replace(/\D/g, '')}${randomBytes(10).toString('hex')}`,
      create_time: rfc3339China(now),
      trade_state: 'NOTPAY',
      payer_notes: [],
      notifications: [],
    };
    this.state.value.orders[outTradeNo] = order;
    void this.save();
    return { prepay_id: order.prepay_id };
  }

  order(outTradeNo: string): OrderRecord {
    const order = this.state.value.orders[outTradeNo];
    if (!order) throw new WechatPayError(404, 'ORDER_NOT_EXIST', `订单不存在: no order with out_trade_no ${outTradeNo}`);
    return order;
  }

  orderByTransactionId(transactionId: string): OrderRecord {
    const order = Object.values(this.state.value.orders).find((candidate) => candidate.transaction_id === transactionId);
    if (!order) throw new WechatPayError(404, 'ORDER_NOT_EXIST', `订单不存在: no order with transaction_id ${transactionId}`);
    return order;
  }

  orderByPrepayId(prepayId: string): OrderRecord | undefined {
    return Object.values(this.state.value.orders).find((candidate) => candidate.prepay_id === prepayId);
  }

  checkMchid(mchid: string | undefined): void {
    if (mchid === undefined || mchid === '') throw paramError('mchid is required');
    if (mchid !== this.keys.mchid) throw paramError(`mchid ${mchid} does not match the merchant in Authorization`);
  }

  /** The transaction object of the query API: unpaid orders have no transaction_id, payer or success_time. */
  transaction(order: OrderRecord, tradeState: TradeState = order.trade_state): Record<string, unknown> {
    const { request } = order;
    const base = {
      appid: request.appid,
      mchid: this.keys.mchid,
      out_trade_no: order.out_trade_no,
      ...(request.attach === undefined ? {} : { attach: request.attach }),
    };
    if (order.transaction_id === undefined || order.success_time === undefined) {
      return {
        ...base,
        trade_state: tradeState,
        trade_state_desc: TRADE_STATE_DESC[tradeState],
        amount: { total: request.amount.total, currency: request.amount.currency, payer_currency: request.amount.currency },
      };
    }
    return {
      ...base,
      transaction_id: order.transaction_id,
      trade_type: 'JSAPI',
      trade_state: tradeState,
      trade_state_desc: TRADE_STATE_DESC[tradeState],
      bank_type: 'OTHERS',
      success_time: order.success_time,
      payer: { openid: request.payer.openid },
      amount: {
        total: request.amount.total,
        payer_total: request.amount.total,
        currency: request.amount.currency,
        payer_currency: request.amount.currency,
      },
      promotion_detail: [],
    };
  }

  closeOrder(outTradeNo: string): void {
    const order = this.order(outTradeNo);
    if (order.trade_state === 'SUCCESS' || order.trade_state === 'REFUND')
      throw new WechatPayError(400, 'ORDERPAID', '订单已支付，不能关闭');
    if (order.trade_state === 'CLOSED') return;
    order.trade_state = 'CLOSED';
    void this.save();
  }

  /** Why the payer cannot pay this order now (WeChat refuses payment after time_expire), or `undefined` when they can. */
  paymentBlocker(order: OrderRecord): PaymentBlocker | undefined {
    if (order.trade_state === 'SUCCESS' || order.trade_state === 'REFUND') return 'paid';
    if (order.trade_state === 'CLOSED') return 'closed';
    if (order.request.time_expire !== undefined && Date.parse(order.request.time_expire) <= this.runtime.now()) return 'expired';
    return undefined;
  }

  private refusePayment(order: OrderRecord, what: string): void {
    const blocker = this.paymentBlocker(order);
    if (blocker === undefined) return;
    const why = { paid: 'it is already paid', closed: 'it is closed', expired: `it expired at ${order.request.time_expire}` }[blocker];
    throw new WechatPayError(400, 'PAYMENT_REFUSED', `cannot ${what} ${order.out_trade_no}: ${why}`);
  }

  /** The payer pays: the order becomes SUCCESS and the app is notified. */
  pay(order: OrderRecord): CallbackDelivery {
    this.refusePayment(order, 'pay');
    const now = this.runtime.now();
    order.trade_state = 'SUCCESS';
    order.transaction_id = `42000${randomDigits(5)}${rfc3339China(now).slice(0, 10).replaceAll('-', '')}${randomDigits(10)}`;
    order.success_time = rfc3339China(now);
    void this.save();
    return this.notifyTransaction(order);
  }

  /** The payer cancels in the cashier: the order stays NOTPAY, as in WeChat; only the sandbox remembers it. */
  cancelPayment(order: OrderRecord): void {
    this.refusePayment(order, 'cancel the payment of');
    order.payer_notes.push({ at: rfc3339China(this.runtime.now()), note: 'PAYERROR: the payer cancelled the payment' });
    void this.save();
  }

  // ── Notifications ─────────────────────────────────────────────────────────

  notifyTransaction(order: OrderRecord, tamper?: TamperKind): CallbackDelivery {
    const transaction = this.transaction(order.transaction_id === undefined ? this.hypotheticalPayment(order) : order, 'SUCCESS');
    const delivery = this.sendNotification(
      { eventType: 'TRANSACTION.SUCCESS', summary: '支付成功', originalType: 'transaction', resource: transaction },
      order.request.notify_url,
      tamper,
    );
    order.notifications.push({ delivery_id: delivery.id, event_type: 'TRANSACTION.SUCCESS', ...(tamper ? { tampered: tamper } : {}) });
    void this.save();
    return delivery;
  }

  /** For tampered notifications about an unpaid order: what a payment would look like, not recorded. */
  private hypotheticalPayment(order: OrderRecord): OrderRecord {
    const now = this.runtime.now();
    return { ...order, transaction_id: `42000${randomDigits(23)}`, success_time: rfc3339China(now) };
  }

  private sendNotification(
    event: { eventType: string; summary: string; originalType: string; resource: Record<string, unknown> },
    url: string,
    tamper?: TamperKind,
  ): CallbackDelivery {
    const nonce = gcmNonce();
    let ciphertext = encryptAeadAes256Gcm(JSON.stringify(event.resource), this.keys.apiV3Key, nonce, event.originalType);
    let associatedData = event.originalType;
    if (tamper === 'gcm-tag') {
      const bytes = Buffer.from(ciphertext, 'base64');
      bytes[bytes.length - 1] ^= 0x01;
      ciphertext = bytes.toString('base64');
    }
    if (tamper === 'associated-data') associatedData = `${event.originalType}-altered`;
    const now = this.runtime.now();
    const body = JSON.stringify({
      id: randomUUID(),
      create_time: rfc3339China(now),
      resource_type: 'encrypt-resource',
      event_type: event.eventType,
      summary: event.summary,
      resource: { original_type: event.originalType, algorithm: 'AEAD_AES_256_GCM', ciphertext, associated_data: associatedData, nonce },
    });
    const timestamp = tamper === 'stale-timestamp' ? this.nowSeconds() - STALE_TIMESTAMP_SECONDS : this.nowSeconds();
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'Request-ID': requestId(),
      ...signedHeaders(body, tamper === 'unknown-serial' ? this.unknownSigner() : this.signer, timestamp),
    };
    if (tamper === 'signature') {
      // A genuine signature by the right key, but over another message.
      headers['Wechatpay-Signature'] = rsaSha256Sign(
        `${headers['Wechatpay-Timestamp']}\n${headers['Wechatpay-Nonce']}\n${body} \n`,
        this.signer.privateKey,
      );
    }
    if (tamper === 'signtest') headers['Wechatpay-Signature'] = `WECHATPAY/SIGNTEST/${randomBytes(192).toString('base64')}`;
    return this.runtime.deliver.send({
      kind: tamper ? `${event.eventType} (tampered: ${tamper})` : event.eventType,
      url,
      headers,
      body,
      // A tampered notification is sent once: retries would only repeat the same defect.
      retryDelaysMs: tamper ? [] : this.runtime.options.payNotifyRetryDelaysMs,
      acknowledged: (status) => status === 200 || status === 204,
    });
  }

  /** A key and serial the app cannot know (generated once per run). */
  private unknownSigner(): ResponseSigner {
    if (!this.rogueSigner) {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const serial = this.signer.serial.startsWith('PUB_KEY_ID_')
        ? `PUB_KEY_ID_01${this.keys.mchid}${randomDigits(22)}`
        : certificateSerial();
      this.rogueSigner = { serial, privateKey };
    }
    return this.rogueSigner;
  }

  // ── Refunds ───────────────────────────────────────────────────────────────

  /** Creates the refund (PROCESSING), or returns the existing one for the same out_refund_no and parameters. */
  createRefund(request: RefundRequest): RefundRecord {
    const existing = this.state.value.refunds[request.out_refund_no];
    if (existing) {
      const sameRequest =
        (request.out_trade_no === undefined || request.out_trade_no === existing.out_trade_no) &&
        (request.transaction_id === undefined || request.transaction_id === existing.transaction_id) &&
        request.amount.refund === existing.amount.refund &&
        request.amount.total === existing.amount.total;
      if (!sameRequest) {
        throw new WechatPayError(
          400,
          'INVALID_REQUEST',
          `订单金额或退款金额与之前请求不一致: out_refund_no ${request.out_refund_no} was used with other parameters`,
        );
      }
      return existing;
    }
    const order = this.refundableOrder(request);
    if (request.amount.total !== order.request.amount.total) {
      throw new WechatPayError(
        400,
        'INVALID_REQUEST',
        `amount.total ${request.amount.total} is not the order total ${order.request.amount.total}`,
      );
    }
    const refunds = this.refundsOf(order.out_trade_no);
    if (refunds.length >= MAX_REFUNDS_PER_ORDER) {
      throw new WechatPayError(400, 'INVALID_REQUEST', `an order can be refunded at most ${MAX_REFUNDS_PER_ORDER} times`);
    }
    const remaining = order.request.amount.total - refunds.reduce((sum, refund) => sum + refund.amount.refund, 0);
    if (request.amount.refund > remaining) {
      throw new WechatPayError(
        400,
        'INVALID_REQUEST',
        `申请退款金额超过订单可退金额: refund ${request.amount.refund} exceeds the refundable ${remaining}`,
      );
    }
    const refund: RefundRecord = {
      refund_id: `50${randomDigits(27)}`,
      out_refund_no: request.out_refund_no,
      out_trade_no: order.out_trade_no,
      transaction_id: order.transaction_id as string,
      ...(request.reason === undefined ? {} : { reason: request.reason }),
      ...(request.notify_url === undefined ? {} : { notify_url: request.notify_url }),
      amount: request.amount,
      status: 'PROCESSING',
      create_time: rfc3339China(this.runtime.now()),
    };
    this.state.value.refunds[refund.out_refund_no] = refund;
    order.trade_state = 'REFUND';
    void this.save();
    this.scheduleRefundSuccess(refund);
    return refund;
  }

  private refundableOrder(request: RefundRequest): OrderRecord {
    const order =
      request.out_trade_no !== undefined
        ? this.state.value.orders[request.out_trade_no]
        : Object.values(this.state.value.orders).find((candidate) => candidate.transaction_id === request.transaction_id);
    if (!order) throw new WechatPayError(404, 'RESOURCE_NOT_EXISTS', '订单不存在');
    if (request.transaction_id !== undefined && request.transaction_id !== order.transaction_id) {
      throw new WechatPayError(400, 'INVALID_REQUEST', 'transaction_id does not belong to out_trade_no');
    }
    if (order.trade_state !== 'SUCCESS' && order.trade_state !== 'REFUND')
      throw new WechatPayError(400, 'INVALID_REQUEST', `订单未支付: the order is ${order.trade_state}`);
    return order;
  }

  refundsOf(outTradeNo: string): RefundRecord[] {
    return Object.values(this.state.value.refunds).filter((refund) => refund.out_trade_no === outTradeNo);
  }

  refund(outRefundNo: string): RefundRecord {
    const refund = this.state.value.refunds[outRefundNo];
    if (!refund) throw new WechatPayError(404, 'RESOURCE_NOT_EXISTS', `退款单不存在: no refund with out_refund_no ${outRefundNo}`);
    return refund;
  }

  refundObject(refund: RefundRecord): Record<string, unknown> {
    return {
      refund_id: refund.refund_id,
      out_refund_no: refund.out_refund_no,
      transaction_id: refund.transaction_id,
      out_trade_no: refund.out_trade_no,
      channel: 'ORIGINAL',
      user_received_account: '支付用户零钱',
      ...(refund.success_time === undefined ? {} : { success_time: refund.success_time }),
      create_time: refund.create_time,
      status: refund.status,
      funds_account: 'AVAILABLE',
      amount: {
        total: refund.amount.total,
        refund: refund.amount.refund,
        from: [],
        payer_total: refund.amount.total,
        payer_refund: refund.amount.refund,
        settlement_refund: refund.amount.refund,
        settlement_total: refund.amount.total,
        discount_refund: 0,
        currency: refund.amount.currency,
      },
      promotion_detail: [],
    };
  }

  private scheduleRefundSuccess(refund: RefundRecord): void {
    const timer = setTimeout(() => {
      this.refundTimers.delete(timer);
      this.completeRefund(refund);
    }, REFUND_PROCESSING_MS);
    this.refundTimers.add(timer);
  }

  private completeRefund(refund: RefundRecord): void {
    refund.status = 'SUCCESS';
    refund.success_time = rfc3339China(this.runtime.now());
    void this.save();
    const order = this.order(refund.out_trade_no);
    const delivery = this.sendNotification(
      {
        eventType: 'REFUND.SUCCESS',
        summary: '退款成功',
        originalType: 'refund',
        resource: {
          mchid: this.keys.mchid,
          out_trade_no: refund.out_trade_no,
          transaction_id: refund.transaction_id,
          out_refund_no: refund.out_refund_no,
          refund_id: refund.refund_id,
          refund_status: refund.status,
          success_time: refund.success_time,
          amount: {
            total: refund.amount.total,
            refund: refund.amount.refund,
            payer_total: refund.amount.total,
            payer_refund: refund.amount.refund,
          },
          user_received_account: '支付用户零钱',
        },
      },
      refund.notify_url ?? order.request.notify_url,
    );
    order.notifications.push({ delivery_id: delivery.id, event_type: 'REFUND.SUCCESS' });
    void this.save();
  }

  // ── Smart guides (支付即服务) ────────────────────────────────────────────────

  registerGuide(registration: GuideRegistration, serialHeader: string | undefined): { guide_id: string } {
    this.checkSensitiveSerial(serialHeader);
    const name = oaepDecrypt(registration.name, this.signer.privateKey);
    if (name === undefined) throw paramError(`name is not an RSA-OAEP ciphertext for the key ${this.signer.serial}`);
    const mobile = oaepDecrypt(registration.mobile, this.signer.privateKey);
    if (mobile === undefined) throw paramError(`mobile is not an RSA-OAEP ciphertext for the key ${this.signer.serial}`);
    checkGuideName(name);
    checkGuideMobile(mobile);
    const duplicate = Object.values(this.state.value.guides).find(
      (guide) => guide.corpid === registration.corpid && guide.store_id === registration.store_id && guide.userid === registration.userid,
    );
    if (duplicate) {
      throw new WechatPayError(
        400,
        'RESOURCE_ALREADY_EXISTS',
        `userid ${registration.userid} is already a guide of store ${registration.store_id}`,
      );
    }
    const guide: GuideRecord = {
      guide_id: `LL${base62(32)}`,
      corpid: registration.corpid,
      store_id: registration.store_id,
      userid: registration.userid,
      name,
      mobile,
      qr_code: registration.qr_code,
      avatar: registration.avatar,
      create_time: rfc3339China(this.runtime.now()),
    };
    this.state.value.guides[guide.guide_id] = guide;
    void this.save();
    return { guide_id: guide.guide_id };
  }

  /** Sensitive fields must be encrypted for the key the merchant names in `Wechatpay-Serial`. */
  private checkSensitiveSerial(serialHeader: string | undefined): void {
    if (serialHeader === undefined || serialHeader === '')
      throw paramError('Wechatpay-Serial header is required: it names the key that encrypted name and mobile');
    if (serialHeader.toUpperCase() !== this.signer.serial.toUpperCase()) {
      throw paramError(`Wechatpay-Serial ${serialHeader} is not WeChat Pay's current key (${this.signer.serial})`);
    }
  }

  /** Guides of a store (optionally one userid), name and mobile encrypted for the merchant as WeChat Pay does. */
  listGuides(storeId: number, userid: string | undefined, limit: number, offset: number): Record<string, unknown> {
    const matching = Object.values(this.state.value.guides).filter(
      (guide) => guide.store_id === storeId && (userid === undefined || guide.userid === userid),
    );
    return {
      data: matching.slice(offset, offset + limit).map((guide) => ({
        guide_id: guide.guide_id,
        store_id: guide.store_id,
        name: oaepEncrypt(guide.name, this.keys.merchant.publicKeyPem),
        mobile: oaepEncrypt(guide.mobile, this.keys.merchant.publicKeyPem),
        userid: guide.userid,
      })),
      total_count: matching.length,
      limit,
      offset,
    };
  }

  guide(guideId: string): GuideRecord | undefined {
    return this.state.value.guides[guideId];
  }

  assignGuide(guideId: string, outTradeNo: string): void {
    if (!this.state.value.guides[guideId]) throw new WechatPayError(404, 'RESOURCE_NOT_EXISTS', `导购不存在: no guide ${guideId}`);
    const order = this.order(outTradeNo);
    if (order.trade_state === 'SUCCESS' || order.trade_state === 'REFUND') {
      throw new WechatPayError(400, 'ORDERPAID', '订单已支付: a guide must be assigned before the payment completes');
    }
    if (order.trade_state === 'CLOSED') throw new WechatPayError(400, 'ORDER_CLOSED', '订单已关闭');
    order.guide_id = guideId;
    void this.save();
  }

  /** Keeps the state file in step; a failed write is logged, the in-memory state stays authoritative. */
  private save(): Promise<void> {
    return this.state.save().catch((error: unknown) => this.runtime.log(`wechatpay: could not save state: ${String(error)}`));
  }
}

/** WeChat Pay's Request-ID header: an opaque hex string. */
export function requestId(): string {
  return randomBytes(24).toString('hex').toUpperCase();
}
