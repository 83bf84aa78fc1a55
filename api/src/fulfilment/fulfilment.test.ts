import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ORDER_EXPORT_MAX_ROWS,
  adminOrderListReplySchema,
  adminOrderReplySchema,
  logisticsTraceReplySchema,
  orderReplySchema,
  type Order,
} from '@mall/shared';
import type { Database } from '../db/database.ts';
import { createLogger } from '../logger.ts';
import type { CommerceDependencies } from '../orders/dependencies.ts';
import { transitionOrder } from '../orders/transitions.ts';
import { createStaffAccount, signIn, testApp, type TestApp } from '../testing/app.ts';
import { addTestProduct, createTestBuyer, storedOrder, testCommerce, type TestBuyer, type TestProduct } from '../testing/commerce.ts';
import { startTestDatabaseServer, type TestDatabaseServer } from '../testing/database.ts';
import { startTestSandbox, type TestSandbox } from '../testing/sandbox.ts';
import { autoCompleteShippedOrders } from './jobs.ts';
import { MAX_UPLOAD_ATTEMPTS, retryShippingUploads } from './shipping-upload.ts';

/**
 * Fulfilment against the sandbox (WeChat shipping uploads, Kuaidi100 traces): the merchant's order list, detail,
 * shipping and export with their role checks, the shopper's trace and confirmation of receipt, the upload retries
 * and auto-completion, and the races between them.
 */

let server: TestDatabaseServer;
let db: Database;
let testSandbox: TestSandbox;
let deps: CommerceDependencies;
let api: TestApp;
let buyer: TestBuyer;
let other: TestBuyer;
let product: TestProduct;
const staffTokens: Record<'owner' | 'operator' | 'manager' | 'viewer', { Authorization: string }> = {} as never;
let staffIds: Record<'owner' | 'manager', string>;
const log = createLogger('silent');
const HOUR_MS = 60 * 60_000;
const DAY_MS = 24 * HOUR_MS;

async function placeOrder(who: TestBuyer, remark?: string): Promise<Order> {
  const response = await api.http
    .post('/api/orders')
    .set(who.auth)
    .send({ items: [{ skuId: product.skus[0]!.id, quantity: 2 }], addressId: who.addressId, idempotencyKey: randomUUID(), remark });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return orderReplySchema.parse(response.body).order;
}

/** Paid as a verified WeChat Pay notification would pay it (payments.test.ts covers the notification itself). */
async function placePaidOrder(who: TestBuyer = buyer, remark?: string): Promise<Order> {
  const order = await placeOrder(who, remark);
  const record = await storedOrder(deps, order.orderNo);
  const transactionId = `4200${String(Date.now()).slice(-10)}${String(Math.floor(Math.random() * 1e14)).padStart(14, '0')}`;
  const paid = await transitionOrder(deps.orders.Order, record, 'pay', {
    actor: { type: 'wechatpay' },
    at: new Date(),
    set: { payment: { transactionId, amountFen: record.payableFen, paidAt: new Date() }, stock: 'sold' },
  });
  expect(paid?.status).toBe('paid');
  return order;
}

function ship(
  orderNo: string,
  body: unknown = { carrier: 'SF', trackingNo: `SF${Math.floor(Math.random() * 1e13)}` },
  token = staffTokens.operator,
) {
  return api.http
    .post(`/api/admin/orders/${orderNo}/ship`)
    .set(token)
    .send(body as object);
}

async function placeShippedOrder(who: TestBuyer = buyer): Promise<Order> {
  const order = await placePaidOrder(who);
  const response = await ship(order.orderNo);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return order;
}

async function sandboxJson(path: string, init?: { method: string; body: unknown }): Promise<unknown> {
  const response = await fetch(`${testSandbox.sandbox.url}${path}`, {
    method: init?.method ?? 'GET',
    headers: { 'Content-Type': 'application/json' },
    body: init === undefined ? undefined : JSON.stringify(init.body),
  });
  return response.json();
}

async function shippingUploadsOf(transactionId: string): Promise<unknown[]> {
  const uploads = (await sandboxJson('/__sandbox/wechat/shipping-uploads')) as { order_key: { transaction_id?: string } }[];
  return uploads.filter((upload) => upload.order_key.transaction_id === transactionId);
}

beforeAll(async () => {
  server = await startTestDatabaseServer();
  db = await server.connect();
  testSandbox = await startTestSandbox();
  deps = await testCommerce(db, testSandbox.config());
  api = testApp(db, { env: testSandbox.sandbox.apiEnv });
  [buyer, other] = await Promise.all([createTestBuyer(db), createTestBuyer(db)]);
  product = await addTestProduct(deps, { title: '纯棉T恤', skus: [{ specValues: ['红', 'M'], price: 12900, stock: 100_000 }] });
  const owner = await createStaffAccount(db, { username: 'boss', role: 'owner' });
  await createStaffAccount(db, { username: 'ops', role: 'operator' });
  const manager = await createStaffAccount(db, { username: 'manager', role: 'store_manager', storeId: 'sh-01' });
  await createStaffAccount(db, { username: 'watcher', role: 'viewer' });
  staffIds = { owner: owner._id.toHexString(), manager: manager._id.toHexString() };
  for (const [key, username] of [
    ['owner', 'boss'],
    ['operator', 'ops'],
    ['manager', 'manager'],
    ['viewer', 'watcher'],
  ] as const) {
    staffTokens[key] = { Authorization: `Bearer ${await signIn(api.http, username)}` };
  }
});

afterAll(async () => {
  await testSandbox.stop();
  await server.stop();
});

describe('GET /api/admin/orders', () => {
  it('lists every order newest first, paged, with the recipient and without the history', async () => {
    const first = await placeOrder(buyer);
    const second = await placeOrder(other);
    const page = adminOrderListReplySchema.parse(
      (await api.http.get('/api/admin/orders').query({ pageSize: '2' }).set(staffTokens.viewer)).body,
    );
    expect(page.items.map((order) => order.orderNo)).toEqual([second.orderNo, first.orderNo]);
    expect(page).toMatchObject({ page: 1, pageSize: 2 });
    expect(page.total).toBeGreaterThanOrEqual(2);
    expect(page.items[0]).not.toHaveProperty('history');
    expect(page.items[0]).toMatchObject({
      address: { recipientName: '张三' },
      shopperId: other.shopper._id.toHexString(),
      shippingUpload: null,
    });
  });

  it('filters by status, the refund group, keyword (order number, phone, name) and Asia/Shanghai days', async () => {
    const paid = await placePaidOrder();
    const named = await placeOrder(other);
    await deps.orders.Order.updateOne(
      { orderNo: named.orderNo },
      { $set: { 'address.recipientName': '欧阳娜娜', 'address.phone': '13911112222', createdAt: new Date('2025-03-01T16:30:00Z') } },
    );
    const lateEvening = await placeOrder(other);
    await deps.orders.Order.updateOne({ orderNo: lateEvening.orderNo }, { $set: { createdAt: new Date('2025-03-01T15:59:00Z') } });
    const refunding = await placeOrder(other);
    await deps.orders.Order.updateOne({ orderNo: refunding.orderNo }, { $set: { status: 'refunding' } });

    const list = async (query: Record<string, string>) =>
      adminOrderListReplySchema.parse((await api.http.get('/api/admin/orders').query(query).set(staffTokens.operator)).body);
    expect((await list({ status: 'paid' })).items.map((order) => order.orderNo)).toContain(paid.orderNo);
    expect((await list({ status: 'paid' })).items.every((order) => order.status === 'paid')).toBe(true);
    expect((await list({ status: 'refund' })).items.map((order) => order.orderNo)).toEqual([refunding.orderNo]);
    expect((await list({ keyword: paid.orderNo })).items.map((order) => order.orderNo)).toEqual([paid.orderNo]);
    expect((await list({ keyword: ' 13911112222 ' })).items.map((order) => order.orderNo)).toEqual([named.orderNo]);
    expect((await list({ keyword: '欧阳娜娜' })).items.map((order) => order.orderNo)).toEqual([named.orderNo]);
    expect((await list({ keyword: '欧阳' })).total).toBe(0);
    // 16:30 UTC on 1 March is 00:30 on 2 March in Shanghai; 15:59 UTC is still 1 March there.
    expect((await list({ createdFrom: '2025-03-02', createdTo: '2025-03-02' })).items.map((order) => order.orderNo)).toEqual([
      named.orderNo,
    ]);
    expect((await list({ createdFrom: '2025-03-01', createdTo: '2025-03-01' })).items.map((order) => order.orderNo)).toEqual([
      lateEvening.orderNo,
    ]);
    expect((await list({ createdTo: '2025-03-02' })).items.map((order) => order.orderNo)).toEqual([named.orderNo, lateEvening.orderNo]);
    expect((await list({ createdFrom: '2025-03-03', keyword: '欧阳娜娜' })).total).toBe(0);
  });

  it('has an index for every filter, each ending in the newest-first order', async () => {
    const keys = (await deps.orders.Order.listIndexes()).map((index) => JSON.stringify(index.key));
    for (const key of [
      { createdAt: -1 },
      { status: 1, createdAt: 1 },
      { orderNo: 1 },
      { 'address.phone': 1, createdAt: -1 },
      { 'address.recipientName': 1, createdAt: -1 },
    ]) {
      expect(keys).toContain(JSON.stringify(key));
    }
  });
});

describe('GET /api/admin/orders/:orderNo', () => {
  it('shows lines, amounts, address, payment and the whole history', async () => {
    const order = await placePaidOrder();
    const reply = adminOrderReplySchema.parse((await api.http.get(`/api/admin/orders/${order.orderNo}`).set(staffTokens.viewer)).body);
    expect(reply.order).toMatchObject({
      orderNo: order.orderNo,
      status: 'paid',
      lines: [{ title: '纯棉T恤', specText: '红 / M', quantity: 2, lineTotalFen: 25800 }],
      pricing: { payableFen: 25800 },
      address: { recipientName: '张三', phone: '13800138000' },
      payment: { method: 'wechatpay', amountFen: 25800 },
      shipping: null,
      shippingUpload: null,
    });
    expect(reply.order.history.map((entry) => [entry.event, entry.actor.type])).toEqual([
      ['created', 'shopper'],
      ['pay', 'wechatpay'],
    ]);
    expect(reply.staffNames).toEqual({});
  });
});

describe('POST /api/admin/orders/:orderNo/ship', () => {
  it('ships a paid order with the staff member in its history and uploads the shipment to WeChat', async () => {
    const order = await placePaidOrder();
    const response = await ship(order.orderNo, { carrier: 'ZTO', trackingNo: ' zt75000001234 ' }, staffTokens.manager);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const reply = adminOrderReplySchema.parse(response.body);
    expect(reply.order).toMatchObject({
      status: 'shipped',
      shipping: { carrier: 'ZTO', trackingNo: 'ZT75000001234' },
      shippingUpload: { state: 'uploaded', attempts: 1 },
    });
    expect(reply.order.history.at(-1)).toMatchObject({
      event: 'ship',
      from: 'paid',
      to: 'shipped',
      actor: { type: 'staff', id: staffIds.manager },
      reason: '中通快递 ZT75000001234',
    });
    expect(reply.staffNames).toEqual({ [staffIds.manager]: 'manager' });
    const [upload] = await shippingUploadsOf(reply.order.payment!.transactionId);
    expect(upload).toMatchObject({
      logistics_type: 1,
      delivery_mode: 1,
      shipping_list: [
        {
          tracking_no: 'ZT75000001234',
          express_company: 'ZTO',
          item_desc: '纯棉T恤 红 / M ×2',
          contact: { receiver_contact: '138****8000' },
        },
      ],
      payer: { openid: buyer.shopper.openid },
    });
  });

  it('lets exactly one of five racing ships win; the others get 409 ORDER_STATUS_CONFLICT and nothing is uploaded twice', async () => {
    const order = await placePaidOrder();
    const responses = await Promise.all(
      Array.from({ length: 5 }, (_, index) => ship(order.orderNo, { carrier: 'YTO', trackingNo: `YT900000000${index}` })),
    );
    expect(responses.map((response) => response.status).sort()).toEqual([200, 409, 409, 409, 409]);
    for (const refused of responses.filter((response) => response.status === 409)) {
      expect(refused.body.error).toMatchObject({ code: 'ORDER_STATUS_CONFLICT', details: { status: 'shipped' } });
    }
    const record = await storedOrder(deps, order.orderNo);
    expect(record.history.filter((entry) => entry.event === 'ship')).toHaveLength(1);
    const winner = adminOrderReplySchema.parse(responses.find((response) => response.status === 200)!.body).order;
    expect(record.shipping?.trackingNo).toBe(winner.shipping?.trackingNo);
    expect(await shippingUploadsOf(record.payment!.transactionId)).toHaveLength(1);
  });

  it('refuses orders that are not paid (409) and unknown ones (404)', async () => {
    const unpaid = await placeOrder(buyer);
    expect((await ship(unpaid.orderNo)).body.error).toMatchObject({
      code: 'ORDER_STATUS_CONFLICT',
      details: { status: 'pending_payment' },
    });
    expect((await ship('20990101000000011')).status).toBe(404);
    expect((await storedOrder(deps, unpaid.orderNo)).status).toBe('pending_payment');
  });

  it.each([
    ['no body', undefined],
    ['no carrier', { trackingNo: 'SF1234567890' }],
    ['an unknown carrier', { carrier: 'UPS', trackingNo: 'SF1234567890' }],
    ['a lower-case carrier code', { carrier: 'sf', trackingNo: 'SF1234567890' }],
    ['no tracking number', { carrier: 'SF' }],
    ['a short tracking number', { carrier: 'SF', trackingNo: 'SF12' }],
    ['a tracking number with spaces inside', { carrier: 'SF', trackingNo: 'SF 1234 5678' }],
    ['a tracking number with symbols', { carrier: 'SF', trackingNo: 'SF1234567890<' }],
    ['a tracking number over 32 characters', { carrier: 'SF', trackingNo: 'S'.repeat(33) }],
    ['a tracking number that is a number', { carrier: 'SF', trackingNo: 1234567890 }],
    ['an extra field', { carrier: 'SF', trackingNo: 'SF1234567890', shippedAt: '2020-01-01' }],
  ])('refuses %s with 400 VALIDATION_FAILED and leaves the order paid', async (_label, body) => {
    const order = await placePaidOrder();
    const request = api.http.post(`/api/admin/orders/${order.orderNo}/ship`).set(staffTokens.operator);
    const response = body === undefined ? await request : await request.send(body);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
    expect((await storedOrder(deps, order.orderNo)).status).toBe('paid');
  });
});

describe('the WeChat shipping upload', () => {
  it('keeps the order shipped when WeChat fails, and the job retries until WeChat takes it', async () => {
    const order = await placePaidOrder();
    await sandboxJson('/__sandbox/wechat/shipping-upload-failures', { method: 'POST', body: { count: 2 } });
    const response = await ship(order.orderNo);
    expect(response.status).toBe(200);
    expect(adminOrderReplySchema.parse(response.body).order).toMatchObject({
      status: 'shipped',
      shippingUpload: { state: 'pending', attempts: 1, lastError: expect.stringContaining('-1') as unknown },
    });
    // Not due yet: the job leaves it alone.
    expect(await retryShippingUploads(deps, new Date(), log)).toBe(0);
    expect((await storedOrder(deps, order.orderNo)).shippingUpload?.attempts).toBe(1);

    expect(await retryShippingUploads(deps, new Date(Date.now() + HOUR_MS), log)).toBe(0);
    expect((await storedOrder(deps, order.orderNo)).shippingUpload).toMatchObject({ state: 'pending', attempts: 2 });
    expect(await retryShippingUploads(deps, new Date(Date.now() + 2 * HOUR_MS), log)).toBe(1);
    const uploaded = await storedOrder(deps, order.orderNo);
    expect(uploaded).toMatchObject({ status: 'shipped', shippingUpload: { state: 'uploaded', attempts: 3 } });
    expect(await shippingUploadsOf(uploaded.payment!.transactionId)).toHaveLength(1);
    expect(await retryShippingUploads(deps, new Date(Date.now() + 3 * HOUR_MS), log)).toBe(0);
  });

  it(`gives up after ${MAX_UPLOAD_ATTEMPTS} attempts and says so on the order`, async () => {
    const order = await placePaidOrder();
    await sandboxJson('/__sandbox/wechat/shipping-upload-failures', {
      method: 'POST',
      body: { count: MAX_UPLOAD_ATTEMPTS, errcode: 10060001 },
    });
    await ship(order.orderNo);
    for (let run = 1; run < MAX_UPLOAD_ATTEMPTS; run += 1) await retryShippingUploads(deps, new Date(Date.now() + run * 2 * HOUR_MS), log);
    expect((await storedOrder(deps, order.orderNo)).shippingUpload).toMatchObject({ state: 'failed', attempts: MAX_UPLOAD_ATTEMPTS });
    const detail = adminOrderReplySchema.parse((await api.http.get(`/api/admin/orders/${order.orderNo}`).set(staffTokens.viewer)).body);
    expect(detail.order.shippingUpload).toMatchObject({ state: 'failed', lastError: expect.stringContaining('10060001') as unknown });
    expect(await retryShippingUploads(deps, new Date(Date.now() + 100 * HOUR_MS), log)).toBe(0);
  });
});

describe('logistics traces', () => {
  it('shows the shopper the trace of an own shipped order, cached per order', async () => {
    const order = await placeShippedOrder();
    const first = await api.http.get(`/api/orders/${order.orderNo}/logistics`).set(buyer.auth);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const { trace } = logisticsTraceReplySchema.parse(first.body);
    expect(trace).toMatchObject({ carrier: 'SF', carrierName: '顺丰速运', state: 'collected' });
    expect(trace.events[0]?.description).toContain('揽收');
    const queries = () => testSandbox.sandbox.requests.list({ path: '/kuaidi100/poll/query.do' }).length;
    const before = queries();
    const again = logisticsTraceReplySchema.parse(
      (await api.http.get(`/api/admin/orders/${order.orderNo}/logistics`).set(staffTokens.viewer)).body,
    );
    expect(again.trace).toEqual(trace);
    expect(queries()).toBe(before);
  });

  it('sends the signed query Kuaidi100 expects, with the recipient phone', async () => {
    const order = await placeShippedOrder();
    await api.http.get(`/api/orders/${order.orderNo}/logistics`).set(buyer.auth);
    const sent = testSandbox.sandbox.requests.list({ path: '/kuaidi100/poll/query.do' }).at(-1)!;
    const form = new URLSearchParams(sent.body);
    const record = await storedOrder(deps, order.orderNo);
    expect(JSON.parse(form.get('param')!)).toMatchObject({ com: 'shunfeng', num: record.shipping!.trackingNo, phone: '13800138000' });
    expect(form.get('customer')).toBe(testSandbox.sandbox.apiEnv.KUAIDI100_CUSTOMER);
    expect(form.get('sign')).toMatch(/^[0-9A-F]{32}$/);
  });

  it('answers 502 PLATFORM_ERROR when Kuaidi100 refuses the signature, 503 when it is not configured', async () => {
    const wrongKey = testApp(db, { env: { ...testSandbox.sandbox.apiEnv, KUAIDI100_KEY: 'sandbox-not-the-key' } });
    const order = await placeShippedOrder();
    const refused = await wrongKey.http.get(`/api/orders/${order.orderNo}/logistics`).set(buyer.auth);
    expect(refused.status).toBe(502);
    expect(refused.body.error).toMatchObject({ code: 'PLATFORM_ERROR', details: { platform: 'kuaidi100', code: '503' } });
    const unconfigured = testApp(db, { env: { ...testSandbox.sandbox.apiEnv, KUAIDI100_KEY: '' } });
    const missing = await unconfigured.http.get(`/api/orders/${order.orderNo}/logistics`).set(buyer.auth);
    expect(missing.status).toBe(503);
    expect(missing.body.error).toMatchObject({ code: 'PLATFORM_NOT_CONFIGURED', details: { missing: ['KUAIDI100_KEY'] } });
  });

  it("refuses unshipped orders (409), another shopper's order (404) and bad numbers (400)", async () => {
    const unshipped = await placePaidOrder();
    expect((await api.http.get(`/api/orders/${unshipped.orderNo}/logistics`).set(buyer.auth)).body.error.code).toBe(
      'ORDER_STATUS_CONFLICT',
    );
    expect((await api.http.get(`/api/admin/orders/${unshipped.orderNo}/logistics`).set(staffTokens.viewer)).status).toBe(409);
    const shipped = await placeShippedOrder();
    expect((await api.http.get(`/api/orders/${shipped.orderNo}/logistics`).set(other.auth)).status).toBe(404);
    expect((await api.http.get('/api/orders/123/logistics').set(buyer.auth)).status).toBe(400);
    expect((await api.http.get(`/api/orders/${shipped.orderNo}/logistics`)).status).toBe(401);
  });
});

describe('POST /api/orders/:orderNo/confirm-receipt', () => {
  it('completes an own shipped order once; a second tap gets 409', async () => {
    const order = await placeShippedOrder();
    const [first, second] = await Promise.all([
      api.http.post(`/api/orders/${order.orderNo}/confirm-receipt`).set(buyer.auth),
      api.http.post(`/api/orders/${order.orderNo}/confirm-receipt`).set(buyer.auth),
    ]);
    expect([first!.status, second!.status].sort()).toEqual([200, 409]);
    const completed = orderReplySchema.parse((first!.status === 200 ? first : second)!.body).order;
    expect(completed.status).toBe('completed');
    expect(completed.history.at(-1)).toMatchObject({
      event: 'confirm_receipt',
      from: 'shipped',
      to: 'completed',
      actor: { type: 'shopper', id: buyer.shopper._id.toHexString() },
    });
    // The trace stays readable once completed.
    expect((await api.http.get(`/api/orders/${order.orderNo}/logistics`).set(buyer.auth)).status).toBe(200);
  });

  it("refuses orders not shipped (409), another shopper's (404), unknown (404), bad numbers (400) and staff tokens (401)", async () => {
    const paid = await placePaidOrder();
    const response = await api.http.post(`/api/orders/${paid.orderNo}/confirm-receipt`).set(buyer.auth);
    expect(response.body.error).toMatchObject({ code: 'ORDER_STATUS_CONFLICT', details: { status: 'paid' } });
    const shipped = await placeShippedOrder();
    expect((await api.http.post(`/api/orders/${shipped.orderNo}/confirm-receipt`).set(other.auth)).status).toBe(404);
    expect((await api.http.post('/api/orders/20990101000000011/confirm-receipt').set(buyer.auth)).status).toBe(404);
    expect((await api.http.post('/api/orders/2099/confirm-receipt').set(buyer.auth)).status).toBe(400);
    expect((await api.http.post(`/api/orders/${shipped.orderNo}/confirm-receipt`).set(staffTokens.owner)).status).toBe(401);
    expect((await storedOrder(deps, shipped.orderNo)).status).toBe('shipped');
  });
});

describe('auto-completion', () => {
  async function shippedDaysAgo(days: number): Promise<Order> {
    const order = await placeShippedOrder();
    await deps.orders.Order.updateOne({ orderNo: order.orderNo }, { $set: { 'shipping.shippedAt': new Date(Date.now() - days * DAY_MS) } });
    return order;
  }

  it('completes orders shipped more than ORDER_AUTO_COMPLETE_DAYS (10) ago, as the system, and no others', async () => {
    const old = await shippedDaysAgo(10.5);
    const recent = await shippedDaysAgo(9.5);
    expect(await autoCompleteShippedOrders(deps, new Date(), log)).toBeGreaterThanOrEqual(1);
    const completed = await storedOrder(deps, old.orderNo);
    expect(completed.status).toBe('completed');
    expect(completed.history.at(-1)).toMatchObject({
      event: 'auto_complete',
      actor: { type: 'system', id: 'orders.auto-complete' },
      reason: '发货 10 天后自动确认收货',
    });
    expect((await storedOrder(deps, recent.orderNo)).status).toBe('shipped');
  });

  it('races the shoppers confirming: each order is completed exactly once, by one or the other', async () => {
    const orders = await Promise.all(Array.from({ length: 8 }, () => shippedDaysAgo(11)));
    const [confirms] = await Promise.all([
      Promise.all(orders.map((order) => api.http.post(`/api/orders/${order.orderNo}/confirm-receipt`).set(buyer.auth))),
      autoCompleteShippedOrders(deps, new Date(), log),
    ]);
    for (const [index, order] of orders.entries()) {
      const record = await storedOrder(deps, order.orderNo);
      const completions = record.history.filter((entry) => entry.to === 'completed');
      expect(record.status).toBe('completed');
      expect(completions).toHaveLength(1);
      expect(confirms[index]!.status).toBe(completions[0]!.event === 'confirm_receipt' ? 200 : 409);
    }
  });
});

describe('GET /api/admin/orders/export', () => {
  it('exports the filtered orders as UTF-8 CSV with BOM, yuan amounts and formula-safe cells', async () => {
    const order = await placePaidOrder(buyer, '=HYPERLINK("http://evil.example","点我")');
    await deps.orders.Order.updateOne({ orderNo: order.orderNo }, { $set: { 'address.recipientName': '@张三' } });
    const response = await api.http
      .get('/api/admin/orders/export')
      .query({ keyword: order.orderNo })
      .set(staffTokens.viewer)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="orders-\d{8}-\d{4}\.csv"$/);
    const bytes = response.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).split('\r\n');
    expect(lines[0]).toMatch(/^"订单号","下单时间","状态","商品",/);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(`"${order.orderNo}\t"`);
    expect(lines[1]).toContain('"待发货"');
    expect(lines[1]).toContain('"纯棉T恤（红 / M） ×2"');
    expect(lines[1]).toContain('"258.00"');
    expect(lines[1]).toContain(`"'@张三"`);
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil.example"",""点我"")"`);
    expect(lines[2]).toBe('');
  });

  it(`refuses more than ${ORDER_EXPORT_MAX_ROWS} orders with 422 EXPORT_TOO_LARGE`, async () => {
    const template = await storedOrder(deps, (await placeOrder(other)).orderNo);
    const { _id: _ignored, ...fields } = template;
    const day = new Date('2020-06-01T04:00:00Z');
    const copies = Array.from({ length: ORDER_EXPORT_MAX_ROWS + 1 }, (_, index) => ({
      ...fields,
      _id: new Types.ObjectId(),
      orderNo: `2020060199${String(index).padStart(7, '0')}`,
      idempotencyKey: randomUUID(),
      createdAt: day,
    }));
    await deps.orders.Order.collection.insertMany(copies);
    try {
      const response = await api.http
        .get('/api/admin/orders/export')
        .query({ createdFrom: '2020-06-01', createdTo: '2020-06-01' })
        .set(staffTokens.owner);
      expect(response.status).toBe(422);
      expect(response.body.error).toMatchObject({
        code: 'EXPORT_TOO_LARGE',
        details: { count: ORDER_EXPORT_MAX_ROWS + 1, limit: ORDER_EXPORT_MAX_ROWS },
      });
    } finally {
      await deps.orders.Order.deleteMany({ createdAt: day });
    }
  });
});

describe('access and bad input on the merchant routes', () => {
  const someOrderNo = '20990101000000011';

  it('lets every role read (list, detail, export, trace) and only owner, operator and store manager ship', async () => {
    const order = await placePaidOrder();
    for (const role of ['owner', 'operator', 'manager', 'viewer'] as const) {
      expect((await api.http.get('/api/admin/orders').set(staffTokens[role])).status, role).toBe(200);
      expect((await api.http.get(`/api/admin/orders/${order.orderNo}`).set(staffTokens[role])).status, role).toBe(200);
      expect((await api.http.get('/api/admin/orders/export').query({ keyword: order.orderNo }).set(staffTokens[role])).status, role).toBe(
        200,
      );
    }
    const refused = await ship(order.orderNo, { carrier: 'SF', trackingNo: 'SF1234567890' }, staffTokens.viewer);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');
    expect((await storedOrder(deps, order.orderNo)).status).toBe('paid');
    expect((await ship(order.orderNo, { carrier: 'SF', trackingNo: 'SF1234567890' }, staffTokens.owner)).status).toBe(200);
  });

  it.each([
    ['GET', '/api/admin/orders'],
    ['GET', '/api/admin/orders/export'],
    ['GET', `/api/admin/orders/${someOrderNo}`],
    ['POST', `/api/admin/orders/${someOrderNo}/ship`],
    ['GET', `/api/admin/orders/${someOrderNo}/logistics`],
  ])('%s %s needs a staff token (401; a shopper token is not one)', async (method, path) => {
    const anonymous = await api.http[method === 'GET' ? 'get' : 'post'](path);
    expect(anonymous.status).toBe(401);
    expect((await api.http[method === 'GET' ? 'get' : 'post'](path).set(buyer.auth)).status).toBe(401);
  });

  it.each([
    ['an unknown status', { status: 'lost' }],
    ['an empty keyword', { keyword: '   ' }],
    ['a keyword over 32 characters', { keyword: 'x'.repeat(33) }],
    ['a keyword with a control character', { keyword: 'a\u0000b' }],
    ['a malformed day', { createdFrom: '2025/03/01' }],
    ['a day that does not exist', { createdTo: '2025-02-30' }],
    ['a range ending before it starts', { createdFrom: '2025-03-02', createdTo: '2025-03-01' }],
    ['page 0', { page: '0' }],
    ['a page size over 100', { pageSize: '101' }],
    ['an unknown parameter', { shopperId: 'x' }],
    ['a repeated parameter', { status: ['paid', 'shipped'] }],
  ])('the list refuses %s (400)', async (_label, query) => {
    const response = await api.http.get('/api/admin/orders').query(query).set(staffTokens.operator);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
  });

  it.each([
    ['a range ending before it starts', { createdFrom: '2025-03-02', createdTo: '2025-03-01' }],
    ['paging (the export has none)', { page: '2' }],
    ['an unknown status', { status: 'all' }],
  ])('the export refuses %s (400)', async (_label, query) => {
    const response = await api.http.get('/api/admin/orders/export').query(query).set(staffTokens.operator);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
  });

  it.each([
    ['GET', '/api/admin/orders/123'],
    ['GET', '/api/admin/orders/abcdefghijklmnopq'],
    ['POST', '/api/admin/orders/2099010100000001x/ship'],
    ['GET', '/api/admin/orders/1/logistics'],
  ])('%s %s refuses a malformed order number (400)', async (method, path) => {
    const request = method === 'GET' ? api.http.get(path) : api.http.post(path).send({ carrier: 'SF', trackingNo: 'SF1234567890' });
    const response = await request.set(staffTokens.owner);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('answers 404 NOT_FOUND for unknown order numbers', async () => {
    for (const path of [`/api/admin/orders/${someOrderNo}`, `/api/admin/orders/${someOrderNo}/logistics`]) {
      const response = await api.http.get(path).set(staffTokens.viewer);
      expect(response.status, path).toBe(404);
      expect(response.body.error.code).toBe('NOT_FOUND');
    }
  });
});
