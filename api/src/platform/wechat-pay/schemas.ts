import { z } from 'zod';

/**
 * WeChat Pay's replies and notification resources as zod schemas, turned into the camel-case shapes the
 * API works with. Unknown fields are dropped; a missing or mistyped field we rely on fails the parse.
 */

const rfc3339 = z.iso.datetime({ offset: true }).transform((value) => new Date(value));
const fen = z.int().nonnegative();

export const TRADE_STATES = ['SUCCESS', 'REFUND', 'NOTPAY', 'CLOSED', 'REVOKED', 'USERPAYING', 'PAYERROR'] as const;
export type TradeState = (typeof TRADE_STATES)[number];

export const REFUND_STATUSES = ['SUCCESS', 'CLOSED', 'PROCESSING', 'ABNORMAL'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

/** A payment order, from a query or a `TRANSACTION.*` notification. An unpaid order has no `transactionId`. */
export interface WechatPayTransaction {
  appId: string;
  mchId: string;
  outTradeNo: string;
  transactionId: string | undefined;
  tradeType: string | undefined;
  tradeState: TradeState;
  tradeStateDesc: string;
  successTime: Date | undefined;
  attach: string | undefined;
  payerOpenid: string | undefined;
  amount: { totalFen: number; payerTotalFen: number | undefined; currency: string | undefined };
}

export const transactionSchema = z
  .object({
    appid: z.string(),
    mchid: z.string(),
    out_trade_no: z.string(),
    transaction_id: z.string().optional(),
    trade_type: z.string().optional(),
    trade_state: z.enum(TRADE_STATES),
    trade_state_desc: z.string(),
    success_time: rfc3339.optional(),
    attach: z.string().optional(),
    payer: z.object({ openid: z.string() }).optional(),
    amount: z.object({ total: fen, payer_total: fen.optional(), currency: z.string().optional() }),
  })
  .transform((reply): WechatPayTransaction => ({
    appId: reply.appid,
    mchId: reply.mchid,
    outTradeNo: reply.out_trade_no,
    // WeChat Pay sends empty strings for fields an unpaid order does not have yet.
    transactionId: reply.transaction_id || undefined,
    tradeType: reply.trade_type || undefined,
    tradeState: reply.trade_state,
    tradeStateDesc: reply.trade_state_desc,
    successTime: reply.success_time,
    attach: reply.attach || undefined,
    payerOpenid: reply.payer?.openid || undefined,
    amount: { totalFen: reply.amount.total, payerTotalFen: reply.amount.payer_total, currency: reply.amount.currency },
  }));

/** A refund, as the refund and refund-query endpoints answer. */
export interface WechatPayRefund {
  refundId: string;
  outRefundNo: string;
  transactionId: string | undefined;
  outTradeNo: string | undefined;
  status: RefundStatus;
  createTime: Date;
  successTime: Date | undefined;
  userReceivedAccount: string | undefined;
  amount: {
    refundFen: number;
    totalFen: number;
    payerRefundFen: number | undefined;
    payerTotalFen: number | undefined;
    currency: string | undefined;
  };
}

export const refundSchema = z
  .object({
    refund_id: z.string().min(1),
    out_refund_no: z.string(),
    transaction_id: z.string().optional(),
    out_trade_no: z.string().optional(),
    status: z.enum(REFUND_STATUSES),
    create_time: rfc3339,
    success_time: rfc3339.optional(),
    user_received_account: z.string().optional(),
    amount: z.object({
      refund: fen,
      total: fen,
      payer_refund: fen.optional(),
      payer_total: fen.optional(),
      currency: z.string().optional(),
    }),
  })
  .transform((reply): WechatPayRefund => ({
    refundId: reply.refund_id,
    outRefundNo: reply.out_refund_no,
    transactionId: reply.transaction_id || undefined,
    outTradeNo: reply.out_trade_no || undefined,
    status: reply.status,
    createTime: reply.create_time,
    successTime: reply.success_time,
    userReceivedAccount: reply.user_received_account || undefined,
    amount: {
      refundFen: reply.amount.refund,
      totalFen: reply.amount.total,
      payerRefundFen: reply.amount.payer_refund,
      payerTotalFen: reply.amount.payer_total,
      currency: reply.amount.currency,
    },
  }));

/** The resource of a `REFUND.*` notification (its own shape: `refund_status`, no `create_time`). */
export interface WechatPayRefundResource {
  mchId: string;
  outTradeNo: string;
  transactionId: string;
  outRefundNo: string;
  refundId: string;
  refundStatus: RefundStatus;
  successTime: Date | undefined;
  userReceivedAccount: string | undefined;
  amount: { totalFen: number; refundFen: number; payerTotalFen: number | undefined; payerRefundFen: number | undefined };
}

export const refundResourceSchema = z
  .object({
    mchid: z.string(),
    out_trade_no: z.string(),
    transaction_id: z.string(),
    out_refund_no: z.string(),
    refund_id: z.string(),
    refund_status: z.enum(REFUND_STATUSES),
    success_time: rfc3339.optional(),
    user_received_account: z.string().optional(),
    amount: z.object({ total: fen, refund: fen, payer_total: fen.optional(), payer_refund: fen.optional() }),
  })
  .transform((resource): WechatPayRefundResource => ({
    mchId: resource.mchid,
    outTradeNo: resource.out_trade_no,
    transactionId: resource.transaction_id,
    outRefundNo: resource.out_refund_no,
    refundId: resource.refund_id,
    refundStatus: resource.refund_status,
    successTime: resource.success_time,
    userReceivedAccount: resource.user_received_account || undefined,
    amount: {
      totalFen: resource.amount.total,
      refundFen: resource.amount.refund,
      payerTotalFen: resource.amount.payer_total,
      payerRefundFen: resource.amount.payer_refund,
    },
  }));

export const TRANSACTION_EVENT_TYPES = ['TRANSACTION.SUCCESS'] as const;
export const REFUND_EVENT_TYPES = ['REFUND.SUCCESS', 'REFUND.ABNORMAL', 'REFUND.CLOSED'] as const;

/** The signed envelope of a notification, before its resource is decrypted. */
export const notificationEnvelopeSchema = z.object({
  id: z.string().min(1),
  create_time: rfc3339,
  resource_type: z.literal('encrypt-resource'),
  event_type: z.enum([...TRANSACTION_EVENT_TYPES, ...REFUND_EVENT_TYPES]),
  summary: z.string().optional(),
  resource: z.object({
    algorithm: z.literal('AEAD_AES_256_GCM'),
    original_type: z.string().optional(),
    ciphertext: z.string().min(1),
    associated_data: z.string().default(''),
    nonce: z.string().min(1),
  }),
});

interface NotificationHead {
  id: string;
  createTime: Date;
  summary: string | undefined;
}

/** A verified, decrypted notification. Duplicates are normal: `id` and the resource's own ids make handling idempotent. */
export type WechatPayNotification =
  | (NotificationHead & { eventType: (typeof TRANSACTION_EVENT_TYPES)[number]; resource: WechatPayTransaction })
  | (NotificationHead & { eventType: (typeof REFUND_EVENT_TYPES)[number]; resource: WechatPayRefundResource });

/** `POST /v3/pay/transactions/jsapi` → `{prepay_id}`; the library hands back the `wx.requestPayment` params built from it. */
export const jsapiPaymentParamsSchema = z.object({ package: z.string().regex(/^prepay_id=\S+$/) });

/** WeChat Pay's error body (`{code, message}`, sometimes with `detail`). */
export const errorReplySchema = z.object({ code: z.string().min(1), message: z.string().default('') });

/** `GET /v3/certificates`. */
export const certificatesReplySchema = z.object({
  data: z.array(
    z.object({
      serial_no: z.string().min(1),
      encrypt_certificate: z.object({
        algorithm: z.literal('AEAD_AES_256_GCM'),
        associated_data: z.string().default(''),
        nonce: z.string().min(1),
        ciphertext: z.string().min(1),
      }),
    }),
  ),
});

export const guideRegisteredSchema = z.object({ guide_id: z.string().min(1) });

export const guidesReplySchema = z.object({
  data: z
    .array(
      z.object({
        guide_id: z.string(),
        store_id: z.int(),
        name: z.string(),
        mobile: z.string(),
        userid: z.string().optional(),
        work_id: z.string().optional(),
      }),
    )
    .default([]),
  total_count: z.int().nonnegative(),
});

/** A shopping guide (支付即服务) with name and mobile decrypted. */
export interface WechatPayGuide {
  guideId: string;
  storeId: number;
  name: string;
  mobile: string;
  userId: string | undefined;
  workId: string | undefined;
}
