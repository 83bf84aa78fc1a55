import { z } from 'zod';
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
const addressSchema = z.string().trim().max(100, '地址最多 100 个字');

export const storeSchema = z.object({
  id: z.string(),
  name: z.string(),
  address: z.string(),
  phone: z.string(),
  status: storeStatusSchema,
  /** Guides of the store who have not left. */
  activeGuideCount: z.number().int(),
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
});
export type CreateStoreRequest = z.infer<typeof createStoreRequestSchema>;

/** Changes the fields given (an empty string clears address or phone); closing a store keeps its guides. */
export const updateStoreRequestSchema = z
  .strictObject({
    name: storeNameSchema.optional(),
    address: addressSchema.optional(),
    phone: z.union([z.literal(''), phoneSchema]).optional(),
    status: storeStatusSchema.optional(),
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
});
export type Guide = z.infer<typeof guideSchema>;

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
