import { Types } from 'mongoose';
import type { z } from 'zod';
import {
  daysInRange,
  daysOfRange,
  MAX_PERFORMANCE_RANGE_DAYS,
  monthRange,
  performanceSortFigure,
  shanghaiBusinessDay,
  type CommissionRate,
  type CommissionRateListReply,
  type GuideMonthPerformanceReply,
  type GuideOrder,
  type GuideOrderPage,
  type GuidePerformanceReply,
  type GuidePerformanceRow,
  type guideMonthQuerySchema,
  type guidePerformanceQuerySchema,
  type MyGuideOrdersQuery,
  type MyPerformanceReply,
  type PerformanceFigures,
  type PerformanceGuide,
  type RecomputePerformanceReply,
} from '@mall/shared';
import type { CategoryRecord } from '../catalog/models.ts';
import type { CustomerModels, Shopper } from '../customers/models.ts';
import type { GuideModels, GuideRecord, StoreRecord } from '../guides/models.ts';
import { guideRecordOfShopper } from '../guides/service.ts';
import { AppError } from '../http/errors.ts';
import type { CommerceDependencies } from '../orders/dependencies.ts';
import type { OrderRecord } from '../orders/models.ts';
import { rateId } from './commission.ts';
import { dayFigureFields, type CommissionRateRecord, type DayFigures, type GuideDayRecord, type PerformanceEventRecord } from './models.ts';
import { recomputeAll, recomputeGuide, type RecomputeDependencies } from './recompute.ts';
import { paidEventId, rollupDependencies } from './rollups.ts';

/** Reports read the rollups only: a few documents per guide and day, never the orders of the period. */

export interface PerformanceDependencies extends RecomputeDependencies {
  guides: GuideModels;
  customers: CustomerModels;
}

export function performanceDependencies(commerce: CommerceDependencies): PerformanceDependencies {
  return { ...rollupDependencies(commerce), payments: commerce.payments, guides: commerce.guides, customers: commerce.customers };
}

type GuideSummary = Pick<GuideRecord, '_id' | 'name' | 'code' | 'storeId' | 'status'>;

function zeroFigures(): PerformanceFigures {
  return Object.fromEntries(dayFigureFields.map((field) => [field, 0])) as PerformanceFigures;
}

function addFigures(sum: PerformanceFigures, figures: DayFigures): PerformanceFigures {
  return Object.fromEntries(dayFigureFields.map((field) => [field, sum[field] + figures[field]])) as PerformanceFigures;
}

function assertRange(from: string, to: string): void {
  const days = daysInRange(from, to);
  if (days < 1) throw new AppError('DATE_RANGE_REVERSED', { details: { from, to } });
  if (days > MAX_PERFORMANCE_RANGE_DAYS)
    throw new AppError('DATE_RANGE_TOO_LONG', { details: { days, maxDays: MAX_PERFORMANCE_RANGE_DAYS } });
}

const dayRange = (from: string, to: string) => ({ day: { $gte: from, $lte: to } });

/**
 * Each guide's figures over `from` … `to`: the days added up, customers counted as distinct shoppers over the whole
 * range (a shopper buying on three days is one customer of the range). Only `guideIds` when given.
 */
async function figuresByGuide(
  deps: PerformanceDependencies,
  from: string,
  to: string,
  guideIds?: Types.ObjectId[],
): Promise<Map<string, PerformanceFigures>> {
  const match = { ...dayRange(from, to), ...(guideIds !== undefined && { guideId: { $in: guideIds } }) };
  const sums = await deps.performance.GuideDay.aggregate<{ _id: Types.ObjectId } & DayFigures>([
    { $match: match },
    { $group: { _id: '$guideId', ...Object.fromEntries(dayFigureFields.map((field) => [field, { $sum: `$${field}` }])) } },
  ]);
  const customers = await deps.performance.GuideCustomerDay.aggregate<{ _id: Types.ObjectId; customers: number }>([
    { $match: match },
    { $group: { _id: { guideId: '$guideId', shopperId: '$shopperId' } } },
    { $group: { _id: '$_id.guideId', customers: { $sum: 1 } } },
  ]);
  const customersOf = new Map(customers.map((row) => [row._id.toHexString(), row.customers]));
  return new Map(
    sums.map(({ _id, ...figures }) => [
      _id.toHexString(),
      { ...addFigures(zeroFigures(), figures), customers: customersOf.get(_id.toHexString()) ?? 0 },
    ]),
  );
}

/** Distinct shoppers who bought from any of `guideIds` (every guide when not given) in the range. */
async function distinctCustomers(deps: PerformanceDependencies, from: string, to: string, guideIds?: Types.ObjectId[]): Promise<number> {
  const [row] = await deps.performance.GuideCustomerDay.aggregate<{ customers: number }>([
    { $match: { ...dayRange(from, to), ...(guideIds !== undefined && { guideId: { $in: guideIds } }) } },
    { $group: { _id: '$shopperId' } },
    { $group: { _id: null, customers: { $sum: 1 } } },
  ]);
  return row?.customers ?? 0;
}

/**
 * Ranks by `figure`, best first; equal figures share a rank (1, 2, 2, 4) and are listed by name then code, so the
 * order is the same on every request.
 */
export function rankByFigure<Row extends { guide: { name: string; code: string }; figures: PerformanceFigures }>(
  rows: readonly Row[],
  figure: keyof PerformanceFigures,
): (Row & { rank: number })[] {
  const sorted = [...rows].sort(
    (a, b) =>
      b.figures[figure] - a.figures[figure] ||
      a.guide.name.localeCompare(b.guide.name, 'zh-CN') ||
      a.guide.code.localeCompare(b.guide.code),
  );
  let rank = 0;
  return sorted.map((row, index) => {
    if (index === 0 || sorted[index - 1]!.figures[figure] !== row.figures[figure]) rank = index + 1;
    return { ...row, rank };
  });
}

async function storeNames(deps: PerformanceDependencies, storeIds: Types.ObjectId[]): Promise<Map<string, string>> {
  const stores = await deps.guides.Store.find({ _id: { $in: storeIds } }, { name: 1 }).lean<Pick<StoreRecord, '_id' | 'name'>[]>();
  return new Map(stores.map((store) => [store._id.toHexString(), store.name]));
}

function guideView(guide: GuideSummary, names: Map<string, string>): PerformanceGuide {
  return {
    id: guide._id.toHexString(),
    name: guide.name,
    code: guide.code,
    storeId: guide.storeId.toHexString(),
    storeName: names.get(guide.storeId.toHexString()) ?? '',
    status: guide.status,
  };
}

const GUIDE_SUMMARY = { name: 1, code: 1, storeId: 1, status: 1 } as const;

/**
 * The ranking over a range (admin): every guide on duty (of the store, when one is asked for), and guides who left
 * but have figures in the range, ranked by `sort`, with the totals.
 */
export async function guidePerformanceReport(
  deps: PerformanceDependencies,
  query: z.output<typeof guidePerformanceQuerySchema>,
): Promise<GuidePerformanceReply> {
  const { from, to, storeId, sort } = query;
  assertRange(from, to);
  const guides = await deps.guides.Guide.find(storeId === undefined ? {} : { storeId: new Types.ObjectId(storeId) }, GUIDE_SUMMARY).lean<
    GuideSummary[]
  >();
  const scope = storeId === undefined ? undefined : guides.map((guide) => guide._id);
  const figures = await figuresByGuide(deps, from, to, scope);
  const names = await storeNames(
    deps,
    guides.map((guide) => guide.storeId),
  );
  const rows = guides
    .filter((guide) => guide.status === 'active' || figures.has(guide._id.toHexString()))
    .map((guide) => ({ guide: guideView(guide, names), figures: figures.get(guide._id.toHexString()) ?? zeroFigures() }));
  const ranked: GuidePerformanceRow[] = rankByFigure(rows, performanceSortFigure[sort]);
  const totals = rows.reduce((sum, row) => addFigures(sum, row.figures), zeroFigures());
  totals.customers = await distinctCustomers(deps, from, to, scope);
  return { from, to, sort, rows: ranked, totals };
}

/** Every day of the range with the guide's figures (zero on days without any). */
async function daySeries(deps: PerformanceDependencies, guideId: Types.ObjectId, from: string, to: string) {
  const records = await deps.performance.GuideDay.find({ guideId, ...dayRange(from, to) }).lean<GuideDayRecord[]>();
  const byDay = new Map(records.map((record) => [record.day, record]));
  return daysOfRange(from, to).map((day) => {
    const record = byDay.get(day);
    return { day, figures: record === undefined ? zeroFigures() : addFigures(zeroFigures(), record) };
  });
}

/** The month's figures and days of one guide. */
async function monthOfGuide(deps: PerformanceDependencies, guideId: Types.ObjectId, month: string) {
  const { from, to } = monthRange(month);
  const days = await daySeries(deps, guideId, from, to);
  const figures = days.reduce((sum, day) => addFigures(sum, day.figures), zeroFigures());
  figures.customers = await distinctCustomers(deps, from, to, [guideId]);
  return { figures, days };
}

function currentMonth(deps: PerformanceDependencies): string {
  return shanghaiBusinessDay(deps.now()).slice(0, 7);
}

/** `纯棉T恤 等3件`: the first line's title and, when there is more, how many items in all. */
function itemSummary(order: Pick<OrderRecord, 'lines'>): string {
  const units = order.lines.reduce((sum, line) => sum + line.quantity, 0);
  const title = order.lines[0]?.title ?? '';
  return order.lines.length > 1 || units > 1 ? `${title} 等${units}件` : title;
}

/** The orders as their guide sees them, with the commission and refunds from their ledger entries. */
async function guideOrderViews(deps: PerformanceDependencies, orders: OrderRecord[]): Promise<GuideOrder[]> {
  const [entries, shoppers] = await Promise.all([
    deps.performance.PerformanceEvent.find({ _id: { $in: orders.map((order) => paidEventId(order.orderNo)) } }).lean<
      PerformanceEventRecord[]
    >(),
    deps.customers.Shopper.find({ _id: { $in: orders.map((order) => order.shopperId) } }, { nickname: 1 }).lean<
      Pick<Shopper, '_id' | 'nickname'>[]
    >(),
  ]);
  const paidOf = new Map(entries.map((entry) => [entry.orderNo, entry]));
  const nicknameOf = new Map(shoppers.map((shopper) => [shopper._id.toHexString(), shopper.nickname]));
  return orders.map((order) => {
    const paid = paidOf.get(order.orderNo);
    return {
      orderNo: order.orderNo,
      status: order.status,
      placedAt: order.createdAt.toISOString(),
      paidAt: order.payment?.paidAt.toISOString() ?? null,
      payableFen: order.payableFen,
      refundedFen: paid?.refundedFen ?? 0,
      commissionFen: paid === undefined ? null : paid.commissionFen - (paid.commissionReversedFen ?? 0),
      newCustomer: paid?.newCustomer ?? false,
      customerName: nicknameOf.get(order.shopperId.toHexString()) || '微信用户',
      itemSummary: itemSummary(order),
    };
  });
}

/** Orders in the order of `orderNos`. */
async function ordersByNumber(deps: PerformanceDependencies, orderNos: string[]): Promise<OrderRecord[]> {
  const orders = await deps.orders.Order.find({ orderNo: { $in: orderNos } }).lean<OrderRecord[]>();
  const byNumber = new Map(orders.map((order) => [order.orderNo, order]));
  return orderNos.flatMap((orderNo) => byNumber.get(orderNo) ?? []);
}

async function guideRecord(deps: PerformanceDependencies, id: string): Promise<GuideRecord> {
  const guide = await deps.guides.Guide.findById(id).lean<GuideRecord>();
  if (guide === null) throw new AppError('NOT_FOUND', { message: '导购不存在' });
  return guide;
}

/** One guide's month (admin): the figures, every day, their own rate and a page of the orders paid that month. */
export async function guideMonthPerformance(
  deps: PerformanceDependencies,
  id: string,
  query: z.output<typeof guideMonthQuerySchema>,
): Promise<GuideMonthPerformanceReply> {
  const guide = await guideRecord(deps, id);
  const month = query.month ?? currentMonth(deps);
  const { figures, days } = await monthOfGuide(deps, guide._id, month);
  const { from, to } = monthRange(month);
  const paidFilter = { guideId: guide._id, kind: 'paid' as const, ...dayRange(from, to) };
  const [entries, total, rate, names] = await Promise.all([
    deps.performance.PerformanceEvent.find(paidFilter, { orderNo: 1 })
      .sort({ at: -1, _id: -1 })
      .skip((query.page - 1) * query.pageSize)
      .limit(query.pageSize)
      .lean<Pick<PerformanceEventRecord, 'orderNo'>[]>(),
    deps.performance.PerformanceEvent.countDocuments(paidFilter),
    deps.performance.CommissionRate.findById(rateId('guide', guide._id)).lean<CommissionRateRecord>(),
    storeNames(deps, [guide.storeId]),
  ]);
  const orders = await ordersByNumber(
    deps,
    entries.flatMap((entry) => entry.orderNo ?? []),
  );
  return {
    guide: guideView(guide, names),
    month,
    figures,
    days,
    commissionRateBps: rate?.rateBps ?? null,
    orders: { items: await guideOrderViews(deps, orders), total, page: query.page, pageSize: query.pageSize },
  };
}

/** The signed-in guide's month (workbench): their figures and days, and their rank by net GMV in their store and overall. */
export async function myPerformance(
  deps: PerformanceDependencies,
  shopperId: Types.ObjectId,
  month: string | undefined,
): Promise<MyPerformanceReply> {
  const guide = await guideRecordOfShopper(deps.guides, shopperId);
  const shown = month ?? currentMonth(deps);
  const { figures, days } = await monthOfGuide(deps, guide._id, shown);
  const { from, to } = monthRange(shown);
  const [everyone, sums] = await Promise.all([
    deps.guides.Guide.find({}, GUIDE_SUMMARY).lean<GuideSummary[]>(),
    figuresByGuide(deps, from, to),
  ]);
  const ranked = everyone
    .filter((other) => other.status === 'active' || other._id.equals(guide._id) || sums.has(other._id.toHexString()))
    .map((other) => ({
      guide: { name: other.name, code: other.code },
      id: other._id,
      storeId: other.storeId,
      figures: sums.get(other._id.toHexString()) ?? zeroFigures(),
    }));
  const rankAmong = (rows: typeof ranked) => ({
    rank: rankByFigure(rows, 'netGmvFen').find((row) => row.id.equals(guide._id))?.rank ?? rows.length,
    of: rows.length,
  });
  return {
    month: shown,
    figures,
    days,
    rank: { store: rankAmong(ranked.filter((row) => row.storeId.equals(guide.storeId))), all: rankAmong(ranked) },
  };
}

/** Orders attributed to the signed-in guide, newest first, in any state (unpaid ones have no commission yet). */
export async function myGuideOrders(
  deps: PerformanceDependencies,
  shopperId: Types.ObjectId,
  query: Required<MyGuideOrdersQuery>,
): Promise<GuideOrderPage> {
  const guide = await guideRecordOfShopper(deps.guides, shopperId);
  const filter = { 'attribution.guideId': guide._id };
  const [orders, total] = await Promise.all([
    deps.orders.Order.find(filter)
      .sort({ createdAt: -1, _id: -1 })
      .skip((query.page - 1) * query.pageSize)
      .limit(query.pageSize)
      .lean<OrderRecord[]>(),
    deps.orders.Order.countDocuments(filter),
  ]);
  return { items: await guideOrderViews(deps, orders), total, page: query.page, pageSize: query.pageSize };
}

// --- Commission rates ----------------------------------------------------------------------------

async function categoryNames(deps: PerformanceDependencies, ids: Types.ObjectId[]): Promise<Map<string, string>> {
  const categories = await deps.catalog.Category.find({ _id: { $in: ids } }, { name: 1, parentId: 1 }).lean<
    Pick<CategoryRecord, '_id' | 'name' | 'parentId'>[]
  >();
  const parents = await deps.catalog.Category.find(
    { _id: { $in: categories.flatMap((category) => category.parentId ?? []) } },
    { name: 1 },
  ).lean<Pick<CategoryRecord, '_id' | 'name'>[]>();
  const parentName = new Map(parents.map((parent) => [parent._id.toHexString(), parent.name]));
  return new Map(
    categories.map((category) => {
      const parent = category.parentId === null ? undefined : parentName.get(category.parentId.toHexString());
      return [category._id.toHexString(), parent === undefined ? category.name : `${parent} / ${category.name}`];
    }),
  );
}

function rateView(rate: CommissionRateRecord, name: string): CommissionRate {
  return {
    target: rate.target,
    targetId: rate.targetId.toHexString(),
    name,
    rateBps: rate.rateBps,
    updatedAt: rate.updatedAt.toISOString(),
  };
}

export async function listCommissionRates(deps: PerformanceDependencies): Promise<CommissionRateListReply> {
  const rates = await deps.performance.CommissionRate.find({}).lean<CommissionRateRecord[]>();
  const guideRates = rates.filter((rate) => rate.target === 'guide');
  const categoryRates = rates.filter((rate) => rate.target === 'category');
  const [guides, categories] = await Promise.all([
    deps.guides.Guide.find({ _id: { $in: guideRates.map((rate) => rate.targetId) } }, { name: 1 }).lean<
      Pick<GuideRecord, '_id' | 'name'>[]
    >(),
    categoryNames(
      deps,
      categoryRates.map((rate) => rate.targetId),
    ),
  ]);
  const guideName = new Map(guides.map((guide) => [guide._id.toHexString(), guide.name]));
  const byName = (a: CommissionRate, b: CommissionRate) => a.name.localeCompare(b.name, 'zh-CN');
  return {
    guides: guideRates.map((rate) => rateView(rate, guideName.get(rate.targetId.toHexString()) ?? '')).sort(byName),
    categories: categoryRates.map((rate) => rateView(rate, categories.get(rate.targetId.toHexString()) ?? '')).sort(byName),
  };
}

/** Sets (or with null removes) a rate. It applies to orders paid from now on: paid orders keep the commission they earned. */
async function setRate(
  deps: PerformanceDependencies,
  target: CommissionRateRecord['target'],
  targetId: Types.ObjectId,
  name: string,
  rateBps: number | null,
  staffId: Types.ObjectId,
): Promise<CommissionRate | null> {
  const _id = rateId(target, targetId);
  if (rateBps === null) {
    await deps.performance.CommissionRate.deleteOne({ _id });
    return null;
  }
  const rate = await deps.performance.CommissionRate.findOneAndUpdate(
    { _id },
    { $set: { target, targetId, rateBps, updatedAt: deps.now(), updatedBy: staffId } },
    { upsert: true, returnDocument: 'after' },
  ).lean<CommissionRateRecord>();
  return rate === null ? null : rateView(rate, name);
}

export async function setGuideCommissionRate(
  deps: PerformanceDependencies,
  id: string,
  rateBps: number | null,
  staffId: Types.ObjectId,
): Promise<CommissionRate | null> {
  const guide = await guideRecord(deps, id);
  return setRate(deps, 'guide', guide._id, guide.name, rateBps, staffId);
}

export async function setCategoryCommissionRate(
  deps: PerformanceDependencies,
  id: string,
  rateBps: number | null,
  staffId: Types.ObjectId,
): Promise<CommissionRate | null> {
  const categoryId = new Types.ObjectId(id);
  const names = await categoryNames(deps, [categoryId]);
  const name = names.get(id);
  if (name === undefined) throw new AppError('NOT_FOUND', { message: '分类不存在' });
  return setRate(deps, 'category', categoryId, name, rateBps, staffId);
}

/** Rebuilds one guide's rollups, or everyone's, from the orders and refunds (see recompute.ts). */
export async function recomputePerformance(deps: PerformanceDependencies, guideId: string | undefined): Promise<RecomputePerformanceReply> {
  if (guideId === undefined) return recomputeAll(deps);
  const guide = await guideRecord(deps, guideId);
  return { guides: 1, ...(await recomputeGuide(deps, guide._id)) };
}
