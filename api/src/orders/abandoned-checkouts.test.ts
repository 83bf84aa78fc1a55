import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderReplySchema } from '@mall/shared';
import { reserveStock } from '../catalog/stock.ts';
import type { Database } from '../db/database.ts';
import { createLogger } from '../logger.ts';
import { testApp, type TestApp } from '../testing/app.ts';
import { addTestProduct, createTestBuyer, stockOf, testCommerce, type TestBuyer, type TestProduct } from '../testing/commerce.ts';
import { startTestDatabaseServer, type TestDatabaseServer } from '../testing/database.ts';
import { ABANDONED_CHECKOUT_MS, releaseAbandonedCheckouts } from './abandoned-checkouts.ts';
import type { CommerceDependencies } from './dependencies.ts';

let server: TestDatabaseServer;
let db: Database;
let deps: CommerceDependencies;
let api: TestApp;
let buyer: TestBuyer;
const log = createLogger('silent');

beforeAll(async () => {
  server = await startTestDatabaseServer();
  db = await server.connect();
  deps = await testCommerce(db);
  api = testApp(db);
  buyer = await createTestBuyer(db);
});

afterAll(async () => {
  await server.stop();
});

const longAgo = () => new Date(Date.now() - ABANDONED_CHECKOUT_MS - 1000);

/** What a checkout killed right after reserving leaves behind: its claim with the stock lines, the stock reserved, no order. */
async function crashedCheckout(product: TestProduct, quantity: number, claimedAt = longAgo()) {
  const idempotencyKey = randomUUID();
  const claimId = `${buyer.shopper._id.toHexString()}:${idempotencyKey}`;
  const stockLines = [{ skuId: product.skus[0]!.id, quantity }];
  await deps.orders.CheckoutClaim.create({ _id: claimId, claimedAt, stockLines });
  await reserveStock(deps.catalog, stockLines);
  return { idempotencyKey, claimId };
}

function orderBody(product: TestProduct, idempotencyKey: string) {
  return { items: [{ skuId: product.skus[0]!.id, quantity: 1 }], addressId: buyer.addressId, idempotencyKey };
}

describe('stock of checkouts that died before writing their order', () => {
  it('goes back to available once, however many sweeps run at the same time', async () => {
    const product = await addTestProduct(deps, { skus: [{ price: 990, stock: 10 }] });
    const { claimId } = await crashedCheckout(product, 3);
    expect(await stockOf(deps, product.skus[0]!.id)).toEqual({ available: 7, reserved: 3 });
    await Promise.all(Array.from({ length: 5 }, () => releaseAbandonedCheckouts(deps, new Date(), log)));
    expect(await stockOf(deps, product.skus[0]!.id)).toEqual({ available: 10, reserved: 0 });
    expect(await deps.orders.CheckoutClaim.countDocuments({ _id: claimId })).toBe(0);
    await releaseAbandonedCheckouts(deps, new Date(), log);
    expect(await stockOf(deps, product.skus[0]!.id)).toEqual({ available: 10, reserved: 0 });
  });

  it('is left alone while the checkout may still be running', async () => {
    const product = await addTestProduct(deps, { skus: [{ price: 990, stock: 10 }] });
    await crashedCheckout(product, 2, new Date(Date.now() - ABANDONED_CHECKOUT_MS + 10_000));
    await releaseAbandonedCheckouts(deps, new Date(), log);
    expect(await stockOf(deps, product.skus[0]!.id)).toEqual({ available: 8, reserved: 2 });
  });

  it('stays with the order when the checkout wrote it: the claim is settled and swept no more', async () => {
    const product = await addTestProduct(deps, { skus: [{ price: 990, stock: 10 }] });
    const idempotencyKey = randomUUID();
    const placed = await api.http.post('/api/orders').set(buyer.auth).send(orderBody(product, idempotencyKey));
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    const claimId = `${buyer.shopper._id.toHexString()}:${idempotencyKey}`;
    await deps.orders.CheckoutClaim.updateOne({ _id: claimId }, { $set: { claimedAt: longAgo() } });
    await releaseAbandonedCheckouts(deps, new Date(), log);
    expect(await stockOf(deps, product.skus[0]!.id)).toEqual({ available: 9, reserved: 1 });
    expect(await deps.orders.CheckoutClaim.findById(claimId).lean()).toMatchObject({ settled: true });
    // A retry long after still finds the order rather than placing a second one.
    const retry = await api.http.post('/api/orders').set(buyer.auth).send(orderBody(product, idempotencyKey));
    expect(orderReplySchema.parse(retry.body).order.orderNo).toBe(placed.body.order.orderNo);
    expect(await stockOf(deps, product.skus[0]!.id)).toEqual({ available: 9, reserved: 1 });
  });

  it('comes back when a retry with the same key takes over, racing the sweep: released once, reserved once for the new order', async () => {
    const product = await addTestProduct(deps, { skus: [{ price: 990, stock: 10 }] });
    const { idempotencyKey } = await crashedCheckout(product, 4);
    const [retry] = await Promise.all([
      api.http.post('/api/orders').set(buyer.auth).send(orderBody(product, idempotencyKey)),
      releaseAbandonedCheckouts(deps, new Date(), log),
      releaseAbandonedCheckouts(deps, new Date(), log),
    ]);
    expect(retry.status, JSON.stringify(retry.body)).toBe(201);
    expect(await stockOf(deps, product.skus[0]!.id)).toEqual({ available: 9, reserved: 1 });
    expect(await deps.orders.Order.countDocuments({ 'lines.skuId': product.skus[0]!.id })).toBe(1);
  });
});
