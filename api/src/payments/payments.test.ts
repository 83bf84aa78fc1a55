import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderDetailReplySchema, orderReplySchema, paymentStatusReplySchema, prepayReplySchema, type Order } from '@mall/shared';
import type { Database } from '../db/database.ts';
import { createLogger } from '../logger.ts';
import { cancelUnpaidOrder } from '../orders/cancel.ts';
import type { CommerceDependencies } from '../orders/dependencies.ts';
import type { OrderRecord } from '../orders/models.ts';
import { addTestProduct, createTestBuyer, stockOf, storedOrder, type TestBuyer, type TestProduct } from '../testing/commerce.ts';
import { startListeningApp, type ListeningApp } from '../testing/listening-app.ts';
import type { TestSandbox } from '../testing/sandbox.ts';
import { expireUnpaidOrders, reconcilePayments } from './jobs.ts';
import { autoRefundNumber, WECHATPAY_NOTIFY_PATH } from './service.ts';

/**
 * Payment end to end against the sandbox and a listening app: prepay, the notification in the protocol's order
 * (verify → amount → unique payment → guarded transition), duplicates, forgeries, wrong amounts, payments after
 * cancellation, the active query, the expiry sweeper and reconciliation, and their races.
 */

let listening: ListeningApp;
let db: Database;
let testSandbox: TestSandbox;
let appUrl: string;
let deps: CommerceDependencies;
let buyer: TestBuyer;
let tee: TestProduct;
const log = createLogger('silent');

interface SandboxReply {
  status: number;
  json: Record<string, unknown>;
}

async function control(path: string, body: unknown): Promise<SandboxReply> {
  const response = await fetch(`${testSandbox.sandbox.url}/__sandbox/wechatpay${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

async function sandboxOrder(outTradeNo: string): Promise<{ trade_state: string; refunds: { out_refund_no: string; status: string }[] }> {
  const response = await fetch(`${testSandbox.sandbox.url}/__sandbox/wechatpay/orders/${outTradeNo}`);
  return (await response.json()) as { trade_state: string; refunds: { out_refund_no: string; status: string }[] };
}

/** The sandbox's delivery once it has stopped trying (delivered or given up). */
async function settled(deliveryId: number) {
  return testSandbox.sandbox.deliveries.waitFor((entry) => entry.id === deliveryId && entry.state !== 'pending');
}

/** The sandbox's payer pays; resolves once the notification reached the app (or the sandbox gave up). */
async function payInSandbox(orderNo: string) {
  const paid = await control('/pay', { out_trade_no: orderNo });
  expect(paid.status, JSON.stringify(paid.json)).toBe(200);
  return settled(paid.json.delivery_id as number);
}

/** A fresh HTTP call to the app's notify route with a delivery's exact body and headers (WeChat Pay redelivering). */
async function redeliver(delivery: { headers: Record<string, string>; body: string }): Promise<number> {
  const response = await fetch(`${appUrl}${WECHATPAY_NOTIFY_PATH}`, { method: 'POST', headers: delivery.headers, body: delivery.body });
  return response.status;
}

async function placeOrder(who: TestBuyer, skuId: string, quantity = 1): Promise<Order> {
  const response = await fetch(`${appUrl}/api/orders`, {
    method: 'POST',
    headers: { ...who.auth, 'Content-Type': 'application/json' },
    body: JSON.stringify({ items: [{ skuId, quantity }], addressId: who.addressId, idempotencyKey: randomUUID() }),
  });
  const body = (await response.json()) as unknown;
  expect(response.status, JSON.stringify(body)).toBe(201);
  return orderReplySchema.parse(body).order;
}

async function call(method: string, path: string, who?: TestBuyer): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${appUrl}${path}`, { method, headers: who?.auth ?? {} });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/**
 * Places the order on WeChat Pay with a notify_url that answers 404, so the sandbox's own delivery never applies
 * it: the test decides when and how often the (genuine, signed) notification reaches the real notify route.
 */
async function prepayWithHeldNotifications(order: OrderRecord, amountFen = order.payableFen): Promise<void> {
  await deps.orders.Order.updateOne({ _id: order._id }, { $set: { prepayRequestedAt: new Date() } });
  await deps.wechatPay.prepayJsapi({
    description: 'test',
    outTradeNo: order.orderNo,
    notifyUrl: `${appUrl}/api/payments/wechatpay/held`,
    amountFen,
    payerOpenid: order.payerOpenid,
    timeExpire: order.payDeadline,
  });
}

beforeAll(async () => {
  listening = await startListeningApp();
  ({ db, testSandbox, appUrl, deps } = listening);
  buyer = await createTestBuyer(db);
  tee = await addTestProduct(deps, { title: '纯棉T恤', skus: [{ specValues: ['红', 'M'], price: 12900, stock: 1000 }] });
});

afterAll(async () => {
  await listening.stop();
});

describe('POST /api/orders/:orderNo/pay', () => {
  it('prepays with the order number, amount, payer and deadline; reuses the WeChat Pay order; offers the sandbox cashier', async () => {
    const order = await placeOrder(buyer, tee.skus[0]!.id, 2);
    const first = await call('POST', `/api/orders/${order.orderNo}/pay`, buyer);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const prepay = prepayReplySchema.parse(first.body);
    expect(prepay).toMatchObject({ orderNo: order.orderNo, payableFen: 25800, payDeadline: order.payDeadline });
    expect(prepay.requestPayment).toMatchObject({ signType: 'RSA', package: expect.stringMatching(/^prepay_id=wx/) });
    const cashier = new URL(prepay.cashierUrl!);
    expect(`${cashier.origin}${cashier.pathname}`).toBe(`${testSandbox.sandbox.url}/__sandbox/wechatpay/cashier`);
    expect(cashier.searchParams.get('prepay_id')).toBe(prepay.requestPayment.package.slice('prepay_id='.length));
    expect(cashier.searchParams.get('return_url')).toBe(`${appUrl}/shop/pages/pay-result/index?orderNo=${order.orderNo}`);

    const again = prepayReplySchema.parse((await call('POST', `/api/orders/${order.orderNo}/pay`, buyer)).body);
    expect(again.requestPayment.package).toBe(prepay.requestPayment.package);
    const placed = (await (await fetch(`${testSandbox.sandbox.url}/__sandbox/wechatpay/orders/${order.orderNo}`)).json()) as {
      request: Record<string, unknown>;
    };
    expect(placed.request).toMatchObject({
      notify_url: `${appUrl}${WECHATPAY_NOTIFY_PATH}`,
      amount: { total: 25800 },
      payer: { openid: buyer.shopper.openid },
      time_expire: expect.stringMatching(/\+08:00$/),
    });
    expect(Date.parse(placed.request.time_expire as string)).toBe(Math.floor(Date.parse(order.payDeadline) / 1000) * 1000);
  });

  it('refuses orders that are not unpaid or past their deadline (409), others’ and unknown orders (404), bad numbers (400)', async () => {
    const order = await placeOrder(buyer, tee.skus[0]!.id);
    await deps.orders.Order.updateOne({ orderNo: order.orderNo }, { $set: { payDeadline: new Date(Date.now() - 1000) } });
    expect((await call('POST', `/api/orders/${order.orderNo}/pay`, buyer)).body).toMatchObject({
      error: { code: 'ORDER_STATUS_CONFLICT' },
    });
    const cancelled = await placeOrder(buyer, tee.skus[0]!.id);
    await call('POST', `/api/orders/${cancelled.orderNo}/cancel`, buyer);
    expect((await call('POST', `/api/orders/${cancelled.orderNo}/pay`, buyer)).status).toBe(409);
    const other = await createTestBuyer(db);
    expect((await call('POST', `/api/orders/${cancelled.orderNo}/pay`, other)).status).toBe(404);
    expect((await call('GET', `/api/orders/${cancelled.orderNo}/payment`, other)).status).toBe(404);
    expect((await call('POST', '/api/orders/20990101000000011/pay', buyer)).status).toBe(404);
    for (const bad of ['123', 'abcdefghijklmnopq', '2026010100000001%24']) {
      const response = await call('POST', `/api/orders/${bad}/pay`, buyer);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    }
    expect((await call('POST', `/api/orders/${order.orderNo}/pay`)).status).toBe(401);
  });
});

describe(`POST ${WECHATPAY_NOTIFY_PATH}`, () => {
  it('a verified notification pays the order: payment recorded, stock moved from reserved to sold, sales counted', async () => {
    const product = await addTestProduct(deps, { skus: [{ price: 5000, stock: 10 }] });
    const skuId = product.skus[0]!.id;
    const order = await placeOrder(buyer, skuId, 3);
    expect(await stockOf(deps, skuId)).toEqual({ available: 7, reserved: 3 });
    expect((await call('POST', `/api/orders/${order.orderNo}/pay`, buyer)).status).toBe(200);
    const delivery = await payInSandbox(order.orderNo);
    expect(delivery.attempts.at(-1)?.status).toBe(204);

    const paid = orderReplySchema.parse((await call('GET', `/api/orders/${order.orderNo}`, buyer)).body).order;
    expect(paid.status).toBe('paid');
    expect(paid.payment).toMatchObject({ method: 'wechatpay', amountFen: 15000, transactionId: expect.stringMatching(/^42000/) });
    expect(paid.history.map((entry) => [entry.event, entry.from, entry.to, entry.actor.type])).toEqual([
      ['created', null, 'pending_payment', 'shopper'],
      ['pay', 'pending_payment', 'paid', 'wechatpay'],
    ]);
    expect(await stockOf(deps, skuId)).toEqual({ available: 7, reserved: 0 });
    expect((await deps.catalog.Product.findById(product.id).lean())?.salesCount).toBe(3);
    expect(await deps.payments.Payment.countDocuments({ orderNo: order.orderNo })).toBe(1);
    expect((await storedOrder(deps, order.orderNo)).stock).toBe('sold');
  });

  it('10 parallel duplicate notifications: one transition, one payment record, stock sold once', async () => {
    const product = await addTestProduct(deps, { skus: [{ price: 5000, stock: 10 }] });
    const skuId = product.skus[0]!.id;
    const order = await storedOrder(deps, (await placeOrder(buyer, skuId, 2)).orderNo);
    await prepayWithHeldNotifications(order);
    const held = await payInSandbox(order.orderNo);
    const statuses = await Promise.all(Array.from({ length: 10 }, () => redeliver(held)));
    expect(statuses).toEqual(Array(10).fill(204));
    // WeChat Pay's own replay (a new notification id, same transaction) changes nothing either.
    const replay = await control('/replay', { out_trade_no: order.orderNo });
    expect(replay.status).toBe(200);

    const after = await storedOrder(deps, order.orderNo);
    expect(after.status).toBe('paid');
    expect(after.history.filter((entry) => entry.event === 'pay')).toHaveLength(1);
    expect(await deps.payments.Payment.countDocuments({ orderNo: order.orderNo })).toBe(1);
    expect(await stockOf(deps, skuId)).toEqual({ available: 8, reserved: 0 });
    expect((await deps.catalog.Product.findById(product.id).lean())?.salesCount).toBe(2);
  });

  it.each(['signature', 'gcm-tag', 'associated-data', 'stale-timestamp', 'unknown-serial', 'signtest'])(
    'a tampered notification (%s) is rejected with 401 and changes nothing',
    async (how) => {
      const order = await placeOrder(buyer, tee.skus[0]!.id);
      expect((await call('POST', `/api/orders/${order.orderNo}/pay`, buyer)).status).toBe(200);
      const tampered = await control('/tamper', { out_trade_no: order.orderNo, how });
      expect(tampered.status).toBe(200);
      const delivery = await settled(tampered.json.delivery_id as number);
      expect(delivery.attempts.map((attempt) => attempt.status)).toEqual(Array(delivery.attempts.length).fill(401));
      expect(JSON.parse(delivery.attempts[0]!.reply!)).toMatchObject({ error: { code: 'CALLBACK_REJECTED' } });
      const after = await storedOrder(deps, order.orderNo);
      expect(after.status).toBe('pending_payment');
      expect(after.history).toHaveLength(1);
      expect(await deps.payments.Payment.countDocuments({ orderNo: order.orderNo })).toBe(0);
    },
  );

  it('an amount that is not the payable is acknowledged but not applied, and kept as an anomaly', async () => {
    const order = await storedOrder(deps, (await placeOrder(buyer, tee.skus[0]!.id)).orderNo);
    await deps.wechatPay.prepayJsapi({
      description: 'test',
      outTradeNo: order.orderNo,
      notifyUrl: `${appUrl}${WECHATPAY_NOTIFY_PATH}`,
      amountFen: order.payableFen - 100,
      payerOpenid: order.payerOpenid,
    });
    const delivery = await payInSandbox(order.orderNo);
    expect(delivery.attempts.at(-1)?.status).toBe(204);
    await redeliver(delivery);
    const after = await storedOrder(deps, order.orderNo);
    expect(after.status).toBe('pending_payment');
    expect(after.stock).toBe('reserved');
    expect(await deps.payments.Payment.countDocuments({ orderNo: order.orderNo })).toBe(0);
    const anomalies = await deps.payments.PaymentAnomaly.find({ outTradeNo: order.orderNo }).lean();
    expect(anomalies).toEqual([
      expect.objectContaining({
        kind: 'amount_mismatch',
        expectedFen: order.payableFen,
        receivedFen: order.payableFen - 100,
        occurrences: 2,
      }),
    ]);
  });

  it('a payment for an order already cancelled is refunded in full exactly once, even delivered 5 times in parallel', async () => {
    const skuId = tee.skus[0]!.id;
    const before = await stockOf(deps, skuId);
    const order = await storedOrder(deps, (await placeOrder(buyer, skuId)).orderNo);
    await prepayWithHeldNotifications(order);
    // The cancel wins locally, then the payment made in the same second is reported.
    expect(await cancelUnpaidOrder(deps, order, 'cancel', { type: 'shopper', id: 'test' }, 'test')).not.toBeNull();
    const held = await payInSandbox(order.orderNo);
    const statuses = await Promise.all(Array.from({ length: 5 }, () => redeliver(held)));
    expect(statuses).toEqual(Array(5).fill(204));

    const outRefundNo = autoRefundNumber(order.orderNo);
    expect(outRefundNo).toBe(`R${order.orderNo}-auto`);
    const refunds = await deps.payments.Refund.find({ orderNo: order.orderNo }).lean();
    expect(refunds).toEqual([expect.objectContaining({ outRefundNo, refundFen: order.payableFen, totalFen: order.payableFen })]);
    const inSandbox = await sandboxOrder(order.orderNo);
    expect(inSandbox.refunds.map((refund) => refund.out_refund_no)).toEqual([outRefundNo]);
    const after = await storedOrder(deps, order.orderNo);
    expect(after.status).toBe('cancelled');
    expect(after.stock).toBe('released');
    expect(await stockOf(deps, skuId)).toEqual(before);
    expect(await deps.payments.Payment.countDocuments({ orderNo: order.orderNo })).toBe(1);

    // WeChat Pay's REFUND.SUCCESS notification confirms it.
    await testSandbox.sandbox.deliveries.waitFor(
      (entry) => entry.kind === 'REFUND.SUCCESS' && entry.body.length > 0 && entry.state === 'delivered',
    );
    await expect.poll(async () => (await deps.payments.Refund.findOne({ outRefundNo }).lean())?.status).toBe('succeeded');
    // The shopper's order shows the refund beside the cancellation.
    const shown = orderDetailReplySchema.parse((await call('GET', `/api/orders/${order.orderNo}`, buyer)).body);
    expect(shown.order.status).toBe('cancelled');
    expect(shown.refunds).toEqual([expect.objectContaining({ outRefundNo, refundFen: order.payableFen, status: 'succeeded' })]);
  });

  it('refuses bodies over 64 KiB (413) and unsigned ones (401), changing nothing', async () => {
    const big = await fetch(`${appUrl}${WECHATPAY_NOTIFY_PATH}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ padding: 'x'.repeat(70 * 1024) }),
    });
    expect(big.status).toBe(413);
    for (const body of ['{}', 'not json', '']) {
      const response = await fetch(`${appUrl}${WECHATPAY_NOTIFY_PATH}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body,
      });
      expect(response.status).toBe(401);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('CALLBACK_REJECTED');
    }
  });
});

describe('GET /api/orders/:orderNo/payment', () => {
  it('asks WeChat Pay while unpaid and applies the payment it reports, with no notification', async () => {
    const order = await storedOrder(deps, (await placeOrder(buyer, tee.skus[0]!.id)).orderNo);
    const unpaid = paymentStatusReplySchema.parse((await call('GET', `/api/orders/${order.orderNo}/payment`, buyer)).body);
    expect(unpaid).toMatchObject({ status: 'pending_payment', paid: false, payment: null });
    await prepayWithHeldNotifications(order);
    await payInSandbox(order.orderNo);
    const paid = paymentStatusReplySchema.parse((await call('GET', `/api/orders/${order.orderNo}/payment`, buyer)).body);
    expect(paid).toMatchObject({ orderNo: order.orderNo, status: 'paid', paid: true, payableFen: order.payableFen });
    expect(paid.payment?.transactionId).toMatch(/^42000/);
    const payment = await deps.payments.Payment.findOne({ orderNo: order.orderNo }).lean();
    expect(payment?.source).toBe('query');
    expect((await storedOrder(deps, order.orderNo)).stock).toBe('sold');
  });
});

describe('POST /api/orders/:orderNo/cancel', () => {
  it('cancels an unpaid order once: stock back, the WeChat Pay order closed, history with the shopper', async () => {
    const skuId = tee.skus[0]!.id;
    const before = await stockOf(deps, skuId);
    const order = await placeOrder(buyer, skuId, 2);
    expect((await call('POST', `/api/orders/${order.orderNo}/pay`, buyer)).status).toBe(200);
    const results = await Promise.all(Array.from({ length: 5 }, () => call('POST', `/api/orders/${order.orderNo}/cancel`, buyer)));
    expect(results.map((result) => result.status).sort()).toEqual([200, 409, 409, 409, 409]);
    const cancelled = orderReplySchema.parse(results.find((result) => result.status === 200)!.body).order;
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.history.at(-1)).toMatchObject({
      event: 'cancel',
      from: 'pending_payment',
      to: 'cancelled',
      actor: { type: 'shopper', id: buyer.shopper._id.toHexString() },
    });
    expect(await stockOf(deps, skuId)).toEqual(before);
    expect((await sandboxOrder(order.orderNo)).trade_state).toBe('CLOSED');
    // The closed WeChat Pay order can no longer be paid.
    expect((await control('/pay', { out_trade_no: order.orderNo })).status).toBe(400);
  });

  it('refuses a paid order (409) and another shopper’s order (404)', async () => {
    const order = await placeOrder(buyer, tee.skus[0]!.id);
    const other = await createTestBuyer(db);
    expect((await call('POST', `/api/orders/${order.orderNo}/cancel`, other)).status).toBe(404);
    expect((await call('GET', `/api/orders/${order.orderNo}`, other)).status).toBe(404);
    await call('POST', `/api/orders/${order.orderNo}/pay`, buyer);
    await payInSandbox(order.orderNo);
    expect((await call('POST', `/api/orders/${order.orderNo}/cancel`, buyer)).body).toMatchObject({
      error: { code: 'ORDER_STATUS_CONFLICT' },
    });
  });
});

describe('jobs', () => {
  it(`payments.reconcile applies a payment whose notification never came`, async () => {
    const order = await storedOrder(deps, (await placeOrder(buyer, tee.skus[0]!.id)).orderNo);
    await prepayWithHeldNotifications(order);
    await payInSandbox(order.orderNo);
    // Too recent to be reconciled yet.
    await reconcilePayments(deps, new Date(order.createdAt.getTime() + 60_000), log);
    expect((await storedOrder(deps, order.orderNo)).status).toBe('pending_payment');
    await reconcilePayments(deps, new Date(order.createdAt.getTime() + 3 * 60_000), log);
    expect((await storedOrder(deps, order.orderNo)).status).toBe('paid');
  });

  it('orders.expire-unpaid: asks WeChat Pay first (paid at the last moment → paid), else closes it and cancels, returning stock once', async () => {
    const product = await addTestProduct(deps, { skus: [{ price: 2000, stock: 10 }] });
    const skuId = product.skus[0]!.id;
    const neverPaid = await storedOrder(deps, (await placeOrder(buyer, skuId)).orderNo);
    const prepaidUnpaid = await storedOrder(deps, (await placeOrder(buyer, skuId)).orderNo);
    await call('POST', `/api/orders/${prepaidUnpaid.orderNo}/pay`, buyer);
    const paidLate = await storedOrder(deps, (await placeOrder(buyer, skuId)).orderNo);
    await prepayWithHeldNotifications(paidLate);
    await payInSandbox(paidLate.orderNo);
    expect(await stockOf(deps, skuId)).toEqual({ available: 7, reserved: 3 });

    const overdue = new Date(paidLate.payDeadline.getTime() + 1000);
    await Promise.all([expireUnpaidOrders(deps, overdue, log), expireUnpaidOrders(deps, overdue, log)]);
    const [a, b, c] = await Promise.all([neverPaid, prepaidUnpaid, paidLate].map((order) => storedOrder(deps, order.orderNo)));
    expect([a.status, b.status, c.status]).toEqual(['cancelled', 'cancelled', 'paid']);
    expect(a.history.at(-1)).toMatchObject({
      event: 'expire',
      to: 'cancelled',
      actor: { type: 'system', id: 'orders.expire-unpaid' },
      reason: 'expired',
    });
    expect((await sandboxOrder(prepaidUnpaid.orderNo)).trade_state).toBe('CLOSED');
    expect(await stockOf(deps, skuId)).toEqual({ available: 9, reserved: 0 });
    expect((await deps.catalog.Product.findById(product.id).lean())?.salesCount).toBe(1);
  });

  it('the expiry sweeper racing the payment notification always ends consistent: paid and sold, or cancelled and released (refunded if paid)', async () => {
    const rounds = 12;
    const product = await addTestProduct(deps, { skus: [{ price: 3000, stock: rounds }] });
    const skuId = product.skus[0]!.id;
    const orders: OrderRecord[] = [];
    for (let round = 0; round < rounds; round += 1) {
      const order = await storedOrder(deps, (await placeOrder(buyer, skuId)).orderNo);
      expect((await call('POST', `/api/orders/${order.orderNo}/pay`, buyer)).status).toBe(200);
      orders.push(order);
      // The payer starts 0 to 22 ms after the sweeper: early enough to win some rounds, late enough to lose others.
      const paying = new Promise((resolve) => setTimeout(resolve, 2 * round)).then(async () => {
        const paid = await control('/pay', { out_trade_no: order.orderNo });
        if (paid.status === 200) await settled(paid.json.delivery_id as number);
      });
      await Promise.all([paying, expireUnpaidOrders(deps, new Date(order.payDeadline.getTime() + 1000), log)]);
    }
    // Whatever the interleaving, every order ends in one consistent state.
    let sold = 0;
    for (const order of orders) {
      const after = await storedOrder(deps, order.orderNo);
      const inSandbox = await sandboxOrder(order.orderNo);
      const refunds = await deps.payments.Refund.countDocuments({ orderNo: order.orderNo });
      if (after.status === 'paid') {
        expect(after.stock).toBe('sold');
        expect(inSandbox.trade_state).toBe('SUCCESS');
        expect(refunds).toBe(0);
        sold += 1;
      } else {
        expect(after.status).toBe('cancelled');
        expect(after.stock).toBe('released');
        expect(refunds).toBe(inSandbox.trade_state === 'CLOSED' ? 0 : 1);
      }
    }
    expect(await stockOf(deps, skuId)).toEqual({ available: rounds - sold, reserved: 0 });
    expect((await deps.catalog.Product.findById(product.id).lean())?.salesCount).toBe(sold);
  });
});
