import { z } from 'zod';
import { wecomRelationStatusSchema } from './guide-contacts.ts';
import { guideCardSchema, guideCodeSchema } from './guides.ts';
import { pageReplySchema, pagingQuery } from './paging.ts';

/**
 * Attribution (导购归属): guide touches, the shopper's binding to one guide with its protection period, the
 * binding's history, and the channel an order came through.
 */

const idSchema = z.string().regex(/^[0-9a-f]{24}$/, '编号格式不正确');

/** How a shopper reached a guide: the guide's shop link, a product or live-room share, a poster, or a cart the guide built. */
export const touchChannels = ['shop-link', 'product-share', 'live-room', 'poster', 'guide-order'] as const;
export const touchChannelSchema = z.enum(touchChannels);
export type TouchChannel = z.infer<typeof touchChannelSchema>;

/** An order's channel: the touch it came from, or `direct` when none. */
export const orderChannels = [...touchChannels, 'direct'] as const;
export const orderChannelSchema = z.enum(orderChannels);
export type OrderChannel = z.infer<typeof orderChannelSchema>;

export const orderChannelLabels: Record<OrderChannel, string> = {
  'shop-link': '导购店铺',
  'product-share': '商品分享',
  'live-room': '直播间',
  poster: '导购海报',
  'guide-order': '代客下单',
  direct: '自然进店',
};

/** Why a shopper's binding changed. */
export const bindingReasons = ['first-touch', 'lapsed-touch', 'wecom-add', 'payment-assignment', 'reassignment'] as const;
export const bindingReasonSchema = z.enum(bindingReasons);
export type BindingReason = z.infer<typeof bindingReasonSchema>;

export const bindingReasonLabels: Record<BindingReason, string> = {
  'first-touch': '首次通过导购进店',
  'lapsed-touch': '保护期结束后通过导购进店',
  'wecom-add': '添加了导购的企业微信',
  'payment-assignment': '付款时分配导购',
  reassignment: '商家转移客户',
};

/**
 * What a touch did to the binding: bound a shopper who had no guide, rebound one whose protection had lapsed,
 * met the guide already bound (protection running), or was kept out by another guide's protection.
 */
export const touchEffects = ['bound', 'rebound', 'same-guide', 'protected'] as const;
export const touchEffectSchema = z.enum(touchEffects);
export type TouchEffect = z.infer<typeof touchEffectSchema>;

export const recordTouchRequestSchema = z.strictObject({
  guideCode: guideCodeSchema,
  channel: touchChannelSchema,
  productId: idSchema.optional(),
  liveRoomId: z.string().trim().min(1).max(64).optional(),
});
export type RecordTouchRequest = z.input<typeof recordTouchRequestSchema>;

export const recordTouchReplySchema = z.object({
  effect: touchEffectSchema,
  /** The shopper's guide after the touch. */
  guide: guideCardSchema,
});
export type RecordTouchReply = z.infer<typeof recordTouchReplySchema>;

/** The current binding with the sentence that explains it. */
export const bindingExplanationSchema = z.object({
  guide: guideCardSchema,
  since: z.string(),
  /** Null when protection is permanent (the merchant set 0 days). */
  protectedUntil: z.string().nullable(),
  /** Whether another guide's touch would be kept out now. */
  protectedNow: z.boolean(),
  reason: bindingReasonSchema,
  explanation: z.string(),
});
export type BindingExplanation = z.infer<typeof bindingExplanationSchema>;

export const myGuideReplySchema = z.object({ binding: bindingExplanationSchema.nullable() });
export type MyGuideReply = z.infer<typeof myGuideReplySchema>;

// --- Settings -----------------------------------------------------------------------------------

export const DEFAULT_PROTECTION_DAYS = 30;
export const MAX_PROTECTION_DAYS = 3650;

export const attributionSettingsSchema = z.object({
  /** 0 = protected permanently. */
  protectionDays: z.number().int(),
  /** The store whose active guides take shoppers without a guide at payment; null = every open store's. */
  assignmentStoreId: z.string().nullable(),
  updatedAt: z.string().nullable(),
});
export type AttributionSettings = z.infer<typeof attributionSettingsSchema>;

export const attributionSettingsReplySchema = z.object({ settings: attributionSettingsSchema });
export type AttributionSettingsReply = z.infer<typeof attributionSettingsReplySchema>;

export const updateAttributionSettingsRequestSchema = z
  .strictObject({
    protectionDays: z
      .number('保护期须为整数天')
      .int('保护期须为整数天')
      .min(0, '保护期不能为负数')
      .max(MAX_PROTECTION_DAYS, `保护期最多 ${MAX_PROTECTION_DAYS} 天`)
      .optional(),
    assignmentStoreId: idSchema.nullable().optional(),
  })
  .refine((request) => Object.keys(request).length > 0, '没有要修改的内容');
export type UpdateAttributionSettingsRequest = z.infer<typeof updateAttributionSettingsRequestSchema>;

// --- Customers in the console -------------------------------------------------------------------

export const customerGuideSchema = z.object({ id: z.string(), name: z.string(), code: z.string(), storeName: z.string() });

export const customerListItemSchema = z.object({
  id: z.string(),
  nickname: z.string().nullable(),
  /** Masked: 138****5678. */
  phone: z.string().nullable(),
  createdAt: z.string(),
  guide: customerGuideSchema.nullable(),
  boundSince: z.string().nullable(),
  protectedUntil: z.string().nullable(),
  /** Whether the customer has their bound guide on WeCom now. */
  wecomLinked: z.boolean(),
});
export type CustomerListItem = z.infer<typeof customerListItemSchema>;

export const MAX_CUSTOMER_PAGE_SIZE = 100;

export const customerListQuerySchema = z.strictObject({
  guideId: idSchema.optional(),
  /** Customers with no guide yet. */
  unbound: z.enum(['true']).optional(),
  /** Matches the nickname or the phone number. */
  keyword: z.string().trim().min(1).max(50).optional(),
  ...pagingQuery(20, MAX_CUSTOMER_PAGE_SIZE),
});
export type CustomerListQuery = Partial<z.output<typeof customerListQuerySchema>>;

export const customerListReplySchema = pageReplySchema(customerListItemSchema);
export type CustomerListReply = z.infer<typeof customerListReplySchema>;

export const bindingChangeSchema = z.object({
  at: z.string(),
  reason: bindingReasonSchema,
  from: customerGuideSchema.nullable(),
  to: customerGuideSchema,
  /** The touch's channel when a touch made the change. */
  channel: touchChannelSchema.nullable(),
  /** The staff member who moved the customer (reassignments). */
  by: z.string().nullable(),
});
export type BindingChange = z.infer<typeof bindingChangeSchema>;

export const customerTouchSchema = z.object({
  at: z.string(),
  guide: customerGuideSchema,
  channel: touchChannelSchema,
  effect: touchEffectSchema,
});
export type CustomerTouch = z.infer<typeof customerTouchSchema>;

export const MAX_LISTED_TOUCHES = 50;

/** The customer on a guide's WeCom: added (and when), or deleted since. */
export const customerWecomRelationSchema = z.object({
  guide: customerGuideSchema,
  status: wecomRelationStatusSchema,
  addedAt: z.string(),
  deletedAt: z.string().nullable(),
});
export type CustomerWecomRelation = z.infer<typeof customerWecomRelationSchema>;

export const customerBindingReplySchema = z.object({
  customer: customerListItemSchema,
  binding: bindingExplanationSchema.nullable(),
  history: z.array(bindingChangeSchema),
  /** The latest touches, newest first (at most MAX_LISTED_TOUCHES). */
  touches: z.array(customerTouchSchema),
  /** Every guide the customer added on WeCom, latest first. */
  wecom: z.array(customerWecomRelationSchema),
});
export type CustomerBindingReply = z.infer<typeof customerBindingReplySchema>;

export const customerIdParamsSchema = z.strictObject({ id: idSchema });

// --- A guide's own customers (the workbench's 我的客户) -------------------------------------------

/** The customer's latest paid order. */
export const guideCustomerPurchaseSchema = z.object({ orderNo: z.string(), paidAt: z.string(), payableFen: z.number().int() });
export type GuideCustomerPurchase = z.infer<typeof guideCustomerPurchaseSchema>;

export const guideCustomerSchema = z.object({
  id: z.string(),
  nickname: z.string().nullable(),
  /** Masked: 138****5678. */
  phone: z.string().nullable(),
  boundSince: z.string(),
  /** Null when protection is permanent. */
  protectedUntil: z.string().nullable(),
  reason: bindingReasonSchema,
  /** Null before the customer's first payment. */
  lastPurchase: guideCustomerPurchaseSchema.nullable(),
  /** Whether the customer has this guide on WeCom now. */
  wecomAdded: z.boolean(),
});
export type GuideCustomer = z.infer<typeof guideCustomerSchema>;

export const guideCustomerListQuerySchema = z.strictObject({
  /** Matches the nickname or the phone number. */
  keyword: z.string().trim().min(1).max(50).optional(),
  ...pagingQuery(20, MAX_CUSTOMER_PAGE_SIZE),
});
export type GuideCustomerListQuery = Partial<z.output<typeof guideCustomerListQuerySchema>>;

export const guideCustomerListReplySchema = pageReplySchema(guideCustomerSchema);
export type GuideCustomerListReply = z.infer<typeof guideCustomerListReplySchema>;
