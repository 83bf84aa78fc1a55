import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminAfterSaleReplySchema,
  afterSaleListReplySchema,
  afterSaleReplySchema,
  imageReplySchema,
  orderAfterSalesReplySchema,
  orderReplySchema,
  type AfterSale,
  type Order,
} from '@mall/shared';
import type { Database } from '../db/database.ts';
import { createLogger } from '../logger.ts';
import { commerceDependencies, type CommerceDependencies } from '../orders/dependencies.ts';
import { reconcilePayments } from '../payments/jobs.ts';
import { applyNotification, WECHATPAY_NOTIFY_PATH } from '../payments/service.ts';
import type { WechatPayNotification } from '../platform/wechat-pay/index.ts';
import type { StaffAccount } from '../staff/models.ts';
import { createStaffAccount, signIn } from '../testing/app.ts';
import { addTestProduct, createTestBuyer, stockOf, storedOrder, type TestBuyer, type TestProduct } from '../testing/commerce.ts';
import { startListeningApp, type ListeningApp } from '../testing/listening-app.ts';
import type { TestSandbox } from '../testing/sandbox.ts';
import { repairAfterSales } from './jobs.ts';
import { approveAfterSale, refundNumber } from './service.ts';

/**
 * After-sales end to end against the sandbox and a listening app: requests, approval, the WeChat Pay refund and its
 * REFUND.SUCCESS notification, partial refunds, returns, rejection and cancellation, failed refunds and retries,
 * restocking, and the races that must still apply everything once.
 */

let listening: ListeningApp;
let db: Database;
let testSandbox: TestSandbox;
let app: ListeningApp['app'];
let appUrl: string;
let deps: CommerceDependencies;
/** The same API, but WeChat Pay's notifications for refunds it requests go nowhere: the test delivers them. */
let heldDeps: CommerceDependencies;
let buyer: TestBuyer;
let operatorAuth: { Authorization: string };
let operatorId: StaffAccount['_id'];
const log = createLogger('silent');
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

const api = () => request(appUrl);

async function placeOrder(who: TestBuyer, skuId: string, quantity = 1): Promise<Order> {
  const response = await api()
    .post('/api/orders')
    .set(who.auth)
    .send({ items: [{ skuId, quantity }], addressId: who.addressId, idempotencyKey: randomUUID() });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return orderReplySchema.parse(response.body).order;
}

/** An order the shopper paid in the sandbox (prepay, pay, TRANSACTION.SUCCESS applied). */
async function paidOrder(who: TestBuyer, skuId: string, quantity = 1): Promise<Order> {
  const order = await placeOrder(who, skuId, quantity);
  expect((await api().post(`/api/orders/${order.orderNo}/pay`).set(who.auth)).status).toBe(200);
  const paid = await fetch(`${testSandbox.sandbox.url}/__sandbox/wechatpay/pay`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ out_trade_no: order.orderNo }),
  });
  const { delivery_id: deliveryId } = (await paid.json()) as { delivery_id: number };
  await testSandbox.sandbox.deliveries.waitFor((entry) => entry.id === deliveryId && entry.state !== 'pending');
  const after = await storedOrder(deps, order.orderNo);
  expect(after.status).toBe('paid');
  return orderReplySchema.parse((await api().get(`/api/orders/${order.orderNo}`).set(who.auth)).body).order;
}

async function requestAfterSale(who: TestBuyer, body: Record<string, unknown>): Promise<AfterSale> {
  const response = await api().post('/api/after-sales').set(who.auth).send(body);
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return afterSaleReplySchema.parse(response.body).afterSale;
}

async function shopperView(who: TestBuyer, afterSaleNo: string): Promise<AfterSale> {
  return afterSaleReplySchema.parse((await api().get(`/api/after-sales/${afterSaleNo}`).set(who.auth)).body).afterSale;
}

async function adminView(afterSaleNo: string) {
  const response = await api().get(`/api/admin/after-sales/${afterSaleNo}`).set(operatorAuth);
  expect(response.status).toBe(200);
  return adminAfterSaleReplySchema.parse(response.body);
}

async function approve(afterSaleNo: string, refundFen: number, restock = false) {
  return api().post(`/api/admin/after-sales/${afterSaleNo}/approve`).set(operatorAuth).send({ refundFen, restock });
}

/** Waits until the request reaches `status` (the sandbox's REFUND.SUCCESS arrives about 100 ms after the refund). */
async function until(who: TestBuyer, afterSaleNo: string, status: AfterSale['status']): Promise<AfterSale> {
  await expect.poll(async () => (await shopperView(who, afterSaleNo)).status, { timeout: 5000, interval: 50 }).toBe(status);
  return shopperView(who, afterSaleNo);
}

/** The sandbox's REFUND.SUCCESS delivery for the order's latest refund, once settled (its exact signed body and headers). */
async function refundDelivery(orderNo: string) {
  let deliveryId: number | undefined;
  await expect
    .poll(
      async () => {
        const inSandbox = (await (await fetch(`${testSandbox.sandbox.url}/__sandbox/wechatpay/orders/${orderNo}`)).json()) as {
          notifications: { delivery_id: number; event_type: string }[];
        };
        deliveryId = inSandbox.notifications.filter((entry) => entry.event_type === 'REFUND.SUCCESS').at(-1)?.delivery_id;
        return deliveryId;
      },
      { timeout: 5000, interval: 50 },
    )
    .toBeDefined();
  return testSandbox.sandbox.deliveries.waitFor((entry) => entry.id === deliveryId && entry.state !== 'pending');
}

let tee: TestProduct;

beforeAll(async () => {
  listening = await startListeningApp();
  ({ db, testSandbox, app, appUrl, deps } = listening);
  heldDeps = commerceDependencies(testSandbox.config({ PUBLIC_API_URL: `${appUrl}/held` }), db);
  buyer = await createTestBuyer(db);
  const operator = await createStaffAccount(db, { username: 'after-sales-operator', role: 'operator' });
  operatorId = operator._id;
  operatorAuth = { Authorization: `Bearer ${await signIn(request(app.callback()), 'after-sales-operator')}` };
  tee = await addTestProduct(deps, { title: '纯棉T恤', skus: [{ specValues: ['红', 'M'], price: 12900, stock: 1000 }] });
});

afterAll(async () => {
  await listening.stop();
});

describe('refund only, in full, with the sandbox', () => {
  it('request with a photo → approve with restock → WeChat Pay refund R<orderNo>-1 → REFUND.SUCCESS → refunded, order refunded, stock back once', async () => {
    const product = await addTestProduct(deps, { skus: [{ price: 5000, stock: 10 }] });
    const skuId = product.skus[0]!.id;
    const order = await paidOrder(buyer, skuId, 2);
    expect(await stockOf(deps, skuId)).toEqual({ available: 8, reserved: 0 });
    expect((await deps.catalog.Product.findById(product.id).lean())?.salesCount).toBe(2);

    const before = orderAfterSalesReplySchema.parse((await api().get(`/api/orders/${order.orderNo}/after-sales`).set(buyer.auth)).body);
    expect(before).toMatchObject({ refundableFen: order.pricing.payableFen, blockedBy: null, items: [], orderStatus: 'paid' });

    // wx.uploadFile sends multipart/form-data with the image in the `file` part.
    const upload = await api()
      .post('/api/shopper/images')
      .set(buyer.auth)
      .attach('file', PNG, { filename: 'photo.png', contentType: 'image/png' });
    expect(upload.status, JSON.stringify(upload.body)).toBe(201);
    const image = imageReplySchema.parse(upload.body).image;

    const afterSale = await requestAfterSale(buyer, {
      orderNo: order.orderNo,
      kind: 'refund_only',
      reason: '不想要了',
      description: '买重了',
      imageIds: [image.id],
      refundFen: order.pricing.payableFen,
    });
    expect(afterSale).toMatchObject({
      afterSaleNo: `${order.orderNo}-1`,
      status: 'requested',
      requestedFen: order.pricing.payableFen,
      images: [{ id: image.id, url: `/api/images/${image.id}` }],
      refund: null,
    });
    expect((await storedOrder(deps, order.orderNo)).status).toBe('refunding');
    const during = orderAfterSalesReplySchema.parse((await api().get(`/api/orders/${order.orderNo}/after-sales`).set(buyer.auth)).body);
    expect(during.blockedBy).toBe('open_request');

    const approved = await approve(afterSale.afterSaleNo, order.pricing.payableFen, true);
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    const outRefundNo = refundNumber(afterSale.afterSaleNo, 1);
    expect(outRefundNo).toBe(`R${order.orderNo}-1`);
    expect(adminAfterSaleReplySchema.parse(approved.body).afterSale).toMatchObject({
      status: 'refunding',
      approvedFen: order.pricing.payableFen,
      restock: true,
      refund: { outRefundNo, refundFen: order.pricing.payableFen },
    });

    const refunded = await until(buyer, afterSale.afterSaleNo, 'refunded');
    expect(refunded).toMatchObject({ restocked: true, refund: { status: 'succeeded', succeededAt: expect.any(String) } });
    expect(refunded.history.map((entry) => [entry.event, entry.to, entry.actor.type])).toEqual([
      ['requested', 'requested', 'shopper'],
      ['approve', 'refunding', 'staff'],
      ['refund_succeeded', 'refunded', 'wechatpay'],
    ]);
    const after = await storedOrder(deps, order.orderNo);
    expect(after.status).toBe('refunded');
    expect(after.history.slice(-2).map((entry) => [entry.event, entry.from, entry.to])).toEqual([
      ['request_refund', 'paid', 'refunding'],
      ['refund_fully', 'refunding', 'refunded'],
    ]);
    expect(await stockOf(deps, skuId)).toEqual({ available: 10, reserved: 0 });
    expect((await deps.catalog.Product.findById(product.id).lean())?.salesCount).toBe(0);
    const refunds = await deps.payments.Refund.find({ orderNo: order.orderNo }).lean();
    expect(refunds).toEqual([
      expect.objectContaining({ outRefundNo, kind: 'after_sale', refundFen: order.pricing.payableFen, status: 'succeeded' }),
    ]);
    const inSandbox = (await (await fetch(`${testSandbox.sandbox.url}/__sandbox/wechatpay/orders/${order.orderNo}`)).json()) as {
      refunds: { out_refund_no: string; amount: { refund: number } }[];
    };
    expect(inSandbox.refunds.map((refund) => [refund.out_refund_no, refund.amount.refund])).toEqual([
      [outRefundNo, order.pricing.payableFen],
    ]);

    // Nothing is left to refund: no further request.
    const last = orderAfterSalesReplySchema.parse((await api().get(`/api/orders/${order.orderNo}/after-sales`).set(buyer.auth)).body);
    expect(last).toMatchObject({ refundableFen: 0, blockedBy: 'order_status', orderStatus: 'refunded' });
    const again = await api()
      .post('/api/after-sales')
      .set(buyer.auth)
      .send({ orderNo: order.orderNo, kind: 'refund_only', reason: '其他', refundFen: 1 });
    expect(again.body).toMatchObject({ error: { code: 'AFTER_SALE_NOT_ALLOWED' } });
  });
});

describe('partial refunds', () => {
  it('a partial refund returns the order to where it was; a second request gets at most the remainder; over-refunds are refused', async () => {
    const order = await paidOrder(buyer, tee.skus[0]!.id);
    const payable = order.pricing.payableFen;
    const tooMuch = await api()
      .post('/api/after-sales')
      .set(buyer.auth)
      .send({ orderNo: order.orderNo, kind: 'refund_only', reason: '商品质量问题', refundFen: payable + 1 });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body).toMatchObject({ error: { code: 'REFUND_AMOUNT_EXCEEDED', details: { refundableFen: payable } } });
    expect((await storedOrder(deps, order.orderNo)).status).toBe('paid');

    const first = await requestAfterSale(buyer, { orderNo: order.orderNo, kind: 'refund_only', reason: '商品质量问题', refundFen: 5000 });
    // The merchant may give less than asked, never more.
    expect((await approve(first.afterSaleNo, 5001)).body).toMatchObject({ error: { code: 'REFUND_AMOUNT_EXCEEDED' } });
    expect((await approve(first.afterSaleNo, 3000)).status).toBe(200);
    await until(buyer, first.afterSaleNo, 'refunded');
    const back = await storedOrder(deps, order.orderNo);
    expect(back.status).toBe('paid');
    expect(back.history.at(-1)).toMatchObject({ event: 'refund_partly', from: 'refunding', to: 'paid' });

    const eligibility = orderAfterSalesReplySchema.parse(
      (await api().get(`/api/orders/${order.orderNo}/after-sales`).set(buyer.auth)).body,
    );
    expect(eligibility).toMatchObject({ refundableFen: payable - 3000, blockedBy: null });
    expect(eligibility.items.map((item) => [item.afterSaleNo, item.status, item.approvedFen])).toEqual([
      [first.afterSaleNo, 'refunded', 3000],
    ]);

    const over = await api()
      .post('/api/after-sales')
      .set(buyer.auth)
      .send({ orderNo: order.orderNo, kind: 'refund_only', reason: '其他', refundFen: payable - 3000 + 1 });
    expect(over.body).toMatchObject({ error: { code: 'REFUND_AMOUNT_EXCEEDED', details: { refundableFen: payable - 3000 } } });
    const second = await requestAfterSale(buyer, {
      orderNo: order.orderNo,
      kind: 'refund_only',
      reason: '其他',
      refundFen: payable - 3000,
    });
    expect(second.afterSaleNo).toBe(`${order.orderNo}-2`);
    expect((await approve(second.afterSaleNo, payable - 3000)).status).toBe(200);
    expect((await shopperView(buyer, second.afterSaleNo)).refund?.outRefundNo).toBe(`R${order.orderNo}-2`);
    await until(buyer, second.afterSaleNo, 'refunded');
    const done = await storedOrder(deps, order.orderNo);
    expect(done.status).toBe('refunded');
    expect(done.history.at(-1)).toMatchObject({ event: 'refund_fully', to: 'refunded' });
    const detail = await adminView(second.afterSaleNo);
    expect(detail.order).toMatchObject({ refundedFen: payable, refundableFen: 0, status: 'refunded' });
    expect(detail.refunds.map((refund) => [refund.outRefundNo, refund.refundFen, refund.status])).toEqual([
      [`R${order.orderNo}-1`, 3000, 'succeeded'],
      [`R${order.orderNo}-2`, payable - 3000, 'succeeded'],
    ]);
  });
  it('a request naming lines after a whole-order request that restocked everything restocks no more than was sold', async () => {
    const product = await addTestProduct(deps, { skus: [{ price: 5000, stock: 10 }] });
    const skuId = product.skus[0]!.id;
    const order = await paidOrder(buyer, skuId, 2);
    const whole = await requestAfterSale(buyer, { orderNo: order.orderNo, kind: 'refund_only', reason: '其他', refundFen: 4000 });
    expect((await approve(whole.afterSaleNo, 4000, true)).status).toBe(200);
    await until(buyer, whole.afterSaleNo, 'refunded');
    expect(await stockOf(deps, skuId)).toEqual({ available: 10, reserved: 0 });

    const named = await requestAfterSale(buyer, {
      orderNo: order.orderNo,
      kind: 'refund_only',
      reason: '其他',
      refundFen: 6000,
      lines: [{ skuId, quantity: 2 }],
    });
    expect((await approve(named.afterSaleNo, 6000, true)).status).toBe(200);
    await until(buyer, named.afterSaleNo, 'refunded');
    expect(await stockOf(deps, skuId)).toEqual({ available: 10, reserved: 0 });
    expect((await storedOrder(deps, order.orderNo)).status).toBe('refunded');
  });
});

describe('return and refund', () => {
  it('approve → the shopper sends the goods back → the merchant confirms receipt → refund → refunded, returned lines restocked', async () => {
    const product = await addTestProduct(deps, { skus: [{ price: 4000, stock: 10 }] });
    const skuId = product.skus[0]!.id;
    const order = await paidOrder(buyer, skuId, 3);
    await deps.orders.Order.updateOne(
      { orderNo: order.orderNo },
      { $set: { status: 'shipped', shipping: { carrier: '顺丰速运', trackingNo: 'SF1234567890', shippedAt: new Date() } } },
    );
    const tooMany = await api()
      .post('/api/after-sales')
      .set(buyer.auth)
      .send({ orderNo: order.orderNo, kind: 'return_and_refund', reason: '尺码不合适', refundFen: 8000, lines: [{ skuId, quantity: 4 }] });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toMatchObject({ error: { code: 'VALIDATION_FAILED', details: [{ path: ['lines', 0, 'quantity'] }] } });
    const afterSale = await requestAfterSale(buyer, {
      orderNo: order.orderNo,
      kind: 'return_and_refund',
      reason: '尺码不合适',
      refundFen: 8000,
      lines: [{ skuId, quantity: 2 }],
    });
    expect(afterSale.lines).toEqual([expect.objectContaining({ skuId, quantity: 2 })]);
    // Nothing to confirm before the goods are on their way.
    expect((await api().post(`/api/admin/after-sales/${afterSale.afterSaleNo}/confirm-return`).set(operatorAuth)).status).toBe(409);

    const approved = adminAfterSaleReplySchema.parse((await approve(afterSale.afterSaleNo, 8000, true)).body);
    expect(approved.afterSale).toMatchObject({ status: 'awaiting_return', refund: null });
    expect(await deps.payments.Refund.countDocuments({ orderNo: order.orderNo })).toBe(0);

    const shipped = await api()
      .post(`/api/after-sales/${afterSale.afterSaleNo}/return-shipment`)
      .set(buyer.auth)
      .send({ carrier: '中通快递', trackingNo: 'ZT7788990011' });
    expect(shipped.status, JSON.stringify(shipped.body)).toBe(200);
    expect(afterSaleReplySchema.parse(shipped.body).afterSale).toMatchObject({
      status: 'return_shipped',
      returnShipment: { carrier: '中通快递', trackingNo: 'ZT7788990011' },
    });
    // Sent back: too late to withdraw.
    expect((await api().post(`/api/after-sales/${afterSale.afterSaleNo}/cancel`).set(buyer.auth)).body).toMatchObject({
      error: { code: 'AFTER_SALE_STATUS_CONFLICT', details: { status: 'return_shipped' } },
    });

    const confirmed = await api().post(`/api/admin/after-sales/${afterSale.afterSaleNo}/confirm-return`).set(operatorAuth);
    expect(confirmed.status).toBe(200);
    expect(adminAfterSaleReplySchema.parse(confirmed.body).afterSale.status).toBe('refunding');
    await until(buyer, afterSale.afterSaleNo, 'refunded');
    const after = await storedOrder(deps, order.orderNo);
    expect(after.status).toBe('shipped');
    expect(after.history.at(-1)).toMatchObject({ event: 'refund_partly', to: 'shipped' });
    expect(await stockOf(deps, skuId)).toEqual({ available: 9, reserved: 0 });
    expect((await deps.catalog.Product.findById(product.id).lean())?.salesCount).toBe(1);
  });
});

describe('reject and cancel', () => {
  it('a rejection (reason required) and a withdrawal each return the order to where it was, and a new request can follow', async () => {
    const order = await paidOrder(buyer, tee.skus[0]!.id);
    const first = await requestAfterSale(buyer, { orderNo: order.orderNo, kind: 'refund_only', reason: '拍错/多拍', refundFen: 1000 });
    const noReason = await api().post(`/api/admin/after-sales/${first.afterSaleNo}/reject`).set(operatorAuth).send({ reason: '  ' });
    expect(noReason.status).toBe(400);
    const rejected = await api()
      .post(`/api/admin/after-sales/${first.afterSaleNo}/reject`)
      .set(operatorAuth)
      .send({ reason: '商品已拆封' });
    expect(rejected.status).toBe(200);
    expect(adminAfterSaleReplySchema.parse(rejected.body).afterSale).toMatchObject({ status: 'rejected', rejectReason: '商品已拆封' });
    let current = await storedOrder(deps, order.orderNo);
    expect(current.status).toBe('paid');
    expect(current.history.at(-1)).toMatchObject({
      event: 'refund_rejected',
      to: 'paid',
      actor: { type: 'staff', id: operatorId.toHexString() },
      reason: expect.stringContaining('商品已拆封'),
    });
    // Closed requests cannot be decided again.
    expect((await approve(first.afterSaleNo, 1000)).body).toMatchObject({ error: { code: 'AFTER_SALE_STATUS_CONFLICT' } });

    const second = await requestAfterSale(buyer, { orderNo: order.orderNo, kind: 'refund_only', reason: '拍错/多拍', refundFen: 1000 });
    const cancelled = await api().post(`/api/after-sales/${second.afterSaleNo}/cancel`).set(buyer.auth);
    expect(cancelled.status).toBe(200);
    expect(afterSaleReplySchema.parse(cancelled.body).afterSale.status).toBe('cancelled');
    current = await storedOrder(deps, order.orderNo);
    expect(current.status).toBe('paid');
    expect(current.history.filter((entry) => entry.event === 'request_refund')).toHaveLength(2);
    expect(await deps.payments.Refund.countDocuments({ orderNo: order.orderNo })).toBe(0);

    const list = afterSaleListReplySchema.parse((await api().get('/api/after-sales?status=cancelled').set(buyer.auth)).body);
    expect(list.items.map((item) => item.afterSaleNo)).toContain(second.afterSaleNo);
    const queue = afterSaleListReplySchema.parse(
      (await api().get(`/api/admin/after-sales?orderNo=${order.orderNo}`).set(operatorAuth)).body,
    );
    expect(queue.items.map((item) => [item.afterSaleNo, item.status])).toEqual([
      [second.afterSaleNo, 'cancelled'],
      [first.afterSaleNo, 'rejected'],
    ]);
  });

  it('another shopper’s request is 404 like an unknown one; an unpaid order cannot have one', async () => {
    const order = await paidOrder(buyer, tee.skus[0]!.id);
    const afterSale = await requestAfterSale(buyer, { orderNo: order.orderNo, kind: 'refund_only', reason: '其他', refundFen: 100 });
    const other = await createTestBuyer(db);
    expect((await api().get(`/api/after-sales/${afterSale.afterSaleNo}`).set(other.auth)).status).toBe(404);
    expect((await api().post(`/api/after-sales/${afterSale.afterSaleNo}/cancel`).set(other.auth)).status).toBe(404);
    expect((await api().get(`/api/orders/${order.orderNo}/after-sales`).set(other.auth)).status).toBe(404);
    const stolen = await api()
      .post('/api/after-sales')
      .set(other.auth)
      .send({ orderNo: order.orderNo, kind: 'refund_only', reason: '其他', refundFen: 1 });
    expect(stolen.status).toBe(404);
    const unpaid = await placeOrder(buyer, tee.skus[0]!.id);
    const refused = await api()
      .post('/api/after-sales')
      .set(buyer.auth)
      .send({ orderNo: unpaid.orderNo, kind: 'refund_only', reason: '其他', refundFen: 1 });
    expect(refused.body).toMatchObject({ error: { code: 'AFTER_SALE_NOT_ALLOWED', details: { status: 'pending_payment' } } });
  });
});

describe('concurrency', () => {
  it('10 parallel duplicate requests: one open request, nine 409 AFTER_SALE_ALREADY_OPEN, the order moved once', async () => {
    const order = await paidOrder(buyer, tee.skus[0]!.id);
    const body = { orderNo: order.orderNo, kind: 'refund_only', reason: '不想要了', refundFen: 2000 };
    const replies = await Promise.all(Array.from({ length: 10 }, () => api().post('/api/after-sales').set(buyer.auth).send(body)));
    expect(replies.map((reply) => reply.status).sort()).toEqual([201, ...Array<number>(9).fill(409)]);
    for (const reply of replies.filter((each) => each.status === 409))
      expect(reply.body).toMatchObject({ error: { code: 'AFTER_SALE_ALREADY_OPEN' } });
    expect(await deps.afterSales.countDocuments({ orderNo: order.orderNo })).toBe(1);
    const after = await storedOrder(deps, order.orderNo);
    expect(after.status).toBe('refunding');
    expect(after.history.filter((entry) => entry.event === 'request_refund')).toHaveLength(1);
  });

  it('10 parallel approvals: one wins, one refund record, one WeChat Pay refund', async () => {
    const order = await paidOrder(buyer, tee.skus[0]!.id);
    const afterSale = await requestAfterSale(buyer, { orderNo: order.orderNo, kind: 'refund_only', reason: '不想要了', refundFen: 2000 });
    const replies = await Promise.all(Array.from({ length: 10 }, () => approve(afterSale.afterSaleNo, 2000)));
    expect(replies.map((reply) => reply.status).sort()).toEqual([200, ...Array<number>(9).fill(409)]);
    expect(await deps.payments.Refund.countDocuments({ orderNo: order.orderNo })).toBe(1);
    await until(buyer, afterSale.afterSaleNo, 'refunded');
    const inSandbox = (await (await fetch(`${testSandbox.sandbox.url}/__sandbox/wechatpay/orders/${order.orderNo}`)).json()) as {
      refunds: unknown[];
    };
    expect(inSandbox.refunds).toHaveLength(1);
  });

  it('10 parallel deliveries of one REFUND.SUCCESS notification: one transition of the request and of the order, restocked once', async () => {
    const product = await addTestProduct(deps, { skus: [{ price: 3000, stock: 5 }] });
    const skuId = product.skus[0]!.id;
    const order = await paidOrder(buyer, skuId, 2);
    const afterSale = await requestAfterSale(buyer, {
      orderNo: order.orderNo,
      kind: 'refund_only',
      reason: '不想要了',
      refundFen: order.pricing.payableFen,
    });
    await approveAfterSale(heldDeps, operatorId, afterSale.afterSaleNo, { refundFen: order.pricing.payableFen, restock: true }, log);
    const delivery = await refundDelivery(order.orderNo);
    expect((await shopperView(buyer, afterSale.afterSaleNo)).status).toBe('refunding');

    const statuses = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const response = await fetch(`${appUrl}${WECHATPAY_NOTIFY_PATH}`, {
          method: 'POST',
          headers: delivery.headers,
          body: delivery.body,
        });
        return response.status;
      }),
    );
    expect(statuses).toEqual(Array(10).fill(204));
    const refunded = await shopperView(buyer, afterSale.afterSaleNo);
    expect(refunded.status).toBe('refunded');
    expect(refunded.history.filter((entry) => entry.event === 'refund_succeeded')).toHaveLength(1);
    const after = await storedOrder(deps, order.orderNo);
    expect(after.status).toBe('refunded');
    expect(after.history.filter((entry) => entry.event === 'refund_fully')).toHaveLength(1);
    expect(await stockOf(deps, skuId)).toEqual({ available: 5, reserved: 0 });
    expect((await deps.catalog.Product.findById(product.id).lean())?.salesCount).toBe(0);
    expect((await deps.afterSales.findOne({ afterSaleNo: afterSale.afterSaleNo }).lean())?.open).toBe(false);
  });
});

describe('failed refunds, reconciliation and repair', () => {
  it('a closed refund puts the request in refund_failed (order still refunding); the merchant retries under R…-2 and it is refunded', async () => {
    const order = await paidOrder(buyer, tee.skus[0]!.id);
    const afterSale = await requestAfterSale(buyer, { orderNo: order.orderNo, kind: 'refund_only', reason: '其他', refundFen: 1500 });
    await approveAfterSale(heldDeps, operatorId, afterSale.afterSaleNo, { refundFen: 1500, restock: false }, log);
    const first = refundNumber(afterSale.afterSaleNo, 1);
    const refund = await deps.payments.Refund.findOne({ outRefundNo: first }).lean();
    // WeChat Pay closes the refund (its notification, past verification, as the handler receives it).
    const closed: WechatPayNotification = {
      id: randomUUID(),
      createTime: new Date(),
      eventType: 'REFUND.CLOSED',
      summary: '退款关闭',
      resource: {
        mchId: deps.config.wechatPay.mchId ?? '',
        outTradeNo: order.orderNo,
        transactionId: refund!.transactionId,
        outRefundNo: first,
        refundId: refund!.refundId ?? 'refund-id',
        refundStatus: 'CLOSED',
        successTime: undefined,
        userReceivedAccount: undefined,
        amount: { totalFen: order.pricing.payableFen, refundFen: 1500, payerTotalFen: undefined, payerRefundFen: undefined },
      },
    };
    await Promise.all([applyNotification(deps, closed, log), applyNotification(deps, closed, log)]);
    const failed = await shopperView(buyer, afterSale.afterSaleNo);
    expect(failed).toMatchObject({ status: 'refund_failed', refund: { outRefundNo: first, status: 'closed' } });
    expect(failed.history.filter((entry) => entry.event === 'refund_failed')).toHaveLength(1);
    expect((await storedOrder(deps, order.orderNo)).status).toBe('refunding');
    // A closed refund paid nothing: the amount is refundable again.
    expect((await adminView(afterSale.afterSaleNo)).order.refundableFen).toBe(order.pricing.payableFen);

    const retries = await Promise.all(
      [1, 2, 3].map(() => api().post(`/api/admin/after-sales/${afterSale.afterSaleNo}/retry-refund`).set(operatorAuth)),
    );
    expect(retries.map((reply) => reply.status).sort()).toEqual([200, 409, 409]);
    const second = refundNumber(afterSale.afterSaleNo, 2);
    expect(second).toBe(`R${order.orderNo}-1-2`);
    const refunded = await until(buyer, afterSale.afterSaleNo, 'refunded');
    expect(refunded.refund).toMatchObject({ outRefundNo: second, status: 'succeeded' });
    expect(await deps.payments.Refund.countDocuments({ orderNo: order.orderNo })).toBe(2);
    expect((await storedOrder(deps, order.orderNo)).status).toBe('paid');
  });

  it('an abnormal refund stays committed and cannot be retried under a new number; redirected in WeChat Pay, it settles the request', async () => {
    const order = await paidOrder(buyer, tee.skus[0]!.id);
    const afterSale = await requestAfterSale(buyer, { orderNo: order.orderNo, kind: 'refund_only', reason: '其他', refundFen: 1500 });
    await approveAfterSale(heldDeps, operatorId, afterSale.afterSaleNo, { refundFen: 1500, restock: false }, log);
    const first = refundNumber(afterSale.afterSaleNo, 1);
    const refund = await deps.payments.Refund.findOne({ outRefundNo: first }).lean();
    const notification = (refundStatus: 'ABNORMAL' | 'SUCCESS'): WechatPayNotification => ({
      id: randomUUID(),
      createTime: new Date(),
      eventType: `REFUND.${refundStatus}`,
      summary: refundStatus === 'SUCCESS' ? '退款成功' : '退款异常',
      resource: {
        mchId: deps.config.wechatPay.mchId ?? '',
        outTradeNo: order.orderNo,
        transactionId: refund!.transactionId,
        outRefundNo: first,
        refundId: refund!.refundId ?? 'refund-id',
        refundStatus,
        successTime: refundStatus === 'SUCCESS' ? new Date() : undefined,
        userReceivedAccount: undefined,
        amount: { totalFen: order.pricing.payableFen, refundFen: 1500, payerTotalFen: undefined, payerRefundFen: undefined },
      },
    });
    await applyNotification(deps, notification('ABNORMAL'), log);
    expect(await shopperView(buyer, afterSale.afterSaleNo)).toMatchObject({ status: 'refund_failed', refund: { status: 'abnormal' } });
    // The money left the merchant and waits in WeChat Pay: it is not refundable again.
    expect((await adminView(afterSale.afterSaleNo)).order.refundableFen).toBe(order.pricing.payableFen - 1500);
    const retry = await api().post(`/api/admin/after-sales/${afterSale.afterSaleNo}/retry-refund`).set(operatorAuth);
    expect(retry.status).toBe(409);
    expect(retry.body).toMatchObject({ error: { code: 'AFTER_SALE_STATUS_CONFLICT', details: { refundStatus: 'abnormal' } } });
    expect(await deps.payments.Refund.countDocuments({ orderNo: order.orderNo })).toBe(1);

    // Asked about while it waits (its notification may never come): still abnormal, then redirected by the merchant.
    // WeChat Pay's refund query reporting the refund as `refundStatus` (the sandbox itself only ever succeeds).
    const reporting = (refundStatus: 'ABNORMAL' | 'SUCCESS'): CommerceDependencies => ({
      ...deps,
      wechatPay: {
        ...deps.wechatPay,
        queryRefund: async (outRefundNo) => ({
          ...(await deps.wechatPay.queryRefund(outRefundNo))!,
          status: refundStatus,
          successTime: refundStatus === 'SUCCESS' ? new Date() : undefined,
        }),
      },
    });
    await reconcilePayments(reporting('ABNORMAL'), new Date(Date.now() + 31 * 60_000), log);
    expect(await shopperView(buyer, afterSale.afterSaleNo)).toMatchObject({ status: 'refund_failed', refund: { status: 'abnormal' } });
    await reconcilePayments(reporting('SUCCESS'), new Date(Date.now() + 62 * 60_000), log);
    expect(await shopperView(buyer, afterSale.afterSaleNo)).toMatchObject({ status: 'refunded' });
    // The notification of the redirected refund comes too, twice: nothing happens again.
    await Promise.all([applyNotification(deps, notification('SUCCESS'), log), applyNotification(deps, notification('SUCCESS'), log)]);
    const refunded = await shopperView(buyer, afterSale.afterSaleNo);
    expect(refunded).toMatchObject({ status: 'refunded', refund: { outRefundNo: first, status: 'succeeded' } });
    expect(refunded.history.filter((entry) => entry.event === 'refund_succeeded')).toHaveLength(1);
    expect((await storedOrder(deps, order.orderNo)).status).toBe('paid');
  });

  it('approving a request whose order never followed it (the API stopped between the two steps) moves the order first', async () => {
    const order = await paidOrder(buyer, tee.skus[0]!.id);
    const afterSale = await requestAfterSale(buyer, {
      orderNo: order.orderNo,
      kind: 'refund_only',
      reason: '其他',
      refundFen: order.pricing.payableFen,
    });
    await deps.orders.Order.updateOne({ orderNo: order.orderNo }, { $set: { status: 'paid' } });
    expect((await approve(afterSale.afterSaleNo, order.pricing.payableFen)).status).toBe(200);
    await until(buyer, afterSale.afterSaleNo, 'refunded');
    const refunded = await storedOrder(deps, order.orderNo);
    expect(refunded.status).toBe('refunded');
    expect(refunded.history.filter((entry) => entry.event === 'request_refund').at(-1)?.actor).toEqual({
      type: 'staff',
      id: operatorId.toHexString(),
    });
  });

  it('payments.reconcile settles a refund whose notification never came; after-sales.repair finishes an interrupted close', async () => {
    const order = await paidOrder(buyer, tee.skus[0]!.id);
    const afterSale = await requestAfterSale(buyer, { orderNo: order.orderNo, kind: 'refund_only', reason: '其他', refundFen: 1200 });
    await approveAfterSale(heldDeps, operatorId, afterSale.afterSaleNo, { refundFen: 1200, restock: false }, log);
    await refundDelivery(order.orderNo);
    expect((await shopperView(buyer, afterSale.afterSaleNo)).status).toBe('refunding');
    await reconcilePayments(deps, new Date(Date.now() + 3 * 60_000), log);
    expect((await shopperView(buyer, afterSale.afterSaleNo)).status).toBe('refunded');
    expect((await storedOrder(deps, order.orderNo)).status).toBe('paid');

    // A rejection whose order never followed (the API stopped between the two steps).
    const second = await requestAfterSale(buyer, { orderNo: order.orderNo, kind: 'refund_only', reason: '其他', refundFen: 100 });
    await deps.afterSales.updateOne({ afterSaleNo: second.afterSaleNo }, { $set: { status: 'rejected', rejectReason: '测试' } });
    expect((await storedOrder(deps, order.orderNo)).status).toBe('refunding');
    await Promise.all([
      repairAfterSales(deps, new Date(Date.now() + 2 * 60_000), log),
      repairAfterSales(deps, new Date(Date.now() + 2 * 60_000), log),
    ]);
    const repaired = await storedOrder(deps, order.orderNo);
    expect(repaired.status).toBe('paid');
    expect(repaired.history.filter((entry) => entry.event === 'refund_rejected')).toHaveLength(1);
    expect((await deps.afterSales.findOne({ afterSaleNo: second.afterSaleNo }).lean())?.open).toBe(false);
  });
});
