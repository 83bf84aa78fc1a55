import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GuideWecomReply, GuideWecomSummaryReply, WecomRelationListReply } from '@mall/shared';
import type { StoredWecomEvent } from '../platform/wecom/callback-events.ts';
import {
  addContactGuide,
  eventually,
  insertAttributedOrder,
  startGuideContactTest,
  wecomControl,
  wecomView,
  type GuideContactTest,
  type TestGuide,
} from '../testing/guide-contacts.ts';
import { createTestShopper } from '../testing/shoppers.ts';

/** The console's view of guides on WeCom: contact-way status per guide, and one guide's WeCom customers. */

let context: GuideContactTest;
let li: TestGuide;
let zhao: TestGuide;
let left: TestGuide;
let shopperAuth: { Authorization: string };

const asOwner = () => ({ Authorization: `Bearer ${context.staff.owner}` });
const asViewer = () => ({ Authorization: `Bearer ${context.staff.viewer}` });

async function processedAdd(welcomeCode: string): Promise<void> {
  await eventually(async () => {
    const stored = await context.deps.events.findOne({ 'event.welcomeCode': welcomeCode }).lean<StoredWecomEvent>();
    return stored?.processedAt;
  });
}

beforeAll(async () => {
  context = await startGuideContactTest();
  li = await addContactGuide(context, { name: '李导购', wecomUserId: 'guide-li' });
  zhao = await addContactGuide(context, { name: '赵导购' });
  left = await addContactGuide(context, { name: '钱导购', wecomUserId: 'guide-qian', status: 'left' });

  // Three customers of 李导购: a shopper through the result page, a stranger, and one who deleted the guide since.
  const { shopper, token } = await createTestShopper(context.db, { nickname: '小周' });
  shopperAuth = { Authorization: `Bearer ${token}` };
  const order = await insertAttributedOrder(context.deps, { shopperId: shopper._id, status: 'paid', guide: li });
  const page = await context.http.get(`/api/orders/${order.orderNo}/guide-contact`).query({ surface: 'weapp' }).set(shopperAuth);
  const configId = page.body.contact.configId as string;
  const fromPage = await wecomControl<{ welcome_code: string }>(context.testSandbox, '/add-contact', {
    config_id: configId,
    external: { name: '周女士' },
  });
  const stranger = await wecomControl<{ welcome_code: string }>(context.testSandbox, '/add-contact', {
    userid: 'guide-li',
    external: { name: '陌生人' },
  });
  const leaving = await wecomControl<{ welcome_code: string; external_userid: string }>(context.testSandbox, '/add-contact', {
    userid: 'guide-li',
    external: { name: '吴先生' },
  });
  await Promise.all([fromPage, stranger, leaving].map((added) => processedAdd(added.welcome_code)));
  await wecomControl(context.testSandbox, '/del-follow-user', { userid: 'guide-li', external_userid: leaving.external_userid });
  await eventually(async () => (await context.deps.contacts.WecomRelation.exists({ status: 'deleted' })) ?? undefined);
  // The guide shop made 李导购's general contact way.
  await context.http.get(`/api/guide-contacts/guides/${li.guide.code}`).query({ surface: 'h5' });
});

afterAll(async () => {
  await context.stop();
});

describe('GET /api/admin/guide-contacts/summary', () => {
  it("gives each listed guide's contact-way status and WeCom customer count", async () => {
    const ids = [li, zhao, left].map((guide) => guide.guide._id.toHexString());
    const response = await context.http
      .get('/api/admin/guide-contacts/summary')
      .query({ guideIds: ids.join(',') })
      .set(asViewer());
    expect(response.status).toBe(200);
    const { items } = response.body as GuideWecomSummaryReply;
    expect(items.sort((a, b) => ids.indexOf(a.guideId) - ids.indexOf(b.guideId))).toEqual([
      { guideId: ids[0], contactWay: 'ready', addedCustomers: 2 },
      { guideId: ids[1], contactWay: 'guide_without_wecom', addedCustomers: 0 },
      { guideId: ids[2], contactWay: 'guide_left', addedCustomers: 0 },
    ]);
  });
});

describe('GET /api/admin/guides/:id/wecom and /wecom-customers', () => {
  it("shows the guide's general contact way with its QR, customer counts and unused per-shopper contact ways", async () => {
    const response = await context.http.get(`/api/admin/guides/${li.guide._id.toHexString()}/wecom`).set(asViewer());
    expect(response.status).toBe(200);
    const reply = response.body as GuideWecomReply;
    expect(reply.contactWay.status).toBe('ready');
    expect(reply.contactWay.qrCodeUrl).toMatch(/^\/api\/guide-contacts\/qr\//);
    expect(reply.customers).toEqual({ added: 2, deleted: 1 });
    // The result page's contact ways were deleted once the shopper added the guide.
    expect(reply.pendingShopperContactWays).toBe(0);

    const zhaoView = await context.http.get(`/api/admin/guides/${zhao.guide._id.toHexString()}/wecom`).set(asOwner());
    expect(zhaoView.body).toEqual({
      guide: {
        id: zhao.guide._id.toHexString(),
        name: '赵导购',
        code: zhao.guide.code,
        storeName: '徐汇店',
        wecomUserId: null,
        status: 'active',
      },
      contactWay: { status: 'guide_without_wecom', configId: null, qrCodeUrl: null, createdAt: null },
      customers: { added: 0, deleted: 0 },
      pendingShopperContactWays: 0,
    });
  });

  it('lists the customers newest first with the shopper when known, and filters by status', async () => {
    const path = `/api/admin/guides/${li.guide._id.toHexString()}/wecom-customers`;
    const all = (await context.http.get(path).set(asViewer())).body as WecomRelationListReply;
    expect(all.total).toBe(3);
    expect(all.items.map((item) => [item.shopper?.nickname ?? item.customerName, item.status])).toEqual(
      expect.arrayContaining([
        ['小周', 'added'],
        ['陌生人', 'added'],
        ['吴先生', 'deleted'],
      ]),
    );
    const deleted = all.items.find((item) => item.status === 'deleted');
    expect(deleted).toMatchObject({ deletedBy: 'customer', welcome: 'sent', transferFailure: null });
    expect(deleted?.deletedAt).toEqual(expect.any(String));
    const addedTimes = all.items.map((item) => Date.parse(item.addedAt));
    expect(addedTimes).toEqual([...addedTimes].sort((a, b) => b - a));

    const onlyDeleted = (await context.http.get(path).query({ status: 'deleted', pageSize: '1' }).set(asViewer()))
      .body as WecomRelationListReply;
    expect(onlyDeleted).toMatchObject({ total: 1, page: 1, pageSize: 1 });
    expect(onlyDeleted.items.map((item) => item.customerName)).toEqual(['吴先生']);
  });

  it.each([
    ['no token', '/api/admin/guide-contacts/summary?guideIds=0123456789abcdef01234567', 'none', 401, 'UNAUTHENTICATED'],
    ['a shopper token', '/api/admin/guide-contacts/summary?guideIds=0123456789abcdef01234567', 'shopper', 401, 'UNAUTHENTICATED'],
    ['no guide ids', '/api/admin/guide-contacts/summary', 'viewer', 400, 'VALIDATION_FAILED'],
    ['a malformed guide id', '/api/admin/guide-contacts/summary?guideIds=abc', 'viewer', 400, 'VALIDATION_FAILED'],
    [
      'too many guide ids',
      `/api/admin/guide-contacts/summary?guideIds=${Array.from({ length: 101 }, (_, index) => index.toString(16).padStart(24, '0')).join(',')}`,
      'viewer',
      400,
      'VALIDATION_FAILED',
    ],
    ['an unknown guide', '/api/admin/guides/0123456789abcdef01234567/wecom', 'viewer', 404, 'NOT_FOUND'],
    ['an unknown guide’s customers', '/api/admin/guides/0123456789abcdef01234567/wecom-customers', 'viewer', 404, 'NOT_FOUND'],
    ['a malformed guide id in the path', '/api/admin/guides/nope/wecom', 'viewer', 400, 'VALIDATION_FAILED'],
    ['an unknown status', '/api/admin/guides/0123456789abcdef01234567/wecom-customers?status=gone', 'viewer', 400, 'VALIDATION_FAILED'],
    ['a page size over 100', '/api/admin/guides/0123456789abcdef01234567/wecom-customers?pageSize=101', 'viewer', 400, 'VALIDATION_FAILED'],
  ] as const)('refuses %s', async (_name, path, who, status, code) => {
    const request = context.http.get(path);
    if (who === 'viewer') request.set(asViewer());
    if (who === 'shopper') request.set(shopperAuth);
    const response = await request;
    expect(response.status).toBe(status);
    expect(response.body.error.code).toBe(code);
  });
});

describe('the WeCom directory in development', () => {
  it('gets a guide given a WeCom userid in the console, so customers can add them at once', async () => {
    const store = await context.deps.guides.Store.findOne({}).lean();
    const created = await context.http
      .post('/api/admin/guides')
      .set(asOwner())
      .send({ name: '孙导购', storeId: store?._id.toHexString(), wecomUserId: 'guide-sun' });
    expect(created.status).toBe(201);
    const members = await wecomView<{ userid: string; name: string }[]>(context.testSandbox, '/members');
    expect(members).toContainEqual(expect.objectContaining({ userid: 'guide-sun', name: '孙导购' }));

    const renamed = await context.http
      .patch(`/api/admin/guides/${created.body.guide.id}`)
      .set(asOwner())
      .send({ wecomUserId: 'guide-sun2' });
    expect(renamed.status).toBe(200);
    expect(await wecomView<{ userid: string }[]>(context.testSandbox, '/members')).toContainEqual(
      expect.objectContaining({ userid: 'guide-sun2' }),
    );
  });
});
