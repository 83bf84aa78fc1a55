import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GUIDE_CART_VALID_DAYS,
  MAX_GUIDE_CART_LINES,
  MAX_GUIDE_CART_NOTE_LENGTH,
  checkoutPreviewReplySchema,
  errorEnvelopeSchema,
  guideCartListReplySchema,
  guideCartReplySchema,
  orderReplySchema,
  sharedGuideCartReplySchema,
  type Guide,
  type GuideCart,
  type Store,
} from '@mall/shared';
import type { CommerceDependencies } from '../orders/dependencies.ts';
import {
  addTestProduct,
  createTestBuyer,
  stockOf,
  storedOrder,
  testCommerce,
  type TestBuyer,
  type TestProduct,
} from '../testing/commerce.ts';
import { addGuide, addStore, inviteGuide, startGuideTest, type GuideTestContext } from '../testing/guides.ts';
import { createTestShopper } from '../testing/shoppers.ts';

/**
 * 代客下单: a guide builds a cart and shares it; whoever opens the share sees it priced now (and meets the guide: a
 * touch), checks it out, and the order is the guide's — channel `guide-order` — whoever the shopper is bound to.
 */

let context: GuideTestContext;
let deps: CommerceDependencies;
let store: Store;
let scarf: TestProduct;
let gloves: TestProduct;
let offSale: TestProduct;
/** Guide A (who builds the carts) and guide B (who holds some shoppers under protection), each signed in. */
let guideA: Guide;
let guideAToken: string;
let guideB: Guide;

const DAY_MS = 24 * 60 * 60 * 1000;
const UNKNOWN_TOKEN = 'AAAAAAAAAAAAAAAAAAAAAAAA';

function auth(token: string): { Authorization: string } {
  return { Authorization: `Bearer ${token}` };
}

/** A guide of `store` bound to a fresh WeChat user through an invitation, and that user's token. */
async function signedInGuide(name: string): Promise<{ guide: Guide; token: string }> {
  const guide = await addGuide(context, { name, storeId: store.id });
  const { token } = await createTestShopper(context.db);
  const code = await inviteGuide(context, guide.id);
  const redeemed = await context.api.http.post('/api/guide/invitations/redeem').set(auth(token)).send({ code });
  expect(redeemed.status).toBe(200);
  return { guide, token };
}

async function createCart(token: string, body: Record<string, unknown>): Promise<GuideCart> {
  const response = await context.api.http.post('/api/guide/me/guide-carts').set(auth(token)).send(body);
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return guideCartReplySchema.parse(response.body).guideCart;
}

/** Guide A's cart of one scarf and two pairs of gloves. */
function scarfAndGloves(extra: Record<string, unknown> = {}): Promise<GuideCart> {
  return createCart(guideAToken, {
    items: [
      { skuId: scarf.skus[0]!.id, quantity: 1 },
      { skuId: gloves.skus[0]!.id, quantity: 2 },
    ],
    ...extra,
  });
}

function checkout(buyer: TestBuyer, body: Record<string, unknown>) {
  return context.api.http
    .post('/api/orders')
    .set(buyer.auth)
    .send({ addressId: buyer.addressId, idempotencyKey: randomUUID(), ...body });
}

function errorCode(body: unknown): string {
  return errorEnvelopeSchema.parse(body).error.code;
}

async function guideTouches(buyer: TestBuyer) {
  return deps.attribution.GuideTouch.find({ shopperId: buyer.shopper._id }).sort({ at: 1 }).lean();
}

beforeAll(async () => {
  context = await startGuideTest();
  deps = await testCommerce(context.db);
  store = await addStore(context, '静安嘉里店');
  scarf = await addTestProduct(deps, { title: '羊绒围巾', skus: [{ specValues: ['驼色'], price: 39900, stock: 100 }] });
  gloves = await addTestProduct(deps, { title: '皮手套', skus: [{ specValues: ['黑', 'M'], price: 12900, stock: 100 }] });
  offSale = await addTestProduct(deps, { title: '下架帽子', status: 'off_sale', skus: [{ price: 5900, stock: 10 }] });
  ({ guide: guideA, token: guideAToken } = await signedInGuide('王小美'));
  ({ guide: guideB } = await signedInGuide('李娜'));
});

afterAll(async () => {
  await context.stop();
});

describe('a guide building a cart', () => {
  it('gets an unguessable token, the share path and H5 link, a 7-day expiry and the lines priced now', async () => {
    const before = Date.now();
    const cart = await scarfAndGloves({ note: '  天冷了，围巾配手套正好  ' });
    expect(cart.token).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(cart.sharePath).toBe(`packages/guide-cart/index?t=${cart.token}`);
    expect(cart.shareUrl).toBe(`http://localhost:10086/shop/packages/guide-cart/index?t=${cart.token}`);
    const expiresIn = new Date(cart.expiresAt).getTime() - new Date(cart.createdAt).getTime();
    expect(expiresIn).toBe(GUIDE_CART_VALID_DAYS * DAY_MS);
    expect(new Date(cart.createdAt).getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(cart).toMatchObject({
      status: 'open',
      note: '天冷了，围巾配手套正好',
      customer: null,
      withdrawnAt: null,
      orderCount: 0,
      orders: [],
    });
    expect(
      cart.lines.map((line) => [line.title, line.specText, line.unitPriceFen, line.quantity, line.lineTotalFen, line.problem]),
    ).toEqual([
      ['羊绒围巾', '驼色', 39900, 1, 39900, null],
      ['皮手套', '黑 / M', 12900, 2, 25800, null],
    ]);
    expect(cart.itemsTotalFen).toBe(65700);
    // Two carts never share a token.
    expect((await scarfAndGloves()).token).not.toBe(cart.token);
  });

  it('lists the guide’s carts newest first, each with the orders placed from it', async () => {
    const { token } = await signedInGuide('赵敏');
    const first = await createCart(token, { items: [{ skuId: scarf.skus[0]!.id, quantity: 1 }] });
    const second = await createCart(token, { items: [{ skuId: gloves.skus[0]!.id, quantity: 1 }] });
    const buyer = await createTestBuyer(context.db);
    const placed = await checkout(buyer, { guideCartToken: first.token });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    const order = orderReplySchema.parse(placed.body).order;

    const listed = await context.api.http.get('/api/guide/me/guide-carts').set(auth(token));
    expect(listed.status).toBe(200);
    const reply = guideCartListReplySchema.parse(listed.body);
    expect(reply.total).toBe(2);
    expect(reply.items.map((cart) => cart.token)).toEqual([second.token, first.token]);
    expect(reply.items[1]).toMatchObject({
      orderCount: 1,
      orders: [{ orderNo: order.orderNo, status: 'pending_payment', payableFen: order.pricing.payableFen, createdAt: order.createdAt }],
    });
    expect(reply.items[0]?.orders).toEqual([]);
    // Paging.
    const page2 = guideCartListReplySchema.parse(
      (await context.api.http.get('/api/guide/me/guide-carts?page=2&pageSize=1').set(auth(token))).body,
    );
    expect(page2.items.map((cart) => cart.token)).toEqual([first.token]);
  });

  it('withdraws a cart once (again changes nothing); another guide’s cart is not found', async () => {
    const cart = await scarfAndGloves();
    const withdrawn = await context.api.http.post(`/api/guide/me/guide-carts/${cart.token}/withdraw`).set(auth(guideAToken));
    expect(withdrawn.status).toBe(200);
    const first = guideCartReplySchema.parse(withdrawn.body).guideCart;
    expect(first.status).toBe('withdrawn');
    expect(first.withdrawnAt).not.toBeNull();
    const again = guideCartReplySchema.parse(
      (await context.api.http.post(`/api/guide/me/guide-carts/${cart.token}/withdraw`).set(auth(guideAToken))).body,
    );
    expect(again.guideCart.withdrawnAt).toBe(first.withdrawnAt);

    const other = await signedInGuide('周芷若');
    const foreign = await context.api.http
      .post(`/api/guide/me/guide-carts/${(await scarfAndGloves()).token}/withdraw`)
      .set(auth(other.token));
    expect(foreign.status).toBe(404);
    expect(errorCode(foreign.body)).toBe('GUIDE_CART_NOT_FOUND');
  });
});

describe('who may build and list carts', () => {
  it('refuses shoppers who are not guides (404), staff tokens and anonymous callers (401)', async () => {
    const { token } = await createTestShopper(context.db);
    const body = { items: [{ skuId: scarf.skus[0]!.id, quantity: 1 }] };
    const calls = [
      () => context.api.http.post('/api/guide/me/guide-carts').send(body),
      () => context.api.http.get('/api/guide/me/guide-carts'),
      () => context.api.http.post(`/api/guide/me/guide-carts/${UNKNOWN_TOKEN}/withdraw`),
    ];
    for (const call of calls) {
      const shopper = await call().set(auth(token));
      expect(shopper.status).toBe(404);
      expect(errorCode(shopper.body)).toBe('NOT_FOUND');
      expect((await call().set(auth(context.tokens.owner))).status).toBe(401);
      expect((await call()).status).toBe(401);
    }
  });

  it('closes a guide who left: no new carts, and their shared carts can no longer be checked out', async () => {
    const { guide, token } = await signedInGuide('张无忌');
    const cart = await createCart(token, { items: [{ skuId: scarf.skus[0]!.id, quantity: 1 }] });
    const left = await context.api.http.post(`/api/admin/guides/${guide.id}/leave`).set(auth(context.tokens.owner));
    expect(left.status).toBe(200);

    const refused = await context.api.http
      .post('/api/guide/me/guide-carts')
      .set(auth(token))
      .send({ items: [{ skuId: scarf.skus[0]!.id, quantity: 1 }] });
    expect(refused.status).toBe(404);
    expect(await deps.guideCarts.countDocuments({ guideId: new Types.ObjectId(guide.id) })).toBe(1);

    const buyer = await createTestBuyer(context.db);
    const opened = sharedGuideCartReplySchema.parse((await context.api.http.get(`/api/guide-carts/${cart.token}`).set(buyer.auth)).body);
    expect(opened.status).toBe('guide-left');
    expect(await guideTouches(buyer)).toEqual([]);
    const placed = await checkout(buyer, { guideCartToken: cart.token });
    expect(placed.status).toBe(409);
    expect(errorCode(placed.body)).toBe('GUIDE_LEFT');
  });
});

describe('bad input', () => {
  const sku = () => scarf.skus[0]!.id;
  it.each<[string, () => unknown]>([
    ['no body', () => undefined],
    ['no items', () => ({})],
    ['an empty item list', () => ({ items: [] })],
    [
      `more than ${MAX_GUIDE_CART_LINES} lines`,
      () => ({
        items: Array.from({ length: MAX_GUIDE_CART_LINES + 1 }, () => ({ skuId: new Types.ObjectId().toHexString(), quantity: 1 })),
      }),
    ],
    [
      'the same SKU twice',
      () => ({
        items: [
          { skuId: sku(), quantity: 1 },
          { skuId: sku(), quantity: 2 },
        ],
      }),
    ],
    ['a zero quantity', () => ({ items: [{ skuId: sku(), quantity: 0 }] })],
    ['a quantity over the limit', () => ({ items: [{ skuId: sku(), quantity: 1000 }] })],
    ['a fractional quantity', () => ({ items: [{ skuId: sku(), quantity: 1.5 }] })],
    ['a quantity as text', () => ({ items: [{ skuId: sku(), quantity: '1' }] })],
    ['a malformed SKU id', () => ({ items: [{ skuId: 'scarf', quantity: 1 }] })],
    ['an unknown line field', () => ({ items: [{ skuId: sku(), quantity: 1, priceFen: 1 }] })],
    ['items that are not a list', () => ({ items: { skuId: sku(), quantity: 1 } })],
    [
      `a note over ${MAX_GUIDE_CART_NOTE_LENGTH} characters`,
      () => ({ items: [{ skuId: sku(), quantity: 1 }], note: '好'.repeat(MAX_GUIDE_CART_NOTE_LENGTH + 1) }),
    ],
    ['a note with a control character', () => ({ items: [{ skuId: sku(), quantity: 1 }], note: '你好\u0007' })],
    ['a note that is not text', () => ({ items: [{ skuId: sku(), quantity: 1 }], note: 42 })],
    ['a malformed customer id', () => ({ items: [{ skuId: sku(), quantity: 1 }], customerId: 'someone' })],
    ['an unknown field', () => ({ items: [{ skuId: sku(), quantity: 1 }], guideId: guideA.id })],
  ])('refuses %s with 400 and writes nothing', async (_name, body) => {
    const before = await deps.guideCarts.countDocuments();
    const request = context.api.http.post('/api/guide/me/guide-carts').set(auth(guideAToken));
    const response = await (body() === undefined ? request : request.send(body() as object));
    expect(response.status).toBe(400);
    expect(errorCode(response.body)).toBe('VALIDATION_FAILED');
    expect(await deps.guideCarts.countDocuments()).toBe(before);
  });

  it.each<[string, () => Record<string, unknown>, number, string]>([
    ['an off-sale product', () => ({ items: [{ skuId: offSale.skus[0]!.id, quantity: 1 }] }), 409, 'ITEM_UNAVAILABLE'],
    ['an unknown SKU', () => ({ items: [{ skuId: new Types.ObjectId().toHexString(), quantity: 1 }] }), 409, 'ITEM_UNAVAILABLE'],
    ['more than the stock', () => ({ items: [{ skuId: scarf.skus[0]!.id, quantity: 101 }] }), 409, 'OUT_OF_STOCK'],
    [
      'an unknown customer',
      () => ({ items: [{ skuId: scarf.skus[0]!.id, quantity: 1 }], customerId: new Types.ObjectId().toHexString() }),
      404,
      'NOT_FOUND',
    ],
  ])('refuses %s and writes nothing', async (_name, body, status, code) => {
    const before = await deps.guideCarts.countDocuments();
    const response = await context.api.http.post('/api/guide/me/guide-carts').set(auth(guideAToken)).send(body());
    expect(response.status).toBe(status);
    expect(errorCode(response.body)).toBe(code);
    expect(await deps.guideCarts.countDocuments()).toBe(before);
  });

  it.each([
    ['a short token', '/api/guide-carts/abc', 400, 'VALIDATION_FAILED'],
    ['a token with other characters', `/api/guide-carts/${'A'.repeat(23)}!`, 400, 'VALIDATION_FAILED'],
    ['an unknown token', `/api/guide-carts/${UNKNOWN_TOKEN}`, 404, 'GUIDE_CART_NOT_FOUND'],
  ])('answers %s when opening a share', async (_name, path, status, code) => {
    const buyer = await createTestBuyer(context.db);
    const response = await context.api.http.get(path).set(buyer.auth);
    expect(response.status).toBe(status);
    expect(errorCode(response.body)).toBe(code);
  });

  it.each<[string, (token: string) => Record<string, unknown>]>([
    ['with items as well', (token) => ({ guideCartToken: token, items: [{ skuId: scarf.skus[0]!.id, quantity: 1 }] })],
    ['with the cart as well', (token) => ({ guideCartToken: token, fromCart: true })],
    ['with cart lines as well', (token) => ({ guideCartToken: token, skuIds: [scarf.skus[0]!.id] })],
    ['with a malformed token', () => ({ guideCartToken: 'not-a-token' })],
    ['with a token that is not text', () => ({ guideCartToken: 42 })],
  ])('refuses a guide cart checkout %s (400, no order)', async (_name, body) => {
    const cart = await scarfAndGloves();
    const buyer = await createTestBuyer(context.db);
    for (const path of ['/api/checkout/preview', '/api/orders']) {
      const response = await context.api.http
        .post(path)
        .set(buyer.auth)
        .send({ addressId: buyer.addressId, idempotencyKey: randomUUID(), ...body(cart.token) });
      expect(response.status, path).toBe(400);
      expect(errorCode(response.body)).toBe('VALIDATION_FAILED');
    }
    expect(await deps.orders.Order.countDocuments({ shopperId: buyer.shopper._id })).toBe(0);
  });
});

describe('the customer opening the share', () => {
  it('sees the guide, the lines priced now, the note and status; opening records a guide-order touch', async () => {
    const cart = await scarfAndGloves({ note: '给您挑的' });
    const buyer = await createTestBuyer(context.db);
    const response = await context.api.http.get(`/api/guide-carts/${cart.token}`).set(buyer.auth);
    expect(response.status).toBe(200);
    const shared = sharedGuideCartReplySchema.parse(response.body);
    expect(shared.guide).toEqual({ id: guideA.id, code: guideA.code, name: '王小美', avatarUrl: null, storeName: '静安嘉里店' });
    expect(shared).toMatchObject({ status: 'open', note: '给您挑的', itemsTotalFen: 65700, expiresAt: cart.expiresAt });
    expect(shared.lines.map((line) => [line.title, line.quantity, line.unitPriceFen])).toEqual([
      ['羊绒围巾', 1, 39900],
      ['皮手套', 2, 12900],
    ]);
    const touches = await guideTouches(buyer);
    expect(touches).toHaveLength(1);
    expect(touches[0]).toMatchObject({ channel: 'guide-order', effect: 'bound' });
    expect(touches[0]?.guideId.toHexString()).toBe(guideA.id);
    const binding = await deps.attribution.CustomerBinding.findById(buyer.shopper._id).lean();
    expect(binding?.guideId.toHexString()).toBe(guideA.id);
  });

  it('is not a touch when the guide previews their own share', async () => {
    const cart = await scarfAndGloves();
    const guideShopper = await deps.guides.Guide.findById(guideA.id).lean();
    const opened = await context.api.http.get(`/api/guide-carts/${cart.token}`).set(auth(guideAToken));
    expect(opened.status).toBe(200);
    expect(await deps.attribution.GuideTouch.countDocuments({ shopperId: guideShopper?.shopperId })).toBe(0);
  });

  it('shows a withdrawn or expired cart as such, records no touch, and refuses its checkout and preview', async () => {
    const withdrawn = await scarfAndGloves();
    await context.api.http.post(`/api/guide/me/guide-carts/${withdrawn.token}/withdraw`).set(auth(guideAToken));
    const expired = await scarfAndGloves();
    await deps.guideCarts.updateOne({ token: expired.token }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    const buyer = await createTestBuyer(context.db);
    for (const [cart, status, httpStatus, code] of [
      [withdrawn, 'withdrawn', 409, 'GUIDE_CART_WITHDRAWN'],
      [expired, 'expired', 410, 'GUIDE_CART_EXPIRED'],
    ] as const) {
      const opened = sharedGuideCartReplySchema.parse((await context.api.http.get(`/api/guide-carts/${cart.token}`).set(buyer.auth)).body);
      expect(opened.status).toBe(status);
      const preview = await context.api.http.post('/api/checkout/preview').set(buyer.auth).send({ guideCartToken: cart.token });
      expect(preview.status).toBe(httpStatus);
      expect(errorCode(preview.body)).toBe(code);
      const placed = await checkout(buyer, { guideCartToken: cart.token });
      expect(placed.status).toBe(httpStatus);
      expect(errorCode(placed.body)).toBe(code);
    }
    expect(await guideTouches(buyer)).toEqual([]);
    expect(await deps.orders.Order.countDocuments({ shopperId: buyer.shopper._id })).toBe(0);
    // The guide's list says so too.
    const listed = guideCartListReplySchema.parse(
      (await context.api.http.get('/api/guide/me/guide-carts?pageSize=50').set(auth(guideAToken))).body,
    );
    expect(listed.items.find((cart) => cart.token === withdrawn.token)?.status).toBe('withdrawn');
    expect(listed.items.find((cart) => cart.token === expired.token)?.status).toBe('expired');
  });

  it('keeps a cart made for one customer to that customer (403 for anyone else)', async () => {
    const customer = await createTestBuyer(context.db);
    const stranger = await createTestBuyer(context.db);
    const cart = await scarfAndGloves({ customerId: customer.shopper._id.toHexString() });
    expect(cart.customer).toEqual({ id: customer.shopper._id.toHexString(), nickname: null });

    const peeked = await context.api.http.get(`/api/guide-carts/${cart.token}`).set(stranger.auth);
    expect(peeked.status).toBe(403);
    expect(errorCode(peeked.body)).toBe('GUIDE_CART_NOT_YOURS');
    const taken = await checkout(stranger, { guideCartToken: cart.token });
    expect(taken.status).toBe(403);
    expect(errorCode(taken.body)).toBe('GUIDE_CART_NOT_YOURS');
    expect(await guideTouches(stranger)).toEqual([]);

    expect((await context.api.http.get(`/api/guide-carts/${cart.token}`).set(customer.auth)).status).toBe(200);
    expect((await checkout(customer, { guideCartToken: cart.token })).status).toBe(201);
  });
});

describe('checking out a guide cart', () => {
  it('prices the cart’s lines in the preview', async () => {
    const cart = await scarfAndGloves();
    const buyer = await createTestBuyer(context.db);
    const response = await context.api.http.post('/api/checkout/preview').set(buyer.auth).send({ guideCartToken: cart.token });
    expect(response.status).toBe(200);
    const preview = checkoutPreviewReplySchema.parse(response.body);
    expect(preview.lines.map((line) => [line.skuId, line.quantity])).toEqual([
      [scarf.skus[0]!.id, 1],
      [gloves.skus[0]!.id, 2],
    ]);
    expect(preview.pricing.itemsTotalFen).toBe(65700);
    expect(preview.canSubmit).toBe(true);
  });

  it('attributes the order to the cart’s guide, even for a shopper bound to another guide under protection', async () => {
    const buyer = await createTestBuyer(context.db);
    expect(
      (await context.api.http.post('/api/touches').set(buyer.auth).send({ guideCode: guideB.code, channel: 'shop-link' })).status,
    ).toBe(200);
    const cart = await scarfAndGloves();
    const opened = await context.api.http.get(`/api/guide-carts/${cart.token}`).set(buyer.auth);
    expect(opened.status).toBe(200);
    // The touch is kept, and guide B's protection holds the binding.
    expect((await guideTouches(buyer)).map((touch) => [touch.channel, touch.effect])).toEqual([
      ['shop-link', 'bound'],
      ['guide-order', 'protected'],
    ]);

    const placed = await checkout(buyer, { guideCartToken: cart.token, remark: '包装好一点' });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    const order = orderReplySchema.parse(placed.body).order;
    expect(order.lines.map((line) => [line.title, line.quantity])).toEqual([
      ['羊绒围巾', 1],
      ['皮手套', 2],
    ]);
    expect(order.pricing.itemsTotalFen).toBe(65700);
    const stored = await storedOrder(deps, order.orderNo);
    expect(stored.attribution).toMatchObject({
      channel: 'guide-order',
      guideCode: guideA.code,
      guideName: '王小美',
      storeName: '静安嘉里店',
      guideSource: 'guide-order',
    });
    expect(stored.attribution.guideId?.toHexString()).toBe(guideA.id);
    const cartRecord = await deps.guideCarts.findOne({ token: cart.token }).lean();
    expect(stored.attribution.guideCartId?.equals(cartRecord?._id)).toBe(true);
    const binding = await deps.attribution.CustomerBinding.findById(buyer.shopper._id).lean();
    expect(binding?.guideId.toHexString()).toBe(guideB.id);

    // The console shows the guide and where it came from.
    const adminOrder = await context.api.http.get(`/api/admin/orders/${order.orderNo}`).set(auth(context.tokens.owner));
    expect(adminOrder.status).toBe(200);
    expect((adminOrder.body as { order: { attribution: unknown } }).order.attribution).toMatchObject({
      channel: 'guide-order',
      guideSource: 'guide-order',
      guide: { id: guideA.id, code: guideA.code },
    });
  });

  it('gives each of several shoppers checking out one cart at once their own order', async () => {
    const cart = await scarfAndGloves();
    const stockBefore = await stockOf(deps, scarf.skus[0]!.id);
    const buyers = await Promise.all(Array.from({ length: 6 }, () => createTestBuyer(context.db)));
    const responses = await Promise.all(buyers.map((buyer) => checkout(buyer, { guideCartToken: cart.token })));
    for (const response of responses) expect(response.status, JSON.stringify(response.body)).toBe(201);
    const orderNos = responses.map((response) => orderReplySchema.parse(response.body).order.orderNo);
    expect(new Set(orderNos).size).toBe(buyers.length);
    for (const [index, orderNo] of orderNos.entries()) {
      const stored = await storedOrder(deps, orderNo);
      expect(stored.shopperId.equals(buyers[index]!.shopper._id)).toBe(true);
      expect(stored.attribution.guideSource).toBe('guide-order');
    }
    expect((await stockOf(deps, scarf.skus[0]!.id)).available).toBe(stockBefore.available - buyers.length);

    const listed = guideCartListReplySchema.parse(
      (await context.api.http.get('/api/guide/me/guide-carts?pageSize=50').set(auth(guideAToken))).body,
    );
    const listedCart = listed.items.find((item) => item.token === cart.token);
    expect(listedCart?.orderCount).toBe(buyers.length);
    expect(new Set(listedCart?.orders.map((order) => order.orderNo))).toEqual(new Set(orderNos));
  });

  it('leaves the shopper’s own cart alone', async () => {
    const buyer = await createTestBuyer(context.db);
    expect((await context.api.http.post('/api/cart/items').set(buyer.auth).send({ skuId: scarf.skus[0]!.id, quantity: 3 })).status).toBe(
      200,
    );
    const cart = await scarfAndGloves();
    expect((await checkout(buyer, { guideCartToken: cart.token })).status).toBe(201);
    const shopperCart = await context.api.http.get('/api/cart').set(buyer.auth);
    expect((shopperCart.body as { items: { quantity: number }[] }).items.map((item) => item.quantity)).toEqual([3]);
  });
});
