import { Types } from 'mongoose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  attributionSettingsReplySchema,
  customerBindingReplySchema,
  customerListReplySchema,
  myGuideReplySchema,
  recordTouchReplySchema,
  type Guide,
  type Store,
} from '@mall/shared';
import { guideContactModels } from '../guide-contacts/models.ts';
import { createTestShopper } from '../testing/shoppers.ts';
import { addGuide, addStore, startGuideTest, type GuideTestContext } from '../testing/guides.ts';
import { attributionModels, ensureAttributionIndexes, type AttributionModels } from './models.ts';
import {
  assignGuideAtPayment,
  attributionDependencies,
  bindOnWecomAdd,
  bindTo,
  explanationOf,
  touchEffect,
  type AttributionDependencies,
} from './service.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('touchEffect (the binding rules)', () => {
  const guideA = new Types.ObjectId();
  const guideB = new Types.ObjectId();
  const now = new Date('2026-11-23T04:00:00Z');
  const until = (offsetMs: number) => new Date(now.getTime() + offsetMs);

  it.each([
    ['no binding: the first touch binds', null, guideA, 'bound'],
    ['protected, another guide: kept out', { guideId: guideA, protectedUntil: until(DAY_MS) }, guideB, 'protected'],
    ['protected, the same guide: nothing changes', { guideId: guideA, protectedUntil: until(DAY_MS) }, guideA, 'same-guide'],
    ['lapsed, another guide: rebinds', { guideId: guideA, protectedUntil: until(-1) }, guideB, 'rebound'],
    ['lapsed, the same guide: binds anew', { guideId: guideA, protectedUntil: until(-1) }, guideA, 'rebound'],
    ['lapsing this very instant: rebinds', { guideId: guideA, protectedUntil: until(0) }, guideB, 'rebound'],
    ['permanent protection, another guide: kept out', { guideId: guideA }, guideB, 'protected'],
  ] as const)('%s', (_name, current, guide, effect) => {
    expect(touchEffect(current, guide, now)).toBe(effect);
  });
});

describe('explanationOf', () => {
  const since = new Date('2026-11-01T02:00:00Z');
  const binding = { _id: new Types.ObjectId(), guideId: new Types.ObjectId(), since, reason: 'first-touch' as const, version: 1 };

  it('says who, since when, why and until when the binding is protected', () => {
    const text = explanationOf(
      { ...binding, protectedUntil: new Date('2026-12-01T02:00:00Z') },
      '王小美',
      '徐汇店',
      new Date('2026-11-23T00:00:00Z'),
    );
    expect(text).toBe(
      '自 2026-11-01 10:00 起由 王小美（徐汇店）服务，因为首次通过导购进店；保护期至 2026-12-01 10:00，期间其他导购的链接不会改变归属。',
    );
  });

  it('says when protection ended, or that it never ends', () => {
    const lapsed = explanationOf(
      { ...binding, protectedUntil: new Date('2026-11-02T02:00:00Z') },
      '王小美',
      '徐汇店',
      new Date('2026-11-23T00:00:00Z'),
    );
    expect(lapsed).toContain('保护期已于 2026-11-02 10:00 结束');
    expect(explanationOf(binding, '王小美', '徐汇店', new Date())).toContain('永久保护');
  });
});

let context: GuideTestContext;
let deps: AttributionDependencies;
let models: AttributionModels;
let store: Store;
let guideA: Guide;
let guideB: Guide;

beforeAll(async () => {
  context = await startGuideTest();
  models = attributionModels(context.db.connection);
  await ensureAttributionIndexes(models);
  deps = attributionDependencies(context.db.connection);
  store = await addStore(context, '徐汇店');
  guideA = await addGuide(context, { name: '王小美', storeId: store.id });
  guideB = await addGuide(context, { name: '李大壮', storeId: store.id });
});

afterAll(async () => {
  await context.stop();
});

const asOwner = () => ({ Authorization: `Bearer ${context.tokens.owner}` });

async function shopper(): Promise<{ id: Types.ObjectId; auth: { Authorization: string } }> {
  const { shopper: created, token } = await createTestShopper(context.db, { nickname: '顾客' });
  return { id: created._id, auth: { Authorization: `Bearer ${token}` } };
}

async function touch(auth: { Authorization: string }, guide: Guide, channel = 'shop-link') {
  return context.api.http.post('/api/touches').set(auth).send({ guideCode: guide.code, channel });
}

async function setProtectionDays(protectionDays: number): Promise<void> {
  const response = await context.api.http.put('/api/admin/settings/attribution').set(asOwner()).send({ protectionDays });
  expect(response.status).toBe(200);
}

/** Ends the shopper's protection as if its days had passed. */
async function lapse(shopperId: Types.ObjectId): Promise<void> {
  await models.CustomerBinding.updateOne({ _id: shopperId }, { $set: { protectedUntil: new Date(Date.now() - 1000) } });
}

beforeEach(async () => {
  await setProtectionDays(30);
});

describe('touches and binding', () => {
  it('bind on the first touch, keep another guide out during protection, and explain it', async () => {
    const customer = await shopper();
    const first = await touch(customer.auth, guideA);
    expect(first.status).toBe(200);
    expect(recordTouchReplySchema.parse(first.body)).toMatchObject({
      effect: 'bound',
      guide: { id: guideA.id, name: '王小美', storeName: '徐汇店' },
    });

    const other = await touch(customer.auth, guideB, 'product-share');
    expect(other.body).toMatchObject({ effect: 'protected', guide: { id: guideA.id } });
    const same = await touch(customer.auth, guideA, 'poster');
    expect(same.body.effect).toBe('same-guide');

    const mine = myGuideReplySchema.parse((await context.api.http.get('/api/me/guide').set(customer.auth)).body);
    expect(mine.binding).toMatchObject({ guide: { id: guideA.id }, reason: 'first-touch', protectedNow: true });
    const days = (Date.parse(mine.binding?.protectedUntil ?? '') - Date.parse(mine.binding?.since ?? '')) / DAY_MS;
    expect(days).toBe(30);
    expect(mine.binding?.explanation).toContain('王小美（徐汇店）');

    const detail = customerBindingReplySchema.parse(
      (await context.api.http.get(`/api/admin/customers/${customer.id.toHexString()}/binding`).set(asOwner())).body,
    );
    expect(detail.history).toEqual([
      expect.objectContaining({ reason: 'first-touch', from: null, to: expect.objectContaining({ id: guideA.id }), channel: 'shop-link' }),
    ]);
    expect(detail.touches.map((entry) => [entry.guide.id, entry.channel, entry.effect])).toEqual([
      [guideA.id, 'poster', 'same-guide'],
      [guideB.id, 'product-share', 'protected'],
      [guideA.id, 'shop-link', 'bound'],
    ]);
  });

  it('rebind on the next touch once protection lapsed, keeping the history', async () => {
    const customer = await shopper();
    await touch(customer.auth, guideA);
    await lapse(customer.id);
    const moved = await touch(customer.auth, guideB, 'live-room');
    expect(moved.body).toMatchObject({ effect: 'rebound', guide: { id: guideB.id } });
    const detail = customerBindingReplySchema.parse(
      (await context.api.http.get(`/api/admin/customers/${customer.id.toHexString()}/binding`).set(asOwner())).body,
    );
    expect(detail.binding).toMatchObject({ guide: { id: guideB.id }, reason: 'lapsed-touch', protectedNow: true });
    expect(detail.history.map((change) => [change.reason, change.from?.id ?? null, change.to.id, change.channel])).toEqual([
      ['lapsed-touch', guideA.id, guideB.id, 'live-room'],
      ['first-touch', null, guideA.id, 'shop-link'],
    ]);
  });

  it('protect permanently with 0 days', async () => {
    await setProtectionDays(0);
    const customer = await shopper();
    await touch(customer.auth, guideA);
    expect((await touch(customer.auth, guideB)).body.effect).toBe('protected');
    const mine = myGuideReplySchema.parse((await context.api.http.get('/api/me/guide').set(customer.auth)).body);
    expect(mine.binding).toMatchObject({ protectedUntil: null, protectedNow: true });
  });

  it('bind exactly one guide when two guides touch a new shopper at the same moment', async () => {
    for (let round = 0; round < 5; round += 1) {
      const customer = await shopper();
      const replies = await Promise.all([
        touch(customer.auth, guideA),
        touch(customer.auth, guideB),
        touch(customer.auth, guideA),
        touch(customer.auth, guideB),
      ]);
      expect(replies.map((reply) => reply.status)).toEqual([200, 200, 200, 200]);
      const effects = replies.map((reply) => reply.body.effect as string);
      expect(effects.filter((effect) => effect === 'bound')).toHaveLength(1);
      const binding = await models.CustomerBinding.findById(customer.id).lean();
      // Every reply names the guide that won.
      expect(new Set(replies.map((reply) => reply.body.guide.id))).toEqual(new Set([binding?.guideId.toHexString()]));
      expect(await models.BindingChange.countDocuments({ shopperId: customer.id })).toBe(1);
      expect(await models.GuideTouch.countDocuments({ shopperId: customer.id })).toBe(4);
    }
  });

  it('rebind once when several guides touch a lapsed binding at the same moment', async () => {
    const customer = await shopper();
    await touch(customer.auth, guideA);
    await lapse(customer.id);
    const replies = await Promise.all([touch(customer.auth, guideB), touch(customer.auth, guideA), touch(customer.auth, guideB)]);
    expect(replies.map((reply) => reply.body.effect as string).filter((effect) => effect === 'rebound')).toHaveLength(1);
    expect(await models.BindingChange.countDocuments({ shopperId: customer.id })).toBe(2);
  });

  it('bind at once on a WeCom add, whatever the protection, and restart protection', async () => {
    const customer = await shopper();
    await touch(customer.auth, guideA);
    await models.CustomerBinding.updateOne({ _id: customer.id }, { $set: { protectedUntil: new Date(Date.now() + DAY_MS) } });
    await bindOnWecomAdd(deps, { shopperId: customer.id, guideId: new Types.ObjectId(guideB.id) });
    const binding = await models.CustomerBinding.findById(customer.id).lean();
    expect(binding).toMatchObject({ reason: 'wecom-add' });
    expect(binding?.guideId.toHexString()).toBe(guideB.id);
    expect((binding?.protectedUntil?.getTime() ?? 0) - Date.now()).toBeGreaterThan(29 * DAY_MS);
    const history = await models.BindingChange.find({ shopperId: customer.id }).sort({ at: -1 }).lean();
    expect(history[0]).toMatchObject({ reason: 'wecom-add' });
    expect(history[0]?.fromGuideId?.toHexString()).toBe(guideA.id);
  });

  it('refuse unknown codes and guides who left, changing nothing', async () => {
    const customer = await shopper();
    const unknown = await context.api.http.post('/api/touches').set(customer.auth).send({ guideCode: 'ZZZZZZ', channel: 'shop-link' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('GUIDE_NOT_FOUND');
    const leaver = await addGuide(context, { name: '离职导购', storeId: store.id });
    expect((await context.api.http.post(`/api/admin/guides/${leaver.id}/leave`).set(asOwner())).status).toBe(200);
    const left = await touch(customer.auth, leaver);
    expect(left.status).toBe(409);
    expect(left.body.error.code).toBe('GUIDE_LEFT');
    expect(await models.GuideTouch.countDocuments({ shopperId: customer.id })).toBe(0);
    expect((await context.api.http.get('/api/me/guide').set(customer.auth)).body).toEqual({ binding: null });
  });

  it.each([
    ['no body', undefined],
    ['a code of the wrong shape', { guideCode: 'abc', channel: 'shop-link' }],
    ['an unknown channel', { guideCode: 'ABCDEF', channel: 'tv' }],
    ['a bad product id', { guideCode: 'ABCDEF', channel: 'product-share', productId: 'x' }],
    ['an unknown field', { guideCode: 'ABCDEF', channel: 'shop-link', guideId: 'x' }],
  ])('refuse %s with 400', async (_name, body) => {
    const customer = await shopper();
    const response = await context.api.http.post('/api/touches').set(customer.auth).send(body);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('are for signed-in shoppers only (no token, or a staff token: 401)', async () => {
    expect((await context.api.http.post('/api/touches').send({ guideCode: guideA.code, channel: 'shop-link' })).status).toBe(401);
    expect((await context.api.http.post('/api/touches').set(asOwner()).send({ guideCode: guideA.code, channel: 'shop-link' })).status).toBe(
      401,
    );
    expect((await context.api.http.get('/api/me/guide').set(asOwner())).status).toBe(401);
  });
});

describe('assignment at payment', () => {
  it('spreads parallel payments of unbound shoppers evenly over the pool, round-robin', async () => {
    const pool = await addStore(context, '分配门店');
    const guides = [
      await addGuide(context, { name: '甲', storeId: pool.id }),
      await addGuide(context, { name: '乙', storeId: pool.id }),
      await addGuide(context, { name: '丙', storeId: pool.id }),
    ];
    const set = await context.api.http.put('/api/admin/settings/attribution').set(asOwner()).send({ assignmentStoreId: pool.id });
    expect(set.body.settings.assignmentStoreId).toBe(pool.id);
    const shoppers = await Promise.all(Array.from({ length: 12 }, () => shopper()));
    const assigned = await Promise.all(shoppers.map((customer) => assignGuideAtPayment(deps, customer.id)));
    const counts = new Map<string, number>();
    for (const entry of assigned)
      counts.set(entry?.guide._id.toHexString() ?? 'none', (counts.get(entry?.guide._id.toHexString() ?? 'none') ?? 0) + 1);
    expect(Object.fromEntries(counts)).toEqual(Object.fromEntries(guides.map((guide) => [guide.id, 4])));
    for (const customer of shoppers) {
      expect(await models.BindingChange.countDocuments({ shopperId: customer.id, reason: 'payment-assignment' })).toBe(1);
    }
    await context.api.http.put('/api/admin/settings/attribution').set(asOwner()).send({ assignmentStoreId: null });
  });

  it('falls back to every open store when the assignment store has closed since it was chosen', async () => {
    const chosen = await addStore(context, '将关闭门店');
    const onlyGuide = await addGuide(context, { name: '关店导购', storeId: chosen.id });
    await context.api.http.put('/api/admin/settings/attribution').set(asOwner()).send({ assignmentStoreId: chosen.id });
    expect((await assignGuideAtPayment(deps, (await shopper()).id))?.guide._id.toHexString()).toBe(onlyGuide.id);
    await context.api.http.patch(`/api/admin/stores/${chosen.id}`).set(asOwner()).send({ status: 'closed' });
    const assigned = await assignGuideAtPayment(deps, (await shopper()).id);
    expect(assigned?.store.status).toBe('active');
    await context.api.http.put('/api/admin/settings/attribution').set(asOwner()).send({ assignmentStoreId: null });
  });

  it('keeps a bound shopper with their guide, and replaces a guide who left', async () => {
    const customer = await shopper();
    await touch(customer.auth, guideA);
    expect((await assignGuideAtPayment(deps, customer.id))?.guide._id.toHexString()).toBe(guideA.id);
    const leaver = await addGuide(context, { name: '将离职', storeId: store.id });
    const other = await shopper();
    await touch(other.auth, leaver);
    await context.api.http.post(`/api/admin/guides/${leaver.id}/leave`).set(asOwner());
    const replaced = await assignGuideAtPayment(deps, other.id);
    expect(replaced?.guide._id.toHexString()).not.toBe(leaver.id);
    expect(replaced?.guide.status).toBe('active');
    expect((await models.CustomerBinding.findById(other.id).lean())?.reason).toBe('payment-assignment');
  });
});

describe('attribution settings', () => {
  it('default to 30 days and no assignment store; owners and operators change them, others may not', async () => {
    const read = await context.api.http.get('/api/admin/settings/attribution').set({ Authorization: `Bearer ${context.tokens.viewer}` });
    expect(attributionSettingsReplySchema.parse(read.body).settings).toMatchObject({ protectionDays: 30, assignmentStoreId: null });
    for (const role of ['viewer', 'store_manager'] as const) {
      const refused = await context.api.http
        .put('/api/admin/settings/attribution')
        .set({ Authorization: `Bearer ${context.tokens[role]}` })
        .send({ protectionDays: 7 });
      expect(refused.status).toBe(403);
    }
    const changed = await context.api.http
      .put('/api/admin/settings/attribution')
      .set({ Authorization: `Bearer ${context.tokens.operator}` })
      .send({ protectionDays: 7 });
    expect(changed.body.settings.protectionDays).toBe(7);
  });

  it.each([
    ['an empty body', {}, 400],
    ['negative days', { protectionDays: -1 }, 400],
    ['fractional days', { protectionDays: 1.5 }, 400],
    ['days as text', { protectionDays: '30' }, 400],
    ['too many days', { protectionDays: 100000 }, 400],
    ['a malformed store id', { assignmentStoreId: 'x' }, 400],
    ['an unknown store', { assignmentStoreId: new Types.ObjectId().toHexString() }, 404],
  ])('refuse %s, changing nothing', async (_name, body, status) => {
    const response = await context.api.http.put('/api/admin/settings/attribution').set(asOwner()).send(body);
    expect(response.status).toBe(status);
    expect((await context.api.http.get('/api/admin/settings/attribution').set(asOwner())).body.settings.protectionDays).toBe(30);
  });

  it('refuse a closed store as the assignment store', async () => {
    const closed = await addStore(context, '已关店');
    await context.api.http.patch(`/api/admin/stores/${closed.id}`).set(asOwner()).send({ status: 'closed' });
    const response = await context.api.http.put('/api/admin/settings/attribution').set(asOwner()).send({ assignmentStoreId: closed.id });
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('STORE_CLOSED');
  });
});

describe('customers in the console', () => {
  it('list customers with their guide, by guide, unbound, or keyword', async () => {
    const bound = await createTestShopper(context.db, { nickname: '绑定顾客甲', phone: '13912345678' });
    await touch({ Authorization: `Bearer ${bound.token}` }, guideB);
    const loose = await createTestShopper(context.db, { nickname: '未绑定顾客乙' });
    const asViewer = { Authorization: `Bearer ${context.tokens.viewer}` };

    const byGuide = customerListReplySchema.parse(
      (await context.api.http.get(`/api/admin/customers?guideId=${guideB.id}`).set(asViewer)).body,
    );
    expect(byGuide.items.map((item) => item.id)).toContain(bound.shopper._id.toHexString());
    expect(byGuide.items.every((item) => item.guide?.id === guideB.id)).toBe(true);
    const row = byGuide.items.find((item) => item.id === bound.shopper._id.toHexString());
    expect(row).toMatchObject({ nickname: '绑定顾客甲', phone: '139****5678', guide: { name: '李大壮', storeName: '徐汇店' } });

    const unbound = customerListReplySchema.parse(
      (await context.api.http.get('/api/admin/customers?unbound=true&pageSize=100').set(asViewer)).body,
    );
    expect(unbound.items.map((item) => item.id)).toContain(loose.shopper._id.toHexString());
    expect(unbound.items.every((item) => item.guide === null)).toBe(true);

    const found = customerListReplySchema.parse(
      (await context.api.http.get(`/api/admin/customers?keyword=${encodeURIComponent('未绑定')}`).set(asViewer)).body,
    );
    expect(found.items.map((item) => item.nickname)).toEqual(['未绑定顾客乙']);
    expect(row?.wecomLinked).toBe(false);

    // Once the customer has their guide on WeCom, the row and the binding page say so.
    const now = new Date();
    await guideContactModels(context.db.connection).WecomRelation.create({
      externalUserId: 'wm-customer-jia',
      guideId: new Types.ObjectId(guideB.id),
      wecomUserId: 'guide-b',
      shopperId: bound.shopper._id,
      status: 'added',
      addedAt: now,
      changedAt: now,
      addEventKey: 'test-add',
      welcome: 'sent',
      createdAt: now,
      updatedAt: now,
    });
    const linked = customerListReplySchema.parse(
      (await context.api.http.get(`/api/admin/customers?guideId=${guideB.id}`).set(asViewer)).body,
    );
    expect(linked.items.find((item) => item.id === bound.shopper._id.toHexString())?.wecomLinked).toBe(true);
    const detail = customerBindingReplySchema.parse(
      (await context.api.http.get(`/api/admin/customers/${bound.shopper._id.toHexString()}/binding`).set(asViewer)).body,
    );
    expect(detail.wecom).toEqual([
      { guide: expect.objectContaining({ id: guideB.id }), status: 'added', addedAt: now.toISOString(), deletedAt: null },
    ]);
  });

  it('answer 404 for an unknown customer and 400 for bad queries', async () => {
    expect((await context.api.http.get(`/api/admin/customers/${new Types.ObjectId().toHexString()}/binding`).set(asOwner())).status).toBe(
      404,
    );
    expect((await context.api.http.get('/api/admin/customers/nope/binding').set(asOwner())).status).toBe(400);
    expect((await context.api.http.get('/api/admin/customers?unbound=yes').set(asOwner())).status).toBe(400);
    expect((await context.api.http.get('/api/admin/customers?pageSize=1000').set(asOwner())).status).toBe(400);
    expect((await context.api.http.get('/api/admin/customers')).status).toBe(401);
  });
});

describe('reassignment from one guide (bindTo with onlyFromGuideId)', () => {
  it("moves a customer still bound to that guide, with the staff member in the history and the caller's record in the same transaction", async () => {
    const customer = await shopper();
    await touch(customer.auth, guideA);
    const staffId = new Types.ObjectId();
    const written: string[] = [];
    const moved = await bindTo(
      deps,
      customer.id,
      {
        guideId: new Types.ObjectId(guideB.id),
        reason: 'reassignment',
        byStaffId: staffId,
        onlyFromGuideId: new Types.ObjectId(guideA.id),
      },
      async (session) => {
        written.push(session.inTransaction() ? 'in transaction' : 'outside');
      },
    );
    expect(moved).toBe(true);
    expect(written).toEqual(['in transaction']);
    const binding = await models.CustomerBinding.findById(customer.id).lean();
    expect([binding?.guideId.toHexString(), binding?.reason]).toEqual([guideB.id, 'reassignment']);
    const [change] = await models.BindingChange.find({ shopperId: customer.id }).sort({ at: -1 }).lean();
    expect(change?.byStaffId?.equals(staffId)).toBe(true);
    expect(change?.fromGuideId?.toHexString()).toBe(guideA.id);
  });

  it("rolls the move back when the caller's record cannot be written", async () => {
    const customer = await shopper();
    await touch(customer.auth, guideA);
    const failing = bindTo(
      deps,
      customer.id,
      { guideId: new Types.ObjectId(guideB.id), reason: 'reassignment', onlyFromGuideId: new Types.ObjectId(guideA.id) },
      () => Promise.reject(new Error('the record could not be written')),
    );
    await expect(failing).rejects.toThrow('the record could not be written');
    expect((await models.CustomerBinding.findById(customer.id).lean())?.guideId.toHexString()).toBe(guideA.id);
    expect(await models.BindingChange.countDocuments({ shopperId: customer.id, reason: 'reassignment' })).toBe(0);
  });

  it('leaves a customer bound to another guide, or to none, as they are', async () => {
    const elsewhere = await shopper();
    await touch(elsewhere.auth, guideB);
    const unbound = await shopper();
    for (const customer of [elsewhere, unbound]) {
      const moved = await bindTo(deps, customer.id, {
        guideId: new Types.ObjectId(guideB.id),
        reason: 'reassignment',
        onlyFromGuideId: new Types.ObjectId(guideA.id),
      });
      expect(moved).toBe(false);
      expect(await models.BindingChange.countDocuments({ shopperId: customer.id, reason: 'reassignment' })).toBe(0);
    }
    expect((await models.CustomerBinding.findById(elsewhere.id).lean())?.reason).toBe('first-touch');
    expect(await models.CustomerBinding.findById(unbound.id).lean()).toBeNull();
  });

  it('moves a customer once when reassignments from the same guide to two guides race', async () => {
    const guideC = await addGuide(context, { name: '第三位', storeId: store.id });
    for (let round = 0; round < 5; round += 1) {
      const customer = await shopper();
      await touch(customer.auth, guideA);
      const results = await Promise.all(
        [guideB, guideC, guideB, guideC].map((target) =>
          bindTo(deps, customer.id, {
            guideId: new Types.ObjectId(target.id),
            reason: 'reassignment',
            onlyFromGuideId: new Types.ObjectId(guideA.id),
          }),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await models.BindingChange.countDocuments({ shopperId: customer.id, reason: 'reassignment' })).toBe(1);
    }
  });
});
