import { z } from 'zod';
import { imageIdSchema, storedImageSchema } from './catalog.ts';
import {
  orderActorSchema,
  orderLineSchema,
  orderNoParamsSchema,
  orderRefundSchema,
  orderShippingSchema,
  orderStatusSchema,
} from './orders.ts';
import { pageReplySchema, pagingQuery } from './paging.ts';

/**
 * After-sales (售后): a shopper asks for a refund of a paid order, with or without returning the goods; the
 * merchant approves (the amount, whether the goods go back into stock) or rejects; the WeChat Pay refund is
 * requested and its notification confirms it. One open request per order at a time. Amounts are integer fen.
 */

export const afterSaleKinds = ['refund_only', 'return_and_refund'] as const;
export const afterSaleKindSchema = z.enum(afterSaleKinds, { error: '请选择售后类型' });
export type AfterSaleKind = z.infer<typeof afterSaleKindSchema>;
export const afterSaleKindLabels: Record<AfterSaleKind, string> = { refund_only: '仅退款', return_and_refund: '退货退款' };

/** The reasons a shopper picks from (stored as written, so the merchant reads the same words). */
export const afterSaleReasons = [
  '不想要了',
  '拍错/多拍',
  '未按约定时间发货',
  '商品质量问题',
  '商品与描述不符',
  '收到商品破损',
  '发错货/漏发',
  '尺码不合适',
  '其他',
] as const;
export const afterSaleReasonSchema = z.enum(afterSaleReasons, { error: '请选择售后原因' });

/**
 *   requested ─approve (refund only)─────────────────────────────→ refunding ─→ refunded
 *       │     └approve_return→ awaiting_return ─ship_return→ return_shipped ─confirm_return┘   │
 *       ├─reject→ rejected (also from awaiting_return, return_shipped)      refund_failed ←──┘ (closed / abnormal)
 *       └─cancel→ cancelled (by the shopper, also from awaiting_return)      └─retry_refund→ refunding
 * (an abnormal refund is never retried: redirected in WeChat Pay under its own number, its success moves
 * refund_failed → refunded)
 */
export const afterSaleStatuses = [
  'requested',
  'awaiting_return',
  'return_shipped',
  'refunding',
  'refund_failed',
  'refunded',
  'rejected',
  'cancelled',
] as const;
export const afterSaleStatusSchema = z.enum(afterSaleStatuses);
export type AfterSaleStatus = z.infer<typeof afterSaleStatusSchema>;

export const afterSaleStatusLabels: Record<AfterSaleStatus, string> = {
  requested: '待审核',
  awaiting_return: '待寄回',
  return_shipped: '待确认收货',
  refunding: '退款中',
  refund_failed: '退款失败',
  refunded: '已退款',
  rejected: '已拒绝',
  cancelled: '已撤销',
};

/** While a request is in one of these, the order has it open and no other request can be made. */
export const openAfterSaleStatuses = ['requested', 'awaiting_return', 'return_shipped', 'refunding', 'refund_failed'] as const;

export function isOpenAfterSaleStatus(status: AfterSaleStatus): boolean {
  return (openAfterSaleStatuses as readonly AfterSaleStatus[]).includes(status);
}

export const afterSaleEvents = [
  'approve',
  'approve_return',
  'ship_return',
  'confirm_return',
  'refund_succeeded',
  'refund_failed',
  'retry_refund',
  'reject',
  'cancel',
] as const;
export type AfterSaleEvent = (typeof afterSaleEvents)[number];
export const afterSaleHistoryEvents = ['requested', ...afterSaleEvents] as const;

export const MAX_AFTER_SALE_IMAGES = 6;
export const MAX_AFTER_SALE_DESCRIPTION_LENGTH = 200;
export const MAX_REJECT_REASON_LENGTH = 200;
/** Requests one order may have over its life (WeChat Pay allows 50 refunds per payment; each request may retry a few). */
export const MAX_AFTER_SALES_PER_ORDER = 10;

const objectIdSchema = z.string().regex(/^[0-9a-f]{24}$/, '编号格式不正确');
const fenSchema = z.int({ error: '金额须为整数（分）' }).min(1, '退款金额须大于 0').max(100_000_000, '退款金额过大');
const plainText = /^\P{Cc}*$/u;

/** A line the shopper returns (or wants the merchant to know about): a SKU of the order and how many. */
export const afterSaleLineInputSchema = z.strictObject({
  skuId: objectIdSchema,
  quantity: z.int({ error: '数量须为整数' }).min(1, '数量至少为 1').max(999, '数量最多为 999'),
});

export const createAfterSaleRequestSchema = z.strictObject({
  orderNo: orderNoParamsSchema.shape.orderNo,
  kind: afterSaleKindSchema,
  reason: afterSaleReasonSchema,
  description: z
    .string()
    .trim()
    .max(MAX_AFTER_SALE_DESCRIPTION_LENGTH, `问题描述最多 ${MAX_AFTER_SALE_DESCRIPTION_LENGTH} 个字`)
    .regex(plainText, '问题描述含有不支持的字符')
    .optional(),
  imageIds: z
    .array(imageIdSchema)
    .max(MAX_AFTER_SALE_IMAGES, `最多上传 ${MAX_AFTER_SALE_IMAGES} 张图片`)
    .refine((ids) => new Set(ids).size === ids.length, '图片重复')
    .optional(),
  /** What the shopper asks for; at most what is still refundable on the order. */
  refundFen: fenSchema,
  /** Which goods (and how many) the request is about; the merchant may put these back into stock. */
  lines: z
    .array(afterSaleLineInputSchema)
    .min(1, '请选择商品')
    .max(50)
    .refine((lines) => new Set(lines.map((line) => line.skuId)).size === lines.length, '商品重复')
    .optional(),
});
export type CreateAfterSaleRequest = z.infer<typeof createAfterSaleRequestSchema>;

export const returnShipmentRequestSchema = z.strictObject({
  carrier: z.string().trim().min(1, '请填写快递公司').max(20, '快递公司最多 20 个字').regex(plainText, '快递公司含有不支持的字符'),
  trackingNo: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9-]{6,40}$/, '快递单号须为 6–40 位字母或数字'),
});
export type ReturnShipmentRequest = z.infer<typeof returnShipmentRequestSchema>;

/** The merchant's decision: how much to refund (at most what was asked) and whether the goods go back into stock. */
export const approveAfterSaleRequestSchema = z.strictObject({ refundFen: fenSchema, restock: z.boolean({ error: '请选择是否退回库存' }) });
export type ApproveAfterSaleRequest = z.infer<typeof approveAfterSaleRequestSchema>;

export const rejectAfterSaleRequestSchema = z.strictObject({
  reason: z
    .string()
    .trim()
    .min(1, '请填写拒绝原因')
    .max(MAX_REJECT_REASON_LENGTH, `拒绝原因最多 ${MAX_REJECT_REASON_LENGTH} 个字`)
    .regex(plainText, '拒绝原因含有不支持的字符'),
});
export type RejectAfterSaleRequest = z.infer<typeof rejectAfterSaleRequestSchema>;

/** `:afterSaleNo`: the order number, a dash and the request's sequence on that order (e.g. `20260101000000011-1`). */
export const afterSaleNoParamsSchema = z.strictObject({ afterSaleNo: z.string().regex(/^\d{17}-\d{1,2}$/, '售后单号格式不正确') });

export const afterSaleLineSchema = z.object({
  skuId: z.string(),
  title: z.string(),
  specText: z.string(),
  image: storedImageSchema.nullable(),
  quantity: z.number().int(),
});
export type AfterSaleLine = z.infer<typeof afterSaleLineSchema>;

export const afterSaleHistoryEntrySchema = z.object({
  event: z.enum(afterSaleHistoryEvents),
  /** Null for `requested`. */
  from: afterSaleStatusSchema.nullable(),
  to: afterSaleStatusSchema,
  at: z.iso.datetime(),
  actor: orderActorSchema,
  reason: z.string().optional(),
});

export const afterSaleSchema = z.object({
  afterSaleNo: z.string(),
  orderNo: z.string(),
  kind: afterSaleKindSchema,
  status: afterSaleStatusSchema,
  reason: z.string(),
  description: z.string(),
  images: z.array(storedImageSchema),
  requestedFen: z.number().int(),
  /** Set by the approval. */
  approvedFen: z.number().int().nullable(),
  lines: z.array(afterSaleLineSchema),
  /** The merchant's choice at approval (null before). */
  restock: z.boolean().nullable(),
  /** Whether the goods went back into stock (once, after the refund succeeded). */
  restocked: z.boolean(),
  returnShipment: z.object({ carrier: z.string(), trackingNo: z.string(), shippedAt: z.iso.datetime() }).nullable(),
  rejectReason: z.string().nullable(),
  /** The current WeChat Pay refund (the latest attempt); null before one is requested. */
  refund: orderRefundSchema.nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  /** Oldest first. */
  history: z.array(afterSaleHistoryEntrySchema),
});
export type AfterSale = z.infer<typeof afterSaleSchema>;

export const afterSaleSummarySchema = afterSaleSchema.omit({ history: true });
export type AfterSaleSummary = z.infer<typeof afterSaleSummarySchema>;

export const afterSaleReplySchema = z.object({ afterSale: afterSaleSchema });
export type AfterSaleReply = z.infer<typeof afterSaleReplySchema>;

export const AFTER_SALE_PAGE_SIZE_MAX = 50;

/** A list filter: one status, or `open` for every request still in progress. */
export const afterSaleListFilters = [...afterSaleStatuses, 'open'] as const;
export const afterSaleListFilterSchema = z.enum(afterSaleListFilters);
export type AfterSaleListFilter = z.infer<typeof afterSaleListFilterSchema>;

export function afterSaleStatusesMatching(filter: AfterSaleListFilter): AfterSaleStatus[] {
  return filter === 'open' ? [...openAfterSaleStatuses] : [filter];
}

export const afterSaleListQuerySchema = z.strictObject({
  status: afterSaleListFilterSchema.optional(),
  ...pagingQuery(10, AFTER_SALE_PAGE_SIZE_MAX),
});
export type AfterSaleListQuery = Partial<z.output<typeof afterSaleListQuerySchema>>;

export const adminAfterSaleListQuerySchema = z.strictObject({
  status: afterSaleListFilterSchema.optional(),
  kind: afterSaleKindSchema.optional(),
  orderNo: orderNoParamsSchema.shape.orderNo.optional(),
  ...pagingQuery(20, AFTER_SALE_PAGE_SIZE_MAX),
});
export type AdminAfterSaleListQuery = Partial<z.output<typeof adminAfterSaleListQuerySchema>>;

/** Newest first. */
export const afterSaleListReplySchema = pageReplySchema(afterSaleSummarySchema);
export type AfterSaleListReply = z.infer<typeof afterSaleListReplySchema>;

/** Why a new request cannot be made for an order right now (null: it can). */
export const afterSaleBlockers = ['order_status', 'open_request', 'nothing_refundable', 'limit_reached'] as const;

/** `GET /api/orders/:orderNo/after-sales`: the order's requests and whether (and for how much) a new one can be made. */
export const orderAfterSalesReplySchema = z.object({
  orderNo: z.string(),
  orderStatus: orderStatusSchema,
  payableFen: z.number().int(),
  /** Payable minus refunds succeeded or under way. */
  refundableFen: z.number().int(),
  blockedBy: z.enum(afterSaleBlockers).nullable(),
  lines: z.array(orderLineSchema),
  items: z.array(afterSaleSummarySchema),
});
export type OrderAfterSalesReply = z.infer<typeof orderAfterSalesReplySchema>;

/** The merchant's detail page: the request, the order it is about, and every refund of that order. */
export const adminAfterSaleReplySchema = z.object({
  afterSale: afterSaleSchema,
  order: z.object({
    orderNo: z.string(),
    status: orderStatusSchema,
    payableFen: z.number().int(),
    refundedFen: z.number().int(),
    refundableFen: z.number().int(),
    lines: z.array(orderLineSchema),
    paidAt: z.iso.datetime().nullable(),
    shipping: orderShippingSchema.nullable(),
    recipientName: z.string(),
    phone: z.string(),
  }),
  refunds: z.array(orderRefundSchema),
});
export type AdminAfterSaleReply = z.infer<typeof adminAfterSaleReplySchema>;
