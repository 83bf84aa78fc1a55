import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderReplySchema, type Order } from '@mall/shared';
import type { GuideRecord, StoreRecord } from '../guides/models.ts';
import type { CommerceDependencies } from '../orders/dependencies.ts';
import { addTestGuide, addTestStore } from '../testing/guides.ts';
import { addTestProduct, createTestBuyer, storedOrder, type TestBuyer, type TestProduct } from '../testing/commerce.ts';
import { startListeningApp, type ListeningApp } from '../testing/listening-app.ts';
import { ORDER_TOUCH_WINDOW_MS } from './orders.ts';

/**
 * Orders carry who brought them: the channel and source touch, the guide bound at checkout, or — for a shopper
 * without one — the guide assigned round-robin as payment starts, which is also assigned to the WeChat Pay
 * transaction (支付即服务) before the payment can complete.
 */

let listening: ListeningApp;
let deps: CommerceDependencies;
let appUrl: string;
let product: TestProduct;

async function post(path: string, who: TestBuyer, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${appUrl}${path}`, {
    method: 'POST',
    headers: { ...who.auth, 'Content-Type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function placeOrder(who: TestBuyer): Promise<Order> {
  const placed = await post('/api/orders', who, {
    items: [{ skuId: product.skus[0]!.id, quantity: 1 }],
    addressId: who.addressId,
    idempotencyKey: randomUUID(),
  });
  expect(placed.status, JSON.stringify(placed.body)).toBe(201);
  return orderReplySchema.parse(placed.body).order;
}

async function pay(who: TestBuyer, orderNo: string): Promise<void> {
  const prepay = await post(`/api/orders/${orderNo}/pay`, who);
  expect(prepay.status, JSON.stringify(prepay.body)).toBe(200);
}

let store: StoreRecord;
let guideA: GuideRecord;

beforeAll(async () => {
  listening = await startListeningApp();
  ({ deps, appUrl } = listening);
  product = await addTestProduct(deps, { title: '羊毛围巾', skus: [{ price: 29900, stock: 1000 }] });
  store = await addTestStore(deps, '归属测试门店');
  guideA = await addTestGuide(deps, store, '王小美');
});

afterAll(async () => {
  await listening.stop();
});

describe('an order placed by a bound shopper', () => {
  it('keeps the guide, the channel and the source touch of checkout time', async () => {
    const buyer = await createTestBuyer(listening.db);
    expect((await post('/api/touches', buyer, { guideCode: guideA.code, channel: 'product-share' })).status).toBe(200);
    const order = await placeOrder(buyer);
    const stored = await storedOrder(deps, order.orderNo);
    expect(stored.attribution).toMatchObject({
      channel: 'product-share',
      guideCode: guideA.code,
      guideName: '王小美',
      storeName: '归属测试门店',
      guideSource: 'binding',
    });
    expect(stored.attribution.guideId?.equals(guideA._id)).toBe(true);
    const touch = await deps.attribution.GuideTouch.findOne({ shopperId: buyer.shopper._id }).lean();
    expect(stored.attribution.touchId?.equals(touch?._id)).toBe(true);

    // Paying keeps the checkout guide.
    await pay(buyer, order.orderNo);
    expect((await storedOrder(deps, order.orderNo)).attribution.guideSource).toBe('binding');
  });

  it('came `direct` when the latest touch is older than the window, and still has the bound guide', async () => {
    const buyer = await createTestBuyer(listening.db);
    await post('/api/touches', buyer, { guideCode: guideA.code, channel: 'shop-link' });
    await deps.attribution.GuideTouch.updateMany(
      { shopperId: buyer.shopper._id },
      { $set: { at: new Date(Date.now() - ORDER_TOUCH_WINDOW_MS - 1000) } },
    );
    const stored = await storedOrder(deps, (await placeOrder(buyer)).orderNo);
    expect(stored.attribution).toMatchObject({ channel: 'direct', guideCode: guideA.code, guideSource: 'binding' });
    expect(stored.attribution.touchId).toBeUndefined();
  });
});

describe('a shopper without a guide', () => {
  it('is assigned one round-robin when payment starts, evenly under parallel payments', async () => {
    const pool = await addTestStore(deps, '分配池门店');
    const poolGuides = [await addTestGuide(deps, pool, '甲'), await addTestGuide(deps, pool, '乙'), await addTestGuide(deps, pool, '丙')];
    await deps.attribution.AttributionSettings.updateOne(
      { _id: 'attribution' },
      { $set: { assignmentStoreId: pool._id, updatedAt: new Date() }, $setOnInsert: { protectionDays: 30 } },
      { upsert: true },
    );
    const buyers = await Promise.all(Array.from({ length: 9 }, () => createTestBuyer(listening.db)));
    const orders = await Promise.all(buyers.map((buyer) => placeOrder(buyer)));
    for (const order of orders) {
      const stored = await storedOrder(deps, order.orderNo);
      expect(stored.attribution).toMatchObject({ channel: 'direct' });
      expect(stored.attribution.guideId).toBeUndefined();
    }
    await Promise.all(buyers.map((buyer, index) => pay(buyer, orders[index]!.orderNo)));
    const counts = new Map<string, number>();
    for (const order of orders) {
      const stored = await storedOrder(deps, order.orderNo);
      expect(stored.attribution.guideSource).toBe('payment-assignment');
      const key = stored.attribution.guideId?.toHexString() ?? 'none';
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(Object.fromEntries(counts)).toEqual(Object.fromEntries(poolGuides.map((guide) => [guide._id.toHexString(), 3])));
    // The assignment is a binding too: the next order starts with that guide.
    const again = await storedOrder(deps, (await placeOrder(buyers[0]!)).orderNo);
    expect(again.attribution.guideSource).toBe('binding');
    await deps.attribution.AttributionSettings.updateOne({ _id: 'attribution' }, { $unset: { assignmentStoreId: 1 } });
  });

  it('gets the same guide from two racing prepays of one order', async () => {
    const buyer = await createTestBuyer(listening.db);
    const order = await placeOrder(buyer);
    await Promise.all([pay(buyer, order.orderNo), pay(buyer, order.orderNo), pay(buyer, order.orderNo)]);
    const stored = await storedOrder(deps, order.orderNo);
    const binding = await deps.attribution.CustomerBinding.findById(buyer.shopper._id).lean();
    expect(stored.attribution.guideId?.equals(binding?.guideId)).toBe(true);
    expect(await deps.attribution.BindingChange.countDocuments({ shopperId: buyer.shopper._id })).toBe(1);
  });
});

describe('支付即服务', () => {
  it('assigns a registered guide to the WeChat Pay transaction before the sandbox completes the payment', async () => {
    const registered = await deps.wechatPay.registerGuide({
      corpId: 'ww-sandbox-corp',
      storeId: 1001,
      userId: `guide-${randomUUID().slice(0, 8)}`,
      name: '王小美',
      mobile: '13800138000',
      qrCode: 'https://example.com/qr.png',
      avatar: 'https://example.com/avatar.png',
    });
    await deps.guides.Guide.updateOne({ _id: guideA._id }, { $set: { wechatPayGuideId: registered.guideId } });
    const buyer = await createTestBuyer(listening.db);
    await post('/api/touches', buyer, { guideCode: guideA.code, channel: 'shop-link' });
    const order = await placeOrder(buyer);
    await pay(buyer, order.orderNo);

    const sandboxUrl = listening.testSandbox.sandbox.url;
    const before = (await (await fetch(`${sandboxUrl}/__sandbox/wechatpay/orders/${order.orderNo}`)).json()) as {
      trade_state: string;
      guide?: { guide_id: string };
    };
    expect(before.trade_state).toBe('NOTPAY');
    expect(before.guide?.guide_id).toBe(registered.guideId);
    expect((await storedOrder(deps, order.orderNo)).attribution.wechatPayGuideAssignedAt).toBeInstanceOf(Date);

    const paid = await fetch(`${sandboxUrl}/__sandbox/wechatpay/pay`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ out_trade_no: order.orderNo }),
    });
    expect(paid.status).toBe(200);
    const after = (await (await fetch(`${sandboxUrl}/__sandbox/wechatpay/orders/${order.orderNo}`)).json()) as {
      trade_state: string;
      guide?: { guide_id: string };
    };
    expect(after).toMatchObject({ trade_state: 'SUCCESS', guide: { guide_id: registered.guideId } });
    await deps.guides.Guide.updateOne({ _id: guideA._id }, { $unset: { wechatPayGuideId: 1 } });
  });

  it('does not stand in the way of paying when WeChat Pay refuses the assignment', async () => {
    await deps.guides.Guide.updateOne({ _id: guideA._id }, { $set: { wechatPayGuideId: 'LLunknownGuide' } });
    const buyer = await createTestBuyer(listening.db);
    await post('/api/touches', buyer, { guideCode: guideA.code, channel: 'shop-link' });
    const order = await placeOrder(buyer);
    await pay(buyer, order.orderNo);
    expect((await storedOrder(deps, order.orderNo)).attribution.wechatPayGuideAssignedAt).toBeUndefined();
    await deps.guides.Guide.updateOne({ _id: guideA._id }, { $unset: { wechatPayGuideId: 1 } });
  });
});
