import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_IMAGE_BYTES, orderReplySchema, type StaffRole } from '@mall/shared';
import type { Database } from '../db/database.ts';
import { createLogger } from '../logger.ts';
import type { CommerceDependencies } from '../orders/dependencies.ts';
import type { OrderRecord } from '../orders/models.ts';
import { applyTransaction } from '../payments/service.ts';
import { createStaffAccount, signIn, testApp, type TestApp } from '../testing/app.ts';
import { addTestProduct, createTestBuyer, testCommerce, type TestBuyer } from '../testing/commerce.ts';
import { startTestDatabaseServer, type TestDatabaseServer } from '../testing/database.ts';

/** Every after-sales endpoint refuses bad input with a 4xx and a code, writing nothing; and each role may do exactly its part. */

let databaseServer: TestDatabaseServer;
let db: Database;
let app: TestApp;
let deps: CommerceDependencies;
let buyer: TestBuyer;
let skuId: string;
const tokens = new Map<StaffRole, string>();
const log = createLogger('silent');
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

/** An order paid as WeChat Pay's query would report it (these tests never reach WeChat Pay). */
async function paidOrder(): Promise<OrderRecord> {
  const created = await app.http
    .post('/api/orders')
    .set(buyer.auth)
    .send({ items: [{ skuId, quantity: 1 }], addressId: buyer.addressId, idempotencyKey: randomUUID() });
  const { orderNo, pricing } = orderReplySchema.parse(created.body).order;
  await deps.orders.Order.updateOne({ orderNo }, { $set: { prepayRequestedAt: new Date() } });
  await applyTransaction(
    deps,
    {
      appId: 'wx-test',
      mchId: '1900000001',
      outTradeNo: orderNo,
      transactionId: `4200${Date.now()}${Math.floor(Math.random() * 1e6)}`,
      tradeType: 'JSAPI',
      tradeState: 'SUCCESS',
      tradeStateDesc: '支付成功',
      successTime: new Date(),
      attach: undefined,
      payerOpenid: buyer.shopper.openid,
      amount: { totalFen: pricing.payableFen, payerTotalFen: pricing.payableFen, currency: 'CNY' },
    },
    'query',
    log,
  );
  const order = await deps.orders.Order.findOne({ orderNo }).lean<OrderRecord>();
  expect(order?.status).toBe('paid');
  return order!;
}

async function openRequest(order: OrderRecord): Promise<string> {
  const reply = await app.http
    .post('/api/after-sales')
    .set(buyer.auth)
    .send({ orderNo: order.orderNo, kind: 'refund_only', reason: '其他', refundFen: 100 });
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return (reply.body as { afterSale: { afterSaleNo: string } }).afterSale.afterSaleNo;
}

const staff = (role: StaffRole) => ({ Authorization: `Bearer ${tokens.get(role)}` });

beforeAll(async () => {
  databaseServer = await startTestDatabaseServer();
  db = await databaseServer.connect();
  app = testApp(db);
  deps = await testCommerce(db);
  buyer = await createTestBuyer(db);
  skuId = (await addTestProduct(deps, { skus: [{ price: 5000, stock: 1000 }] })).skus[0]!.id;
  for (const role of ['owner', 'operator', 'store_manager', 'viewer'] as const) {
    await createStaffAccount(db, { username: `as-${role}`, role, ...(role === 'store_manager' && { storeId: 'store-1' }) });
    tokens.set(role, await signIn(app.http, `as-${role}`));
  }
});

afterAll(async () => {
  await databaseServer.stop();
});

describe('POST /api/after-sales: bad bodies', () => {
  const valid = { kind: 'refund_only', reason: '不想要了', refundFen: 100 };
  it.each<[string, string, Record<string, unknown>]>([
    ['no order number', 'VALIDATION_FAILED', { ...valid, orderNo: undefined }],
    ['a malformed order number', 'VALIDATION_FAILED', { ...valid, orderNo: '123' }],
    ['an unknown kind', 'VALIDATION_FAILED', { ...valid, kind: 'exchange' }],
    ['a reason not on the list', 'VALIDATION_FAILED', { ...valid, reason: '随便' }],
    ['a zero amount', 'VALIDATION_FAILED', { ...valid, refundFen: 0 }],
    ['a negative amount', 'VALIDATION_FAILED', { ...valid, refundFen: -5 }],
    ['a fractional amount', 'VALIDATION_FAILED', { ...valid, refundFen: 10.5 }],
    ['an amount as a string', 'VALIDATION_FAILED', { ...valid, refundFen: '100' }],
    ['a long description', 'VALIDATION_FAILED', { ...valid, description: '长'.repeat(201) }],
    ['control characters', 'VALIDATION_FAILED', { ...valid, description: 'a\u0000b' }],
    ['seven images', 'VALIDATION_FAILED', { ...valid, imageIds: Array.from({ length: 7 }, (_, i) => `${String(i).repeat(64)}.png`) }],
    ['a malformed image id', 'VALIDATION_FAILED', { ...valid, imageIds: ['../../etc/passwd'] }],
    ['an image never uploaded', 'VALIDATION_FAILED', { ...valid, imageIds: [`${'c'.repeat(64)}.png`] }],
    ['a repeated image', 'VALIDATION_FAILED', { ...valid, imageIds: [`${'c'.repeat(64)}.png`, `${'c'.repeat(64)}.png`] }],
    ['a SKU not in the order', 'VALIDATION_FAILED', { ...valid, lines: [{ skuId: 'f'.repeat(24), quantity: 1 }] }],
    ['more than was bought', 'VALIDATION_FAILED', { ...valid, lines: [{ skuIdFromOrder: true, quantity: 2 }] }],
    ['a zero quantity', 'VALIDATION_FAILED', { ...valid, lines: [{ skuIdFromOrder: true, quantity: 0 }] }],
    ['an unknown field', 'VALIDATION_FAILED', { ...valid, unitPriceFen: 1 }],
    ['more than the order', 'REFUND_AMOUNT_EXCEEDED', { ...valid, refundFen: 1_000_000 }],
  ])('%s → %s, nothing written', async (_label, code, body) => {
    const order = await paidOrder();
    const lines = (body.lines as { skuIdFromOrder?: boolean; quantity: number }[] | undefined)?.map((line) =>
      line.skuIdFromOrder ? { skuId, quantity: line.quantity } : line,
    );
    const reply = await app.http
      .post('/api/after-sales')
      .set(buyer.auth)
      .send({ orderNo: order.orderNo, ...body, ...(lines && { lines }) });
    expect(reply.status).toBeGreaterThanOrEqual(400);
    expect(reply.status).toBeLessThan(500);
    expect(reply.body).toMatchObject({ error: { code } });
    expect(await deps.afterSales.countDocuments({ orderId: order._id })).toBe(0);
    expect((await deps.orders.Order.findById(order._id).lean())?.status).toBe('paid');
  });

  it('refuses a body that is not JSON, and an unknown order (404)', async () => {
    const notJson = await app.http.post('/api/after-sales').set(buyer.auth).set('Content-Type', 'application/json').send('{oops');
    expect(notJson.body).toMatchObject({ error: { code: 'MALFORMED_REQUEST' } });
    const unknown = await app.http
      .post('/api/after-sales')
      .set(buyer.auth)
      .send({ ...valid, orderNo: '20990101000000011' });
    expect(unknown.status).toBe(404);
  });
});

describe('the other endpoints: bad params, queries and bodies', () => {
  it.each<[string, string, string, unknown?]>([
    ['list: unknown status', 'get', '/api/after-sales?status=lost'],
    ['list: page 0', 'get', '/api/after-sales?page=0'],
    ['list: page size 51', 'get', '/api/after-sales?pageSize=51'],
    ['list: unknown parameter', 'get', '/api/after-sales?sort=1'],
    ['detail: malformed number', 'get', '/api/after-sales/abc'],
    ['detail: no sequence', 'get', '/api/after-sales/20260101000000011'],
    ['cancel: malformed number', 'post', '/api/after-sales/1-1/cancel'],
    ['order after-sales: malformed order number', 'get', '/api/orders/123/after-sales'],
    ['return: no carrier', 'post', '/api/after-sales/20260101000000011-1/return-shipment', { trackingNo: 'SF1234567' }],
    [
      'return: short tracking number',
      'post',
      '/api/after-sales/20260101000000011-1/return-shipment',
      { carrier: '顺丰', trackingNo: '12' },
    ],
    [
      'return: tracking number with spaces',
      'post',
      '/api/after-sales/20260101000000011-1/return-shipment',
      { carrier: '顺丰', trackingNo: 'SF 123 456' },
    ],
  ])('shopper %s → 400', async (_label, method, path, body) => {
    const call = method === 'get' ? app.http.get(path) : app.http.post(path);
    const reply = await call.set(buyer.auth).send(body as object);
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
  });

  it.each<[string, string, string, unknown?]>([
    ['queue: unknown status', 'get', '/api/admin/after-sales?status=lost'],
    ['queue: unknown kind', 'get', '/api/admin/after-sales?kind=exchange'],
    ['queue: malformed order number', 'get', '/api/admin/after-sales?orderNo=12'],
    ['detail: malformed number', 'get', '/api/admin/after-sales/x-1'],
    ['approve: no amount', 'post', '/api/admin/after-sales/20260101000000011-1/approve', { restock: false }],
    ['approve: no restock choice', 'post', '/api/admin/after-sales/20260101000000011-1/approve', { refundFen: 100 }],
    ['approve: amount in yuan', 'post', '/api/admin/after-sales/20260101000000011-1/approve', { refundFen: 1.5, restock: false }],
    ['approve: restock as text', 'post', '/api/admin/after-sales/20260101000000011-1/approve', { refundFen: 100, restock: 'yes' }],
    ['reject: no reason', 'post', '/api/admin/after-sales/20260101000000011-1/reject', {}],
    ['reject: blank reason', 'post', '/api/admin/after-sales/20260101000000011-1/reject', { reason: '   ' }],
    ['reject: long reason', 'post', '/api/admin/after-sales/20260101000000011-1/reject', { reason: '长'.repeat(201) }],
    ['confirm: malformed number', 'post', '/api/admin/after-sales/abc/confirm-return'],
    ['retry: malformed number', 'post', '/api/admin/after-sales/abc/retry-refund'],
  ])('merchant %s → 400', async (_label, method, path, body) => {
    const call = method === 'get' ? app.http.get(path) : app.http.post(path);
    const reply = await call.set(staff('owner')).send(body as object);
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
  });

  it('unknown requests are 404 on every route', async () => {
    const unknown = '20990101000000011-1';
    expect((await app.http.get(`/api/after-sales/${unknown}`).set(buyer.auth)).status).toBe(404);
    expect((await app.http.post(`/api/after-sales/${unknown}/cancel`).set(buyer.auth)).status).toBe(404);
    expect(
      (
        await app.http
          .post(`/api/after-sales/${unknown}/return-shipment`)
          .set(buyer.auth)
          .send({ carrier: '顺丰', trackingNo: 'SF1234567' })
      ).status,
    ).toBe(404);
    for (const action of ['approve', 'reject', 'confirm-return', 'retry-refund']) {
      const body = action === 'approve' ? { refundFen: 1, restock: false } : action === 'reject' ? { reason: '不符合' } : undefined;
      const reply = await app.http.post(`/api/admin/after-sales/${unknown}/${action}`).set(staff('owner')).send(body);
      expect(reply.status, action).toBe(404);
    }
    expect((await app.http.get(`/api/admin/after-sales/${unknown}`).set(staff('owner'))).status).toBe(404);
  });

  it('decisions out of turn are 409 AFTER_SALE_STATUS_CONFLICT', async () => {
    const afterSaleNo = await openRequest(await paidOrder());
    expect((await app.http.post(`/api/admin/after-sales/${afterSaleNo}/confirm-return`).set(staff('owner'))).body).toMatchObject({
      error: { code: 'AFTER_SALE_STATUS_CONFLICT' },
    });
    expect((await app.http.post(`/api/admin/after-sales/${afterSaleNo}/retry-refund`).set(staff('owner'))).status).toBe(409);
    const shipped = await app.http
      .post(`/api/after-sales/${afterSaleNo}/return-shipment`)
      .set(buyer.auth)
      .send({ carrier: '顺丰', trackingNo: 'SF1234567' });
    expect(shipped.body).toMatchObject({ error: { code: 'AFTER_SALE_STATUS_CONFLICT', details: { status: 'requested' } } });
  });
});

describe('photo uploads (POST /api/shopper/images)', () => {
  it('takes multipart (wx.uploadFile) or raw bytes; the stored image is served', async () => {
    const multipart = await app.http
      .post('/api/shopper/images')
      .set(buyer.auth)
      .attach('file', PNG, { filename: 'a.png', contentType: 'image/png' });
    expect(multipart.status).toBe(201);
    const raw = await app.http.post('/api/shopper/images').set(buyer.auth).set('Content-Type', 'image/png').send(PNG);
    expect(raw.body).toEqual(multipart.body);
    const served = await app.http.get((multipart.body as { image: { url: string } }).image.url);
    expect(served.status).toBe(200);
    expect(served.headers['content-type']).toBe('image/png');
  });

  it.each<[string, (request: ReturnType<TestApp['http']['post']>) => ReturnType<TestApp['http']['post']>, number, string]>([
    [
      'text in the file part',
      (r) => r.attach('file', Buffer.from('hello'), { filename: 'a.png', contentType: 'image/png' }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    ['a part with another name', (r) => r.attach('photo', PNG, { filename: 'a.png', contentType: 'image/png' }), 400, 'MALFORMED_REQUEST'],
    ['a text field only', (r) => r.field('file', 'not a file'), 400, 'MALFORMED_REQUEST'],
    [
      'an empty file part',
      (r) => r.attach('file', Buffer.alloc(0), { filename: 'a.png', contentType: 'image/png' }),
      400,
      'MALFORMED_REQUEST',
    ],
    [
      'over 5 MB',
      (r) => r.attach('file', Buffer.concat([PNG, Buffer.alloc(MAX_IMAGE_BYTES)]), { filename: 'a.png', contentType: 'image/png' }),
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    ['a PDF content type', (r) => r.set('Content-Type', 'application/pdf').send(Buffer.from('%PDF-1.4')), 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['no boundary', (r) => r.set('Content-Type', 'multipart/form-data').send(Buffer.from('x')), 400, 'MALFORMED_REQUEST'],
  ])('%s is refused with a 4xx code', async (_label, build, status, code) => {
    const reply = await build(app.http.post('/api/shopper/images').set(buyer.auth));
    expect(reply.status).toBe(status);
    expect(reply.body).toMatchObject({ error: { code } });
  });

  it('needs a signed-in shopper', async () => {
    expect((await app.http.post('/api/shopper/images').set('Content-Type', 'image/png').send(PNG)).status).toBe(401);
    expect((await app.http.post('/api/shopper/images').set(staff('owner')).set('Content-Type', 'image/png').send(PNG)).status).toBe(401);
  });
});

describe('roles', () => {
  it('every role reads the queue and details; owner, operator and store manager decide; viewer never; shoppers and strangers are refused', async () => {
    const afterSaleNo = await openRequest(await paidOrder());
    for (const role of ['owner', 'operator', 'store_manager', 'viewer'] as const) {
      expect((await app.http.get('/api/admin/after-sales').set(staff(role))).status, role).toBe(200);
      expect((await app.http.get(`/api/admin/after-sales/${afterSaleNo}`).set(staff(role))).status, role).toBe(200);
    }
    for (const action of ['approve', 'reject', 'confirm-return', 'retry-refund']) {
      const reply = await app.http
        .post(`/api/admin/after-sales/${afterSaleNo}/${action}`)
        .set(staff('viewer'))
        .send({ refundFen: 100, restock: false, reason: 'x' });
      expect(reply.status, action).toBe(403);
    }
    expect((await app.http.get('/api/admin/after-sales')).status).toBe(401);
    expect((await app.http.get('/api/admin/after-sales').set(buyer.auth)).status).toBe(401);
    expect((await app.http.get('/api/after-sales').set(staff('owner'))).status).toBe(401);
    expect((await app.http.post('/api/after-sales').send({})).status).toBe(401);
    const untouched = await app.http.get(`/api/admin/after-sales/${afterSaleNo}`).set(staff('viewer'));
    expect(untouched.body).toMatchObject({ afterSale: { status: 'requested' } });

    // A store manager may decide (WeChat Pay is not configured here: the refund stays pending for the reconciliation job).
    const approved = await app.http
      .post(`/api/admin/after-sales/${afterSaleNo}/approve`)
      .set(staff('store_manager'))
      .send({ refundFen: 100, restock: false });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body).toMatchObject({
      afterSale: { status: 'refunding', refund: { status: 'pending', outRefundNo: `R${afterSaleNo}` } },
    });
    const other = await openRequest(await paidOrder());
    const rejected = await app.http
      .post(`/api/admin/after-sales/${other}/reject`)
      .set(staff('operator'))
      .send({ reason: '不符合售后条件' });
    expect(rejected.status).toBe(200);
  });
});
