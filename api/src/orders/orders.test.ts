import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderListReplySchema, orderReplySchema, type Order } from '@mall/shared';
import type { Database } from '../db/database.ts';
import { testApp, type TestApp } from '../testing/app.ts';
import { addTestProduct, createTestBuyer, stockOf, testCommerce, type TestBuyer, type TestProduct } from '../testing/commerce.ts';
import { startTestDatabaseServer, type TestDatabaseServer } from '../testing/database.ts';
import type { CommerceDependencies } from './dependencies.ts';

/** The shopper's order routes without WeChat Pay (payment and the cancel of prepaid orders: payments/payments.test.ts). */

let server: TestDatabaseServer;
let db: Database;
let deps: CommerceDependencies;
let api: TestApp;
let buyer: TestBuyer;
let other: TestBuyer;
let product: TestProduct;
const placed: Order[] = [];

async function place(who: TestBuyer, quantity: number): Promise<Order> {
  const response = await api.http
    .post('/api/orders')
    .set(who.auth)
    .send({ items: [{ skuId: product.skus[0]!.id, quantity }], addressId: who.addressId, idempotencyKey: randomUUID() });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return orderReplySchema.parse(response.body).order;
}

beforeAll(async () => {
  server = await startTestDatabaseServer();
  db = await server.connect();
  deps = await testCommerce(db);
  api = testApp(db);
  [buyer, other] = await Promise.all([createTestBuyer(db), createTestBuyer(db)]);
  product = await addTestProduct(deps, { title: '帆布包', skus: [{ price: 4500, stock: 100 }] });
  for (let quantity = 1; quantity <= 5; quantity += 1) placed.push(await place(buyer, quantity));
  await place(other, 1);
});

afterAll(async () => {
  await server.stop();
});

describe('GET /api/orders', () => {
  it("lists the shopper's own orders, newest first, paged, without history and address", async () => {
    const response = await api.http.get('/api/orders').query({ pageSize: '2', page: '2' }).set(buyer.auth);
    expect(response.status).toBe(200);
    const page = orderListReplySchema.parse(response.body);
    expect(page).toMatchObject({ total: 5, page: 2, pageSize: 2 });
    expect(page.items.map((order) => order.orderNo)).toEqual([placed[2]!.orderNo, placed[1]!.orderNo]);
    expect(page.items[0]).not.toHaveProperty('history');
    expect(page.items[0]?.lines[0]).toMatchObject({ title: '帆布包', quantity: 3, lineTotalFen: 13500 });
  });

  it('filters by status', async () => {
    const cancelled = await api.http.post(`/api/orders/${placed[0]!.orderNo}/cancel`).set(buyer.auth);
    expect(cancelled.status).toBe(200);
    const list = orderListReplySchema.parse((await api.http.get('/api/orders').query({ status: 'cancelled' }).set(buyer.auth)).body);
    expect(list.items.map((order) => order.orderNo)).toEqual([placed[0]!.orderNo]);
    const pending = orderListReplySchema.parse(
      (await api.http.get('/api/orders').query({ status: 'pending_payment' }).set(buyer.auth)).body,
    );
    expect(pending.total).toBe(4);
  });

  it('filters by the refund group: orders refunding or refunded', async () => {
    const orders = deps.orders.Order;
    await orders.updateOne({ orderNo: placed[3]!.orderNo }, { $set: { status: 'refunding' } });
    await orders.updateOne({ orderNo: placed[4]!.orderNo }, { $set: { status: 'refunded' } });
    try {
      const refunds = orderListReplySchema.parse((await api.http.get('/api/orders').query({ status: 'refund' }).set(buyer.auth)).body);
      expect(refunds.items.map((order) => order.status)).toEqual(['refunded', 'refunding']);
      expect(refunds.total).toBe(2);
    } finally {
      await orders.updateMany({ orderNo: { $in: [placed[3]!.orderNo, placed[4]!.orderNo] } }, { $set: { status: 'pending_payment' } });
    }
  });

  it.each([
    ['an unknown status', { status: 'lost' }],
    ['page 0', { page: '0' }],
    ['a page size over 50', { pageSize: '51' }],
    ['a negative page', { page: '-1' }],
    ['an unknown parameter', { shopperId: 'x' }],
  ])('refuses %s (400)', async (_label, query) => {
    const response = await api.http.get('/api/orders').query(query).set(buyer.auth);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('needs a shopper token (401)', async () => {
    expect((await api.http.get('/api/orders')).status).toBe(401);
  });
});

describe('GET /api/orders/:orderNo', () => {
  it('shows the own order with its history; another shopper gets 404 as for an unknown number', async () => {
    const mine = orderReplySchema.parse((await api.http.get(`/api/orders/${placed[1]!.orderNo}`).set(buyer.auth)).body).order;
    expect(mine).toEqual(placed[1]);
    const theirs = await api.http.get(`/api/orders/${placed[1]!.orderNo}`).set(other.auth);
    expect(theirs.status).toBe(404);
    expect(theirs.body.error.code).toBe('NOT_FOUND');
    expect((await api.http.get('/api/orders/20990101000000011').set(buyer.auth)).status).toBe(404);
    expect((await api.http.get('/api/orders/not-a-number').set(buyer.auth)).status).toBe(400);
  });
});

describe('POST /api/orders/:orderNo/cancel', () => {
  it('cancels an unpaid order once, returning its stock once, even when the shopper taps five times', async () => {
    const order = placed[4]!;
    const before = await stockOf(deps, product.skus[0]!.id);
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => api.http.post(`/api/orders/${order.orderNo}/cancel`).set(buyer.auth)),
    );
    expect(responses.map((response) => response.status).sort()).toEqual([200, 409, 409, 409, 409]);
    expect(
      responses.filter((response) => response.status === 409).every((response) => response.body.error.code === 'ORDER_STATUS_CONFLICT'),
    ).toBe(true);
    const cancelled = orderReplySchema.parse(responses.find((response) => response.status === 200)!.body).order;
    expect(cancelled.history.map((entry) => entry.event)).toEqual(['created', 'cancel']);
    expect(cancelled.history[1]).toMatchObject({ from: 'pending_payment', to: 'cancelled', reason: '买家取消订单' });
    expect(await stockOf(deps, product.skus[0]!.id)).toEqual({ available: before.available + 5, reserved: before.reserved - 5 });
  });

  it("refuses another shopper's order (404) and bad numbers (400)", async () => {
    expect((await api.http.post(`/api/orders/${placed[3]!.orderNo}/cancel`).set(other.auth)).status).toBe(404);
    expect((await api.http.post('/api/orders/1/cancel').set(buyer.auth)).status).toBe(400);
    expect((await api.http.post(`/api/orders/${placed[3]!.orderNo}/cancel`)).status).toBe(401);
  });
});
