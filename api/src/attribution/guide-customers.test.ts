import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guideCustomerListReplySchema, type Guide, type GuideCustomerListReply, type WecomRelationStatus } from '@mall/shared';
import { guideContactModels, type GuideContactModels } from '../guide-contacts/models.ts';
import { orderModels, type OrderModels } from '../orders/models.ts';
import { insertAttributedOrder } from '../testing/guide-contacts.ts';
import { addGuide, addStore, inviteGuide, startGuideTest, type GuideTestContext } from '../testing/guides.ts';
import { createTestShopper } from '../testing/shoppers.ts';
import { attributionModels, ensureAttributionIndexes, type AttributionModels } from './models.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const day = (n: number) => new Date(Date.UTC(2026, 10, 1) + n * DAY_MS);

let context: GuideTestContext;
let attribution: AttributionModels;
let contacts: GuideContactModels;
let orders: OrderModels;
let storeId: string;
let guideA: { guide: Guide; token: string };
let guideB: { guide: Guide; token: string };

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

/** A guide redeemed by a fresh WeChat user, and that user's token. */
async function signedInGuide(name: string): Promise<{ guide: Guide; token: string }> {
  const guide = await addGuide(context, { name, storeId });
  const { token } = await createTestShopper(context.db);
  const redeemed = await context.api.http
    .post('/api/guide/invitations/redeem')
    .set(auth(token))
    .send({ code: await inviteGuide(context, guide.id) });
  expect(redeemed.status).toBe(200);
  return { guide, token };
}

async function customer(
  guide: Guide,
  binding: { since: Date; protectedUntil?: Date; reason?: 'first-touch' | 'wecom-add' },
  fields: { nickname?: string; phone?: string } = {},
): Promise<Types.ObjectId> {
  const { shopper } = await createTestShopper(context.db, fields);
  await attribution.CustomerBinding.create({
    _id: shopper._id,
    guideId: new Types.ObjectId(guide.id),
    reason: binding.reason ?? 'first-touch',
    version: 1,
    ...binding,
  });
  return shopper._id;
}

async function paidOrder(shopperId: Types.ObjectId, paidAt: Date, payableFen: number): Promise<string> {
  const order = await insertAttributedOrder({ orders }, { shopperId, status: 'paid' });
  await orders.Order.updateOne({ _id: order._id }, { $set: { payableFen, 'payment.paidAt': paidAt } });
  return order.orderNo;
}

async function wecomRelation(shopperId: Types.ObjectId, guide: Guide, status: WecomRelationStatus): Promise<void> {
  const now = new Date();
  await contacts.WecomRelation.create({
    externalUserId: `wm-${new Types.ObjectId().toHexString()}`,
    guideId: new Types.ObjectId(guide.id),
    wecomUserId: 'guide-wecom',
    shopperId,
    status,
    addedAt: now,
    changedAt: now,
    addEventKey: new Types.ObjectId().toHexString(),
    welcome: 'sent',
    createdAt: now,
    updatedAt: now,
  });
}

async function listed(token: string, query = ''): Promise<GuideCustomerListReply> {
  const response = await context.api.http.get(`/api/guide/me/customers${query}`).set(auth(token));
  expect(response.status).toBe(200);
  return guideCustomerListReplySchema.parse(response.body);
}

let zhang: Types.ObjectId;
let li: Types.ObjectId;
let latestOrderNo: string;

beforeAll(async () => {
  context = await startGuideTest();
  attribution = attributionModels(context.db.connection);
  await ensureAttributionIndexes(attribution);
  contacts = guideContactModels(context.db.connection);
  orders = orderModels(context.db.connection);
  storeId = (await addStore(context, '徐汇店')).id;
  guideA = await signedInGuide('王小美');
  guideB = await signedInGuide('李大壮');

  zhang = await customer(guideA.guide, { since: day(1), protectedUntil: day(31) }, { nickname: '张三', phone: '13812345678' });
  li = await customer(guideA.guide, { since: day(2), reason: 'wecom-add' }, { nickname: '李四' });
  const otherGuidesCustomer = await customer(guideB.guide, { since: day(3) }, { nickname: '张五' });

  await paidOrder(zhang, day(3), 5000);
  latestOrderNo = await paidOrder(zhang, day(5), 12900);
  await insertAttributedOrder({ orders }, { shopperId: zhang, status: 'pending_payment' });
  await paidOrder(otherGuidesCustomer, day(6), 100);

  await wecomRelation(zhang, guideA.guide, 'added');
  await wecomRelation(li, guideA.guide, 'deleted');
  await wecomRelation(li, guideB.guide, 'added');
  await wecomRelation(otherGuidesCustomer, guideB.guide, 'added');
});

afterAll(async () => {
  await context.stop();
});

describe('GET /api/guide/me/customers', () => {
  it("lists only the guide's own customers, newest binding first, with the last paid order and WeCom status", async () => {
    const reply = await listed(guideA.token);
    expect(reply).toEqual({
      total: 2,
      page: 1,
      pageSize: 20,
      items: [
        {
          id: li.toHexString(),
          nickname: '李四',
          phone: null,
          boundSince: day(2).toISOString(),
          protectedUntil: null,
          reason: 'wecom-add',
          lastPurchase: null,
          // Added another guide, and deleted this one.
          wecomAdded: false,
        },
        {
          id: zhang.toHexString(),
          nickname: '张三',
          phone: '138****5678',
          boundSince: day(1).toISOString(),
          protectedUntil: day(31).toISOString(),
          reason: 'first-touch',
          lastPurchase: { orderNo: latestOrderNo, paidAt: day(5).toISOString(), payableFen: 12900 },
          wecomAdded: true,
        },
      ],
    });
    expect((await listed(guideB.token)).items.map((item) => item.nickname)).toEqual(['张五']);
  });

  it('finds customers by nickname or phone, taking the keyword literally', async () => {
    expect((await listed(guideA.token, '?keyword=张')).items.map((item) => item.id)).toEqual([zhang.toHexString()]);
    expect((await listed(guideA.token, '?keyword=5678')).items.map((item) => item.id)).toEqual([zhang.toHexString()]);
    expect(await listed(guideA.token, `?keyword=${encodeURIComponent('.*')}`)).toMatchObject({ items: [], total: 0 });
  });

  it('pages', async () => {
    const second = await listed(guideA.token, '?page=2&pageSize=1');
    expect(second).toMatchObject({ total: 2, page: 2, pageSize: 1 });
    expect(second.items.map((item) => item.id)).toEqual([zhang.toHexString()]);
    expect((await listed(guideA.token, '?page=3&pageSize=1')).items).toEqual([]);
  });

  it('is for signed-in guides only: 404 for other shoppers, 401 for staff or no token, 409 once the guide left', async () => {
    const { token } = await createTestShopper(context.db);
    const notGuide = await context.api.http.get('/api/guide/me/customers').set(auth(token));
    expect(notGuide.status).toBe(404);
    expect(notGuide.body.error.code).toBe('NOT_FOUND');
    expect((await context.api.http.get('/api/guide/me/customers').set(auth(context.tokens.owner))).status).toBe(401);
    expect((await context.api.http.get('/api/guide/me/customers')).status).toBe(401);

    const leaving = await signedInGuide('赵敏');
    await customer(leaving.guide, { since: day(1) });
    await context.models.Guide.updateOne({ _id: new Types.ObjectId(leaving.guide.id) }, { $set: { status: 'left' } });
    const left = await context.api.http.get('/api/guide/me/customers').set(auth(leaving.token));
    expect(left.status).toBe(409);
    expect(left.body.error.code).toBe('GUIDE_LEFT');
  });

  it.each([
    ['page 0', '?page=0'],
    ['a page that is not a number', '?page=abc'],
    ['pageSize over the maximum', '?pageSize=101'],
    ['an empty keyword', '?keyword=%20'],
    ['a keyword over 50 characters', `?keyword=${'x'.repeat(51)}`],
    ['an unknown field', '?guideId=0123456789abcdef01234567'],
  ])('refuses %s with 400', async (_name, query) => {
    const response = await context.api.http.get(`/api/guide/me/customers${query}`).set(auth(guideA.token));
    expect(response.status).toBe(400);
  });
});
