import { z } from 'zod';
import { customerGuideSchema, orderChannelSchema } from './attribution.ts';
import { orderListFilterSchema, orderSchema } from './orders.ts';
import { pageReplySchema, pagingQuery } from './paging.ts';

/**
 * Fulfilment: the merchant's order list, detail, shipping and CSV export (admin console), the logistics trace
 * (admin and storefront) and the shopper's confirmation of receipt. Field messages are Chinese: both front ends
 * show them.
 */

// --- Carriers -----------------------------------------------------------------------------------

/**
 * The carriers a merchant ships with. Codes are WeChat's express company codes (the ones 发货信息管理 takes
 * in `express_company`); the API maps each to the tracking provider's own code.
 */
export const carriers = [
  { code: 'SF', name: '顺丰速运' },
  { code: 'ZTO', name: '中通快递' },
  { code: 'YTO', name: '圆通速递' },
  { code: 'YD', name: '韵达快递' },
  { code: 'STO', name: '申通快递' },
  { code: 'JTSD', name: '极兔速递' },
  { code: 'EMS', name: 'EMS' },
  { code: 'JD', name: '京东物流' },
] as const;
export type CarrierCode = (typeof carriers)[number]['code'];
export const carrierCodes = carriers.map((carrier) => carrier.code) as [CarrierCode, ...CarrierCode[]];
export const carrierCodeSchema = z.enum(carrierCodes, { error: '请选择快递公司' });
export const carrierNames = Object.fromEntries(carriers.map((carrier) => [carrier.code, carrier.name])) as Record<CarrierCode, string>;

/** The carrier's name, or the code itself for a code no longer on the list. */
export function carrierName(code: string): string {
  return (carrierNames as Record<string, string | undefined>)[code] ?? code;
}

/** Tracking numbers: 6 to 32 letters and digits (the tracking provider's bounds), kept in upper case. */
export const trackingNoSchema = z
  .string({ error: '请填写快递单号' })
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9]{6,32}$/, '快递单号须为 6 到 32 位字母或数字');

/** `POST /api/admin/orders/:orderNo/ship`. */
export const shipOrderRequestSchema = z.strictObject({ carrier: carrierCodeSchema, trackingNo: trackingNoSchema });
export type ShipOrderRequest = z.input<typeof shipOrderRequestSchema>;

// --- The merchant's orders ----------------------------------------------------------------------

export const ADMIN_ORDER_PAGE_SIZE_MAX = 100;
/** The CSV export stops short of this many orders: a larger selection is refused, asking for narrower filters. */
export const ORDER_EXPORT_MAX_ROWS = 5000;
export const MAX_ORDER_KEYWORD_LENGTH = 32;

/** A calendar day in Asia/Shanghai, `YYYY-MM-DD`, that exists. */
const businessDaySchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式须为 YYYY-MM-DD')
  .refine((day) => {
    const parsed = new Date(`${day}T00:00:00Z`);
    return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === day;
  }, '日期不存在');

const adminOrderFilterFields = {
  status: orderListFilterSchema.optional(),
  /** An order number, a recipient's phone number or a recipient's name, matched exactly. */
  keyword: z
    .string()
    .trim()
    .min(1, '请输入搜索内容')
    .max(MAX_ORDER_KEYWORD_LENGTH, `搜索内容最多 ${MAX_ORDER_KEYWORD_LENGTH} 个字`)
    .regex(/^\P{Cc}*$/u, '搜索内容含有不支持的字符')
    .optional(),
  /** Placed on or after this Asia/Shanghai day. */
  createdFrom: businessDaySchema.optional(),
  /** Placed on or before this Asia/Shanghai day. */
  createdTo: businessDaySchema.optional(),
};

function checkDateRange(query: { createdFrom?: string; createdTo?: string }, context: z.core.$RefinementCtx): void {
  if (query.createdFrom !== undefined && query.createdTo !== undefined && query.createdFrom > query.createdTo)
    context.addIssue({ code: 'custom', path: ['createdTo'], message: '结束日期不能早于开始日期' });
}

/** The filters of the merchant's order list and of its CSV export. */
export const adminOrderFilterSchema = z.strictObject(adminOrderFilterFields).superRefine(checkDateRange);
export type AdminOrderFilter = z.output<typeof adminOrderFilterSchema>;

export const adminOrderListQuerySchema = z
  .strictObject({ ...adminOrderFilterFields, ...pagingQuery(20, ADMIN_ORDER_PAGE_SIZE_MAX) })
  .superRefine(checkDateRange);
/** What the admin console puts in the query string. */
export type AdminOrderListQuery = Partial<z.output<typeof adminOrderListQuerySchema>>;

/**
 * Where uploading the shipment to WeChat (发货信息管理) stands: `pending` until WeChat accepted it (a job retries
 * with growing pauses), `uploaded` once it did, `failed` when the retries ran out.
 */
export const shippingUploadStates = ['pending', 'uploaded', 'failed'] as const;
export const shippingUploadSchema = z.object({
  state: z.enum(shippingUploadStates),
  attempts: z.number().int(),
  lastError: z.string().optional(),
  uploadedAt: z.iso.datetime().optional(),
});
export type ShippingUpload = z.infer<typeof shippingUploadSchema>;

/** Who brought the order: its channel and the guide it is attributed to (bound at checkout or assigned at payment). */
export const orderAttributionSchema = z.object({
  channel: orderChannelSchema,
  guide: customerGuideSchema.nullable(),
  guideSource: z.enum(['binding', 'payment-assignment', 'guide-order']).nullable(),
  /** Whether WeChat Pay's smart-guide service (支付即服务) has the guide on the transaction. */
  wechatPayGuideAssigned: z.boolean(),
});
export type OrderAttribution = z.infer<typeof orderAttributionSchema>;

/** An order as the merchant sees it: the shopper's view plus the shopper id, its attribution and the WeChat shipping upload. */
export const adminOrderSchema = orderSchema.extend({
  shopperId: z.string(),
  attribution: orderAttributionSchema,
  /** Null until shipped. */
  shippingUpload: shippingUploadSchema.nullable(),
});
export type AdminOrder = z.infer<typeof adminOrderSchema>;

/** `GET /api/admin/orders/:orderNo`; `staffNames` names the staff members in the history, by id. */
export const adminOrderReplySchema = z.object({ order: adminOrderSchema, staffNames: z.record(z.string(), z.string()) });
export type AdminOrderReply = z.infer<typeof adminOrderReplySchema>;

/** Newest first. */
export const adminOrderListReplySchema = pageReplySchema(adminOrderSchema.omit({ history: true }));
export type AdminOrderListReply = z.infer<typeof adminOrderListReplySchema>;
export type AdminOrderSummary = AdminOrderListReply['items'][number];

// --- Logistics trace ----------------------------------------------------------------------------

/** Where a parcel is, as the tracking provider reports it. */
export const logisticsStates = [
  'no_record',
  'collected',
  'in_transit',
  'delivering',
  'signed',
  'exception',
  'returning',
  'returned',
  'customs',
] as const;
export const logisticsStateSchema = z.enum(logisticsStates);
export type LogisticsState = z.infer<typeof logisticsStateSchema>;

export const logisticsStateLabels: Record<LogisticsState, string> = {
  no_record: '暂无物流信息',
  collected: '已揽收',
  in_transit: '运输中',
  delivering: '派送中',
  signed: '已签收',
  exception: '物流异常',
  returning: '退回中',
  returned: '已退回',
  customs: '清关中',
};

export const logisticsEventSchema = z.object({
  at: z.iso.datetime(),
  description: z.string(),
  /** The place, when the provider names it. */
  location: z.string().optional(),
});
export type LogisticsEvent = z.infer<typeof logisticsEventSchema>;

/** `GET …/logistics`: the parcel's trace, newest event first. */
export const logisticsTraceSchema = z.object({
  carrier: z.string(),
  carrierName: z.string(),
  trackingNo: z.string(),
  state: logisticsStateSchema,
  events: z.array(logisticsEventSchema),
  /** When the provider was asked (replies are cached for a few minutes). */
  queriedAt: z.iso.datetime(),
});
export type LogisticsTrace = z.infer<typeof logisticsTraceSchema>;

export const logisticsTraceReplySchema = z.object({ trace: logisticsTraceSchema });
export type LogisticsTraceReply = z.infer<typeof logisticsTraceReplySchema>;
