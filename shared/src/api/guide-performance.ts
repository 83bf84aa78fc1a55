import { z } from 'zod';
import { orderStatusSchema } from './orders.ts';
import { guideStatusSchema } from './guides.ts';
import { pageReplySchema, pagingQuery } from './paging.ts';

/**
 * Guide performance (导购业绩): per guide per Asia/Shanghai day and month — paid orders, paid GMV, refunds, net GMV,
 * customers, new customers, WeCom adds and commission — with rankings for the admin console and the workbench.
 */

const idSchema = z.string().regex(/^[0-9a-f]{24}$/, '编号格式不正确');

/** The longest range one report covers (a leap year). */
export const MAX_PERFORMANCE_RANGE_DAYS = 366;
/** Commission rates are basis points of the commission base: 10000 = 100%. */
export const MAX_COMMISSION_RATE_BPS = 10_000;

// --- Days and months ------------------------------------------------------------------------------

const DAY_MS = 24 * 60 * 60 * 1000;

function utcDate(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}

/** A calendar day in Asia/Shanghai, `YYYY-MM-DD`, that exists. */
export const performanceDaySchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式须为 YYYY-MM-DD')
  .refine((day) => {
    const parsed = utcDate(day);
    return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === day;
  }, '日期不存在');

/** A calendar month, `YYYY-MM`. */
export const performanceMonthSchema = z.string().regex(/^(19|20|21)\d{2}-(0[1-9]|1[0-2])$/, '月份格式须为 YYYY-MM');

/** How many days `from` … `to` covers, both included (0 or less when `to` is before `from`). */
export function daysInRange(from: string, to: string): number {
  return Math.round((utcDate(to).getTime() - utcDate(from).getTime()) / DAY_MS) + 1;
}

/** Every day of `from` … `to`, in order. */
export function daysOfRange(from: string, to: string): string[] {
  const start = utcDate(from).getTime();
  return Array.from({ length: Math.max(0, daysInRange(from, to)) }, (_, index) =>
    new Date(start + index * DAY_MS).toISOString().slice(0, 10),
  );
}

/** The first and last day of a month. */
export function monthRange(month: string): { from: string; to: string } {
  const [year = 0, monthNumber = 0] = month.split('-').map(Number);
  const last = new Date(Date.UTC(year, monthNumber, 0)).toISOString().slice(0, 10);
  return { from: `${month}-01`, to: last };
}

/** The month before or after (`delta` months away). */
export function shiftMonth(month: string, delta: number): string {
  const [year = 0, monthNumber = 0] = month.split('-').map(Number);
  return new Date(Date.UTC(year, monthNumber - 1 + delta, 1)).toISOString().slice(0, 7);
}

/** `2026-05` → `2026年5月`, as the console and the guide's 我的业绩 name a month. */
export function monthLabel(month: string): string {
  const [year, monthNumber] = month.split('-');
  return `${year}年${Number(monthNumber)}月`;
}

// --- Commission rates ----------------------------------------------------------------------------

/** `150` → `'1.5%'`, `1000` → `'10%'`, `5` → `'0.05%'` (integer arithmetic: no float rounding shows). */
export function formatRateBps(bps: number): string {
  const fraction = String(bps % 100)
    .padStart(2, '0')
    .replace(/0+$/, '');
  return `${Math.floor(bps / 100)}${fraction === '' ? '' : `.${fraction}`}%`;
}

/** `'1.5'` (per cent) → `150` basis points; at most two decimals, at most 100%. Throws a RangeError otherwise. */
export function parsePercentToBps(input: string): number {
  const match = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(input.trim());
  if (!match) throw new RangeError(`not a percentage with at most two decimals: '${input}'`);
  const bps = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  if (bps > MAX_COMMISSION_RATE_BPS) throw new RangeError(`over 100%: '${input}'`);
  return bps;
}

const rateBpsSchema = z
  .number({ error: '请填写提成比例' })
  .int('提成比例最多两位小数')
  .min(0, '提成比例不能为负')
  .max(MAX_COMMISSION_RATE_BPS, '提成比例不能超过 100%');

/** `PUT /api/admin/guides/:id/commission-rate` and `PUT /api/admin/categories/:id/commission-rate`: null removes the rate. */
export const setCommissionRateRequestSchema = z.strictObject({ rateBps: rateBpsSchema.nullable() });
export type SetCommissionRateRequest = z.infer<typeof setCommissionRateRequestSchema>;

export const commissionRateTargets = ['guide', 'category'] as const;
export type CommissionRateTarget = (typeof commissionRateTargets)[number];

export const commissionRateSchema = z.object({
  target: z.enum(commissionRateTargets),
  /** The guide's or the category's id. */
  targetId: z.string(),
  /** The guide's or the category's name (a category's with its parent's: `服装 / T恤`). */
  name: z.string(),
  rateBps: z.number().int(),
  updatedAt: z.string(),
});
export type CommissionRate = z.infer<typeof commissionRateSchema>;

export const commissionRateReplySchema = z.object({ rate: commissionRateSchema.nullable() });
export type CommissionRateReply = z.infer<typeof commissionRateReplySchema>;

/** Every rate set: a line's category rate (its own, else its parent's) wins over the guide's rate; with neither it earns nothing. */
export const commissionRateListReplySchema = z.object({ guides: z.array(commissionRateSchema), categories: z.array(commissionRateSchema) });
export type CommissionRateListReply = z.infer<typeof commissionRateListReplySchema>;

// --- Figures -------------------------------------------------------------------------------------

export const performanceFiguresSchema = z.object({
  /** Orders paid in the period. */
  paidOrders: z.number().int(),
  /** What those orders' shoppers paid (payable). */
  paidGmvFen: z.number().int(),
  /** Refunds that succeeded in the period (of orders paid then or earlier). */
  refundedFen: z.number().int(),
  /** Paid minus refunded. */
  netGmvFen: z.number().int(),
  /** Distinct shoppers with an order paid in the period. */
  customers: z.number().int(),
  /** Shoppers whose first paid order ever was paid in the period (through this guide). */
  newCustomers: z.number().int(),
  /** Customers who added the guide on WeCom in the period. */
  wecomAdds: z.number().int(),
  /** Commission earned on orders paid in the period, less what refunds in the period reversed. */
  commissionFen: z.number().int(),
});
export type PerformanceFigures = z.infer<typeof performanceFiguresSchema>;

/** What a ranking can be sorted by; the rank follows the sort (equal figures share a rank). */
export const performanceSortKeys = [
  'netGmv',
  'paidGmv',
  'paidOrders',
  'customers',
  'newCustomers',
  'wecomAdds',
  'refunded',
  'commission',
] as const;
export const performanceSortSchema = z.enum(performanceSortKeys, { error: '排序方式不正确' });
export type PerformanceSort = z.infer<typeof performanceSortSchema>;

/** The figure each sort key ranks by. */
export const performanceSortFigure: Record<PerformanceSort, keyof PerformanceFigures> = {
  netGmv: 'netGmvFen',
  paidGmv: 'paidGmvFen',
  paidOrders: 'paidOrders',
  customers: 'customers',
  newCustomers: 'newCustomers',
  wecomAdds: 'wecomAdds',
  refunded: 'refundedFen',
  commission: 'commissionFen',
};

export const performanceSortLabels: Record<PerformanceSort, string> = {
  netGmv: '净销售额',
  paidGmv: '支付金额',
  paidOrders: '支付订单',
  customers: '客户数',
  newCustomers: '新客数',
  wecomAdds: '企微加好友',
  refunded: '退款金额',
  commission: '提成',
};

const performanceGuideSchema = z.object({
  id: z.string(),
  name: z.string(),
  code: z.string(),
  storeId: z.string(),
  storeName: z.string(),
  status: guideStatusSchema,
});
export type PerformanceGuide = z.infer<typeof performanceGuideSchema>;

export const guidePerformanceRowSchema = z.object({
  /** 1 for the best; guides with equal figures share a rank (1, 2, 2, 4). */
  rank: z.number().int(),
  guide: performanceGuideSchema,
  figures: performanceFiguresSchema,
});
export type GuidePerformanceRow = z.infer<typeof guidePerformanceRowSchema>;

/**
 * `GET /api/admin/guide-performance`: Asia/Shanghai days `from` … `to` (both included, at most
 * MAX_PERFORMANCE_RANGE_DAYS), optionally one store's guides, ranked by `sort` (net GMV unless told).
 */
export const guidePerformanceQuerySchema = z.strictObject({
  from: performanceDaySchema,
  to: performanceDaySchema,
  storeId: idSchema.optional(),
  sort: performanceSortSchema.default('netGmv'),
});
export type GuidePerformanceQuery = z.input<typeof guidePerformanceQuerySchema>;

export const guidePerformanceReplySchema = z.object({
  from: z.string(),
  to: z.string(),
  sort: performanceSortSchema,
  /** Every guide on duty (of the store), and guides who left but have figures in the range. */
  rows: z.array(guidePerformanceRowSchema),
  /** The rows added up; customers are distinct shoppers across them. */
  totals: performanceFiguresSchema,
});
export type GuidePerformanceReply = z.infer<typeof guidePerformanceReplySchema>;

export const performanceDaySeriesSchema = z.array(z.object({ day: z.string(), figures: performanceFiguresSchema }));

/** An order attributed to a guide, with what it earned them. */
export const guideOrderSchema = z.object({
  orderNo: z.string(),
  status: orderStatusSchema,
  placedAt: z.string(),
  paidAt: z.string().nullable(),
  payableFen: z.number().int(),
  /** Refunds that succeeded so far. */
  refundedFen: z.number().int(),
  /** Commission on the order net of reversals by refunds; null while unpaid (or never paid). */
  commissionFen: z.number().int().nullable(),
  /** The shopper's first paid order ever. */
  newCustomer: z.boolean(),
  /** The shopper's WeChat nickname, or 微信用户. */
  customerName: z.string(),
  /** e.g. `纯棉T恤 等3件`. */
  itemSummary: z.string(),
});
export type GuideOrder = z.infer<typeof guideOrderSchema>;

export const guideOrderPageSchema = pageReplySchema(guideOrderSchema);
export type GuideOrderPage = z.infer<typeof guideOrderPageSchema>;

export const MAX_GUIDE_ORDER_PAGE_SIZE = 50;

/** `GET /api/admin/guides/:id/performance`: a month (this month in Asia/Shanghai unless told) and a page of its paid orders. */
export const guideMonthQuerySchema = z.strictObject({
  month: performanceMonthSchema.optional(),
  ...pagingQuery(20, MAX_GUIDE_ORDER_PAGE_SIZE),
});
export type GuideMonthQuery = Partial<z.output<typeof guideMonthQuerySchema>>;

export const guideMonthPerformanceReplySchema = z.object({
  guide: performanceGuideSchema,
  month: z.string(),
  figures: performanceFiguresSchema,
  /** Every day of the month. */
  days: performanceDaySeriesSchema,
  /** The guide's own rate (null: none), for reference next to the orders' commission. */
  commissionRateBps: z.number().int().nullable(),
  /** Orders paid in the month, newest first. */
  orders: guideOrderPageSchema,
});
export type GuideMonthPerformanceReply = z.infer<typeof guideMonthPerformanceReplySchema>;

/** `GET /api/guide/me/performance`. */
export const myPerformanceQuerySchema = z.strictObject({ month: performanceMonthSchema.optional() });
export type MyPerformanceQuery = z.infer<typeof myPerformanceQuerySchema>;

export const performanceRankSchema = z.object({
  /** 1 for the best; equal figures share a rank. */
  rank: z.number().int(),
  /** How many guides are ranked: those on duty, and those who left with figures in the month. */
  of: z.number().int(),
});

export const myPerformanceReplySchema = z.object({
  month: z.string(),
  figures: performanceFiguresSchema,
  days: performanceDaySeriesSchema,
  /** By net GMV in the month: among the guide's store and among all guides. */
  rank: z.object({ store: performanceRankSchema, all: performanceRankSchema }),
});
export type MyPerformanceReply = z.infer<typeof myPerformanceReplySchema>;

/** `GET /api/guide/me/orders`: orders attributed to the signed-in guide, newest first, whatever their state. */
export const myGuideOrdersQuerySchema = z.strictObject(pagingQuery(20, MAX_GUIDE_ORDER_PAGE_SIZE));
export type MyGuideOrdersQuery = Partial<z.output<typeof myGuideOrdersQuerySchema>>;

/** `POST /api/admin/guide-performance/recompute`: one guide, or every guide when none is named. */
export const recomputePerformanceRequestSchema = z.strictObject({ guideId: idSchema.optional() });
export type RecomputePerformanceRequest = z.infer<typeof recomputePerformanceRequestSchema>;

export const recomputePerformanceReplySchema = z.object({
  /** Guides whose rollups were rebuilt. */
  guides: z.number().int(),
  paidOrders: z.number().int(),
  refunds: z.number().int(),
});
export type RecomputePerformanceReply = z.infer<typeof recomputePerformanceReplySchema>;
