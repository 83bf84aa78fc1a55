import type { Logger } from 'pino';
import { isSandboxUrl } from '@mall/config';
import type { PaymentStatusReply, PrepayReply } from '@mall/shared';
import { settleRefundNumber } from '../after-sales/settlement.ts';
import { confirmSoldStock } from '../catalog/stock.ts';
import { isDuplicateKeyError } from '../db/errors.ts';
import { attributeAtPayment } from '../attribution/orders.ts';
import { assignSmartGuide } from '../attribution/smart-guide.ts';
import { rollUpPaidOrder } from '../guide-performance/rollups.ts';
import { AppError } from '../http/errors.ts';
import type { CommerceDependencies } from '../orders/dependencies.ts';
import type { OrderRecord } from '../orders/models.ts';
import { transitionOrder } from '../orders/transitions.ts';
import { toOrderView } from '../orders/views.ts';
import { PlatformError, platformNotConfigured } from '../platform/errors.ts';
import {
  missingWechatPaySettings,
  type WechatPayNotification,
  type WechatPayRefundResource,
  type WechatPayTransaction,
} from '../platform/wechat-pay/index.ts';
import type { PaymentAnomalyKind, PaymentSource, RefundRecord, RefundRecordStatus } from './models.ts';

/** Where WeChat Pay sends payment and refund notifications (the notify_url of every prepay and refund). */
export const WECHATPAY_NOTIFY_PATH = '/api/payments/wechatpay/notify';

const WECHATPAY_PREFIX = '/wechatpay';
/** The H5 storefront's payment result page (the cashier returns there). */
const H5_PAY_RESULT_PATH = '/shop/pages/pay-result/index';
/** WeChat Pay's description field: at most 127 characters. */
const MAX_DESCRIPTION_LENGTH = 127;

function notifyUrl(deps: CommerceDependencies): string {
  return `${deps.config.publicApiUrl}${WECHATPAY_NOTIFY_PATH}`;
}

/** The platform's own error code of a failed WeChat Pay call (`ORDER_NOT_EXIST`, `ORDERPAID`, …). */
function platformCode(error: unknown): string | undefined {
  return error instanceof PlatformError ? String(error.failure.code) : undefined;
}

/** The order of `shopperId` with this number; another shopper's order is not found, like an unknown one. */
export async function findOwnOrder(deps: CommerceDependencies, shopperId: OrderRecord['shopperId'], orderNo: string): Promise<OrderRecord> {
  const order = await deps.orders.Order.findOne({ orderNo, shopperId }).lean<OrderRecord>();
  if (order === null) throw new AppError('NOT_FOUND', { message: '订单不存在' });
  return order;
}

/** e.g. `纯棉T恤 红 / M 等3件`: what the payer sees in WeChat, within WeChat Pay's limit; the same for every prepay of the order. */
function paymentDescription(order: OrderRecord): string {
  const [first] = order.lines;
  const units = order.lines.reduce((sum, line) => sum + line.quantity, 0);
  const name = `${first?.title ?? '订单'}${first?.specText ? ` ${first.specText}` : ''}`;
  const suffix = order.lines.length > 1 || units > 1 ? ` 等${units}件` : '';
  return `${name.slice(0, MAX_DESCRIPTION_LENGTH - suffix.length)}${suffix}`;
}

/**
 * The sandbox cashier the H5 build opens instead of `wx.requestPayment`, returning to the H5 result page;
 * only while WeChat Pay is the local sandbox (real WeChat Pay has no such page).
 */
function sandboxCashierUrl(deps: CommerceDependencies, orderNo: string, prepayId: string): string | undefined {
  const { apiBaseUrl } = deps.config.wechatPay;
  if (!deps.config.sandbox || !isSandboxUrl(apiBaseUrl) || !apiBaseUrl.endsWith(WECHATPAY_PREFIX)) return undefined;
  const returnUrl = `${deps.config.publicApiUrl}${H5_PAY_RESULT_PATH}?orderNo=${orderNo}`;
  const query = new URLSearchParams({ prepay_id: prepayId, return_url: returnUrl });
  return `${apiBaseUrl.slice(0, -WECHATPAY_PREFIX.length)}/__sandbox/wechatpay/cashier?${query}`;
}

/**
 * JSAPI prepay for an unpaid order: out_trade_no is the order number, time_expire the payment deadline.
 * Asking again places the very same order (same parameters), which WeChat Pay answers with the same prepay
 * id, so a shopper returning to pay reuses it; the signed `wx.requestPayment` parameters are fresh each time.
 */
export async function prepayOrder(deps: CommerceDependencies, order: OrderRecord, log: Logger): Promise<PrepayReply> {
  const now = deps.now();
  if (order.status !== 'pending_payment') throw new AppError('ORDER_STATUS_CONFLICT', { details: { status: order.status } });
  if (order.payDeadline.getTime() <= now.getTime()) {
    throw new AppError('ORDER_STATUS_CONFLICT', { message: '订单已超时未支付，请重新下单', details: { status: order.status } });
  }
  // Without credentials no order can reach WeChat Pay: refuse before marking this one as known there.
  const missing = missingWechatPaySettings({ ...deps.config.wechatPay, appId: deps.config.wechat.appId ?? '' });
  if (missing.length > 0) throw platformNotConfigured('wechatpay', missing);
  // Every paid customer has a guide to add: one is assigned now if the shopper had none at checkout.
  const attributed = await attributeAtPayment(deps, order, log);
  // Recorded before asking: from now on WeChat Pay may know this order, so expiry must query and close it.
  await deps.orders.Order.updateOne({ _id: order._id, prepayRequestedAt: { $exists: false } }, { $set: { prepayRequestedAt: now } });
  let prepay;
  try {
    prepay = await deps.wechatPay.prepayJsapi({
      description: paymentDescription(order),
      outTradeNo: order.orderNo,
      notifyUrl: notifyUrl(deps),
      amountFen: order.payableFen,
      payerOpenid: order.payerOpenid,
      timeExpire: order.payDeadline,
    });
  } catch (error) {
    // Paid already (the notification is on its way): take the payment in now and tell the shopper.
    if (platformCode(error) === 'ORDERPAID') {
      await refreshPayment(deps, order, log);
      throw new AppError('ORDER_STATUS_CONFLICT', { message: '订单已支付', details: { status: 'paid' } });
    }
    // Closed by a cancel or the expiry sweeper a moment ago.
    if (platformCode(error) === 'ORDER_CLOSED')
      throw new AppError('ORDER_STATUS_CONFLICT', { message: '订单已关闭', details: { status: 'cancelled' } });
    throw error;
  }
  if (order.prepayId !== prepay.prepayId) {
    await deps.orders.Order.updateOne({ _id: order._id }, { $set: { prepayId: prepay.prepayId } });
  }
  // WeChat Pay knows the order now and it cannot be paid before this reply reaches the shopper.
  await assignSmartGuide(deps, attributed, log);
  const cashierUrl = sandboxCashierUrl(deps, order.orderNo, prepay.prepayId);
  return {
    orderNo: order.orderNo,
    payableFen: order.payableFen,
    payDeadline: order.payDeadline.toISOString(),
    requestPayment: prepay.requestPayment,
    ...(cashierUrl !== undefined && { cashierUrl }),
  };
}

export type PaymentOutcome = 'paid' | 'already_paid' | 'refunded_cancelled_order' | 'anomaly' | 'not_paid';

async function recordAnomaly(
  deps: CommerceDependencies,
  kind: PaymentAnomalyKind,
  transaction: WechatPayTransaction,
  source: PaymentSource,
  expectedFen: number | undefined,
  log: Logger,
): Promise<PaymentOutcome> {
  const now = deps.now();
  log.error(
    {
      anomaly: kind,
      outTradeNo: transaction.outTradeNo,
      transactionId: transaction.transactionId,
      expectedFen,
      receivedFen: transaction.amount.totalFen,
      source,
    },
    'WeChat Pay payment not applied: it does not match the order',
  );
  await deps.payments.PaymentAnomaly.updateOne(
    { _id: `${kind}:${transaction.outTradeNo}:${transaction.transactionId ?? ''}` },
    {
      $setOnInsert: {
        kind,
        outTradeNo: transaction.outTradeNo,
        ...(transaction.transactionId !== undefined && { transactionId: transaction.transactionId }),
        ...(expectedFen !== undefined && { expectedFen }),
        receivedFen: transaction.amount.totalFen,
        source,
        firstSeenAt: now,
      },
      $set: { lastSeenAt: now },
      $inc: { occurrences: 1 },
    },
    { upsert: true },
  );
  return 'anomaly';
}

/**
 * Applies a WeChat Pay transaction, from a verified notification or a query: the one path both take. In the
 * order the protocol requires: a successful trade for a known order for exactly its payable amount → the
 * payment recorded under its unique transaction id → the guarded pending→paid transition, whose winner alone
 * moves the stock from reserved to sold. A payment for an order that was cancelled meanwhile is refunded in
 * full, once. Anything that does not add up is kept as an anomaly and changes no order.
 */
export async function applyTransaction(
  deps: CommerceDependencies,
  transaction: WechatPayTransaction,
  source: PaymentSource,
  log: Logger,
): Promise<PaymentOutcome> {
  if (transaction.tradeState !== 'SUCCESS') return 'not_paid';
  const order = await deps.orders.Order.findOne({ orderNo: transaction.outTradeNo }).lean<OrderRecord>();
  if (order === null) return recordAnomaly(deps, 'unknown_order', transaction, source, undefined, log);
  if (transaction.amount.totalFen !== order.payableFen)
    return recordAnomaly(deps, 'amount_mismatch', transaction, source, order.payableFen, log);
  const { transactionId } = transaction;
  if (transactionId === undefined) return recordAnomaly(deps, 'missing_transaction_id', transaction, source, order.payableFen, log);

  const paidAt = transaction.successTime ?? deps.now();
  try {
    await deps.payments.Payment.create({
      transactionId,
      orderNo: order.orderNo,
      orderId: order._id,
      amountFen: transaction.amount.totalFen,
      ...(transaction.payerOpenid !== undefined && { payerOpenid: transaction.payerOpenid }),
      paidAt,
      source,
      recordedAt: deps.now(),
    });
  } catch (error) {
    // Recorded by an earlier delivery (or the query path): carry on, the transition below is guarded too.
    if (!isDuplicateKeyError(error)) throw error;
  }

  if (order.status === 'pending_payment') {
    const paid = await transitionOrder(deps.orders.Order, order, 'pay', {
      actor: { type: 'wechatpay', id: transactionId },
      at: deps.now(),
      set: { payment: { transactionId, amountFen: transaction.amount.totalFen, paidAt }, stock: 'sold' },
    });
    if (paid !== null) {
      await confirmSoldStock(
        deps.catalog,
        paid.lines.map((line) => ({ skuId: line.skuId, quantity: line.quantity })),
      );
      await rollUpPaidOrder(deps, paid, log);
      log.info({ orderNo: order.orderNo, transactionId, source }, 'order paid');
      return 'paid';
    }
  }
  const current = await deps.orders.Order.findById(order._id).lean<OrderRecord>();
  if (current?.payment?.transactionId === transactionId) return 'already_paid';
  if (current?.status === 'cancelled') {
    await refundCancelledOrderPayment(deps, current, transactionId, transaction.amount.totalFen, log);
    return 'refunded_cancelled_order';
  }
  // Paid under another transaction id (WeChat Pay takes one payment per out_trade_no, so this is for people to look at).
  return recordAnomaly(deps, 'second_transaction', transaction, source, order.payableFen, log);
}

/** `R` + order number + `-auto`: the same number however often the late payment is reported, so WeChat Pay refunds once. */
export function autoRefundNumber(orderNo: string): string {
  return `R${orderNo}-auto`;
}

/** A payment arrived for an order already cancelled (paid in its last second): refund it in full, exactly once. */
async function refundCancelledOrderPayment(
  deps: CommerceDependencies,
  order: OrderRecord,
  transactionId: string,
  amountFen: number,
  log: Logger,
): Promise<void> {
  const outRefundNo = autoRefundNumber(order.orderNo);
  const recorded = await recordPendingRefund(deps, {
    outRefundNo,
    kind: 'cancelled_order_paid',
    orderNo: order.orderNo,
    orderId: order._id,
    transactionId,
    refundFen: amountFen,
    totalFen: amountFen,
    reason: '订单已取消，自动退款',
  });
  if (recorded) log.warn({ orderNo: order.orderNo, transactionId, outRefundNo }, 'payment for a cancelled order: refunding it in full');
  await requestRefund(deps, outRefundNo, log);
}

/**
 * Stores a refund to ask WeChat Pay for, `pending`. Its number is unique, so a repeat finds the refund already
 * stored: true if this call stored it, false if it was there.
 */
export async function recordPendingRefund(
  deps: CommerceDependencies,
  refund: Pick<
    RefundRecord,
    'outRefundNo' | 'kind' | 'orderNo' | 'orderId' | 'transactionId' | 'refundFen' | 'totalFen' | 'reason' | 'afterSaleId'
  >,
): Promise<boolean> {
  const now = deps.now();
  try {
    await deps.payments.Refund.create({ ...refund, status: 'pending', createdAt: now, updatedAt: now });
    return true;
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    return false;
  }
}

/** How long one caller may be asking WeChat Pay for a refund before another may try again. */
const REFUND_REQUEST_LEASE_MS = 30_000;

const refundStatusOf: Record<WechatPayRefundResource['refundStatus'], RefundRecordStatus> = {
  SUCCESS: 'succeeded',
  PROCESSING: 'processing',
  CLOSED: 'closed',
  ABNORMAL: 'abnormal',
};

/**
 * Asks WeChat Pay for a refund still `pending`, unless another caller is asking right now (a lease). The
 * refund number makes WeChat Pay refund once even if two callers ever both ask.
 */
export async function requestRefund(deps: CommerceDependencies, outRefundNo: string, log: Logger): Promise<void> {
  const now = deps.now();
  const refund = await deps.payments.Refund.findOneAndUpdate(
    { outRefundNo, status: 'pending', $or: [{ requestLeaseUntil: { $exists: false } }, { requestLeaseUntil: { $lte: now } }] },
    { $set: { requestLeaseUntil: new Date(now.getTime() + REFUND_REQUEST_LEASE_MS) } },
    { returnDocument: 'after' },
  ).lean<RefundRecord>();
  if (refund === null) return;
  try {
    const accepted = await deps.wechatPay.refund({
      outTradeNo: refund.orderNo,
      outRefundNo,
      reason: refund.reason,
      notifyUrl: notifyUrl(deps),
      refundFen: refund.refundFen,
      totalFen: refund.totalFen,
    });
    const status = refundStatusOf[accepted.status];
    await deps.payments.Refund.updateOne(
      { outRefundNo, status: 'pending' },
      {
        $set: {
          status,
          refundId: accepted.refundId,
          updatedAt: deps.now(),
          ...(status === 'succeeded' && { succeededAt: accepted.successTime ?? deps.now() }),
        },
        $unset: { requestLeaseUntil: 1 },
      },
    );
    log.info({ outRefundNo, status }, 'refund requested from WeChat Pay');
  } catch (error) {
    await deps.payments.Refund.updateOne({ outRefundNo, status: 'pending' }, { $unset: { requestLeaseUntil: 1 } });
    throw error;
  }
  // WeChat Pay may answer with the final state at once (no notification needed to settle it).
  await settleRefundNumber(deps, outRefundNo, log);
}

/** A `REFUND.*` notification: the refund's final state. Refunds this API did not ask for are only logged. */
async function applyRefundNotification(deps: CommerceDependencies, resource: WechatPayRefundResource, log: Logger): Promise<void> {
  const status = refundStatusOf[resource.refundStatus];
  // An abnormal refund is not final: redirected in WeChat Pay (merchant platform or apply-abnormal-refund), it succeeds.
  const updated = await deps.payments.Refund.updateOne(
    { outRefundNo: resource.outRefundNo, status: { $in: ['pending', 'processing', 'abnormal'] } },
    {
      $set: {
        status,
        refundId: resource.refundId,
        updatedAt: deps.now(),
        ...(status === 'succeeded' && { succeededAt: resource.successTime ?? deps.now() }),
      },
      $unset: { requestLeaseUntil: 1 },
    },
  );
  if (updated.matchedCount === 0 && (await deps.payments.Refund.exists({ outRefundNo: resource.outRefundNo })) === null) {
    log.warn(
      { outRefundNo: resource.outRefundNo, status: resource.refundStatus },
      'refund notification for a refund this API did not request',
    );
    return;
  }
  log.info({ outRefundNo: resource.outRefundNo, status }, 'refund notification');
  // Also when an earlier delivery already recorded it: settling is idempotent and finishes what a crash may have cut short.
  await settleRefundNumber(deps, resource.outRefundNo, log);
}

/** A notification that passed verification (signature, timestamp, decryption, our merchant and app). */
export async function applyNotification(deps: CommerceDependencies, notification: WechatPayNotification, log: Logger): Promise<void> {
  if (notification.eventType === 'TRANSACTION.SUCCESS') {
    const outcome = await applyTransaction(deps, notification.resource, 'notification', log);
    log.info({ notificationId: notification.id, orderNo: notification.resource.outTradeNo, outcome }, 'payment notification');
    return;
  }
  await applyRefundNotification(deps, notification.resource, log);
}

/**
 * Asks WeChat Pay about an unpaid order it may know (a prepay was requested) and applies a payment it
 * reports, exactly as a notification would. Returns the order as it is afterwards.
 */
export async function refreshPayment(deps: CommerceDependencies, order: OrderRecord, log: Logger): Promise<OrderRecord> {
  if (order.status !== 'pending_payment' || order.prepayRequestedAt === undefined) return order;
  const transaction = await deps.wechatPay.queryByOutTradeNo(order.orderNo);
  if (transaction?.tradeState !== 'SUCCESS') return order;
  await applyTransaction(deps, transaction, 'query', log);
  return (await deps.orders.Order.findById(order._id).lean<OrderRecord>()) ?? order;
}

/**
 * The result page's poll: an order still unpaid is checked with WeChat Pay first, so the page converges
 * even before (or without) the notification. WeChat Pay being unreachable only means the local state is shown.
 */
export async function paymentStatus(deps: CommerceDependencies, order: OrderRecord, log: Logger): Promise<PaymentStatusReply> {
  let current = order;
  try {
    current = await refreshPayment(deps, order, log);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    log.warn({ err: error, orderNo: order.orderNo }, 'could not query WeChat Pay for the payment; showing the stored state');
  }
  const view = toOrderView(deps.images, current);
  return {
    orderNo: view.orderNo,
    status: view.status,
    paid: current.payment !== undefined,
    payableFen: view.pricing.payableFen,
    payDeadline: view.payDeadline,
    payment: view.payment,
  };
}

/**
 * Closes the order on WeChat Pay, so it can no longer be paid. An order WeChat Pay never saw needs no
 * closing. Returns false when it was paid meanwhile (WeChat Pay refuses to close a paid order).
 */
export async function closeWechatOrder(deps: CommerceDependencies, orderNo: string): Promise<boolean> {
  try {
    await deps.wechatPay.close(orderNo);
    return true;
  } catch (error) {
    const code = platformCode(error);
    if (code === 'ORDER_NOT_EXIST') return true;
    if (code === 'ORDERPAID') return false;
    throw error;
  }
}
