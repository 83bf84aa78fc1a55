import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createCanvas } from '@napi-rs/canvas';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  errorEnvelopeSchema,
  guideReplySchema,
  orderReplySchema,
  storeReplySchema,
  type ErrorCode,
  type Guide,
  type Store,
} from '@mall/shared';
import { createApp } from '../app.ts';
import { guideContactDependencies } from '../guide-contacts/service.ts';
import { createLogger } from '../logger.ts';
import type { WechatPayClient } from '../platform/wechat-pay/client.ts';
import { createStaffAccount, signIn } from '../testing/app.ts';
import { addTestProduct, createTestBuyer, storedOrder, type TestProduct } from '../testing/commerce.ts';
import { startListeningApp, type ListeningApp } from '../testing/listening-app.ts';
import { mainlandMobile, registerGuideWithWechatPay, wechatPayGuideDependencies } from './wechat-pay-registration.ts';

/**
 * 支付即服务: a guide is registered with WeChat Pay's smart-guide service (through the sandbox) with their WeCom
 * userid, mobile, photo, WeCom contact QR and their store's WeChat Pay store id; the id WeChat Pay gives is kept,
 * once, and the guide's orders are then assigned to them in WeChat Pay before the payment completes.
 */

let listening: ListeningApp;
let uploadsDir: string;
let http: ReturnType<typeof request>;
let owner: string;
let viewer: string;
let product: TestProduct;
let counter = 0;

beforeAll(async () => {
  uploadsDir = await mkdtemp(path.join(tmpdir(), 'mall-wechat-pay-guides-'));
  listening = await startListeningApp({ UPLOADS_DIR: uploadsDir });
  http = request(listening.app.callback());
  await createStaffAccount(listening.db, { username: 'smart-guide-owner', role: 'owner' });
  await createStaffAccount(listening.db, { username: 'smart-guide-viewer', role: 'viewer' });
  owner = await signIn(http, 'smart-guide-owner');
  viewer = await signIn(http, 'smart-guide-viewer');
  product = await addTestProduct(listening.deps, { title: '羊绒开衫', skus: [{ price: 59900, stock: 100 }] });
});

afterAll(async () => {
  await listening.stop();
  await rm(uploadsDir, { recursive: true, force: true });
});

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const errorOf = (response: request.Response) => errorEnvelopeSchema.parse(response.body).error;
const registration = (guideId: string, token = owner) =>
  http.post(`/api/admin/guides/${guideId}/wechat-pay-registration`).set(bearer(token));

async function photo(): Promise<Buffer> {
  const canvas = createCanvas(320, 240);
  const context2d = canvas.getContext('2d');
  context2d.fillStyle = '#cc3366';
  context2d.fillRect(0, 0, 320, 240);
  return canvas.encode('png');
}

async function addStore(fields: { wechatPayStoreId?: number } = {}): Promise<Store> {
  counter += 1;
  const response = await http
    .post('/api/admin/stores')
    .set(bearer(owner))
    .send({ name: `支付即服务门店${counter}`, ...fields });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return storeReplySchema.parse(response.body).store;
}

/** A guide made through the admin API (a WeCom userid also adds the member to the sandbox's directory), with a photo unless told not to. */
async function addGuide(store: Store, fields: { wecomUserId?: string | null; phone?: string; avatar?: boolean } = {}): Promise<Guide> {
  counter += 1;
  const wecomUserId = fields.wecomUserId === undefined ? `guide-${randomUUID().slice(0, 8)}` : fields.wecomUserId;
  const created = await http
    .post('/api/admin/guides')
    .set(bearer(owner))
    .send({
      name: `导购${counter}`,
      storeId: store.id,
      phone: fields.phone ?? '138 0013 8000',
      ...(wecomUserId !== null && { wecomUserId }),
    });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const guide = guideReplySchema.parse(created.body).guide;
  if (fields.avatar === false) return guide;
  const uploaded = await http
    .post(`/api/admin/guides/${guide.id}/avatar`)
    .set(bearer(owner))
    .set('Content-Type', 'image/png')
    .send(await photo());
  expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(200);
  return guideReplySchema.parse(uploaded.body).guide;
}

async function registered(guide: Guide): Promise<Guide> {
  const response = await registration(guide.id);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return guideReplySchema.parse(response.body).guide;
}

async function storedWechatPayGuideId(guideId: string): Promise<string | undefined> {
  return (await listening.deps.guides.Guide.findById(guideId).lean())?.wechatPayGuideId;
}

/** What WeChat Pay (the sandbox) lists for the member in the store. */
function wechatPayGuidesOf(storeId: number, userId: string) {
  return listening.deps.wechatPay.queryGuides({ storeId, userId });
}

/** The member registered straight in WeChat Pay (as the merchant's platform would have), not through the API. */
function registerInWechatPay(storeId: number, userId: string) {
  return listening.deps.wechatPay.registerGuide({
    corpId: listening.deps.config.wecom.corpId!,
    storeId,
    userId,
    name: '门店后台注册',
    mobile: '13900139000',
    qrCode: 'https://example.com/qr.png',
    avatar: 'https://example.com/avatar.png',
  });
}

describe('stores', () => {
  it('carry a WeChat Pay store id, set on create, changed, and cleared with null', async () => {
    const store = await addStore({ wechatPayStoreId: 2001 });
    expect(store.wechatPayStoreId).toBe(2001);
    const changed = await http.patch(`/api/admin/stores/${store.id}`).set(bearer(owner)).send({ wechatPayStoreId: 2002 });
    expect(storeReplySchema.parse(changed.body).store).toMatchObject({ wechatPayStoreId: 2002, name: store.name });
    const cleared = await http.patch(`/api/admin/stores/${store.id}`).set(bearer(owner)).send({ wechatPayStoreId: null });
    expect(storeReplySchema.parse(cleared.body).store.wechatPayStoreId).toBeNull();
    expect((await listening.deps.guides.Store.findById(store.id).lean())?.wechatPayStoreId).toBeUndefined();
    const listed = await http.get('/api/admin/stores').set(bearer(viewer));
    expect(listed.body.items.find((item: Store) => item.id === store.id)).toMatchObject({ wechatPayStoreId: null });
    expect((await addStore()).wechatPayStoreId).toBeNull();
  });

  it.each([
    ['zero', 0],
    ['negative', -5],
    ['a fraction', 12.5],
    ['a string', '1001'],
    ['beyond safe integers', 2 ** 53],
  ])('refuse a WeChat Pay store id that is %s (400, nothing written)', async (_name, wechatPayStoreId) => {
    const store = await addStore({ wechatPayStoreId: 3001 });
    const name = `坏门店${(counter += 1)}`;
    const created = await http.post('/api/admin/stores').set(bearer(owner)).send({ name, wechatPayStoreId });
    expect(created.status).toBe(400);
    expect(errorOf(created).code).toBe('VALIDATION_FAILED');
    expect(await listening.deps.guides.Store.exists({ name })).toBeNull();
    const updated = await http.patch(`/api/admin/stores/${store.id}`).set(bearer(owner)).send({ wechatPayStoreId });
    expect(updated.status).toBe(400);
    expect((await listening.deps.guides.Store.findById(store.id).lean())?.wechatPayStoreId).toBe(3001);
  });
});

describe('registering a guide with WeChat Pay', () => {
  it('sends the WeCom contact QR and photo at the public address, keeps the id, and their orders are assigned to them before payment', async () => {
    const store = await addStore({ wechatPayStoreId: 1001 });
    const guide = await addGuide(store);
    expect(guide.wechatPayGuideId).toBeNull();

    const done = await registered(guide);
    expect(done.wechatPayGuideId).toMatch(/^LL[A-Za-z0-9]+$/);
    expect(done).toEqual({ ...guide, wechatPayGuideId: done.wechatPayGuideId });
    expect(await storedWechatPayGuideId(guide.id)).toBe(done.wechatPayGuideId);
    const listed = await wechatPayGuidesOf(1001, guide.wecomUserId!);
    expect(listed.guides).toEqual([
      expect.objectContaining({
        guideId: done.wechatPayGuideId,
        storeId: 1001,
        name: guide.name,
        mobile: '13800138000',
        userId: guide.wecomUserId,
      }),
    ]);
    // Again: the same id, nothing new in WeChat Pay.
    expect((await registered(guide)).wechatPayGuideId).toBe(done.wechatPayGuideId);
    expect((await wechatPayGuidesOf(1001, guide.wecomUserId!)).totalCount).toBe(1);
    const read = await http.get(`/api/admin/guides/${guide.id}`).set(bearer(viewer));
    expect(guideReplySchema.parse(read.body).guide.wechatPayGuideId).toBe(done.wechatPayGuideId);

    // A shopper the guide brought orders; the prepay assigns the registered guide in WeChat Pay.
    const buyer = await createTestBuyer(listening.db);
    expect((await http.post('/api/touches').set(buyer.auth).send({ guideCode: guide.code, channel: 'shop-link' })).status).toBe(200);
    const placed = await http
      .post('/api/orders')
      .set(buyer.auth)
      .send({ items: [{ skuId: product.skus[0]!.id, quantity: 1 }], addressId: buyer.addressId, idempotencyKey: randomUUID() });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    const { orderNo } = orderReplySchema.parse(placed.body).order;
    expect((await http.post(`/api/orders/${orderNo}/pay`).set(buyer.auth)).status).toBe(200);
    const sandboxOrder = (await (await fetch(`${listening.testSandbox.sandbox.url}/__sandbox/wechatpay/orders/${orderNo}`)).json()) as {
      trade_state: string;
      guide?: { guide_id: string; corpid: string; store_id: number; userid: string; qr_code: string; avatar: string };
    };
    expect(sandboxOrder.trade_state).toBe('NOTPAY');
    expect(sandboxOrder.guide).toMatchObject({
      guide_id: done.wechatPayGuideId,
      corpid: listening.deps.config.wecom.corpId,
      store_id: 1001,
      userid: guide.wecomUserId,
      avatar: `${listening.appUrl}${guide.avatarUrl}`,
    });
    expect((await storedOrder(listening.deps, orderNo)).attribution.wechatPayGuideAssignedAt).toBeInstanceOf(Date);

    // The QR is the guide's general contact way (state = their code), served by the API; both images load from outside.
    const contacts = guideContactDependencies(listening.deps.config, listening.db.connection).contacts;
    const way = await contacts.ContactWay.findOne({ guideId: guide.id, shopperId: { $exists: false }, scene: 2, active: true }).lean();
    expect(way?.state).toBe(guide.code);
    expect(sandboxOrder.guide?.qr_code).toBe(`${listening.appUrl}/api/guide-contacts/qr/${way?.configId}`);
    const qr = await fetch(sandboxOrder.guide!.qr_code);
    expect([qr.status, qr.headers.get('content-type')?.startsWith('image/')]).toEqual([200, true]);
    const avatar = await fetch(sandboxOrder.guide!.avatar);
    expect([avatar.status, avatar.headers.get('content-type')]).toEqual([200, 'image/jpeg']);
  });

  it('stores the id WeChat Pay already has for the member (registered there before) instead of failing', async () => {
    const store = await addStore({ wechatPayStoreId: 1002 });
    const guide = await addGuide(store);
    const before = await registerInWechatPay(1002, guide.wecomUserId!);
    expect((await registered(guide)).wechatPayGuideId).toBe(before.guideId);
    expect(await storedWechatPayGuideId(guide.id)).toBe(before.guideId);
    expect((await wechatPayGuidesOf(1002, guide.wecomUserId!)).totalCount).toBe(1);
  });

  it('ends with one stored id when registered by parallel requests', async () => {
    const store = await addStore({ wechatPayStoreId: 1003 });
    const guide = await addGuide(store);
    const responses = await Promise.all(Array.from({ length: 6 }, () => registration(guide.id)));
    expect(responses.map((response) => response.status)).toEqual(Array(6).fill(200));
    const ids = new Set(responses.map((response) => guideReplySchema.parse(response.body).guide.wechatPayGuideId));
    const stored = await storedWechatPayGuideId(guide.id);
    expect([...ids]).toEqual([stored]);
    expect((await wechatPayGuidesOf(1003, guide.wecomUserId!)).guides.map((listed) => listed.guideId)).toEqual([stored]);
  });

  it('keeps the first stored id even when WeChat Pay gives parallel registrations different ids', async () => {
    const store = await addStore({ wechatPayStoreId: 1004 });
    const guide = await addGuide(store);
    let issued = 0;
    // A WeChat Pay that registers the member anew each time, answering after the others have asked.
    const duplicating: WechatPayClient = {
      ...listening.deps.wechatPay,
      async registerGuide() {
        issued += 1;
        const guideId = `LLrace${issued}`;
        await new Promise((resolve) => setTimeout(resolve, 20 * issued));
        return { guideId };
      },
    };
    const { config } = listening.deps;
    const deps = wechatPayGuideDependencies(config, {
      guides: listening.deps.guides,
      wechatPay: duplicating,
      contactWays: guideContactDependencies(config, listening.db.connection),
    });
    const log = createLogger('silent');
    const views = await Promise.all(Array.from({ length: 4 }, () => registerGuideWithWechatPay(deps, guide.id, log)));
    expect(issued).toBe(4);
    expect(views.map((view) => view.wechatPayGuideId)).toEqual(Array(4).fill('LLrace1'));
    expect(await storedWechatPayGuideId(guide.id)).toBe('LLrace1');
  });
});

describe('a registration under way', () => {
  /** The registration service with a WeChat Pay that runs `meanwhile` while it registers the member. */
  function registeringWhile(meanwhile: () => Promise<void>) {
    const { config } = listening.deps;
    const deps = wechatPayGuideDependencies(config, {
      guides: listening.deps.guides,
      wechatPay: {
        ...listening.deps.wechatPay,
        async registerGuide(guide) {
          const registered = await listening.deps.wechatPay.registerGuide(guide);
          await meanwhile();
          return registered;
        },
      },
      contactWays: guideContactDependencies(config, listening.db.connection),
    });
    return (guideId: string) => registerGuideWithWechatPay(deps, guideId, createLogger('silent'));
  }

  it.each<[string, 'guide' | 'store', (guide: Guide, store: Store) => Promise<unknown>]>([
    ['the guide moves to another store', 'guide', async (guide) => updateGuide(guide, { storeId: (await addStore()).id })],
    ['the guide gets another WeCom userid', 'guide', (guide) => updateGuide(guide, { wecomUserId: `guide-${randomUUID().slice(0, 8)}` })],
    ['the store gets another WeChat Pay store id', 'store', (_guide, store) => updateStore(store, { wechatPayStoreId: 1399 })],
  ])('is not kept when %s meanwhile (409 CONFLICT)', async (_case, changed, change) => {
    const store = await addStore({ wechatPayStoreId: 1300 + (counter += 1) });
    const guide = await addGuide(store);
    const register = registeringWhile(async () => {
      await change(guide, store);
    });
    await expect(register(guide.id)).rejects.toMatchObject({ code: 'CONFLICT', status: 409, details: { changed } });
    expect(await storedWechatPayGuideId(guide.id)).toBeUndefined();
  });
});

async function updateGuide(guide: Guide, body: object): Promise<void> {
  const response = await http.patch(`/api/admin/guides/${guide.id}`).set(bearer(owner)).send(body);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
}

async function updateStore(store: Store, body: object): Promise<void> {
  const response = await http.patch(`/api/admin/stores/${store.id}`).set(bearer(owner)).send(body);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
}

describe('a registration', () => {
  it('ends when the guide moves to another store or changes WeCom userid, and when the store gets another WeChat Pay store id', async () => {
    const store = await addStore({ wechatPayStoreId: 1005 });
    const other = await addStore({ wechatPayStoreId: 1006 });
    const [mover, renamed, stayer, sibling] = await Promise.all([addGuide(store), addGuide(store), addGuide(store), addGuide(store)]);
    for (const guide of [mover, renamed, stayer, sibling]) await registered(guide);
    const patch = (guide: Guide, body: object) => http.patch(`/api/admin/guides/${guide.id}`).set(bearer(owner)).send(body);

    const moved = await patch(mover, { storeId: other.id });
    expect(guideReplySchema.parse(moved.body).guide.wechatPayGuideId).toBeNull();
    const relinked = await patch(renamed, { wecomUserId: `guide-${randomUUID().slice(0, 8)}` });
    expect(guideReplySchema.parse(relinked.body).guide.wechatPayGuideId).toBeNull();
    // Other changes, and the same store or userid sent again, keep it.
    const kept = await patch(stayer, { name: '新名字', phone: '13700137000', storeId: store.id, wecomUserId: stayer.wecomUserId });
    expect(guideReplySchema.parse(kept.body).guide.wechatPayGuideId).toBe(await storedWechatPayGuideId(stayer.id));
    expect(await storedWechatPayGuideId(stayer.id)).toBeDefined();

    // The moved guide registers again, under the new store.
    expect((await registered(mover)).wechatPayGuideId).toBe((await wechatPayGuidesOf(1006, mover.wecomUserId!)).guides[0]?.guideId);

    await http.patch(`/api/admin/stores/${store.id}`).set(bearer(owner)).send({ name: store.name, wechatPayStoreId: 1005 });
    expect(await storedWechatPayGuideId(sibling.id)).toBeDefined();
    await http.patch(`/api/admin/stores/${store.id}`).set(bearer(owner)).send({ wechatPayStoreId: 1007 });
    expect(await storedWechatPayGuideId(sibling.id)).toBeUndefined();
    expect(await storedWechatPayGuideId(stayer.id)).toBeUndefined();
    expect(await storedWechatPayGuideId(mover.id)).toBeDefined();
  });
});

describe('registration is refused', () => {
  it.each<[string, ErrorCode, number, (store: Store) => Promise<Guide>]>([
    ['without a WeCom userid', 'GUIDE_WITHOUT_WECOM', 409, (store) => addGuide(store, { wecomUserId: null })],
    ['without a phone', 'GUIDE_MOBILE_INVALID', 422, (store) => addGuide(store, { phone: '' })],
    ['with a landline', 'GUIDE_MOBILE_INVALID', 422, (store) => addGuide(store, { phone: '021-12345678' })],
    ['with a 12-digit number', 'GUIDE_MOBILE_INVALID', 422, (store) => addGuide(store, { phone: '138001380001' })],
    ['without a photo', 'GUIDE_WITHOUT_AVATAR', 409, (store) => addGuide(store, { avatar: false })],
    ['in a store without a WeChat Pay store id', 'STORE_WITHOUT_WECHAT_PAY_ID', 409, async () => addGuide(await addStore())],
    [
      'for a guide who left',
      'GUIDE_LEFT',
      409,
      async (store) => {
        const guide = await addGuide(store);
        expect((await http.post(`/api/admin/guides/${guide.id}/leave`).set(bearer(owner))).status).toBe(200);
        return guide;
      },
    ],
  ])('%s: %s (%i), nothing registered or stored', async (_case, code, status, makeGuide) => {
    const store = await addStore({ wechatPayStoreId: 1100 + (counter += 1) });
    const guide = await makeGuide(store);
    const response = await registration(guide.id);
    expect(response.status).toBe(status);
    expect(errorOf(response)).toMatchObject({ code, message: expect.stringMatching(/\p{Script=Han}/u) });
    expect(await storedWechatPayGuideId(guide.id)).toBeUndefined();
    if (guide.wecomUserId !== null && store.wechatPayStoreId !== null) {
      expect((await wechatPayGuidesOf(store.wechatPayStoreId, guide.wecomUserId)).totalCount).toBe(0);
    }
  });

  it('for an unknown guide (404), to readers (403), and without the WeCom corp id configured (503)', async () => {
    expect((await registration('0123456789abcdef01234567')).status).toBe(404);
    const store = await addStore({ wechatPayStoreId: 1200 });
    const guide = await addGuide(store);
    const forbidden = await registration(guide.id, viewer);
    expect([forbidden.status, errorOf(forbidden).code]).toEqual([403, 'FORBIDDEN']);

    const withoutCorp = createApp({
      config: listening.testSandbox.config({ PUBLIC_API_URL: listening.appUrl, UPLOADS_DIR: uploadsDir, WECOM_CORPID: '' }),
      db: listening.db,
      logger: createLogger('silent'),
    });
    const unconfigured = await request(withoutCorp.callback())
      .post(`/api/admin/guides/${guide.id}/wechat-pay-registration`)
      .set(bearer(owner));
    expect(unconfigured.status).toBe(503);
    expect(errorOf(unconfigured)).toMatchObject({
      code: 'PLATFORM_NOT_CONFIGURED',
      details: { platform: 'wecom', missing: ['WECOM_CORPID'] },
    });
    expect(await storedWechatPayGuideId(guide.id)).toBeUndefined();
  });
});

describe('mainlandMobile', () => {
  it.each([
    ['13800138000', '13800138000'],
    ['138 0013 8000', '13800138000'],
    ['138-0013-8000', '13800138000'],
    ['+86 138 0013 8000', '13800138000'],
    ['8613800138000', '13800138000'],
    ['021-12345678', undefined],
    ['23800138000', undefined],
    ['1380013800', undefined],
    ['+1 13800138000', undefined],
    ['', undefined],
  ])('%j → %s', (phone, mobile) => {
    expect(mainlandMobile(phone)).toBe(mobile);
  });
});
