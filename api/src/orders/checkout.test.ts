import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkoutPreviewReplySchema, orderReplySchema, type Order } from '@mall/shared';
import type { Database } from '../db/database.ts';
import { testApp, type TestApp } from '../testing/app.ts';
import {
  addTestProduct,
  createTestBuyer,
  stockOf,
  TEST_ADDRESS,
  testCommerce,
  type TestBuyer,
  type TestProduct,
} from '../testing/commerce.ts';
import { startTestDatabaseServer, type TestDatabaseServer } from '../testing/database.ts';
import { createLogger } from '../logger.ts';
import { createOrder } from './checkout.ts';
import type { CommerceDependencies } from './dependencies.ts';

let server: TestDatabaseServer;
let db: Database;
let deps: CommerceDependencies;
let api: TestApp;
let buyer: TestBuyer;
let tee: TestProduct;
let mug: TestProduct;

beforeAll(async () => {
  server = await startTestDatabaseServer();
  db = await server.connect();
  deps = await testCommerce(db);
  api = testApp(db, { env: { ORDER_PAYMENT_TIMEOUT_MINUTES: '15' } });
  buyer = await createTestBuyer(db);
  tee = await addTestProduct(deps, {
    title: '纯棉T恤',
    skus: [
      { specValues: ['红'], price: 5900, stock: 100 },
      { specValues: ['蓝'], price: 6900, stock: 100 },
    ],
  });
  mug = await addTestProduct(deps, { title: '马克杯', skus: [{ price: 3000, stock: 100 }] });
});

afterAll(async () => {
  await server.stop();
});

function orderOf(response: { status: number; body: unknown }, status = 201): Order {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  return orderReplySchema.parse(response.body).order;
}

async function placeOrder(who: TestBuyer, body: Record<string, unknown>) {
  return api.http
    .post('/api/orders')
    .set(who.auth)
    .send({ addressId: who.addressId, idempotencyKey: randomUUID(), ...body });
}

describe('POST /api/checkout/preview', () => {
  it('prices the lines on the server: item totals, no discounts yet, shipping fee, payable, default address', async () => {
    const response = await api.http
      .post('/api/checkout/preview')
      .set(buyer.auth)
      .send({ items: [{ skuId: tee.skus[0]!.id, quantity: 1 }] });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const preview = checkoutPreviewReplySchema.parse(response.body);
    expect(preview.lines).toEqual([
      expect.objectContaining({
        skuId: tee.skus[0]!.id,
        title: '纯棉T恤',
        specText: '红',
        unitPriceFen: 5900,
        quantity: 1,
        lineTotalFen: 5900,
        problem: null,
      }),
    ]);
    expect(preview.pricing).toEqual({ itemsTotalFen: 5900, discounts: [], discountTotalFen: 0, shippingFeeFen: 1000, payableFen: 6900 });
    expect(preview.address).toMatchObject({ id: buyer.addressId, recipientName: '张三' });
    expect(preview.canSubmit).toBe(true);
  });

  it('waives shipping from ¥99 and flags lines that cannot be bought, leaving them out of the amounts', async () => {
    const off = await addTestProduct(deps, { status: 'off_sale', skus: [{ price: 100, stock: 5 }] });
    const response = await api.http
      .post('/api/checkout/preview')
      .set(buyer.auth)
      .send({
        items: [
          { skuId: tee.skus[1]!.id, quantity: 2 },
          { skuId: mug.skus[0]!.id, quantity: 101 },
          { skuId: off.skus[0]!.id, quantity: 1 },
        ],
      });
    const preview = checkoutPreviewReplySchema.parse(response.body);
    expect(preview.lines.map((line) => line.problem)).toEqual([null, 'insufficient_stock', 'off_sale']);
    expect(preview.pricing).toMatchObject({ itemsTotalFen: 13800, shippingFeeFen: 0, payableFen: 13800 });
    expect(preview.canSubmit).toBe(false);
  });

  it('previews the cart (all lines or the chosen ones) and has no address to offer a shopper without one', async () => {
    const shopper = await createTestBuyer(db);
    await deps.customers.AddressBook.deleteOne({ _id: shopper.shopper._id });
    await api.http.post('/api/cart/items').set(shopper.auth).send({ skuId: tee.skus[0]!.id, quantity: 1 });
    await api.http.post('/api/cart/items').set(shopper.auth).send({ skuId: mug.skus[0]!.id, quantity: 2 });
    const all = checkoutPreviewReplySchema.parse(
      (await api.http.post('/api/checkout/preview').set(shopper.auth).send({ fromCart: true })).body,
    );
    expect(all.pricing.itemsTotalFen).toBe(5900 + 6000);
    expect(all.address).toBeNull();
    expect(all.canSubmit).toBe(false);
    const chosen = await api.http
      .post('/api/checkout/preview')
      .set(shopper.auth)
      .send({ fromCart: true, skuIds: [mug.skus[0]!.id] });
    expect(checkoutPreviewReplySchema.parse(chosen.body).pricing.itemsTotalFen).toBe(6000);
    const none = await api.http
      .post('/api/checkout/preview')
      .set(shopper.auth)
      .send({ fromCart: true, skuIds: ['0123456789abcdef01234567'] });
    expect(none.status).toBe(409);
    expect(none.body.error.code).toBe('CART_EMPTY');
  });
});

describe('POST /api/orders', () => {
  it('places an order: price, line and address snapshots, order number, deadline, history; stock reserved', async () => {
    const before = await stockOf(deps, tee.skus[0]!.id);
    const order = orderOf(await placeOrder(buyer, { items: [{ skuId: tee.skus[0]!.id, quantity: 2 }], remark: '  请尽快发货 ' }));
    expect(order.orderNo).toMatch(/^\d{17}$/);
    expect(order.status).toBe('pending_payment');
    expect(order.lines).toEqual([
      expect.objectContaining({
        skuId: tee.skus[0]!.id,
        productId: tee.id,
        title: '纯棉T恤',
        specText: '红',
        unitPriceFen: 5900,
        quantity: 2,
        lineTotalFen: 11800,
      }),
    ]);
    expect(order.pricing).toEqual({ itemsTotalFen: 11800, discounts: [], discountTotalFen: 0, shippingFeeFen: 0, payableFen: 11800 });
    expect(order.address).toEqual(TEST_ADDRESS);
    expect(order.remark).toBe('请尽快发货');
    expect(Date.parse(order.payDeadline) - Date.parse(order.createdAt)).toBe(15 * 60_000);
    expect(order.history).toEqual([
      {
        event: 'created',
        from: null,
        to: 'pending_payment',
        at: order.createdAt,
        actor: { type: 'shopper', id: buyer.shopper._id.toHexString() },
      },
    ]);
    expect(order.payment).toBeNull();
    expect(await stockOf(deps, tee.skus[0]!.id)).toEqual({ available: before.available - 2, reserved: before.reserved + 2 });

    // Later catalog edits do not change the order.
    await deps.catalog.Sku.updateOne({ _id: tee.skus[0]!.id }, { $set: { price: 1 } });
    const again = orderOf(await api.http.get(`/api/orders/${order.orderNo}`).set(buyer.auth), 200);
    expect(again.lines[0]?.unitPriceFen).toBe(5900);
    await deps.catalog.Sku.updateOne({ _id: tee.skus[0]!.id }, { $set: { price: 5900 } });
  });

  it('from the cart: the cart quantities, and the bought lines leave the cart', async () => {
    const shopper = await createTestBuyer(db);
    await api.http.post('/api/cart/items').set(shopper.auth).send({ skuId: tee.skus[1]!.id, quantity: 3 });
    await api.http.post('/api/cart/items').set(shopper.auth).send({ skuId: mug.skus[0]!.id, quantity: 1 });
    const order = orderOf(await placeOrder(shopper, { fromCart: true, skuIds: [tee.skus[1]!.id] }));
    expect(order.lines.map((line) => [line.skuId, line.quantity])).toEqual([[tee.skus[1]!.id, 3]]);
    const cart = await api.http.get('/api/cart').set(shopper.auth);
    expect(cart.body.items.map((line: { skuId: string }) => line.skuId)).toEqual([mug.skus[0]!.id]);
  });

  it('refuses short stock (409 OUT_OF_STOCK) and off-sale items (409 ITEM_UNAVAILABLE), writing nothing', async () => {
    const scarce = await addTestProduct(deps, { skus: [{ price: 500, stock: 1 }] });
    const off = await addTestProduct(deps, { status: 'off_sale', skus: [{ price: 500, stock: 5 }] });
    const ordersBefore = await deps.orders.Order.countDocuments();
    const short = await placeOrder(buyer, {
      items: [
        { skuId: mug.skus[0]!.id, quantity: 1 },
        { skuId: scarce.skus[0]!.id, quantity: 2 },
      ],
    });
    expect(short.status).toBe(409);
    expect(short.body.error).toMatchObject({ code: 'OUT_OF_STOCK', details: { skuId: scarce.skus[0]!.id } });
    const unavailable = await placeOrder(buyer, { items: [{ skuId: off.skus[0]!.id, quantity: 1 }] });
    expect(unavailable.status).toBe(409);
    expect(unavailable.body.error).toMatchObject({ code: 'ITEM_UNAVAILABLE', details: { skuIds: [off.skus[0]!.id] } });
    expect(await deps.orders.Order.countDocuments()).toBe(ordersBefore);
    expect(await stockOf(deps, scarce.skus[0]!.id)).toEqual({ available: 1, reserved: 0 });
    expect(await stockOf(deps, mug.skus[0]!.id)).toMatchObject({ reserved: 0 });
  });

  it('releases the reservation when the order cannot be written after it (compensation)', async () => {
    const product = await addTestProduct(deps, { skus: [{ price: 500, stock: 3 }] });
    // The order number cannot be taken (the database failing between the reservation and the insert).
    const unavailableCounter = { findOneAndUpdate: () => ({ lean: () => Promise.reject(new Error('database unavailable')) }) };
    const failing = { ...deps, orders: { ...deps.orders, DailyCounter: unavailableCounter } } as unknown as CommerceDependencies;
    const request = { items: [{ skuId: product.skus[0]!.id, quantity: 2 }], addressId: buyer.addressId, idempotencyKey: randomUUID() };
    await expect(createOrder(failing, buyer.shopper, request, createLogger('silent'))).rejects.toThrow('database unavailable');
    expect(await stockOf(deps, product.skus[0]!.id)).toEqual({ available: 3, reserved: 0 });
    // The key was not used up: the same request goes through once the database is back.
    const { order, created } = await createOrder(deps, buyer.shopper, request, createLogger('silent'));
    expect(created).toBe(true);
    expect(order.lines[0]?.quantity).toBe(2);
    expect(await stockOf(deps, product.skus[0]!.id)).toEqual({ available: 1, reserved: 2 });
  });

  it('200 parallel orders of 1 on a stock of 50: exactly 50 orders, available 0, reserved 50', async () => {
    const product = await addTestProduct(deps, { skus: [{ price: 990, stock: 50 }] });
    const skuId = product.skus[0]!.id;
    const buyers = await Promise.all(Array.from({ length: 20 }, () => createTestBuyer(db)));
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, index) => placeOrder(buyers[index % buyers.length]!, { items: [{ skuId, quantity: 1 }] })),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(50);
    expect(statuses.filter((status) => status === 409)).toHaveLength(150);
    expect(responses.filter((response) => response.status === 409).every((response) => response.body.error.code === 'OUT_OF_STOCK')).toBe(
      true,
    );
    expect(await deps.orders.Order.countDocuments({ 'lines.skuId': skuId })).toBe(50);
    expect(await stockOf(deps, skuId)).toEqual({ available: 0, reserved: 50 });
    const numbers = responses.filter((response) => response.status === 201).map((response) => response.body.order.orderNo as string);
    expect(new Set(numbers).size).toBe(50);
  });

  it('10 parallel identical requests (one idempotency key): one order, stock reserved once', async () => {
    const product = await addTestProduct(deps, { skus: [{ price: 990, stock: 5 }] });
    const skuId = product.skus[0]!.id;
    const body = { items: [{ skuId, quantity: 2 }], addressId: buyer.addressId, idempotencyKey: randomUUID() };
    const responses = await Promise.all(Array.from({ length: 10 }, () => api.http.post('/api/orders').set(buyer.auth).send(body)));
    expect(responses.map((response) => response.status)).toEqual(Array(10).fill(201));
    expect(new Set(responses.map((response) => response.body.order.orderNo)).size).toBe(1);
    expect(await deps.orders.Order.countDocuments({ 'lines.skuId': skuId })).toBe(1);
    expect(await stockOf(deps, skuId)).toEqual({ available: 3, reserved: 2 });
    // A later retry too, and another shopper's identical key is their own order.
    const retry = orderOf(await api.http.post('/api/orders').set(buyer.auth).send(body));
    expect(retry.orderNo).toBe(responses[0]!.body.order.orderNo);
    const other = await createTestBuyer(db);
    const theirs = orderOf(
      await api.http
        .post('/api/orders')
        .set(other.auth)
        .send({ ...body, addressId: other.addressId }),
    );
    expect(theirs.orderNo).not.toBe(retry.orderNo);
  });

  it("refuses another shopper's address (404)", async () => {
    const other = await createTestBuyer(db);
    const response = await placeOrder(buyer, { items: [{ skuId: mug.skus[0]!.id, quantity: 1 }], addressId: other.addressId });
    expect(response.status).toBe(404);
  });
});

describe('bad input', () => {
  const sku = () => mug.skus[0]!.id;
  const valid = () => ({ items: [{ skuId: sku(), quantity: 1 }], addressId: buyer.addressId, idempotencyKey: randomUUID() });
  const cases: [string, string, () => unknown][] = [
    ['preview: nothing to buy', '/api/checkout/preview', () => ({})],
    ['preview: both items and fromCart', '/api/checkout/preview', () => ({ items: [{ skuId: sku(), quantity: 1 }], fromCart: true })],
    ['preview: fromCart false', '/api/checkout/preview', () => ({ fromCart: false })],
    ['preview: skuIds without fromCart', '/api/checkout/preview', () => ({ items: [{ skuId: sku(), quantity: 1 }], skuIds: [sku()] })],
    ['preview: empty items', '/api/checkout/preview', () => ({ items: [] })],
    [
      'preview: duplicate SKUs',
      '/api/checkout/preview',
      () => ({
        items: [
          { skuId: sku(), quantity: 1 },
          { skuId: sku(), quantity: 2 },
        ],
      }),
    ],
    [
      'preview: 51 items',
      '/api/checkout/preview',
      () => ({ items: Array.from({ length: 51 }, (_, i) => ({ skuId: i.toString(16).padStart(24, '0'), quantity: 1 })) }),
    ],
    ['preview: bad address id', '/api/checkout/preview', () => ({ items: [{ skuId: sku(), quantity: 1 }], addressId: 'home' })],
    ['preview: client price', '/api/checkout/preview', () => ({ items: [{ skuId: sku(), quantity: 1, price: 1 }] })],
    ['create: no idempotency key', '/api/orders', () => ({ ...valid(), idempotencyKey: undefined })],
    ['create: key not a UUID', '/api/orders', () => ({ ...valid(), idempotencyKey: 'abc' })],
    ['create: no address', '/api/orders', () => ({ ...valid(), addressId: undefined })],
    ['create: quantity 0', '/api/orders', () => ({ ...valid(), items: [{ skuId: sku(), quantity: 0 }] })],
    ['create: quantity 1000', '/api/orders', () => ({ ...valid(), items: [{ skuId: sku(), quantity: 1000 }] })],
    ['create: remark too long', '/api/orders', () => ({ ...valid(), remark: '长'.repeat(201) })],
    ['create: remark with control characters', '/api/orders', () => ({ ...valid(), remark: 'a\u0000b' })],
    ['create: client payable', '/api/orders', () => ({ ...valid(), payableFen: 1 })],
    ['create: a string body', '/api/orders', () => 'order'],
  ];
  it.each(cases)('%s → 400 VALIDATION_FAILED', async (_label, path, make) => {
    const body = make();
    const response = await api.http.post(path).set(buyer.auth).set('Content-Type', 'application/json').send(JSON.stringify(body));
    expect(response.status, JSON.stringify(response.body)).toBe(400);
    expect(['VALIDATION_FAILED', 'MALFORMED_REQUEST']).toContain(response.body.error.code);
  });

  it('unknown address → 404, no token → 401, malformed JSON → 400', async () => {
    const unknown = await api.http
      .post('/api/orders')
      .set(buyer.auth)
      .send({ ...valid(), addressId: '0123456789abcdef01234567' });
    expect(unknown.status).toBe(404);
    expect((await api.http.post('/api/orders').send(valid())).status).toBe(401);
    expect((await api.http.post('/api/checkout/preview').send(valid())).status).toBe(401);
    const malformed = await api.http.post('/api/orders').set(buyer.auth).set('Content-Type', 'application/json').send('{"items":');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('MALFORMED_REQUEST');
  });
});
