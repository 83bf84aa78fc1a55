import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GuideContactReply } from '@mall/shared';
import type { Shopper } from '../customers/models.ts';
import { testApp } from '../testing/app.ts';
import {
  addContactGuide,
  insertAttributedOrder,
  startGuideContactTest,
  wecomControl,
  wecomView,
  type GuideContactTest,
  type TestGuide,
} from '../testing/guide-contacts.ts';
import { scanQrPng } from '../testing/qr.ts';
import { createTestShopper } from '../testing/shoppers.ts';
import { contactWayQrPath } from './contact-ways.ts';
import type { ContactWayRecord } from './models.ts';
import { generalState, shopperState } from './state.ts';

/**
 * The payment result page's `GET /api/orders/:orderNo/guide-contact`, 我的导购's `GET /api/me/guide-contact` and the
 * guide shop's general contact, against the WeCom sandbox: contact ways made lazily (once, also under parallel
 * requests), per surface, their QR images served by the API, and who may see what.
 */

let context: GuideContactTest;
let li: TestGuide;

interface SandboxContactWay {
  config_id: string;
  scene: number;
  state: string;
  user: string[];
}

async function shopperWithToken(): Promise<{ shopper: Shopper; auth: { Authorization: string } }> {
  const { shopper, token } = await createTestShopper(context.db);
  return { shopper, auth: { Authorization: `Bearer ${token}` } };
}

async function paidOrderOf(
  shopper: Shopper,
  guide: TestGuide | null = li,
  status: Parameters<typeof insertAttributedOrder>[1]['status'] = 'paid',
) {
  return insertAttributedOrder(context.deps, { shopperId: shopper._id, status, ...(guide !== null && { guide }) });
}

async function sandboxWaysOf(state: string): Promise<SandboxContactWay[]> {
  return (await wecomView<SandboxContactWay[]>(context.testSandbox, '/contact-ways')).filter((way) => way.state === state);
}

beforeAll(async () => {
  context = await startGuideContactTest();
  li = await addContactGuide(context, { name: '李导购', wecomUserId: 'guide-li' });
});

afterAll(async () => {
  await context.stop();
});

describe('GET /api/orders/:orderNo/guide-contact', () => {
  it("gives the weapp the order's guide with a contact-plugin config id and a QR, made once for this shopper", async () => {
    const { shopper, auth } = await shopperWithToken();
    const order = await paidOrderOf(shopper);

    const first = await context.http.get(`/api/orders/${order.orderNo}/guide-contact`).query({ surface: 'weapp' }).set(auth);
    expect(first.status).toBe(200);
    const reply = first.body as GuideContactReply;
    expect(reply).toMatchObject({
      guide: { id: li.guide._id.toHexString(), code: li.guide.code, name: '李导购', storeName: '徐汇店', avatarUrl: null },
      added: false,
    });
    expect(reply.unavailableReason).toBeUndefined();

    const state = shopperState(li.guide.code, shopper._id);
    const ways = await sandboxWaysOf(state);
    expect(ways.map((way) => way.scene).sort()).toEqual([1, 2]);
    expect(ways.every((way) => way.user.join() === 'guide-li')).toBe(true);
    const plugin = ways.find((way) => way.scene === 1)!;
    const qr = ways.find((way) => way.scene === 2)!;
    expect(reply.contact).toEqual({ configId: plugin.config_id, qrCodeUrl: contactWayQrPath(qr.config_id) });

    const again = await context.http.get(`/api/orders/${order.orderNo}/guide-contact`).query({ surface: 'weapp' }).set(auth);
    expect(again.body).toEqual(reply);
    expect(await sandboxWaysOf(state)).toHaveLength(2);
  });

  it('gives H5 the QR only, and serves its image from the API (the QR a phone scans)', async () => {
    const { shopper, auth } = await shopperWithToken();
    const order = await paidOrderOf(shopper);
    const response = await context.http.get(`/api/orders/${order.orderNo}/guide-contact`).query({ surface: 'h5' }).set(auth);
    expect(response.status).toBe(200);
    const { contact } = response.body as GuideContactReply;
    expect(contact?.configId).toBeNull();
    const ways = await sandboxWaysOf(shopperState(li.guide.code, shopper._id));
    expect(ways.map((way) => way.scene)).toEqual([2]);

    const image = await context.http.get(contact!.qrCodeUrl).buffer(true);
    expect(image.status).toBe(200);
    expect(image.headers['content-type']).toBe('image/png');
    expect(image.headers['cache-control']).toContain('max-age');
    expect(scanQrPng(image.body as Buffer)).toBe(`${context.testSandbox.sandbox.url}/__sandbox/wecom/contact-ways/${ways[0]!.config_id}`);
  });

  it('makes one contact way per shopper and scene when the page asks many times at once; the losers delete theirs in WeCom', async () => {
    const { shopper, auth } = await shopperWithToken();
    const order = await paidOrderOf(shopper);
    const replies = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        context.http
          .get(`/api/orders/${order.orderNo}/guide-contact`)
          .query({ surface: index % 2 === 0 ? 'weapp' : 'h5' })
          .set(auth),
      ),
    );
    expect(replies.map((reply) => reply.status)).toEqual(Array(8).fill(200));
    const qrUrls = new Set(replies.map((reply) => (reply.body as GuideContactReply).contact?.qrCodeUrl));
    const pluginIds = new Set(replies.flatMap((reply) => (reply.body as GuideContactReply).contact?.configId ?? []));
    expect(qrUrls.size).toBe(1);
    expect(pluginIds.size).toBe(1);

    const state = shopperState(li.guide.code, shopper._id);
    const stored = await context.deps.contacts.ContactWay.find({ state }).lean<ContactWayRecord[]>();
    expect(stored.map((way) => [way.scene, way.active]).sort()).toEqual([
      [1, true],
      [2, true],
    ]);
    // Only the kept ones are left in WeCom.
    expect((await sandboxWaysOf(state)).map((way) => way.config_id).sort()).toEqual(stored.map((way) => way.configId).sort());
  });

  it("replaces a contact way made for the guide's former WeCom userid", async () => {
    const wang = await addContactGuide(context, { name: '王导购', wecomUserId: 'guide-wang-old' });
    const { shopper, auth } = await shopperWithToken();
    const order = await paidOrderOf(shopper, wang);
    const path = `/api/orders/${order.orderNo}/guide-contact`;
    const before = (await context.http.get(path).query({ surface: 'h5' }).set(auth)).body as GuideContactReply;

    await wecomControl(context.testSandbox, '/members', { userid: 'guide-wang-new', name: '王导购' });
    await context.deps.guides.Guide.updateOne({ _id: wang.guide._id }, { $set: { wecomUserId: 'guide-wang-new' } });

    const after = (await context.http.get(path).query({ surface: 'h5' }).set(auth)).body as GuideContactReply;
    expect(after.contact?.qrCodeUrl).not.toBe(before.contact?.qrCodeUrl);
    const ways = await sandboxWaysOf(shopperState(wang.guide.code, shopper._id));
    expect(ways.map((way) => way.user)).toEqual([['guide-wang-new']]);
    const retired = await context.deps.contacts.ContactWay.findOne({
      state: shopperState(wang.guide.code, shopper._id),
      active: false,
    }).lean<ContactWayRecord>();
    expect(retired?.retiredBecause).toBe('member_changed');
    expect((await context.http.get(before.contact!.qrCodeUrl)).status).toBe(404);
  });

  it('says why there is no contact: no guide on the order, a guide without WeCom, a guide who left', async () => {
    const { shopper, auth } = await shopperWithToken();
    const withoutWecom = await addContactGuide(context, { name: '赵导购' });
    const left = await addContactGuide(context, { name: '钱导购', wecomUserId: 'guide-qian', status: 'left' });
    const cases: [TestGuide | null, string][] = [
      [null, 'no_guide'],
      [withoutWecom, 'guide_without_wecom'],
      [left, 'guide_left'],
    ];
    for (const [guide, reason] of cases) {
      const order = await paidOrderOf(shopper, guide);
      const response = await context.http.get(`/api/orders/${order.orderNo}/guide-contact`).query({ surface: 'weapp' }).set(auth);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ contact: null, added: false, unavailableReason: reason });
      expect((response.body as GuideContactReply).guide?.id ?? null).toBe(guide?.guide._id.toHexString() ?? null);
    }
    expect(await sandboxWaysOf(shopperState(left.guide.code, shopper._id))).toEqual([]);
  });

  it('shows the guide without a contact when WeCom is not configured', async () => {
    const { shopper, auth } = await shopperWithToken();
    const order = await paidOrderOf(shopper);
    const unconfigured = testApp(context.db);
    const response = await unconfigured.http.get(`/api/orders/${order.orderNo}/guide-contact`).query({ surface: 'h5' }).set(auth);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ guide: { name: '李导购' }, contact: null, unavailableReason: 'wecom_unavailable' });
  });

  it("answers 404 for another shopper's order and 409 before payment; refunded orders keep their guide", async () => {
    const owner = await shopperWithToken();
    const other = await shopperWithToken();
    const paid = await paidOrderOf(owner.shopper);
    const otherView = await context.http.get(`/api/orders/${paid.orderNo}/guide-contact`).query({ surface: 'h5' }).set(other.auth);
    expect(otherView.status).toBe(404);
    expect(otherView.body.error.code).toBe('NOT_FOUND');

    for (const status of ['pending_payment', 'cancelled'] as const) {
      const order = await paidOrderOf(owner.shopper, li, status);
      const response = await context.http.get(`/api/orders/${order.orderNo}/guide-contact`).query({ surface: 'h5' }).set(owner.auth);
      expect(response.status).toBe(409);
      expect(response.body.error).toMatchObject({ code: 'ORDER_NOT_PAID', details: { status } });
    }
    const refunded = await paidOrderOf(owner.shopper, li, 'refunded');
    expect((await context.http.get(`/api/orders/${refunded.orderNo}/guide-contact`).query({ surface: 'h5' }).set(owner.auth)).status).toBe(
      200,
    );
  });

  it.each([
    ['no token', '/api/orders/26010112345678903/guide-contact?surface=h5', false, 401, 'UNAUTHENTICATED'],
    ['a staff token', '/api/orders/26010112345678903/guide-contact?surface=h5', 'staff', 401, 'UNAUTHENTICATED'],
    ['no surface', '/api/orders/26010112345678903/guide-contact', true, 400, 'VALIDATION_FAILED'],
    ['an unknown surface', '/api/orders/26010112345678903/guide-contact?surface=alipay', true, 400, 'VALIDATION_FAILED'],
    ['an extra query field', '/api/orders/26010112345678903/guide-contact?surface=h5&x=1', true, 400, 'VALIDATION_FAILED'],
    ['a malformed order number', '/api/orders/12ab/guide-contact?surface=h5', true, 400, 'VALIDATION_FAILED'],
    ['an unknown order', '/api/orders/26010112345678903/guide-contact?surface=h5', true, 404, 'NOT_FOUND'],
  ] as const)('refuses %s', async (_name, path, signedIn, status, code) => {
    const { auth } = await shopperWithToken();
    const request = context.http.get(path);
    if (signedIn === 'staff') request.set('Authorization', `Bearer ${context.staff.owner}`);
    else if (signedIn) request.set(auth);
    const response = await request;
    expect(response.status).toBe(status);
    expect(response.body.error.code).toBe(code);
  });
});

describe('GET /api/me/guide-contact', () => {
  it('has no guide before any binding, then the bound guide with a contact made for this shopper', async () => {
    const { shopper, auth } = await shopperWithToken();
    const none = await context.http.get('/api/me/guide-contact').query({ surface: 'h5' }).set(auth);
    expect(none.body).toEqual({ guide: null, contact: null, added: false, unavailableReason: 'no_guide' });

    const touch = await context.http.post('/api/touches').set(auth).send({ guideCode: li.guide.code, channel: 'shop-link' });
    expect(touch.status).toBe(200);
    const mine = await context.http.get('/api/me/guide-contact').query({ surface: 'weapp' }).set(auth);
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ guide: { code: li.guide.code }, added: false, contact: { configId: expect.any(String) } });
    expect(await sandboxWaysOf(shopperState(li.guide.code, shopper._id))).toHaveLength(2);
  });
});

describe('the guide shop contact and QR images', () => {
  it("gives anyone the guide's general contact way (state = the guide code)", async () => {
    const response = await context.http.get(`/api/guide-contacts/guides/${li.guide.code.toLowerCase()}`).query({ surface: 'h5' });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ guide: { code: li.guide.code }, contact: { configId: null } });
    expect(response.body.added).toBeUndefined();
    expect((await sandboxWaysOf(generalState(li.guide.code))).map((way) => way.scene)).toEqual([2]);
  });

  it.each([
    ['an unknown guide code', '/api/guide-contacts/guides/ZZZZZZ?surface=h5', 404, 'GUIDE_NOT_FOUND'],
    ['a malformed guide code', '/api/guide-contacts/guides/abc?surface=h5', 400, 'VALIDATION_FAILED'],
    ['an unknown QR', '/api/guide-contacts/qr/0123456789abcdef0123456789abcdef', 404, 'NOT_FOUND'],
    ['a malformed QR id', '/api/guide-contacts/qr/..%2F..%2Fetc', 400, 'VALIDATION_FAILED'],
  ] as const)('refuses %s', async (_name, path, status, code) => {
    const response = await context.http.get(path);
    expect(response.status).toBe(status);
    expect(response.body.error.code).toBe(code);
  });
});
