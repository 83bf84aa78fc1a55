import type { QueryFilter, Types } from 'mongoose';
import type { Logger } from 'pino';
import {
  afterSaleStatusesMatching,
  formatFen,
  MAX_AFTER_SALES_PER_ORDER,
  isOpenAfterSaleStatus,
  type AdminAfterSaleListQuery,
  type AdminAfterSaleReply,
  type AfterSale,
  type AfterSaleEvent,
  type AfterSaleListQuery,
  type AfterSaleListReply,
  type ApproveAfterSaleRequest,
  type CreateAfterSaleRequest,
  type OrderActor,
  type OrderAfterSalesReply,
  type ReturnShipmentRequest,
} from '@mall/shared';
import { isDuplicateKeyError } from '../db/errors.ts';
import { AppError } from '../http/errors.ts';
import type { CommerceDependencies } from '../orders/dependencies.ts';
import type { OrderRecord } from '../orders/models.ts';
import { transitionOrder } from '../orders/transitions.ts';
import { toOrderView } from '../orders/views.ts';
import type { RefundRecord } from '../payments/models.ts';
import { findOwnOrder, recordPendingRefund, requestRefund } from '../payments/service.ts';
import { orderRefundRecords, toRefundView } from '../payments/views.ts';
import type { AfterSaleLineRecord, AfterSaleRecord } from './models.ts';
import { finishClosedAfterSale, orderRefundTotals, refundableOf } from './settlement.ts';
import { AfterSaleTransitionError, transitionAfterSale, type AfterSaleTransitionInput } from './state-machine.ts';
import { toAfterSaleSummary, toAfterSaleView } from './views.ts';

/** Orders a shopper may ask after-sales for: paid (not yet shipped), shipped, completed. */
const REQUESTABLE_ORDER_STATUSES: readonly OrderRecord['status'][] = ['paid', 'shipped', 'completed'];
/** A request's refund may be tried this often (a closed or abnormal refund is retried under a new number). */
export const MAX_REFUND_ATTEMPTS = 3;
/** WeChat Pay's refund reason: at most 80 characters. */
const MAX_WECHAT_REFUND_REASON = 80;
/** Moving the order to `refunding` is retried when the order changes state meanwhile (shipped, received). */
const ORDER_TRANSITION_TRIES = 5;

/**
 * The refund number of a request's attempt: `R<afterSaleNo>` (`R<orderNo>-<n>`), then `-2`, `-3` for retries. The
 * same attempt always has the same number, so however often it is asked for, WeChat Pay refunds it once.
 */
export function refundNumber(afterSaleNo: string, attempt: number): string {
  return attempt === 1 ? `R${afterSaleNo}` : `R${afterSaleNo}-${attempt}`;
}

const statusConflict = (status: string) => new AppError('AFTER_SALE_STATUS_CONFLICT', { details: { status } });
const notFound = () => new AppError('NOT_FOUND', { message: '售后单不存在' });

function shopperActor(shopperId: Types.ObjectId): OrderActor {
  return { type: 'shopper', id: shopperId.toHexString() };
}

/** A guarded transition that must win: a request no longer in a state allowing it is a 409 for the caller. */
async function mustTransition(
  deps: CommerceDependencies,
  afterSale: AfterSaleRecord,
  event: AfterSaleEvent,
  input: AfterSaleTransitionInput,
): Promise<AfterSaleRecord> {
  let moved: AfterSaleRecord | null;
  try {
    moved = await transitionAfterSale(deps.afterSales, afterSale, event, input);
  } catch (error) {
    if (error instanceof AfterSaleTransitionError) throw statusConflict(afterSale.status);
    throw error;
  }
  if (moved === null) {
    const current = await deps.afterSales.findById(afterSale._id, { status: 1 }).lean<Pick<AfterSaleRecord, 'status'>>();
    throw statusConflict(current?.status ?? afterSale.status);
  }
  return moved;
}

async function currentRefund(deps: CommerceDependencies, afterSale: AfterSaleRecord): Promise<RefundRecord | null> {
  if (afterSale.outRefundNo === undefined) return null;
  return deps.payments.Refund.findOne({ outRefundNo: afterSale.outRefundNo }).lean<RefundRecord>();
}

async function viewOf(deps: CommerceDependencies, afterSale: AfterSaleRecord): Promise<AfterSale> {
  return toAfterSaleView(deps.images, afterSale, await currentRefund(deps, afterSale));
}

/** A page of requests with each one's current refund, read in one query. */
async function pageOf(
  deps: CommerceDependencies,
  filter: QueryFilter<AfterSaleRecord>,
  page: number,
  pageSize: number,
): Promise<AfterSaleListReply> {
  const [total, afterSales] = await Promise.all([
    deps.afterSales.countDocuments(filter),
    deps.afterSales
      .find(filter, { history: 0 })
      .sort({ createdAt: -1, _id: -1 })
      .skip((page - 1) * pageSize)
      .limit(pageSize)
      .lean<AfterSaleRecord[]>(),
  ]);
  const numbers = afterSales.flatMap((afterSale) => (afterSale.outRefundNo === undefined ? [] : [afterSale.outRefundNo]));
  const refunds = numbers.length === 0 ? [] : await deps.payments.Refund.find({ outRefundNo: { $in: numbers } }).lean<RefundRecord[]>();
  const byNumber = new Map(refunds.map((refund) => [refund.outRefundNo, refund]));
  const items = afterSales.map((afterSale) =>
    toAfterSaleSummary(deps.images, afterSale, afterSale.outRefundNo === undefined ? null : (byNumber.get(afterSale.outRefundNo) ?? null)),
  );
  return { items, total, page, pageSize };
}

/** Quantities per SKU already returned by refunded requests of the order. */
function returnedQuantities(
  earlier: readonly AfterSaleRecord[],
  pick: (afterSale: AfterSaleRecord) => readonly { skuId: Types.ObjectId; quantity: number }[],
) {
  const returned = new Map<string, number>();
  for (const afterSale of earlier) {
    if (afterSale.status !== 'refunded') continue;
    for (const line of pick(afterSale))
      returned.set(line.skuId.toHexString(), (returned.get(line.skuId.toHexString()) ?? 0) + line.quantity);
  }
  return returned;
}

function badInput(path: (string | number)[], message: string): AppError {
  return new AppError('VALIDATION_FAILED', { message, details: [{ in: 'body', path, code: 'custom', message }] });
}

/** The request's lines, checked against the order: its SKUs, at most what was bought and not yet returned. */
function requestLines(
  order: OrderRecord,
  earlier: readonly AfterSaleRecord[],
  input: CreateAfterSaleRequest['lines'],
): AfterSaleLineRecord[] {
  if (input === undefined) return [];
  const returned = returnedQuantities(earlier, (afterSale) => afterSale.lines);
  return input.map((line, index) => {
    const bought = order.lines.filter((orderLine) => orderLine.skuId.toHexString() === line.skuId);
    const [first] = bought;
    if (first === undefined) throw badInput(['lines', index, 'skuId'], '该商品不在订单中');
    const left = bought.reduce((sum, orderLine) => sum + orderLine.quantity, 0) - (returned.get(line.skuId) ?? 0);
    if (line.quantity > left) throw badInput(['lines', index, 'quantity'], `该商品最多可申请 ${Math.max(0, left)} 件`);
    return {
      skuId: first.skuId,
      productId: first.productId,
      title: first.title,
      specText: first.specText,
      ...(first.imageId !== undefined && { imageId: first.imageId }),
      quantity: line.quantity,
    };
  });
}

/** Why no new request can be made for the order now, or null. */
function blockerOf(order: OrderRecord, afterSales: readonly AfterSaleRecord[], refundableFen: number): OrderAfterSalesReply['blockedBy'] {
  if (afterSales.some((afterSale) => afterSale.open)) return 'open_request';
  if (!REQUESTABLE_ORDER_STATUSES.includes(order.status) || order.payment === undefined) return 'order_status';
  if (afterSales.length >= MAX_AFTER_SALES_PER_ORDER) return 'limit_reached';
  if (refundableFen <= 0) return 'nothing_refundable';
  return null;
}

const blockerErrors = {
  open_request: () => new AppError('AFTER_SALE_ALREADY_OPEN'),
  order_status: (order: OrderRecord) => new AppError('AFTER_SALE_NOT_ALLOWED', { details: { status: order.status } }),
  limit_reached: () => new AppError('AFTER_SALE_LIMIT_REACHED', { details: { limit: MAX_AFTER_SALES_PER_ORDER } }),
  nothing_refundable: () => new AppError('REFUND_AMOUNT_EXCEEDED', { message: '该订单已无可退金额', details: { refundableFen: 0 } }),
} as const;

/** The shopper's view of an order's after-sales: its requests, what is still refundable, whether a new request can be made. */
export async function orderAfterSales(
  deps: CommerceDependencies,
  shopperId: Types.ObjectId,
  orderNo: string,
): Promise<OrderAfterSalesReply> {
  const order = await findOwnOrder(deps, shopperId, orderNo);
  const [afterSales, totals] = await Promise.all([
    deps.afterSales.find({ orderId: order._id }).sort({ sequence: -1 }).lean<AfterSaleRecord[]>(),
    orderRefundTotals(deps, order.orderNo),
  ]);
  const refundableFen = refundableOf(order, totals);
  const numbers = afterSales.flatMap((afterSale) => (afterSale.outRefundNo === undefined ? [] : [afterSale.outRefundNo]));
  const refunds = numbers.length === 0 ? [] : await deps.payments.Refund.find({ outRefundNo: { $in: numbers } }).lean<RefundRecord[]>();
  const byNumber = new Map(refunds.map((refund) => [refund.outRefundNo, refund]));
  return {
    orderNo: order.orderNo,
    orderStatus: order.status,
    payableFen: order.payableFen,
    refundableFen,
    blockedBy: blockerOf(order, afterSales, refundableFen),
    lines: toOrderView(deps.images, order).lines,
    items: afterSales.map((afterSale) =>
      toAfterSaleSummary(
        deps.images,
        afterSale,
        afterSale.outRefundNo === undefined ? null : (byNumber.get(afterSale.outRefundNo) ?? null),
      ),
    ),
  };
}

/**
 * Moves the order into `refunding` for the new request. The order may change state meanwhile between states
 * that all allow a request (shipped, received), so the guarded transition is retried on a fresh read.
 */
async function holdOrder(deps: CommerceDependencies, orderId: Types.ObjectId, actor: OrderActor, afterSaleNo: string): Promise<boolean> {
  for (let attempt = 0; attempt < ORDER_TRANSITION_TRIES; attempt += 1) {
    const order = await deps.orders.Order.findById(orderId).lean<OrderRecord>();
    if (order === null || !REQUESTABLE_ORDER_STATUSES.includes(order.status)) return false;
    const moved = await transitionOrder(deps.orders.Order, order, 'request_refund', {
      actor,
      reason: `售后申请 ${afterSaleNo}`,
      at: deps.now(),
    });
    if (moved !== null) return true;
  }
  return false;
}

/**
 * A shopper's new request. Checked against the order (state, open request, what is refundable, the lines), then
 * written as `open`: a unique partial index lets only one open request per order exist, so of duplicate taps
 * racing exactly one is created. The order then moves to `refunding`; if it cannot (it was refunded meanwhile)
 * the request is withdrawn again.
 */
export async function createAfterSale(
  deps: CommerceDependencies,
  shopperId: Types.ObjectId,
  input: CreateAfterSaleRequest,
  log: Logger,
): Promise<AfterSale> {
  const order = await findOwnOrder(deps, shopperId, input.orderNo);
  const [earlier, totals] = await Promise.all([
    deps.afterSales.find({ orderId: order._id }).lean<AfterSaleRecord[]>(),
    orderRefundTotals(deps, order.orderNo),
  ]);
  const refundableFen = refundableOf(order, totals);
  const blocker = blockerOf(order, earlier, refundableFen);
  if (blocker !== null) throw blockerErrors[blocker](order);
  if (input.refundFen > refundableFen) throw new AppError('REFUND_AMOUNT_EXCEEDED', { details: { refundableFen } });
  const lines = requestLines(order, earlier, input.lines);
  const imageIds = input.imageIds ?? [];
  for (const [index, id] of imageIds.entries()) {
    if (!(await deps.images.has(id))) throw badInput(['imageIds', index], '图片不存在，请重新上传');
  }

  const sequence = earlier.reduce((max, afterSale) => Math.max(max, afterSale.sequence), 0) + 1;
  const afterSaleNo = `${order.orderNo}-${sequence}`;
  const actor = shopperActor(shopperId);
  const now = deps.now();
  let created: AfterSaleRecord;
  try {
    const document = await deps.afterSales.create({
      afterSaleNo,
      orderId: order._id,
      orderNo: order.orderNo,
      shopperId,
      sequence,
      kind: input.kind,
      status: 'requested',
      open: true,
      reason: input.reason,
      description: input.description ?? '',
      imageIds,
      requestedFen: input.refundFen,
      lines,
      restockLines: [],
      refundAttempts: 0,
      history: [{ event: 'requested', from: null, to: 'requested', at: now, actor }],
      createdAt: now,
      updatedAt: now,
    });
    created = document.toObject();
  } catch (error) {
    // Another request for the order was made a moment ago (the one-open-per-order or the sequence index).
    if (isDuplicateKeyError(error)) throw new AppError('AFTER_SALE_ALREADY_OPEN');
    throw error;
  }

  if (!(await holdOrder(deps, order._id, actor, afterSaleNo))) {
    await deps.afterSales.deleteOne({ _id: created._id, status: 'requested' });
    const current = await deps.orders.Order.findById(order._id, { status: 1 }).lean<Pick<OrderRecord, 'status'>>();
    throw new AppError('AFTER_SALE_NOT_ALLOWED', { details: { status: current?.status ?? order.status } });
  }
  // Closed before the order followed (a cancel in the same instant): the order goes back. If that close already let go
  // of the order, the `refunding` just set is still this request's (no other could hold the order meanwhile).
  const after = await deps.afterSales.findById(created._id).lean<AfterSaleRecord>();
  if (after !== null && !isOpenAfterSaleStatus(after.status)) {
    if (after.open) await finishClosedAfterSale(deps, after._id, log);
    else {
      const held = await deps.orders.Order.findById(order._id).lean<OrderRecord>();
      if (held?.status === 'refunding')
        await transitionOrder(deps.orders.Order, held, 'refund_rejected', { actor, reason: `售后 ${afterSaleNo} 已撤销`, at: deps.now() });
    }
  }
  log.info({ afterSaleNo, orderNo: order.orderNo, kind: input.kind, refundFen: input.refundFen }, 'after-sales request made');
  return viewOf(deps, after ?? created);
}

export async function listShopperAfterSales(
  deps: CommerceDependencies,
  shopperId: Types.ObjectId,
  query: Required<Pick<AfterSaleListQuery, 'page' | 'pageSize'>> & AfterSaleListQuery,
): Promise<AfterSaleListReply> {
  const filter: QueryFilter<AfterSaleRecord> = {
    shopperId,
    ...(query.status !== undefined && { status: { $in: afterSaleStatusesMatching(query.status) } }),
  };
  return pageOf(deps, filter, query.page, query.pageSize);
}

async function findOwnAfterSale(deps: CommerceDependencies, shopperId: Types.ObjectId, afterSaleNo: string): Promise<AfterSaleRecord> {
  const afterSale = await deps.afterSales.findOne({ afterSaleNo, shopperId }).lean<AfterSaleRecord>();
  if (afterSale === null) throw notFound();
  return afterSale;
}

export async function getShopperAfterSale(deps: CommerceDependencies, shopperId: Types.ObjectId, afterSaleNo: string): Promise<AfterSale> {
  return viewOf(deps, await findOwnAfterSale(deps, shopperId, afterSaleNo));
}

/** The shopper withdraws a request not yet approved for refund (or approved for a return not yet sent). */
export async function cancelAfterSale(
  deps: CommerceDependencies,
  shopperId: Types.ObjectId,
  afterSaleNo: string,
  log: Logger,
): Promise<AfterSale> {
  const afterSale = await findOwnAfterSale(deps, shopperId, afterSaleNo);
  const cancelled = await mustTransition(deps, afterSale, 'cancel', {
    actor: shopperActor(shopperId),
    at: deps.now(),
    reason: '买家撤销申请',
  });
  await finishClosedAfterSale(deps, cancelled._id, log);
  return getShopperAfterSale(deps, shopperId, afterSaleNo);
}

/** The shopper sent the goods back: carrier and tracking number, for the merchant to look out for. */
export async function shipReturn(
  deps: CommerceDependencies,
  shopperId: Types.ObjectId,
  afterSaleNo: string,
  input: ReturnShipmentRequest,
): Promise<AfterSale> {
  const afterSale = await findOwnAfterSale(deps, shopperId, afterSaleNo);
  const at = deps.now();
  const shipped = await mustTransition(deps, afterSale, 'ship_return', {
    actor: shopperActor(shopperId),
    at,
    reason: `${input.carrier} ${input.trackingNo}`,
    set: { returnShipment: { carrier: input.carrier, trackingNo: input.trackingNo, shippedAt: at } },
  });
  return viewOf(deps, shipped);
}

// --- Merchant --------------------------------------------------------------------------------------

/** A merchant's step on the request: the guarded transition, recorded as `staffId`'s, now. */
function staffTransition(
  deps: CommerceDependencies,
  staffId: Types.ObjectId,
  afterSale: AfterSaleRecord,
  event: AfterSaleEvent,
  change: Pick<AfterSaleTransitionInput, 'reason' | 'set'>,
): Promise<AfterSaleRecord> {
  return mustTransition(deps, afterSale, event, { actor: { type: 'staff', id: staffId.toHexString() }, at: deps.now(), ...change });
}

/** What a step that requests a refund writes: which attempt it is and that attempt's out_refund_no. */
function refundAttempt(afterSaleNo: string, attempt: number): Pick<AfterSaleRecord, 'refundAttempts' | 'outRefundNo'> {
  return { refundAttempts: attempt, outRefundNo: refundNumber(afterSaleNo, attempt) };
}

async function findAfterSale(deps: CommerceDependencies, afterSaleNo: string): Promise<AfterSaleRecord> {
  const afterSale = await deps.afterSales.findOne({ afterSaleNo }).lean<AfterSaleRecord>();
  if (afterSale === null) throw notFound();
  return afterSale;
}

async function orderOf(deps: CommerceDependencies, afterSale: AfterSaleRecord): Promise<OrderRecord> {
  const order = await deps.orders.Order.findById(afterSale.orderId).lean<OrderRecord>();
  if (order === null) throw new Error(`after-sales request ${afterSale.afterSaleNo} has no order`);
  return order;
}

export async function listAdminAfterSales(
  deps: CommerceDependencies,
  query: Required<Pick<AdminAfterSaleListQuery, 'page' | 'pageSize'>> & AdminAfterSaleListQuery,
): Promise<AfterSaleListReply> {
  const filter: QueryFilter<AfterSaleRecord> = {
    ...(query.status !== undefined && { status: { $in: afterSaleStatusesMatching(query.status) } }),
    ...(query.kind !== undefined && { kind: query.kind }),
    ...(query.orderNo !== undefined && { orderNo: query.orderNo }),
  };
  return pageOf(deps, filter, query.page, query.pageSize);
}

export async function getAdminAfterSale(deps: CommerceDependencies, afterSaleNo: string): Promise<AdminAfterSaleReply> {
  const afterSale = await findAfterSale(deps, afterSaleNo);
  const order = await orderOf(deps, afterSale);
  const [refunds, totals] = await Promise.all([orderRefundRecords(deps, order.orderNo), orderRefundTotals(deps, order.orderNo)]);
  const view = toOrderView(deps.images, order);
  return {
    afterSale: toAfterSaleView(deps.images, afterSale, refunds.find((refund) => refund.outRefundNo === afterSale.outRefundNo) ?? null),
    order: {
      orderNo: order.orderNo,
      status: order.status,
      payableFen: order.payableFen,
      refundedFen: totals.refundedFen,
      refundableFen: refundableOf(order, totals),
      lines: view.lines,
      paidAt: view.payment?.paidAt ?? null,
      shipping: view.shipping,
      recipientName: order.address.recipientName,
      phone: order.address.phone,
    },
    refunds: refunds.map(toRefundView),
  };
}

/**
 * The goods the approval returns to stock: the request's lines, or, when it names none, every line of the order;
 * either way no more of a SKU than the order bought less what earlier requests already put back (a request naming
 * lines may follow one for the whole order).
 */
function restockLinesOf(
  order: OrderRecord,
  afterSale: AfterSaleRecord,
  earlier: readonly AfterSaleRecord[],
): AfterSaleRecord['restockLines'] {
  const restocked = returnedQuantities(earlier, (other) => (other.restockedAt === undefined ? [] : other.restockLines));
  const left = new Map<string, number>();
  for (const line of order.lines) left.set(line.skuId.toHexString(), (left.get(line.skuId.toHexString()) ?? 0) + line.quantity);
  for (const [key, quantity] of restocked) left.set(key, (left.get(key) ?? 0) - quantity);
  const wanted = afterSale.lines.length > 0 ? afterSale.lines : order.lines;
  const lines: AfterSaleRecord['restockLines'] = [];
  for (const line of wanted) {
    const key = line.skuId.toHexString();
    const quantity = Math.min(line.quantity, left.get(key) ?? 0);
    if (quantity <= 0) continue;
    left.set(key, (left.get(key) ?? 0) - quantity);
    lines.push({ skuId: line.skuId, quantity });
  }
  return lines;
}

/**
 * Records the refund of the request's current attempt (its number is deterministic and unique, so a repeat
 * finds the same record) and asks WeChat Pay for it. WeChat Pay being unreachable leaves it pending: the
 * reconciliation job asks again.
 */
export async function startRefund(deps: CommerceDependencies, afterSale: AfterSaleRecord, log: Logger): Promise<void> {
  const { outRefundNo, approvedFen } = afterSale;
  if (outRefundNo === undefined || approvedFen === undefined)
    throw new Error(`after-sales request ${afterSale.afterSaleNo} has no refund to start`);
  const order = await orderOf(deps, afterSale);
  if (order.payment === undefined) throw new Error(`order ${order.orderNo} of after-sales request ${afterSale.afterSaleNo} was never paid`);
  await recordPendingRefund(deps, {
    outRefundNo,
    kind: 'after_sale',
    afterSaleId: afterSale._id,
    orderNo: order.orderNo,
    orderId: order._id,
    transactionId: order.payment.transactionId,
    refundFen: approvedFen,
    totalFen: order.payment.amountFen,
    reason: `售后退款：${afterSale.reason}`.slice(0, MAX_WECHAT_REFUND_REASON),
  });
  try {
    await requestRefund(deps, outRefundNo, log);
  } catch (error) {
    log.warn({ err: error, outRefundNo }, 'could not ask WeChat Pay for the refund now; the reconciliation job asks again');
  }
}

/** Checks an amount the merchant approves (or retries) against the request and what the order can still refund. */
async function checkRefundable(deps: CommerceDependencies, order: OrderRecord, refundFen: number, requestedFen: number): Promise<void> {
  const refundableFen = refundableOf(order, await orderRefundTotals(deps, order.orderNo));
  if (refundFen > requestedFen) {
    throw new AppError('REFUND_AMOUNT_EXCEEDED', { message: '退款金额不能超过买家申请的金额', details: { requestedFen, refundableFen } });
  }
  if (refundFen > refundableFen) throw new AppError('REFUND_AMOUNT_EXCEEDED', { details: { requestedFen, refundableFen } });
}

/**
 * The merchant approves: the amount (at most what was asked and what is refundable) and whether the goods go back
 * into stock. A refund-only request is refunded at once; a return waits for the goods. Of racing approvals one
 * wins the guarded transition and only that one records and requests the refund.
 */
export async function approveAfterSale(
  deps: CommerceDependencies,
  staffId: Types.ObjectId,
  afterSaleNo: string,
  input: ApproveAfterSaleRequest,
  log: Logger,
): Promise<AdminAfterSaleReply> {
  const afterSale = await findAfterSale(deps, afterSaleNo);
  if (afterSale.status !== 'requested') throw statusConflict(afterSale.status);
  const order = await orderOf(deps, afterSale);
  // The order follows its request into refunding when the request is made; if that step was lost (the process
  // stopped in between) it is taken now, so an order refunded in full can never still be shipped or completed.
  if (order.status !== 'refunding' && !(await holdOrder(deps, order._id, { type: 'staff', id: staffId.toHexString() }, afterSaleNo))) {
    throw new AppError('AFTER_SALE_NOT_ALLOWED', { details: { status: order.status } });
  }
  await checkRefundable(deps, order, input.refundFen, afterSale.requestedFen);
  const earlier = await deps.afterSales.find({ orderId: order._id, _id: { $ne: afterSale._id } }).lean<AfterSaleRecord[]>();
  const decision = {
    approvedFen: input.refundFen,
    restock: input.restock,
    restockLines: input.restock ? restockLinesOf(order, afterSale, earlier) : [],
  };
  const reason = `同意退款 ${formatFen(input.refundFen)}${input.restock ? '，退回库存' : ''}`;
  if (afterSale.kind === 'return_and_refund') {
    await staffTransition(deps, staffId, afterSale, 'approve_return', { reason, set: decision });
  } else {
    const approved = await staffTransition(deps, staffId, afterSale, 'approve', {
      reason,
      set: { ...decision, ...refundAttempt(afterSaleNo, 1) },
    });
    await startRefund(deps, approved, log);
  }
  log.info({ afterSaleNo, refundFen: input.refundFen, restock: input.restock }, 'after-sales request approved');
  return getAdminAfterSale(deps, afterSaleNo);
}

export async function rejectAfterSale(
  deps: CommerceDependencies,
  staffId: Types.ObjectId,
  afterSaleNo: string,
  reason: string,
  log: Logger,
): Promise<AdminAfterSaleReply> {
  const afterSale = await findAfterSale(deps, afterSaleNo);
  const rejected = await staffTransition(deps, staffId, afterSale, 'reject', { reason, set: { rejectReason: reason } });
  await finishClosedAfterSale(deps, rejected._id, log);
  return getAdminAfterSale(deps, afterSaleNo);
}

/** The returned parcel arrived: the refund is requested now. */
export async function confirmReturnReceived(
  deps: CommerceDependencies,
  staffId: Types.ObjectId,
  afterSaleNo: string,
  log: Logger,
): Promise<AdminAfterSaleReply> {
  const afterSale = await findAfterSale(deps, afterSaleNo);
  const confirmed = await staffTransition(deps, staffId, afterSale, 'confirm_return', {
    reason: '商家确认收到退货',
    set: refundAttempt(afterSaleNo, 1),
  });
  await startRefund(deps, confirmed, log);
  return getAdminAfterSale(deps, afterSaleNo);
}

/** A refund WeChat Pay closed or reported abnormal is tried again under the next attempt's number. */
export async function retryRefund(
  deps: CommerceDependencies,
  staffId: Types.ObjectId,
  afterSaleNo: string,
  log: Logger,
): Promise<AdminAfterSaleReply> {
  const afterSale = await findAfterSale(deps, afterSaleNo);
  if (afterSale.status !== 'refund_failed') throw statusConflict(afterSale.status);
  if (afterSale.refundAttempts >= MAX_REFUND_ATTEMPTS) {
    throw new AppError('AFTER_SALE_LIMIT_REACHED', {
      message: '退款已重试多次，请联系微信支付处理',
      details: { limit: MAX_REFUND_ATTEMPTS },
    });
  }
  // An abnormal refund's money waits in WeChat Pay to be redirected under the same number; a new number would pay twice.
  if ((await currentRefund(deps, afterSale))?.status === 'abnormal') {
    throw new AppError('AFTER_SALE_STATUS_CONFLICT', {
      message: '微信支付退款异常，款项待处理：请在微信支付商户平台处理这笔退款，不能重新发起',
      details: { status: afterSale.status, refundStatus: 'abnormal' },
    });
  }
  const approvedFen = afterSale.approvedFen ?? afterSale.requestedFen;
  await checkRefundable(deps, await orderOf(deps, afterSale), approvedFen, approvedFen);
  const attempt = afterSale.refundAttempts + 1;
  const retried = await staffTransition(deps, staffId, afterSale, 'retry_refund', {
    reason: `重新发起退款（第 ${attempt} 次）`,
    set: refundAttempt(afterSaleNo, attempt),
  });
  await startRefund(deps, retried, log);
  return getAdminAfterSale(deps, afterSaleNo);
}
