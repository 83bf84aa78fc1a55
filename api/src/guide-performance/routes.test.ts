import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  afterSaleReplySchema,
  commissionRateListReplySchema,
  daysOfRange,
  guideMonthPerformanceReplySchema,
  guideOrderPageSchema,
  guidePerformanceReplySchema,
  monthRange,
  myPerformanceReplySchema,
  orderReplySchema,
  shanghaiBusinessDay,
  type StaffRole,
} from '@mall/shared';
import type { CategoryRecord } from '../catalog/models.ts';
import type { GuideRecord, StoreRecord } from '../guides/models.ts';
import type { CommerceDependencies } from '../orders/dependencies.ts';
import type { OrderRecord } from '../orders/models.ts';
import { signInEveryRole } from '../testing/app.ts';
import { addTestProduct, createTestBuyer, storedOrder, type TestBuyer, type TestProduct } from '../testing/commerce.ts';
import { addTestGuide, addTestStore } from '../testing/guides.ts';
import { startListeningApp, type ListeningApp } from '../testing/listening-app.ts';

import { ensureGuidePerformanceIndexes } from './models.ts';
import { recordWecomAdd } from './rollups.ts';
import { performanceDependencies, type PerformanceDependencies } from './service.ts';

/**
 * The performance endpoints against a listening app and the sandbox: a real payment and after-sales refund (their
 * notifications delivered again in parallel) show in the ranking, the guide's month and the workbench; who may call
 * what; and bad input.
 */

let listening: ListeningApp;
let deps: CommerceDependencies;
let perf: PerformanceDependencies;
let api: () => ReturnType<typeof request>;
let tokens: Record<StaffRole, string>;
let store: StoreRecord;
let otherStore: StoreRecord;
let guideA: GuideRecord;
let guideB: GuideRecord;
let guideElsewhere: GuideRecord;
let guideLeft: GuideRecord;
let guideUser: TestBuyer;
let buyer: TestBuyer;
let product: TestProduct;
let category: CategoryRecord;

const staff = (role: StaffRole) => ({ Authorization: `Bearer ${tokens[role]}` });

beforeAll(async () => {
  listening = await startListeningApp();
  deps = listening.deps;
  perf = performanceDependencies(deps);
  await ensureGuidePerformanceIndexes(perf.performance);
  api = () => request(listening.appUrl);
  tokens = await signInEveryRole(listening.db, api(), 'performance');
  store = await addTestStore(deps, '业绩门店');
  otherStore = await addTestStore(deps, '另一门店');
  guideUser = await createTestBuyer(listening.db, { nickname: '导购本人' });
  guideA = await addTestGuide(deps, store, '王小美', { shopperId: guideUser.shopper._id });
  guideB = await addTestGuide(deps, store, '李娜');
  guideElsewhere = await addTestGuide(deps, otherStore, '赵六');
  guideLeft = await addTestGuide(deps, store, '已离职', { status: 'left', leftAt: new Date() });
  buyer = await createTestBuyer(listening.db, { nickname: '小张' });
  product = await addTestProduct(deps, { title: '羊毛围巾', skus: [{ price: 29900, stock: 100 }] });
  const now = new Date();
  category = (
    await deps.catalog.Category.create({
      name: '围巾',
      parentId: null,
      sortOrder: 0,
      childCount: 0,
      productCount: 0,
      createdAt: now,
      updatedAt: now,
    })
  ).toObject();
});

afterAll(async () => {
  await listening.stop();
});

async function post(path: string, who: { Authorization: string }, body?: object) {
  return api().post(path).set(who).send(body);
}

/** The sandbox's delivery once it has stopped trying; WeChat Pay redelivering it is a fresh call with its exact body and headers. */
async function settledDelivery(deliveryId: number) {
  return listening.testSandbox.sandbox.deliveries.waitFor((entry) => entry.id === deliveryId && entry.state !== 'pending');
}

async function redeliver(delivery: { headers: Record<string, string>; body: string }, times: number): Promise<number[]> {
  return Promise.all(
    Array.from({ length: times }, async () => {
      const response = await fetch(`${listening.appUrl}/api/payments/wechatpay/notify`, {
        method: 'POST',
        headers: delivery.headers,
        body: delivery.body,
      });
      return response.status;
    }),
  );
}

/** Touch guide A's shop, check out, pay in the sandbox; the payment notification is then delivered 5 more times at once. */
async function buyThroughGuideA(): Promise<OrderRecord> {
  expect((await post('/api/touches', buyer.auth, { guideCode: guideA.code, channel: 'shop-link' })).status).toBe(200);
  const placed = await post('/api/orders', buyer.auth, {
    items: [{ skuId: product.skus[0]!.id, quantity: 1 }],
    addressId: buyer.addressId,
    idempotencyKey: randomUUID(),
  });
  expect(placed.status, JSON.stringify(placed.body)).toBe(201);
  const { orderNo } = orderReplySchema.parse(placed.body).order;
  expect((await post(`/api/orders/${orderNo}/pay`, buyer.auth)).status).toBe(200);
  const paid = await fetch(`${listening.testSandbox.sandbox.url}/__sandbox/wechatpay/pay`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ out_trade_no: orderNo }),
  });
  const delivery = await settledDelivery(((await paid.json()) as { delivery_id: number }).delivery_id);
  expect(await redeliver(delivery, 5)).toEqual(Array(5).fill(204));
  const order = await storedOrder(deps, orderNo);
  expect(order.status).toBe('paid');
  return order;
}

/** A refund-only request for `refundFen`, approved; resolves once its REFUND.SUCCESS has been delivered, then delivers it 5 more times at once. */
async function refundThroughAfterSales(order: OrderRecord, refundFen: number): Promise<void> {
  const requested = await post('/api/after-sales', buyer.auth, { orderNo: order.orderNo, kind: 'refund_only', reason: '其他', refundFen });
  expect(requested.status, JSON.stringify(requested.body)).toBe(201);
  const { afterSaleNo } = afterSaleReplySchema.parse(requested.body).afterSale;
  const approved = await post(`/api/admin/after-sales/${afterSaleNo}/approve`, staff('operator'), { refundFen, restock: false });
  expect(approved.status, JSON.stringify(approved.body)).toBe(200);
  let deliveryId: number | undefined;
  await expect
    .poll(
      async () => {
        const inSandbox = (await (
          await fetch(`${listening.testSandbox.sandbox.url}/__sandbox/wechatpay/orders/${order.orderNo}`)
        ).json()) as {
          notifications: { delivery_id: number; event_type: string }[];
        };
        deliveryId = inSandbox.notifications.filter((entry) => entry.event_type === 'REFUND.SUCCESS').at(-1)?.delivery_id;
        return deliveryId;
      },
      { timeout: 5000, interval: 50 },
    )
    .toBeDefined();
  const delivery = await settledDelivery(deliveryId!);
  expect(await redeliver(delivery, 5)).toEqual(Array(5).fill(204));
}

describe('a sale through a guide, end to end', () => {
  it('shows in the ranking, the guide’s month and the workbench, counted once, with the commission net of the refund', async () => {
    const rate = await api()
      .put(`/api/admin/guides/${guideA._id.toHexString()}/commission-rate`)
      .set(staff('operator'))
      .send({ rateBps: 1000 });
    expect(rate.status, JSON.stringify(rate.body)).toBe(200);
    expect(rate.body).toMatchObject({ rate: { target: 'guide', targetId: guideA._id.toHexString(), name: '王小美', rateBps: 1000 } });

    const order = await buyThroughGuideA();
    await refundThroughAfterSales(order, 9900);
    await recordWecomAdd(perf, guideA._id, new Date(), `wm-${randomUUID()}`);

    const day = shanghaiBusinessDay(order.payment!.paidAt);
    const figures = {
      paidOrders: 1,
      paidGmvFen: 29900,
      refundedFen: 9900,
      netGmvFen: 20000,
      customers: 1,
      newCustomers: 1,
      wecomAdds: 1,
      // 10% of 29900, less 9900 / 29900 of it.
      commissionFen: 2990 - 990,
    };
    const report = await api().get('/api/admin/guide-performance').query({ from: day, to: day }).set(staff('viewer'));
    expect(report.status, JSON.stringify(report.body)).toBe(200);
    const ranking = guidePerformanceReplySchema.parse(report.body);
    expect(ranking.rows.map((row) => [row.rank, row.guide.name, row.guide.storeName])).toEqual([
      [1, '王小美', '业绩门店'],
      [2, '李娜', '业绩门店'],
      [2, '赵六', '另一门店'],
    ]);
    expect(ranking.rows[0]!.figures).toEqual(figures);
    expect(ranking.totals).toEqual(figures);

    const byStore = guidePerformanceReplySchema.parse(
      (
        await api()
          .get('/api/admin/guide-performance')
          .query({ from: day, to: day, storeId: otherStore._id.toHexString(), sort: 'customers' })
          .set(staff('store_manager'))
      ).body,
    );
    expect(byStore.rows.map((row) => [row.rank, row.guide.name])).toEqual([[1, '赵六']]);
    expect(byStore.totals.customers).toBe(0);

    const month = day.slice(0, 7);
    const detail = await api().get(`/api/admin/guides/${guideA._id.toHexString()}/performance`).query({ month }).set(staff('viewer'));
    expect(detail.status, JSON.stringify(detail.body)).toBe(200);
    const monthReply = guideMonthPerformanceReplySchema.parse(detail.body);
    expect(monthReply).toMatchObject({ month, figures, commissionRateBps: 1000, guide: { name: '王小美', status: 'active' } });
    const { from, to } = monthRange(month);
    expect(monthReply.days.map((entry) => entry.day)).toEqual(daysOfRange(from, to));
    expect(monthReply.days.find((entry) => entry.day === day)?.figures).toEqual(figures);
    expect(monthReply.orders).toMatchObject({ total: 1, page: 1 });
    expect(monthReply.orders.items).toEqual([
      expect.objectContaining({
        orderNo: order.orderNo,
        status: 'paid',
        payableFen: 29900,
        refundedFen: 9900,
        commissionFen: 2000,
        newCustomer: true,
        customerName: '小张',
        itemSummary: '羊毛围巾',
      }),
    ]);

    const mine = await api().get('/api/guide/me/performance').query({ month }).set(guideUser.auth);
    expect(mine.status, JSON.stringify(mine.body)).toBe(200);
    expect(myPerformanceReplySchema.parse(mine.body)).toMatchObject({
      month,
      figures,
      rank: { store: { rank: 1, of: 2 }, all: { rank: 1 } },
    });
    const orders = await api().get('/api/guide/me/orders').set(guideUser.auth);
    expect(orders.status, JSON.stringify(orders.body)).toBe(200);
    expect(guideOrderPageSchema.parse(orders.body)).toMatchObject({ total: 1, items: [{ orderNo: order.orderNo, commissionFen: 2000 }] });

    // Rebuilt from the orders and refunds, nothing changes.
    const recomputed = await post('/api/admin/guide-performance/recompute', staff('owner'), { guideId: guideA._id.toHexString() });
    expect(recomputed.status, JSON.stringify(recomputed.body)).toBe(200);
    expect(recomputed.body).toEqual({ guides: 1, paidOrders: 1, refunds: 1 });
    expect(
      guidePerformanceReplySchema.parse(
        (await api().get('/api/admin/guide-performance').query({ from: day, to: day }).set(staff('viewer'))).body,
      ),
    ).toEqual(ranking);
  });
});

describe('commission rates', () => {
  it('are set, listed and removed per guide and per category', async () => {
    const categoryPath = `/api/admin/categories/${category._id.toHexString()}/commission-rate`;
    const set = await api().put(categoryPath).set(staff('owner')).send({ rateBps: 250 });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body.rate).toMatchObject({ target: 'category', name: '围巾', rateBps: 250 });
    const guideRate = await api()
      .put(`/api/admin/guides/${guideB._id.toHexString()}/commission-rate`)
      .set(staff('owner'))
      .send({ rateBps: 0 });
    expect(guideRate.body.rate).toMatchObject({ rateBps: 0 });

    const listed = commissionRateListReplySchema.parse((await api().get('/api/admin/commission-rates').set(staff('viewer'))).body);
    expect(listed.categories.map((rate) => [rate.name, rate.rateBps])).toEqual([['围巾', 250]]);
    expect(listed.guides.map((rate) => [rate.name, rate.rateBps])).toEqual(
      expect.arrayContaining([
        ['李娜', 0],
        ['王小美', 1000],
      ]),
    );

    expect((await api().put(categoryPath).set(staff('operator')).send({ rateBps: null })).body).toEqual({ rate: null });
    expect(
      commissionRateListReplySchema.parse((await api().get('/api/admin/commission-rates').set(staff('viewer'))).body).categories,
    ).toEqual([]);
  });
});

describe('access', () => {
  const month = '2026-05';
  const range = { from: '2026-05-01', to: '2026-05-31' };

  it.each([
    ['GET', '/api/admin/guide-performance', range, { none: 401, shopper: 401, viewer: 200, store_manager: 200, operator: 200 }],
    ['GET', '/api/admin/commission-rates', {}, { none: 401, shopper: 401, viewer: 200, store_manager: 200, operator: 200 }],
    [
      'PUT',
      '/api/admin/guides/:guide/commission-rate',
      { rateBps: 100 },
      { none: 401, shopper: 401, viewer: 403, store_manager: 403, operator: 200 },
    ],
    [
      'PUT',
      '/api/admin/categories/:category/commission-rate',
      { rateBps: null },
      { none: 401, shopper: 401, viewer: 403, store_manager: 403, operator: 200 },
    ],
    [
      'POST',
      '/api/admin/guide-performance/recompute',
      { guideId: ':guide' },
      { none: 401, shopper: 401, viewer: 403, store_manager: 403, operator: 200 },
    ],
    ['GET', '/api/admin/guides/:guide/performance', { month }, { none: 401, shopper: 401, viewer: 200, store_manager: 200, operator: 200 }],
  ] as const)('%s %s', async (method, template, input, expected) => {
    const path = template.replace(':guide', guideB._id.toHexString()).replace(':category', category._id.toHexString());
    const body = JSON.parse(JSON.stringify(input).replace(':guide', guideB._id.toHexString())) as object;
    const callers = {
      none: {},
      shopper: buyer.auth,
      viewer: staff('viewer'),
      store_manager: staff('store_manager'),
      operator: staff('operator'),
    };
    for (const [caller, status] of Object.entries(expected)) {
      const headers = callers[caller as keyof typeof callers];
      const response =
        method === 'GET'
          ? await api().get(path).query(body).set(headers)
          : await api()[method === 'PUT' ? 'put' : 'post'](path).set(headers).send(body);
      expect(response.status, `${caller}: ${JSON.stringify(response.body)}`).toBe(status);
    }
  });

  it.each(['/api/guide/me/performance', '/api/guide/me/orders'])(
    '%s: the signed-in guide only (staff 401, not a guide 404)',
    async (path) => {
      expect((await api().get(path)).status).toBe(401);
      expect((await api().get(path).set(staff('owner'))).status).toBe(401);
      const notAGuide = await api().get(path).set(buyer.auth);
      expect(notAGuide.status).toBe(404);
      expect(notAGuide.body).toMatchObject({ error: { code: 'NOT_FOUND' } });
      expect((await api().get(path).set(guideUser.auth)).status).toBe(200);
    },
  );

  it('lists a guide who left only when they have figures in the range', async () => {
    const ranking = guidePerformanceReplySchema.parse(
      (await api().get('/api/admin/guide-performance').query(range).set(staff('viewer'))).body,
    );
    expect(ranking.rows.map((row) => row.guide.id)).not.toContain(guideLeft._id.toHexString());
    await recordWecomAdd(perf, guideLeft._id, new Date('2026-05-03T02:00:00.000Z'), `wm-${randomUUID()}`);
    const withFigures = guidePerformanceReplySchema.parse(
      (await api().get('/api/admin/guide-performance').query(range).set(staff('viewer'))).body,
    );
    expect(withFigures.rows.find((row) => row.guide.id === guideLeft._id.toHexString())).toMatchObject({
      rank: 1,
      guide: { status: 'left' },
      figures: { wecomAdds: 1 },
    });
  });
});

describe('bad input', () => {
  const unknownId = 'aaaaaaaaaaaaaaaaaaaaaaaa';

  it.each([
    [{ to: '2026-05-01' }, 'VALIDATION_FAILED'],
    [{ from: '2026-5-01', to: '2026-05-02' }, 'VALIDATION_FAILED'],
    [{ from: '2026-02-30', to: '2026-03-02' }, 'VALIDATION_FAILED'],
    [{ from: '2026-05-02', to: '2026-05-01' }, 'DATE_RANGE_REVERSED'],
    [{ from: '2025-01-01', to: '2026-01-02' }, 'DATE_RANGE_TOO_LONG'],
    [{ from: '2026-05-01', to: '2026-05-02', sort: 'bogus' }, 'VALIDATION_FAILED'],
    [{ from: '2026-05-01', to: '2026-05-02', storeId: 'nope' }, 'VALIDATION_FAILED'],
    [{ from: '2026-05-01', to: '2026-05-02', extra: '1' }, 'VALIDATION_FAILED'],
  ])('ranking %j → 400 %s', async (query, code) => {
    const response = await api().get('/api/admin/guide-performance').query(query).set(staff('viewer'));
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe(code);
  });

  it('takes 366 days (a leap year), not 367', async () => {
    expect(
      (await api().get('/api/admin/guide-performance').query({ from: '2024-01-01', to: '2024-12-31' }).set(staff('viewer'))).status,
    ).toBe(200);
    const tooLong = await api().get('/api/admin/guide-performance').query({ from: '2024-01-01', to: '2025-01-01' }).set(staff('viewer'));
    expect(tooLong.body).toMatchObject({ error: { code: 'DATE_RANGE_TOO_LONG', details: { days: 367, maxDays: 366 } } });
  });

  it.each([
    [':guide', { month: '2026-13' }, 400],
    [':guide', { month: '202605' }, 400],
    [':guide', { page: '0' }, 400],
    [':guide', { pageSize: '51' }, 400],
    ['not-an-id', {}, 400],
    [unknownId, {}, 404],
  ])("a guide's month: %s %j → %i", async (id, query, status) => {
    const response = await api()
      .get(`/api/admin/guides/${id.replace(':guide', guideA._id.toHexString())}/performance`)
      .query(query)
      .set(staff('viewer'));
    expect(response.status).toBe(status);
  });

  it.each([
    ['/api/guide/me/performance', { month: '2026-00' }],
    ['/api/guide/me/performance', { from: '2026-05-01' }],
    ['/api/guide/me/orders', { page: 'x' }],
    ['/api/guide/me/orders', { pageSize: '1000' }],
  ])('workbench %s %j → 400', async (path, query) => {
    expect((await api().get(path).query(query).set(guideUser.auth)).status).toBe(400);
  });

  it.each([
    [{}, 400],
    [{ rateBps: 10001 }, 400],
    [{ rateBps: -1 }, 400],
    [{ rateBps: 1.5 }, 400],
    [{ rateBps: '500' }, 400],
    [{ rateBps: 500, note: 'x' }, 400],
  ])('rate %j → %i, nothing written', async (body, status) => {
    const before = await perf.performance.CommissionRate.countDocuments();
    const response = await api()
      .put(`/api/admin/guides/${guideElsewhere._id.toHexString()}/commission-rate`)
      .set(staff('owner'))
      .send(body);
    expect(response.status).toBe(status);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
    expect(await perf.performance.CommissionRate.countDocuments()).toBe(before);
  });

  it('an unknown guide or category is 404; an unknown guide to recompute too', async () => {
    expect((await api().put(`/api/admin/guides/${unknownId}/commission-rate`).set(staff('owner')).send({ rateBps: 1 })).status).toBe(404);
    expect((await api().put(`/api/admin/categories/${unknownId}/commission-rate`).set(staff('owner')).send({ rateBps: 1 })).status).toBe(
      404,
    );
    expect((await post('/api/admin/guide-performance/recompute', staff('owner'), { guideId: unknownId })).status).toBe(404);
    expect((await post('/api/admin/guide-performance/recompute', staff('owner'), { guideId: 'x' })).status).toBe(400);
  });
});
