import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_CART_LINES, cartReplySchema, type CartReply } from '@mall/shared';
import type { Database } from '../db/database.ts';
import type { CommerceDependencies } from '../orders/dependencies.ts';
import { testApp, type TestApp } from '../testing/app.ts';
import { addTestProduct, createTestBuyer, testCommerce, type TestBuyer, type TestProduct } from '../testing/commerce.ts';
import { startTestDatabaseServer, type TestDatabaseServer } from '../testing/database.ts';

let server: TestDatabaseServer;
let db: Database;
let deps: CommerceDependencies;
let api: TestApp;
let tee: TestProduct;

beforeAll(async () => {
  server = await startTestDatabaseServer();
  db = await server.connect();
  deps = await testCommerce(db);
  api = testApp(db);
  tee = await addTestProduct(deps, {
    title: '纯棉T恤',
    skus: [
      { specValues: ['红', 'M'], price: 5900, stock: 10 },
      { specValues: ['蓝', 'M'], price: 6900, stock: 2 },
    ],
  });
});

afterAll(async () => {
  await server.stop();
});

function cartOf(response: { status: number; body: unknown }): CartReply {
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return cartReplySchema.parse(response.body);
}

describe('cart', () => {
  let buyer: TestBuyer;
  beforeAll(async () => {
    buyer = await createTestBuyer(db);
  });

  it('starts empty', async () => {
    expect(cartOf(await api.http.get('/api/cart').set(buyer.auth))).toEqual({ items: [], itemCount: 0, maxLines: MAX_CART_LINES });
  });

  it('adds lines with the current price, stock, title, spec and image, and merges the same SKU', async () => {
    const red = tee.skus[0]!.id;
    cartOf(await api.http.post('/api/cart/items').set(buyer.auth).send({ skuId: red, quantity: 2 }));
    const cart = cartOf(await api.http.post('/api/cart/items').set(buyer.auth).send({ skuId: red, quantity: 3 }));
    expect(cart.items).toHaveLength(1);
    expect(cart.items[0]).toMatchObject({
      skuId: red,
      productId: tee.id,
      title: '纯棉T恤',
      specText: '红 / M',
      unitPriceFen: 5900,
      quantity: 5,
      available: 10,
      problem: null,
    });
    expect(cart.items[0]?.image?.url).toMatch(/^\/api\/images\//);
    expect(cart.itemCount).toBe(5);
  });

  it('shows price changes and flags off-sale and short lines instead of dropping them', async () => {
    const shopper = await createTestBuyer(db);
    const product = await addTestProduct(deps, { skus: [{ price: 1000, stock: 5 }] });
    const other = await addTestProduct(deps, { skus: [{ price: 2000, stock: 5 }] });
    const [sku] = product.skus;
    const [otherSku] = other.skus;
    await api.http.post('/api/cart/items').set(shopper.auth).send({ skuId: sku!.id, quantity: 4 });
    await api.http.post('/api/cart/items').set(shopper.auth).send({ skuId: otherSku!.id, quantity: 1 });
    await deps.catalog.Sku.updateOne({ _id: sku!.id }, { $set: { price: 900, available: 3 } });
    await deps.catalog.Product.updateOne({ _id: other.id }, { $set: { status: 'off_sale' } });
    const cart = cartOf(await api.http.get('/api/cart').set(shopper.auth));
    const bySku = new Map(cart.items.map((line) => [line.skuId, line]));
    expect(bySku.get(sku!.id)).toMatchObject({ unitPriceFen: 900, available: 3, quantity: 4, problem: 'insufficient_stock' });
    expect(bySku.get(otherSku!.id)).toMatchObject({ available: 0, problem: 'off_sale' });
    expect(cart.itemCount).toBe(0);
    // Lowering the quantity fixes the short line; raising it beyond the stock is refused.
    const fixed = cartOf(await api.http.patch(`/api/cart/items/${sku!.id}`).set(shopper.auth).send({ quantity: 3 }));
    expect(fixed.items.find((line) => line.skuId === sku!.id)?.problem).toBeNull();
    const raised = await api.http.patch(`/api/cart/items/${sku!.id}`).set(shopper.auth).send({ quantity: 4 });
    expect(raised.status).toBe(409);
    expect(raised.body.error.code).toBe('OUT_OF_STOCK');
    // An off-sale line can still be lowered or removed.
    const removed = cartOf(await api.http.delete(`/api/cart/items/${otherSku!.id}`).set(shopper.auth));
    expect(removed.items.map((line) => line.skuId)).toEqual([sku!.id]);
  });

  it('refuses SKUs that are not on sale (404) and more than the stock (409)', async () => {
    const off = await addTestProduct(deps, { status: 'off_sale', skus: [{ price: 100, stock: 5 }] });
    const draft = await addTestProduct(deps, { status: 'draft', skus: [{ price: 100, stock: 5 }] });
    for (const skuId of [off.skus[0]!.id, draft.skus[0]!.id, '0123456789abcdef01234567']) {
      const response = await api.http.post('/api/cart/items').set(buyer.auth).send({ skuId, quantity: 1 });
      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe('NOT_FOUND');
    }
    const tooMany = await api.http.post('/api/cart/items').set(buyer.auth).send({ skuId: tee.skus[1]!.id, quantity: 3 });
    expect(tooMany.status).toBe(409);
    expect(tooMany.body.error).toMatchObject({ code: 'OUT_OF_STOCK', details: { available: 2 } });
  });

  it(`holds at most ${MAX_CART_LINES} lines, also when additions race`, async () => {
    const shopper = await createTestBuyer(db);
    const many = await addTestProduct(deps, {
      skus: Array.from({ length: MAX_CART_LINES + 5 }, (_, i) => ({ specValues: [`${i}`], price: 100, stock: 9 })),
    });
    const responses = await Promise.all(
      many.skus.map((sku) => api.http.post('/api/cart/items').set(shopper.auth).send({ skuId: sku.id, quantity: 1 })),
    );
    expect(responses.filter((response) => response.status === 200)).toHaveLength(MAX_CART_LINES);
    const refused = responses.filter((response) => response.status !== 200);
    expect(refused.map((response) => response.body.error.code)).toEqual(Array(5).fill('CART_LIMIT_REACHED'));
    expect(cartOf(await api.http.get('/api/cart').set(shopper.auth)).items).toHaveLength(MAX_CART_LINES);
  });

  it('sums concurrent additions of the same SKU exactly', async () => {
    const shopper = await createTestBuyer(db);
    const product = await addTestProduct(deps, { skus: [{ price: 100, stock: 100 }] });
    const skuId = product.skus[0]!.id;
    await Promise.all(Array.from({ length: 10 }, () => api.http.post('/api/cart/items').set(shopper.auth).send({ skuId, quantity: 2 })));
    expect(cartOf(await api.http.get('/api/cart').set(shopper.auth)).items[0]?.quantity).toBe(20);
  });

  it("keeps each shopper's cart to themselves", async () => {
    const other = await createTestBuyer(db);
    expect(cartOf(await api.http.get('/api/cart').set(other.auth)).items).toEqual([]);
    const response = await api.http.delete(`/api/cart/items/${tee.skus[0]!.id}`).set(other.auth);
    expect(response.status).toBe(404);
  });

  describe('bad input', () => {
    const skuId = () => tee.skus[0]!.id;
    const cases: [string, () => { method: 'get' | 'post' | 'patch' | 'delete'; path: string; body?: unknown }, number, string][] = [
      ['no token', () => ({ method: 'get', path: '/api/cart' }), 401, 'UNAUTHENTICATED'],
      ['add: no body', () => ({ method: 'post', path: '/api/cart/items' }), 400, 'VALIDATION_FAILED'],
      ['add: bad sku id', () => ({ method: 'post', path: '/api/cart/items', body: { skuId: 'x', quantity: 1 } }), 400, 'VALIDATION_FAILED'],
      [
        'add: quantity 0',
        () => ({ method: 'post', path: '/api/cart/items', body: { skuId: skuId(), quantity: 0 } }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'add: quantity 1000',
        () => ({ method: 'post', path: '/api/cart/items', body: { skuId: skuId(), quantity: 1000 } }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'add: fractional',
        () => ({ method: 'post', path: '/api/cart/items', body: { skuId: skuId(), quantity: 1.5 } }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'add: quantity as text',
        () => ({ method: 'post', path: '/api/cart/items', body: { skuId: skuId(), quantity: '2' } }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'add: a client price',
        () => ({ method: 'post', path: '/api/cart/items', body: { skuId: skuId(), quantity: 1, price: 1 } }),
        400,
        'VALIDATION_FAILED',
      ],
      ['add: an array', () => ({ method: 'post', path: '/api/cart/items', body: [] }), 400, 'VALIDATION_FAILED'],
      [
        'update: bad sku in path',
        () => ({ method: 'patch', path: '/api/cart/items/nope', body: { quantity: 1 } }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'update: negative',
        () => ({ method: 'patch', path: `/api/cart/items/${skuId()}`, body: { quantity: -1 } }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'update: not in cart',
        () => ({ method: 'patch', path: '/api/cart/items/0123456789abcdef01234567', body: { quantity: 1 } }),
        404,
        'NOT_FOUND',
      ],
      ['remove: bad sku in path', () => ({ method: 'delete', path: '/api/cart/items/%24where' }), 400, 'VALIDATION_FAILED'],
      ['remove: not in cart', () => ({ method: 'delete', path: '/api/cart/items/0123456789abcdef01234567' }), 404, 'NOT_FOUND'],
    ];
    it.each(cases)('%s → %i %s', async (label, make, status, code) => {
      const { method, path, body } = make();
      let call = api.http[method](path);
      if (label !== 'no token') call = call.set(buyer.auth);
      const response = await (body === undefined ? call : call.send(body as object));
      expect(response.status, JSON.stringify(response.body)).toBe(status);
      expect(response.body.error.code).toBe(code);
    });

    it('refuses a staff-style or unknown token', async () => {
      const response = await api.http.get('/api/cart').set('Authorization', `Bearer ${randomUUID()}`);
      expect(response.status).toBe(401);
    });
  });
});
