import { z } from 'zod';

export const staffRoles = ['owner', 'operator', 'store_manager', 'viewer'] as const;
export const staffRoleSchema = z.enum(staffRoles);
export type StaffRole = z.infer<typeof staffRoleSchema>;

/** Usernames are case-insensitive: stored and compared in lower case. */
export const staffUsernameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(3)
  .max(32)
  .regex(/^[a-z0-9][a-z0-9_.-]*$/, 'letters, digits, "_", "." and "-", starting with a letter or digit');

export const staffPasswordSchema = z.string().min(10).max(128);

export const staffSchema = z.object({
  id: z.string(),
  username: z.string(),
  role: staffRoleSchema,
  /** The store a store manager is limited to; absent for brand-wide roles. */
  storeId: z.string().optional(),
  active: z.boolean(),
  createdAt: z.iso.datetime(),
});
export type Staff = z.infer<typeof staffSchema>;

/** Looser than account creation on purpose: a malformed username simply fails like a wrong one. */
export const staffLoginRequestSchema = z.strictObject({
  username: z.string().trim().toLowerCase().min(1).max(64),
  password: z.string().min(1).max(256),
});
export type StaffLoginRequest = z.infer<typeof staffLoginRequestSchema>;

export const staffLoginReplySchema = z.object({
  /** Send as `Authorization: Bearer <token>`. */
  token: z.string(),
  expiresAt: z.iso.datetime(),
  staff: staffSchema,
});
export type StaffLoginReply = z.infer<typeof staffLoginReplySchema>;

export const createStaffRequestSchema = z
  .strictObject({
    username: staffUsernameSchema,
    password: staffPasswordSchema,
    role: staffRoleSchema,
    storeId: z.string().trim().min(1).max(64).optional(),
  })
  .superRefine((request, ctx) => {
    if (request.role === 'store_manager' && request.storeId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['storeId'], message: 'a store manager needs the store they manage' });
    }
    if (request.role !== 'store_manager' && request.storeId !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['storeId'], message: 'only store managers belong to a store' });
    }
  });
export type CreateStaffRequest = z.infer<typeof createStaffRequestSchema>;

/** One staff member: the signed-in one (`GET /api/staff/me`) or the one just created. */
export const staffReplySchema = z.object({ staff: staffSchema });
export type StaffReply = z.infer<typeof staffReplySchema>;

export const staffListReplySchema = z.object({ items: z.array(staffSchema) });
export type StaffListReply = z.infer<typeof staffListReplySchema>;
