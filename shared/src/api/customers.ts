import { z } from 'zod';

/**
 * Shoppers: WeChat sign-in, their profile and their delivery addresses. Field messages are Chinese because
 * the storefront shows them next to the fields it validates with these same schemas.
 */

/** A shopper as they see themselves. The WeChat ids stay on the server. */
export const shopperSchema = z.object({
  id: z.string(),
  /** Absent until the shopper sets one (WeChat no longer hands out nicknames at login). */
  nickname: z.string().optional(),
  avatarUrl: z.string().optional(),
  /** Present once the shopper has granted it. */
  phone: z.string().optional(),
  createdAt: z.iso.datetime(),
  lastLoginAt: z.iso.datetime(),
});
export type Shopper = z.infer<typeof shopperSchema>;

/** The code `wx.login` gives the mini-program (the same characters WeChat's jscode2session accepts). */
export const shopperLoginRequestSchema = z.strictObject({
  code: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be the code from wx.login'),
});
export type ShopperLoginRequest = z.infer<typeof shopperLoginRequestSchema>;

export const shopperLoginReplySchema = z.object({
  /** Send as `Authorization: Bearer <token>` on shopper calls. */
  token: z.string(),
  expiresAt: z.iso.datetime(),
  shopper: shopperSchema,
});
export type ShopperLoginReply = z.infer<typeof shopperLoginReplySchema>;

export const shopperReplySchema = z.object({ shopper: shopperSchema });
export type ShopperReply = z.infer<typeof shopperReplySchema>;

/** No control characters (line breaks, escapes): they break the pages and labels that show the text. */
const NO_CONTROL_CHARACTERS = /^\P{Cc}*$/u;

export const updateShopperProfileRequestSchema = z
  .strictObject({
    nickname: z
      .string()
      .trim()
      .min(1, '请填写昵称')
      .max(32, '昵称最多 32 个字')
      .regex(NO_CONTROL_CHARACTERS, '昵称含有不支持的字符')
      .optional(),
    avatarUrl: z
      .url({ protocol: /^https?$/, error: '头像地址须为 http(s) 链接' })
      .max(512, '头像地址过长')
      .optional(),
  })
  .refine((request) => request.nickname !== undefined || request.avatarUrl !== undefined, { error: '没有要修改的内容' });
export type UpdateShopperProfileRequest = z.infer<typeof updateShopperProfileRequestSchema>;

/** Development only: a test user's login code from the sandbox, for the H5 build, which has no wx.login. */
export const sandboxLoginCodeRequestSchema = z.strictObject({
  user: z
    .string()
    .trim()
    .regex(/^[\p{L}\p{N}_.@-]{1,64}$/u, '测试用户名须为 1 到 64 个字母、数字或 _ . @ -'),
});
export type SandboxLoginCodeRequest = z.infer<typeof sandboxLoginCodeRequestSchema>;

export const sandboxLoginCodeReplySchema = z.object({ code: z.string() });
export type SandboxLoginCodeReply = z.infer<typeof sandboxLoginCodeReplySchema>;

/** A shopper keeps at most this many delivery addresses. */
export const MAX_ADDRESSES_PER_SHOPPER = 20;

/** Mainland China mobile numbers: 11 digits starting 13 to 19. */
export const CN_MOBILE = /^1[3-9]\d{9}$/;

function requiredText(missing: string, max: number, tooLong: string) {
  return z.string({ error: missing }).trim().min(1, missing).max(max, tooLong).regex(NO_CONTROL_CHARACTERS, '含有不支持的字符');
}

/** What the shopper fills in; `isDefault: true` makes it the default address. */
export const addressInputSchema = z.strictObject({
  recipientName: requiredText('请填写收货人', 20, '收货人最多 20 个字'),
  phone: z.string({ error: '请填写手机号' }).trim().regex(CN_MOBILE, '请填写正确的 11 位手机号'),
  province: requiredText('请填写省份', 20, '省份最多 20 个字'),
  city: requiredText('请填写城市', 20, '城市最多 20 个字'),
  district: requiredText('请填写区县', 20, '区县最多 20 个字'),
  detail: requiredText('请填写详细地址', 120, '详细地址最多 120 个字'),
  isDefault: z.boolean({ error: '默认地址须为是或否' }).optional(),
});
export type AddressInput = z.input<typeof addressInputSchema>;
export type ParsedAddressInput = z.output<typeof addressInputSchema>;

/** The fields of a delivery address; orders keep a copy of them (`addressSnapshotSchema`). */
export const addressFieldsSchema = z.object({
  recipientName: z.string(),
  phone: z.string(),
  province: z.string(),
  city: z.string(),
  district: z.string(),
  detail: z.string(),
});
export type AddressFields = z.infer<typeof addressFieldsSchema>;

export const addressSchema = z.object({
  id: z.string(),
  ...addressFieldsSchema.shape,
  /** Exactly one of a shopper's addresses is the default while they have any. */
  isDefault: z.boolean(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Address = z.infer<typeof addressSchema>;

export const addressIdParamsSchema = z.object({ id: z.string().regex(/^[a-f0-9]{24}$/, 'must be an address id') });

export const addressReplySchema = z.object({ address: addressSchema });
export type AddressReply = z.infer<typeof addressReplySchema>;

/** The default address first, then the most recently added. */
export const addressListReplySchema = z.object({ items: z.array(addressSchema), limit: z.number().int() });
export type AddressListReply = z.infer<typeof addressListReplySchema>;
