import { z } from 'zod';
import { productCardSchema } from './catalog.ts';
import { guideCardSchema, guideCodeSchema } from './guides.ts';

/**
 * The guide shop (导购小店): a guide's picks (主推), which the guide sets in the workbench and the merchant in the
 * console, and the public shop page data — the guide's card and those picks — that `pages/shop/index?g=CODE` shows
 * before the rest of the catalog.
 */

const idSchema = z.string().regex(/^[0-9a-f]{24}$/, '编号格式不正确');

/** How many products a guide may pick. */
export const MAX_GUIDE_PICKS = 20;

/** The whole ordered list at once (reordering and removing are the same write); existing products only. */
export const setGuidePicksRequestSchema = z.strictObject({
  productIds: z
    .array(idSchema)
    .max(MAX_GUIDE_PICKS, `最多推荐 ${MAX_GUIDE_PICKS} 件商品`)
    .refine((ids) => new Set(ids).size === ids.length, '同一件商品只能推荐一次'),
});
export type SetGuidePicksRequest = z.infer<typeof setGuidePicksRequestSchema>;

/** A picked product as its editor sees it: the product card, and whether shoppers see it now (only on-sale picks are shown). */
export const guidePickSchema = productCardSchema.extend({ onSale: z.boolean() });
export type GuidePick = z.infer<typeof guidePickSchema>;

/** The guide's picks in their order (a product deleted since is left out). */
export const guidePicksReplySchema = z.object({ items: z.array(guidePickSchema) });
export type GuidePicksReply = z.infer<typeof guidePicksReplySchema>;

/** `:code` of the shop path, in any case. */
export const guideShopParamsSchema = z.strictObject({ code: guideCodeSchema });

/** What the guide shop shows above the catalog: the guide's banner and their on-sale picks, in the guide's order. */
export const guideShopReplySchema = z.object({
  guide: guideCardSchema,
  picks: z.array(productCardSchema),
});
export type GuideShopReply = z.infer<typeof guideShopReplySchema>;
