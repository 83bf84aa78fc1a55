import { z } from 'zod';
import { guideCardSchema } from './guides.ts';
import { guideCartTokenSchema, orderItemInputSchema, orderStatusSchema, previewLineSchema } from './orders.ts';
import { pageReplySchema, pagingQuery } from './paging.ts';

/**
 * Guide-placed orders (代客下单): a guide builds a cart for a customer (导购推荐购物车) and shares it; whoever opens
 * the share sees the lines at today's prices and checks them out, and the order is attributed to that guide.
 */

const idSchema = z.string().regex(/^[0-9a-f]{24}$/, '编号格式不正确');

/** At most this many lines in one guide cart. */
export const MAX_GUIDE_CART_LINES = 20;
export const MAX_GUIDE_CART_NOTE_LENGTH = 100;
/** A guide cart can be checked out for this long after it is made. */
export const GUIDE_CART_VALID_DAYS = 7;
/** The storefront page a guide cart opens on (miniapp/src/packages/guide-cart). */
export const GUIDE_CART_PAGE = 'packages/guide-cart/index';

/** `packages/guide-cart/index?t=TOKEN`: the mini-program share path (the H5 link is the same path under the storefront). */
export function guideCartSharePath(token: string): string {
  return `${GUIDE_CART_PAGE}?t=${token}`;
}

export const createGuideCartRequestSchema = z.strictObject({
  items: z
    .array(orderItemInputSchema)
    .min(1, '请选择商品')
    .max(MAX_GUIDE_CART_LINES, `最多推荐 ${MAX_GUIDE_CART_LINES} 种商品`)
    .refine((items) => new Set(items.map((item) => item.skuId)).size === items.length, '商品重复'),
  note: z
    .string()
    .trim()
    .max(MAX_GUIDE_CART_NOTE_LENGTH, `留言最多 ${MAX_GUIDE_CART_NOTE_LENGTH} 个字`)
    .regex(/^\P{Cc}*$/u, '留言含有不支持的字符')
    .optional(),
  /** Only this customer (a shopper) may check it out; absent: anyone the guide shares it with. */
  customerId: idSchema.optional(),
});
export type CreateGuideCartRequest = z.infer<typeof createGuideCartRequestSchema>;

/**
 * `open` until it is withdrawn by the guide, expires (GUIDE_CART_VALID_DAYS), or its guide leaves; only an open
 * cart can be checked out.
 */
export const guideCartStatuses = ['open', 'withdrawn', 'expired', 'guide-left'] as const;
export const guideCartStatusSchema = z.enum(guideCartStatuses);
export type GuideCartStatus = z.infer<typeof guideCartStatusSchema>;

export const guideCartStatusLabels: Record<GuideCartStatus, string> = {
  open: '分享中',
  withdrawn: '已撤回',
  expired: '已过期',
  'guide-left': '导购已离职',
};

/** The cart's lines at the catalog's current prices and stock, and the total of those that can be bought. */
const pricedLinesFields = {
  lines: z.array(previewLineSchema),
  itemsTotalFen: z.number().int(),
};

/** An order placed from a guide cart, as its guide sees it. */
export const guideCartOrderSchema = z.object({
  orderNo: z.string(),
  status: orderStatusSchema,
  payableFen: z.number().int(),
  createdAt: z.iso.datetime(),
});
export type GuideCartOrder = z.infer<typeof guideCartOrderSchema>;

/** At most this many of a cart's orders are listed with it (newest first); `orderCount` counts them all. */
export const MAX_LISTED_GUIDE_CART_ORDERS = 10;

/** A guide cart as its guide sees it: how to share it, where it stands, and the orders that came from it. */
export const guideCartSchema = z.object({
  token: z.string(),
  /** The mini-program path to share (`packages/guide-cart/index?t=TOKEN`). */
  sharePath: z.string(),
  /** The same page in the H5 storefront. */
  shareUrl: z.string(),
  status: guideCartStatusSchema,
  note: z.string().nullable(),
  /** The customer it is meant for, when only they may check it out. */
  customer: z.object({ id: z.string(), nickname: z.string().nullable() }).nullable(),
  ...pricedLinesFields,
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  withdrawnAt: z.iso.datetime().nullable(),
  orderCount: z.number().int(),
  orders: z.array(guideCartOrderSchema),
});
export type GuideCart = z.infer<typeof guideCartSchema>;

export const guideCartReplySchema = z.object({ guideCart: guideCartSchema });
export type GuideCartReply = z.infer<typeof guideCartReplySchema>;

export const MAX_GUIDE_CART_PAGE_SIZE = 50;

export const guideCartListQuerySchema = z.strictObject({ ...pagingQuery(10, MAX_GUIDE_CART_PAGE_SIZE) });
export type GuideCartListQuery = Partial<z.output<typeof guideCartListQuerySchema>>;

/** Newest first. */
export const guideCartListReplySchema = pageReplySchema(guideCartSchema);
export type GuideCartListReply = z.infer<typeof guideCartListReplySchema>;

export const guideCartTokenParamsSchema = z.strictObject({ token: guideCartTokenSchema });

/** `GET /api/guide-carts/:token`: what the customer opening the share sees. */
export const sharedGuideCartReplySchema = z.object({
  guide: guideCardSchema,
  status: guideCartStatusSchema,
  note: z.string().nullable(),
  ...pricedLinesFields,
  expiresAt: z.iso.datetime(),
});
export type SharedGuideCartReply = z.infer<typeof sharedGuideCartReplySchema>;
