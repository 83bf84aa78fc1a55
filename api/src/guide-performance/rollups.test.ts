import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderReplySchema, shanghaiBusinessDay, type PerformanceFigures } from '@mall/shared';
import type { CategoryRecord } from '../catalog/models.ts';
import type { Database } from '../db/database.ts';
import type { GuideRecord } from '../guides/models.ts';
import { createLogger } from '../logger.ts';
import { cancelUnpaidOrder } from '../orders/cancel.ts';
import type { CommerceDependencies } from '../orders/dependencies.ts';
import type { OrderRecord } from '../orders/models.ts';
import type { RefundRecord } from '../payments/models.ts';
import { applyNotification, applyTransaction, recordPendingRefund, requestRefund } from '../payments/service.ts';
import type { WechatPayRefund } from '../platform/wechat-pay/index.ts';
import { capturingLogger, testApp } from '../testing/app.ts';
import { addTestProduct, createTestBuyer, storedOrder, testCommerce, type TestBuyer, type TestProduct } from '../testing/commerce.ts';
import { startTestDatabaseServer, type TestDatabaseServer } from '../testing/database.ts';
import { paidTransaction, performanceSnapshot, refundSucceededNotification } from '../testing/performance.ts';
import { addTestGuide, addTestStore } from '../testing/guides.ts';
import { seededRandom } from '../testing/random.ts';
import { repairPerformance } from './jobs.ts';
import { ensureGuidePerformanceIndexes } from './models.ts';
import { recomputeAll, recomputeGuide } from './recompute.ts';
import { recordWecomAdd } from './rollups.ts';
import { guidePerformanceReport, performanceDependencies, type PerformanceDependencies } from './service.ts';

/**
 * The rollups as orders change state, through the real payment and refund paths (applyTransaction, requestRefund,
 * applyNotification → settleRefundNumber), with WeChat Pay's refund call stubbed so each refund's success time is the
 * test's: they must always equal a recomputation from the orders and refunds, count each event once however often it
 * is reported, and decide new customers by the first paid order ever.
 */

let server: TestDatabaseServer;
let db: Database;
let deps: CommerceDependencies;
let perf: PerformanceDependencies;
let http: ReturnType<typeof testApp>['http'];
let products: TestProduct[];
let tee: TestProduct;
let categories: Record<'apparel' | 'tees' | 'trousers' | 'accessories', CategoryRecord>;
const log = createLogger('silent');

/** How WeChat Pay answers each refund request: at once with its success time, or `PROCESSING` (a notification follows). */
const refundReplies = new Map<string, { status: 'SUCCESS' | 'PROCESSING'; successTime?: Date }>();

async function addCategory(name: string, parent: CategoryRecord | null): Promise<CategoryRecord> {
  const now = new Date();
  const category = await deps.catalog.Category.create({
    name,
    parentId: parent?._id ?? null,
    sortOrder: 0,
    childCount: 0,
    productCount: 0,
    createdAt: now,
    updatedAt: now,
  });
  return category.toObject();
}

async function productIn(category: CategoryRecord, title: string, price: number): Promise<TestProduct> {
  const product = await addTestProduct(deps, { title, skus: [{ price, stock: 100_000 }] });
  await deps.catalog.Product.updateOne({ _id: product.id }, { $set: { categoryId: category._id } });
  return product;
}

beforeAll(async () => {
  server = await startTestDatabaseServer();
  db = await server.connect();
  const base = await testCommerce(db);
  deps = {
    ...base,
    wechatPay: {
      ...base.wechatPay,
      refund: async (input): Promise<WechatPayRefund> => {
        const reply = refundReplies.get(input.outRefundNo) ?? { status: 'SUCCESS', successTime: new Date() };
        return {
          refundId: `50300${input.outRefundNo}`,
          outRefundNo: input.outRefundNo,
          transactionId: undefined,
          outTradeNo: input.outTradeNo,
          status: reply.status,
          createTime: new Date(),
          successTime: reply.successTime,
          userReceivedAccount: undefined,
          amount: {
            refundFen: input.refundFen,
            totalFen: input.totalFen,
            payerRefundFen: undefined,
            payerTotalFen: undefined,
            currency: 'CNY',
          },
        };
      },
    },
  };
  perf = performanceDependencies(deps);
  await ensureGuidePerformanceIndexes(perf.performance);
  http = testApp(db).http;
  const apparel = await addCategory('服装', null);
  categories = {
    apparel,
    tees: await addCategory('T恤', apparel),
    trousers: await addCategory('裤子', apparel),
    accessories: await addCategory('配件', null),
  };
  tee = await productIn(categories.tees, '纯棉T恤', 12900);
  products = [
    tee,
    await productIn(categories.trousers, '休闲裤', 19999),
    await productIn(categories.accessories, '袜子', 999),
    await productIn(categories.accessories, '帽子', 4333),
  ];
  const staffId = new Types.ObjectId();
  // Category rates win for their lines (T恤 its own, 裤子 its parent 服装's, 配件 exempt); guides' rates are set per test run.
  for (const [category, rateBps] of [
    [categories.tees, 500],
    [categories.apparel, 200],
    [categories.accessories, 0],
  ] as const) {
    await perf.performance.CommissionRate.create({
      _id: `category:${category._id.toHexString()}`,
      target: 'category',
      targetId: category._id,
      rateBps,
      updatedAt: new Date(),
      updatedBy: staffId,
    });
  }
});

afterAll(async () => {
  await server.stop();
});

async function setGuideRate(guide: GuideRecord, rateBps: number): Promise<void> {
  await perf.performance.CommissionRate.updateOne(
    { _id: `guide:${guide._id.toHexString()}` },
    { $set: { target: 'guide', targetId: guide._id, rateBps, updatedAt: new Date(), updatedBy: guide._id } },
    { upsert: true },
  );
}

/** An order placed through checkout, then attributed to `guide` (or to none) with a discount, as checkout and payment would. */
async function placeOrder(
  buyer: TestBuyer,
  items: { skuId: string; quantity: number }[],
  guide: GuideRecord | null,
  discountFen = 0,
): Promise<OrderRecord> {
  const response = await http.post('/api/orders').set(buyer.auth).send({ items, addressId: buyer.addressId, idempotencyKey: randomUUID() });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  const order = await storedOrder(deps, orderReplySchema.parse(response.body).order.orderNo);
  const discount = Math.min(discountFen, order.itemsTotalFen - 1);
  await deps.orders.Order.updateOne(
    { _id: order._id },
    {
      $set: {
        discounts: discount > 0 ? [{ calculator: 'test', reason: '测试立减', amountFen: discount }] : [],
        discountTotalFen: discount,
        payableFen: order.itemsTotalFen + order.shippingFeeFen - discount,
        ...(guide !== null && {
          'attribution.guideId': guide._id,
          'attribution.guideCode': guide.code,
          'attribution.guideName': guide.name,
          'attribution.storeId': guide.storeId,
          'attribution.guideSource': 'binding',
        }),
      },
    },
  );
  return storedOrder(deps, order.orderNo);
}

/** The payment reported `deliveries` times at once (notifications and queries racing); exactly one applies it. */
async function pay(order: OrderRecord, paidAt: Date, deliveries = 1): Promise<OrderRecord> {
  const transaction = paidTransaction(order, paidAt);
  const outcomes = await Promise.all(
    Array.from({ length: deliveries }, (_, index) => applyTransaction(deps, transaction, index % 2 === 0 ? 'notification' : 'query', log)),
  );
  expect(outcomes.filter((outcome) => outcome === 'paid')).toHaveLength(1);
  return storedOrder(deps, order.orderNo);
}

/**
 * A refund requested from WeChat Pay and succeeding at `succeededAt`: in its request's reply, or by its notification;
 * either way the notification then arrives `deliveries` times at once.
 */
async function refund(
  order: OrderRecord,
  number: number,
  refundFen: number,
  succeededAt: Date,
  how: 'reply' | 'notification',
  deliveries = 1,
): Promise<void> {
  const outRefundNo = `R${order.orderNo}-${number}`;
  await recordPendingRefund(deps, {
    outRefundNo,
    kind: 'after_sale',
    orderNo: order.orderNo,
    orderId: order._id,
    transactionId: order.payment!.transactionId,
    refundFen,
    totalFen: order.payableFen,
    reason: '测试退款',
  });
  refundReplies.set(outRefundNo, how === 'reply' ? { status: 'SUCCESS', successTime: succeededAt } : { status: 'PROCESSING' });
  await requestRefund(deps, outRefundNo, log);
  const recorded = (await deps.payments.Refund.findOne({ outRefundNo }).lean<RefundRecord>())!;
  await Promise.all(
    Array.from({ length: deliveries }, () => applyNotification(deps, refundSucceededNotification(recorded, succeededAt), log)),
  );
}

async function figuresOf(guide: GuideRecord, from: string, to: string): Promise<PerformanceFigures> {
  const report = await guidePerformanceReport(perf, { from, to, sort: 'netGmv', storeId: guide.storeId.toHexString() });
  const row = report.rows.find((candidate) => candidate.guide.id === guide._id.toHexString());
  if (row === undefined) throw new Error(`no row for ${guide.name}`);
  return row.figures;
}

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
/** 2026-03-01 00:00 in Asia/Shanghai. */
const FIRST_DAY_START = Date.parse('2026-02-28T16:00:00.000Z');

interface OrderPlan {
  buyer: number;
  items: { product: number; quantity: number }[];
  guide: number | null;
  discountFen: number;
  fate: 'unpaid' | 'cancelled' | 'paid_after_cancel' | 'paid';
  paidAt: Date;
  deliveries: number;
  refunds: { amountFen: number; at: Date; how: 'reply' | 'notification'; deliveries: number }[];
}

/** Instants over five Shanghai days, often right at a midnight (either side) where the day changes. */
function instant(random: () => number): Date {
  const day = Math.floor(random() * 5);
  const edge = random();
  if (edge < 0.15) return new Date(FIRST_DAY_START + (day + 1) * DAY - 1);
  if (edge < 0.3) return new Date(FIRST_DAY_START + day * DAY);
  return new Date(FIRST_DAY_START + day * DAY + Math.floor(random() * DAY));
}

/** The whole sequence decided up front from the seed, so running orders in parallel does not change what happens. */
function planOrders(seed: number, count: number, buyers: number, guides: number): OrderPlan[] {
  const random = seededRandom(seed);
  const pick = (n: number) => Math.floor(random() * n);
  return Array.from({ length: count }, () => {
    const first = pick(products.length);
    // Distinct products (checkout refuses the same one twice), starting anywhere in the list.
    const items = Array.from({ length: 1 + pick(3) }, (_, index) => ({
      product: (first + index) % products.length,
      quantity: 1 + pick(3),
    }));
    const fateDraw = random();
    const fate: OrderPlan['fate'] =
      fateDraw < 0.1 ? 'unpaid' : fateDraw < 0.2 ? 'cancelled' : fateDraw < 0.27 ? 'paid_after_cancel' : 'paid';
    const paidAt = instant(random);
    const refunds: OrderPlan['refunds'] = [];
    let at = paidAt.getTime();
    for (let count = pick(4); count > 0; count -= 1) {
      at += Math.floor(random() * 30 * HOUR);
      refunds.push({
        amountFen: random() < 0.25 ? -1 : 1 + pick(5000),
        at: new Date(at),
        how: random() < 0.5 ? 'reply' : 'notification',
        deliveries: 1 + pick(3),
      });
    }
    return {
      buyer: pick(buyers),
      items,
      guide: random() < 0.2 ? null : pick(guides),
      discountFen: [0, 0, 1, 333, 999, pick(3000)][pick(6)]!,
      fate,
      paidAt,
      deliveries: 1 + pick(3),
      refunds,
    };
  });
}

interface Expected {
  paidOrders: number;
  paidGmvFen: number;
  refundedFen: number;
}

/** Runs one planned order; returns what it adds to its guide's figures. */
async function runPlan(plan: OrderPlan, buyers: TestBuyer[], guides: GuideRecord[]): Promise<Expected> {
  const guide = plan.guide === null ? null : guides[plan.guide]!;
  const items = plan.items.map((item) => ({ skuId: products[item.product]!.skus[0]!.id, quantity: item.quantity }));
  const order = await placeOrder(buyers[plan.buyer]!, items, guide, plan.discountFen);
  const none = { paidOrders: 0, paidGmvFen: 0, refundedFen: 0 };
  if (plan.fate === 'unpaid') return none;
  if (plan.fate === 'cancelled' || plan.fate === 'paid_after_cancel') {
    expect(await cancelUnpaidOrder(deps, order, 'cancel', { type: 'shopper', id: 'test' }, '测试取消')).not.toBeNull();
    if (plan.fate === 'paid_after_cancel') {
      // Paid in its last second: refunded in full automatically, and never counted as paid.
      const transaction = paidTransaction(order, plan.paidAt);
      const outcomes = await Promise.all([
        applyTransaction(deps, transaction, 'notification', log),
        applyTransaction(deps, transaction, 'query', log),
      ]);
      expect(outcomes).toContain('refunded_cancelled_order');
    }
    return none;
  }
  const paid = await pay(order, plan.paidAt, plan.deliveries);
  let refunded = 0;
  for (const [index, planned] of plan.refunds.entries()) {
    const remaining = paid.payableFen - refunded;
    if (remaining === 0) break;
    const amount = planned.amountFen === -1 ? remaining : Math.min(planned.amountFen, remaining);
    await refund(paid, index + 1, amount, planned.at, planned.how, planned.deliveries);
    refunded += amount;
  }
  return { paidOrders: 1, paidGmvFen: paid.payableFen, refundedFen: refunded };
}

describe('rollups equal a recomputation from the orders and refunds', () => {
  it.each([20260301, 4242, 987_654_321])(
    'after a random sequence of pay / partial refund / full refund / cancel / pay-after-cancel (seed %i), orders run 6 at a time',
    async (seed) => {
      const store = await addTestStore(deps, `随机门店${seed}`);
      const guides = [await addTestGuide(deps, store, '甲'), await addTestGuide(deps, store, '乙'), await addTestGuide(deps, store, '丙')];
      await setGuideRate(guides[0]!, 300);
      await setGuideRate(guides[1]!, 1000);
      const buyers = await Promise.all(Array.from({ length: 6 }, () => createTestBuyer(db)));
      const plans = planOrders(seed, 36, buyers.length, guides.length);
      const expected = guides.map(() => ({ paidOrders: 0, paidGmvFen: 0, refundedFen: 0 }));
      for (let start = 0; start < plans.length; start += 6) {
        const results = await Promise.all(plans.slice(start, start + 6).map((plan) => runPlan(plan, buyers, guides)));
        results.forEach((result, index) => {
          const guide = plans[start + index]!.guide;
          if (guide === null) return;
          const sums = expected[guide]!;
          sums.paidOrders += result.paidOrders;
          sums.paidGmvFen += result.paidGmvFen;
          sums.refundedFen += result.refundedFen;
        });
      }

      // The figures are what happened (refunds may succeed up to five days after the last payment).
      const range = { from: '2026-03-01', to: '2026-03-12' };
      for (const [index, guide] of guides.entries()) {
        const figures = await figuresOf(guide, range.from, range.to);
        const sums = expected[index]!;
        expect(figures).toMatchObject({ ...sums, netGmvFen: sums.paidGmvFen - sums.refundedFen });
      }

      const maintained = await performanceSnapshot(perf.performance);
      const reportBefore = await guidePerformanceReport(perf, { ...range, sort: 'netGmv' });
      await recomputeAll(perf);
      expect(await performanceSnapshot(perf.performance)).toEqual(maintained);
      expect(await guidePerformanceReport(perf, { ...range, sort: 'netGmv' })).toEqual(reportBefore);
    },
    60_000,
  );
});

describe('exactly once', () => {
  it('10 racing reports of one payment and 10 of one refund notification count once; a WeCom add counts once per key', async () => {
    const store = await addTestStore(deps, '并发门店');
    const guide = await addTestGuide(deps, store, '并发导购');
    const buyer = await createTestBuyer(db);
    const order = await placeOrder(buyer, [{ skuId: tee.skus[0]!.id, quantity: 2 }], guide);
    const paidAt = new Date('2026-04-10T03:00:00.000Z');
    const paid = await pay(order, paidAt, 10);
    await refund(paid, 1, 5000, new Date('2026-04-11T03:00:00.000Z'), 'notification', 10);
    await Promise.all(Array.from({ length: 5 }, () => recordWecomAdd(perf, guide._id, paidAt, 'wm-external-1')));
    await recordWecomAdd(perf, guide._id, paidAt, 'wm-external-2');

    expect(await figuresOf(guide, '2026-04-10', '2026-04-10')).toEqual({
      paidOrders: 1,
      paidGmvFen: 25800,
      refundedFen: 0,
      netGmvFen: 25800,
      customers: 1,
      newCustomers: 1,
      wecomAdds: 2,
      // T恤 earns its category's 5%.
      commissionFen: 1290,
    });
    // The refund counts on the day it succeeded, and reverses commission in proportion: 5000 / 25800 of 1290.
    expect(await figuresOf(guide, '2026-04-11', '2026-04-11')).toMatchObject({
      paidOrders: 0,
      refundedFen: 5000,
      netGmvFen: -5000,
      commissionFen: -250,
    });
    expect(await perf.performance.PerformanceEvent.countDocuments({ orderNo: order.orderNo })).toBe(2);
  });
});

describe('new customers and customers', () => {
  it('counts a shopper as new only on their first paid order ever, even when an earlier payment is applied late', async () => {
    const store = await addTestStore(deps, '新客门店');
    const [guideA, guideB] = [await addTestGuide(deps, store, '新客甲'), await addTestGuide(deps, store, '新客乙')];
    const day = (hour: number) => new Date(Date.parse('2026-05-02T00:00:00.000Z') + hour * HOUR);
    const item = [{ skuId: products[2]!.skus[0]!.id, quantity: 1 }];

    // One shopper buys twice from A on one day, then from B: one customer of A's day, new once, for A.
    const loyal = await createTestBuyer(db);
    await pay(await placeOrder(loyal, item, guideA), day(1));
    await pay(await placeOrder(loyal, item, guideA), day(2));
    await pay(await placeOrder(loyal, item, guideB), day(3));

    // Another's order through B is applied first, then an order through A paid an hour earlier (the reconciliation
    // job finding it late): the new customer moves to A.
    const late = await createTestBuyer(db);
    const throughA = await placeOrder(late, item, guideA);
    await pay(await placeOrder(late, item, guideB), day(5));
    expect(await figuresOf(guideB, '2026-05-02', '2026-05-02')).toMatchObject({ newCustomers: 1 });
    await pay(throughA, day(4));

    // A shopper whose first paid order had no guide is no guide's new customer later.
    const direct = await createTestBuyer(db);
    await pay(await placeOrder(direct, item, null), day(1));
    await pay(await placeOrder(direct, item, guideB), day(6));

    expect(await figuresOf(guideA, '2026-05-02', '2026-05-02')).toMatchObject({ paidOrders: 3, customers: 2, newCustomers: 2 });
    expect(await figuresOf(guideB, '2026-05-02', '2026-05-02')).toMatchObject({ paidOrders: 3, customers: 3, newCustomers: 0 });
    // A range counts each shopper once however many days they bought on.
    await pay(await placeOrder(loyal, item, guideA), new Date(Date.parse('2026-05-03T02:00:00.000Z')));
    expect(await figuresOf(guideA, '2026-05-02', '2026-05-03')).toMatchObject({ paidOrders: 4, customers: 2, newCustomers: 2 });

    const maintained = await performanceSnapshot(perf.performance);
    await recomputeAll(perf);
    expect(await performanceSnapshot(perf.performance)).toEqual(maintained);
  });
});

describe('commission', () => {
  it('is computed at payment from the lines after discounts, kept when rates change later (also by a recomputation)', async () => {
    const store = await addTestStore(deps, '提成门店');
    const guide = await addTestGuide(deps, store, '提成导购');
    await setGuideRate(guide, 800);
    const buyer = await createTestBuyer(db);
    // 纯棉T恤 12900 (T恤 5%), 休闲裤 19999 (服装 2%), 袜子 999 ×2 (配件 0%), 帽子 4333 (配件 0%); 1001 off in all.
    const order = await placeOrder(
      buyer,
      [
        { skuId: products[0]!.skus[0]!.id, quantity: 1 },
        { skuId: products[1]!.skus[0]!.id, quantity: 1 },
        { skuId: products[2]!.skus[0]!.id, quantity: 2 },
        { skuId: products[3]!.skus[0]!.id, quantity: 1 },
      ],
      guide,
      1001,
    );
    // Items 12900 + 19999 + 1998 + 4333 = 39230; the discount splits 329 / 510 / 51 / 111; 5% of 12571 → 629, 2% of 19489 → 390.
    const paid = await pay(order, new Date('2026-06-01T02:00:00.000Z'));
    expect((await perf.performance.PerformanceEvent.findById(`paid:${paid.orderNo}`).lean())?.commissionFen).toBe(629 + 390);

    await perf.performance.CommissionRate.updateOne({ _id: `category:${categories.tees._id.toHexString()}` }, { $set: { rateBps: 9000 } });
    await recomputeGuide(perf, guide._id);
    expect(await figuresOf(guide, '2026-06-01', '2026-06-01')).toMatchObject({ commissionFen: 1019 });
    await perf.performance.CommissionRate.updateOne({ _id: `category:${categories.tees._id.toHexString()}` }, { $set: { rateBps: 500 } });

    // Refunds in three awkward parts reverse exactly the whole commission.
    const thirds = [Math.floor(paid.payableFen / 3), Math.floor(paid.payableFen / 3)];
    thirds.push(paid.payableFen - thirds[0]! - thirds[1]!);
    for (const [index, part] of thirds.entries()) await refund(paid, index + 1, part, new Date('2026-06-02T02:00:00.000Z'), 'reply');
    expect(await figuresOf(guide, '2026-06-01', '2026-06-02')).toMatchObject({ netGmvFen: 0, commissionFen: 0 });
  });
});

describe('a rollup that fails', () => {
  it('does not undo the payment; it is logged, and the repair job applies it', async () => {
    const store = await addTestStore(deps, '修复门店');
    const guide = await addTestGuide(deps, store, '修复导购');
    const buyer = await createTestBuyer(db);
    const order = await placeOrder(buyer, [{ skuId: products[1]!.skus[0]!.id, quantity: 1 }], guide);
    // The catalog cannot be read while the commission is worked out (the rollup's first step).
    const broken: CommerceDependencies = {
      ...deps,
      catalog: {
        ...deps.catalog,
        Product: new Proxy(deps.catalog.Product, {
          get: (target, property, receiver) =>
            property === 'find'
              ? () => {
                  throw new Error('catalog unavailable');
                }
              : (Reflect.get(target, property, receiver) as unknown),
        }),
      },
    };
    const captured = capturingLogger();
    const paidAt = new Date();
    expect(await applyTransaction(broken, paidTransaction(order, paidAt), 'notification', captured.logger)).toBe('paid');
    expect((await storedOrder(deps, order.orderNo)).status).toBe('paid');
    expect(captured.entries()).toContainEqual(
      expect.objectContaining({ orderNo: order.orderNo, msg: expect.stringContaining('not rolled up yet') }),
    );
    const today = shanghaiBusinessDay(paidAt);
    expect(await figuresOf(guide, today, today)).toMatchObject({ paidOrders: 0 });

    expect(await repairPerformance(perf, new Date(), log)).toBeGreaterThanOrEqual(1);
    expect(await figuresOf(guide, today, today)).toMatchObject({ paidOrders: 1, paidGmvFen: 19999, commissionFen: 400 });
    expect(await repairPerformance(perf, new Date(), log)).toBe(0);
  });
});

describe('recomputing one guide while payments arrive', () => {
  it('counts every payment once whichever transaction commits first', async () => {
    const store = await addTestStore(deps, '重算门店');
    const guide = await addTestGuide(deps, store, '重算导购');
    const buyers = await Promise.all(Array.from({ length: 4 }, () => createTestBuyer(db)));
    const orders: OrderRecord[] = [];
    for (const buyer of buyers) orders.push(await placeOrder(buyer, [{ skuId: products[2]!.skus[0]!.id, quantity: 1 }], guide));
    const paidAt = new Date('2026-07-01T02:00:00.000Z');
    await pay(orders[0]!, paidAt);
    await Promise.all([
      ...orders.slice(1).map((order) => pay(order, paidAt, 2)),
      recomputeGuide(perf, guide._id),
      recomputeGuide(perf, guide._id),
    ]);
    const paidGmvFen = orders.reduce((sum, order) => sum + order.payableFen, 0);
    expect(await figuresOf(guide, '2026-07-01', '2026-07-01')).toMatchObject({ paidOrders: 4, customers: 4, paidGmvFen });
    const maintained = await performanceSnapshot(perf.performance);
    await recomputeGuide(perf, guide._id);
    expect(await performanceSnapshot(perf.performance)).toEqual(maintained);
  });
});
