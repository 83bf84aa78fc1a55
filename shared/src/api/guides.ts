import { z } from 'zod';
import { storedImageSchema } from './catalog.ts';
import { pageReplySchema, pagingQuery } from './paging.ts';

/**
 * Stores, their guides (导购) and the invitation codes that bind a guide to a WeChat user of the mini-program.
 * Field messages are Chinese because the admin console and the workbench show them next to their fields.
 */

const idSchema = z.string().regex(/^[0-9a-f]{24}$/, '编号格式不正确');

/** The guide's short code and invitation codes are drawn from it: no 0/O, 1/I/L, so a code read aloud or typed is not misread. */
export const UNAMBIGUOUS_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const GUIDE_CODE_LENGTH = 6;
export const INVITATION_CODE_LENGTH = 8;
/** How long an invitation code can be redeemed after it is issued. */
export const INVITATION_VALID_DAYS = 7;

const codeOf = (length: number, message: string) =>
  z
    .string()
    .trim()
    .transform((code) => code.toUpperCase())
    .pipe(z.string().regex(new RegExp(`^[${UNAMBIGUOUS_CODE_ALPHABET}]{${length}}$`), message));

const phoneSchema = z
  .string()
  .trim()
  .regex(/^[0-9+\-\s]{5,20}$/, '电话号码格式不正确');

// --- Stores -------------------------------------------------------------------------------------

export const storeStatuses = ['active', 'closed'] as const;
export const storeStatusSchema = z.enum(storeStatuses);
export type StoreStatus = z.infer<typeof storeStatusSchema>;

const storeNameSchema = z.string().trim().min(1, '请填写门店名称').max(30, '门店名称最多 30 个字');
/** The store's 门店ID in WeChat Pay's merchant platform: its guides are registered for 支付即服务 under it. */
const wechatPayStoreIdSchema = z.int({ error: '微信支付门店 ID 须为正整数' }).positive('微信支付门店 ID 须为正整数').nullable();
const addressSchema = z.string().trim().max(100, '地址最多 100 个字');

export const storeSchema = z.object({
  id: z.string(),
  name: z.string(),
  address: z.string(),
  phone: z.string(),
  status: storeStatusSchema,
  /** Guides of the store who have not left. */
  activeGuideCount: z.number().int(),
  /** The store's id in WeChat Pay (门店ID), or null until set: its guides can be registered for 支付即服务 once it is. */
  wechatPayStoreId: z.number().int().nullable(),
  createdAt: z.string(),
});
export type Store = z.infer<typeof storeSchema>;

export const storeListReplySchema = z.object({ items: z.array(storeSchema) });
export type StoreListReply = z.infer<typeof storeListReplySchema>;

export const storeReplySchema = z.object({ store: storeSchema });
export type StoreReply = z.infer<typeof storeReplySchema>;

export const createStoreRequestSchema = z.strictObject({
  name: storeNameSchema,
  address: addressSchema.optional(),
  phone: z.union([z.literal(''), phoneSchema]).optional(),
  wechatPayStoreId: wechatPayStoreIdSchema.optional(),
});
export type CreateStoreRequest = z.infer<typeof createStoreRequestSchema>;

/**
 * Changes the fields given (an empty string clears address or phone, null the WeChat Pay store id); closing a store
 * keeps its guides. Another WeChat Pay store id ends its guides' 支付即服务 registrations (they were made under the old one).
 */
export const updateStoreRequestSchema = z
  .strictObject({
    name: storeNameSchema.optional(),
    address: addressSchema.optional(),
    phone: z.union([z.literal(''), phoneSchema]).optional(),
    status: storeStatusSchema.optional(),
    wechatPayStoreId: wechatPayStoreIdSchema.optional(),
  })
  .refine((request) => Object.keys(request).length > 0, '没有要修改的内容');
export type UpdateStoreRequest = z.infer<typeof updateStoreRequestSchema>;

// --- Guides -------------------------------------------------------------------------------------

export const guideStatuses = ['active', 'left'] as const;
export const guideStatusSchema = z.enum(guideStatuses);
export type GuideStatus = z.infer<typeof guideStatusSchema>;

export const guideCodeSchema = codeOf(GUIDE_CODE_LENGTH, '导购码格式不正确');
const guideNameSchema = z.string().trim().min(1, '请填写导购姓名').max(20, '导购姓名最多 20 个字');
/** WeCom member userids: letters, digits and `_ - . @`, at most 64 characters. */
const wecomUserIdSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_\-.@]{1,64}$/, '企业微信账号只能包含字母、数字和 _ - . @，最多 64 位');

export const guideSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** Stable and unique: shop links and mini-program codes carry it (`g=CODE`). */
  code: z.string(),
  storeId: z.string(),
  storeName: z.string(),
  wecomUserId: z.string().nullable(),
  phone: z.string(),
  status: guideStatusSchema,
  /** Whether a WeChat user has redeemed an invitation for this guide (the workbench signs in as them). */
  bound: z.boolean(),
  createdAt: z.string(),
  leftAt: z.string().nullable(),
  /** The guide's photo (uploaded by staff or by the guide in the workbench), or null: then an initial stands in. */
  avatarUrl: z.string().nullable(),
  /** The mini-program path of the guide's shop, `pages/shop/index?g=CODE` (shares and `navigateTo` add a leading `/`). */
  shopPath: z.string(),
  /** The H5 storefront's address of the guide's shop. */
  shopUrl: z.string(),
  /**
   * The guide's id in WeChat Pay's smart-guide service (支付即服务), or null until registered: orders attributed to a
   * registered guide are assigned to them in WeChat Pay too. Moving the guide to another store or changing their
   * WeCom userid ends the registration.
   */
  wechatPayGuideId: z.string().nullable(),
});
export type Guide = z.infer<typeof guideSchema>;

/** The guide as shoppers see them: the guide shop banner, the payment result page, "my guide". */
export const guideCardSchema = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  avatarUrl: z.string().nullable(),
  storeName: z.string(),
});
export type GuideCard = z.infer<typeof guideCardSchema>;

export const guideReplySchema = z.object({ guide: guideSchema });
export type GuideReply = z.infer<typeof guideReplySchema>;

export const MAX_GUIDE_PAGE_SIZE = 100;

export const guideListQuerySchema = z.strictObject({
  storeId: idSchema.optional(),
  status: guideStatusSchema.optional(),
  /** Matches name, code, phone or WeCom userid. */
  keyword: z.string().trim().min(1).max(50).optional(),
  ...pagingQuery(20, MAX_GUIDE_PAGE_SIZE),
});
export type GuideListQuery = Partial<z.output<typeof guideListQuerySchema>>;

export const guideListReplySchema = pageReplySchema(guideSchema);
export type GuideListReply = z.infer<typeof guideListReplySchema>;

export const createGuideRequestSchema = z.strictObject({
  name: guideNameSchema,
  storeId: idSchema,
  wecomUserId: wecomUserIdSchema.optional(),
  phone: z.union([z.literal(''), phoneSchema]).optional(),
});
export type CreateGuideRequest = z.infer<typeof createGuideRequestSchema>;

/** Changes the fields given; `wecomUserId: null` unlinks the WeCom account, an empty phone clears it. */
export const updateGuideRequestSchema = z
  .strictObject({
    name: guideNameSchema.optional(),
    storeId: idSchema.optional(),
    wecomUserId: wecomUserIdSchema.nullable().optional(),
    phone: z.union([z.literal(''), phoneSchema]).optional(),
  })
  .refine((request) => Object.keys(request).length > 0, '没有要修改的内容');
export type UpdateGuideRequest = z.infer<typeof updateGuideRequestSchema>;

export const guideIdParamsSchema = z.strictObject({ id: idSchema });

// --- Shop entry: mini-program code, H5 link, posters ------------------------------------------------

/** Who scans a poster: the mini-program (its code opens the guide's shop page) or a browser (a QR of the H5 shop link). */
export const posterSurfaces = ['weapp', 'h5'] as const;
export const posterSurfaceSchema = z.enum(posterSurfaces, { error: '海报类型只能是 weapp 或 h5' });
export type PosterSurface = z.infer<typeof posterSurfaceSchema>;

export const posterQuerySchema = z.strictObject({ surface: posterSurfaceSchema });
export type PosterQuery = z.infer<typeof posterQuerySchema>;

/** The file name a downloaded poster is saved under. */
export function posterFileName(code: string, surface: PosterSurface): string {
  return surface === 'weapp' ? `poster-${code}.png` : `poster-${code}-h5.png`;
}

/** The file name a downloaded mini-program code is saved under. */
export function shopCodeFileName(code: string): string {
  return `shop-code-${code}.png`;
}

/**
 * Everything a guide hands out to bring shoppers to their shop. The images are public stored images (content
 * addressed, like product photos): they carry nothing but the public shop link, so a page shows them with a plain
 * image URL, which mini-program `<Image>`, `Taro.downloadFile` and the console's `<img>` can load without a token.
 */
export const guideShopAssetsSchema = z.object({
  code: z.string(),
  shopPath: z.string(),
  shopUrl: z.string(),
  /** The mini-program code (scene `g=CODE`) that opens the guide's shop page. */
  miniProgramCode: storedImageSchema,
  posters: z.object({ weapp: storedImageSchema, h5: storedImageSchema }),
});
export type GuideShopAssets = z.infer<typeof guideShopAssetsSchema>;

export const guideShopAssetsReplySchema = z.object({ assets: guideShopAssetsSchema });
export type GuideShopAssetsReply = z.infer<typeof guideShopAssetsReplySchema>;

// --- Invitations --------------------------------------------------------------------------------

export const invitationCodeSchema = codeOf(INVITATION_CODE_LENGTH, '邀请码为 8 位字母或数字');

export const guideInvitationSchema = z.object({
  code: z.string(),
  guideId: z.string(),
  expiresAt: z.string(),
});
export type GuideInvitation = z.infer<typeof guideInvitationSchema>;

export const guideInvitationReplySchema = z.object({ invitation: guideInvitationSchema });
export type GuideInvitationReply = z.infer<typeof guideInvitationReplySchema>;

export const redeemInvitationRequestSchema = z.strictObject({ code: invitationCodeSchema });
export type RedeemInvitationRequest = z.input<typeof redeemInvitationRequestSchema>;
