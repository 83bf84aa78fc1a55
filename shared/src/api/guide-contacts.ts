import { z } from 'zod';
import { guideCardSchema, guideCodeSchema, guideStatusSchema } from './guides.ts';
import { pageReplySchema, pagingQuery } from './paging.ts';

/**
 * 付款即服务: the shopper adds their guide on WeCom (企业微信) through a 「联系我」 contact way — the official
 * contact plugin in the mini-program, a QR code in H5 — and the relations WeCom reports back.
 */

const idSchema = z.string().regex(/^[0-9a-f]{24}$/, '编号格式不正确');

/** Where the contact is shown: the mini-program (contact plugin, QR as fallback) or H5 (QR only). */
export const contactSurfaces = ['weapp', 'h5'] as const;
export const contactSurfaceSchema = z.enum(contactSurfaces);
export type ContactSurface = z.infer<typeof contactSurfaceSchema>;

export const guideContactQuerySchema = z.strictObject({ surface: contactSurfaceSchema });
export type GuideContactQuery = z.infer<typeof guideContactQuerySchema>;

/** Why there is no way to add the guide. */
export const contactUnavailableReasons = ['no_guide', 'guide_left', 'guide_without_wecom', 'wecom_unavailable'] as const;
export const contactUnavailableReasonSchema = z.enum(contactUnavailableReasons);
export type ContactUnavailableReason = z.infer<typeof contactUnavailableReasonSchema>;

export const contactUnavailableReasonLabels: Record<ContactUnavailableReason, string> = {
  no_guide: '你还没有专属导购',
  guide_left: '该导购已离职，暂时无法添加',
  guide_without_wecom: '该导购暂未开通企业微信',
  wecom_unavailable: '企业微信暂时无法连接，请稍后再试',
};

export const guideContactWaySchema = z.object({
  /** The scene-1 contact way for the WeCom contact plugin (`<cell plugid>`): weapp only, null in H5. */
  configId: z.string().nullable(),
  /** The scene-2 QR image as the API serves it (a path under the API's base URL). */
  qrCodeUrl: z.string(),
});
export type GuideContactWay = z.infer<typeof guideContactWaySchema>;

/**
 * The guide to add and how: `added` when WeCom reported this shopper added them (then there is no contact); no
 * contact otherwise comes with the reason.
 */
export const guideContactReplySchema = z.object({
  guide: guideCardSchema.nullable(),
  contact: guideContactWaySchema.nullable(),
  added: z.boolean(),
  unavailableReason: contactUnavailableReasonSchema.optional(),
});
export type GuideContactReply = z.infer<typeof guideContactReplySchema>;

/** A guide's general contact (the guide shop's entry): anyone may see it, so whether the viewer added the guide is not said. */
export const guideShopContactReplySchema = guideContactReplySchema.omit({ added: true });
export type GuideShopContactReply = z.infer<typeof guideShopContactReplySchema>;

export const guideCodeParamsSchema = z.strictObject({ code: guideCodeSchema });

/** WeCom's config ids are hex; anything else is not one. */
export const contactWayQrParamsSchema = z.strictObject({ configId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, '联系方式编号格式不正确') });

// --- Admin --------------------------------------------------------------------------------------

/** A guide's general contact way: made on first use; none for guides without a WeCom userid or who left. */
export const guideContactWayStatuses = ['ready', 'not_created', 'guide_without_wecom', 'guide_left'] as const;
export const guideContactWayStatusSchema = z.enum(guideContactWayStatuses);
export type GuideContactWayStatus = z.infer<typeof guideContactWayStatusSchema>;

export const guideContactWayStatusLabels: Record<GuideContactWayStatus, string> = {
  ready: '联系我已创建',
  not_created: '联系我待创建',
  guide_without_wecom: '未关联企业微信',
  guide_left: '已离职',
};

export const MAX_WECOM_SUMMARY_GUIDES = 100;

export const guideWecomSummaryQuerySchema = z.strictObject({
  /** Comma-separated guide ids (the guides of one list page). */
  guideIds: z
    .string()
    .transform((ids) => [...new Set(ids.split(','))])
    .pipe(z.array(idSchema).min(1).max(MAX_WECOM_SUMMARY_GUIDES)),
});

export const guideWecomSummarySchema = z.object({
  guideId: z.string(),
  contactWay: guideContactWayStatusSchema,
  /** Customers who have the guide on WeCom now. */
  addedCustomers: z.number().int(),
});
export type GuideWecomSummary = z.infer<typeof guideWecomSummarySchema>;

export const guideWecomSummaryReplySchema = z.object({ items: z.array(guideWecomSummarySchema) });
export type GuideWecomSummaryReply = z.infer<typeof guideWecomSummaryReplySchema>;

export const guideWecomReplySchema = z.object({
  guide: z.object({
    id: z.string(),
    name: z.string(),
    code: z.string(),
    storeName: z.string(),
    wecomUserId: z.string().nullable(),
    status: guideStatusSchema,
  }),
  contactWay: z.object({
    status: guideContactWayStatusSchema,
    configId: z.string().nullable(),
    qrCodeUrl: z.string().nullable(),
    createdAt: z.string().nullable(),
  }),
  customers: z.object({ added: z.number().int(), deleted: z.number().int() }),
  /** Contact ways made for one shopper (payment result page, 我的导购) not used yet: each is deleted once its shopper adds the guide. */
  pendingShopperContactWays: z.number().int(),
});
export type GuideWecomReply = z.infer<typeof guideWecomReplySchema>;

export const wecomRelationStatuses = ['added', 'deleted'] as const;
export const wecomRelationStatusSchema = z.enum(wecomRelationStatuses);
export type WecomRelationStatus = z.infer<typeof wecomRelationStatusSchema>;
export const wecomRelationStatusLabels: Record<WecomRelationStatus, string> = { added: '已添加', deleted: '已删除' };

/** Who ended a relation: the guide deleted the customer, the customer deleted the guide, or a transfer moved the customer. */
export const wecomRelationEnders = ['guide', 'customer', 'transfer'] as const;
export type WecomRelationEnder = (typeof wecomRelationEnders)[number];
export const wecomRelationEnderLabels: Record<WecomRelationEnder, string> = {
  guide: '导购删除了客户',
  customer: '客户删除了导购',
  transfer: '客户已转接',
};

/**
 * The welcome message of the latest add: sent (or already sent), lapsed (WeCom's 20 s passed), or left to WeCom's console;
 * none for a customer taken over from another guide (在职/离职继承: WeCom tells them of the change itself).
 */
export const welcomeOutcomes = ['pending', 'sent', 'expired', 'console', 'transferred'] as const;
export type WelcomeOutcome = (typeof welcomeOutcomes)[number];
export const welcomeOutcomeLabels: Record<WelcomeOutcome, string> = {
  pending: '发送中',
  sent: '已发送',
  expired: '已超时未发送',
  console: '由企业微信后台发送',
  transferred: '转接客户，不发欢迎语',
};

export const wecomRelationSchema = z.object({
  id: z.string(),
  externalUserId: z.string(),
  /** The WeChat name WeCom gave, when it was asked. */
  customerName: z.string().nullable(),
  shopper: z.object({ id: z.string(), nickname: z.string().nullable() }).nullable(),
  status: wecomRelationStatusSchema,
  addedAt: z.string(),
  deletedAt: z.string().nullable(),
  deletedBy: z.enum(wecomRelationEnders).nullable(),
  welcome: z.enum(welcomeOutcomes),
  /** The latest transfer of this customer to another guide that did not happen. */
  transferFailure: z.object({ reason: z.string(), at: z.string() }).nullable(),
});
export type WecomRelation = z.infer<typeof wecomRelationSchema>;

export const wecomRelationListQuerySchema = z.strictObject({
  status: wecomRelationStatusSchema.optional(),
  ...pagingQuery(20, 100),
});
export type WecomRelationListQuery = Partial<z.output<typeof wecomRelationListQuerySchema>>;

export const wecomRelationListReplySchema = pageReplySchema(wecomRelationSchema);
export type WecomRelationListReply = z.infer<typeof wecomRelationListReplySchema>;
