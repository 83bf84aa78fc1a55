import {
  createStaffRequestSchema,
  staffListReplySchema,
  staffLoginReplySchema,
  staffLoginRequestSchema,
  staffReplySchema,
} from '@mall/shared';
import { isDuplicateKeyError } from '../db/errors.ts';
import { AppError } from '../http/errors.ts';
import { defineRoute, type Route } from '../http/routes.ts';
import { signedInStaff } from './auth.ts';
import { clearLoginFailures, loginThrottleKey, takeLoginSlot } from './login-throttle.ts';
import { toStaffView, type StaffAccount, type StaffModels } from './models.ts';
import { decoyPasswordHash, hashPassword, verifyPassword } from './passwords.ts';
import { createSession, endSession } from './sessions.ts';

export function staffRoutes(models: StaffModels): Route[] {
  return [
    defineRoute({
      operationId: 'staffLogin',
      method: 'post',
      path: '/api/staff/login',
      summary: 'Sign in to the admin console',
      tag: 'staff',
      access: 'public',
      body: staffLoginRequestSchema,
      reply: { status: 200, description: 'Signed in: a bearer token valid for 12 hours', schema: staffLoginReplySchema },
      errors: ['INVALID_CREDENTIALS', 'RATE_LIMITED'],
      async handle(ctx, { body }) {
        const throttleKey = loginThrottleKey(body.username, ctx.ip);
        const slot = await takeLoginSlot(models, throttleKey);
        if (!slot.allowed) throw new AppError('RATE_LIMITED', { headers: { 'Retry-After': String(slot.retryAfterSeconds) } });
        const account = await models.StaffAccount.findOne({ username: body.username }).lean<StaffAccount>();
        const passwordMatches = await verifyPassword(body.password, account?.passwordHash ?? (await decoyPasswordHash()));
        // One answer for unknown user, wrong password and deactivated account: no account enumeration.
        if (!account || !passwordMatches || !account.active) {
          ctx.state.log.warn({ username: body.username, ip: ctx.ip }, 'staff sign-in failed');
          throw new AppError('INVALID_CREDENTIALS');
        }
        await clearLoginFailures(models, throttleKey);
        const session = await createSession(models, account._id);
        ctx.state.log.info({ staffId: account._id.toHexString() }, 'staff signed in');
        return { token: session.token, expiresAt: session.expiresAt.toISOString(), staff: toStaffView(account) };
      },
    }),
    defineRoute({
      operationId: 'staffLogout',
      method: 'post',
      path: '/api/staff/logout',
      summary: 'Sign out (ends the session of the token used)',
      tag: 'staff',
      access: 'signed-in',
      reply: { status: 204, description: 'Signed out', schema: undefined },
      async handle(ctx) {
        await endSession(models, signedInStaff(ctx).sessionId);
      },
    }),
    defineRoute({
      operationId: 'staffMe',
      method: 'get',
      path: '/api/staff/me',
      summary: 'The signed-in staff member',
      tag: 'staff',
      access: 'signed-in',
      reply: { status: 200, description: 'The account behind the token', schema: staffReplySchema },
      async handle(ctx) {
        return { staff: toStaffView(signedInStaff(ctx).staff) };
      },
    }),
    defineRoute({
      operationId: 'staffList',
      method: 'get',
      path: '/api/staff',
      summary: 'List staff accounts',
      tag: 'staff',
      access: 'staff.list',
      reply: { status: 200, description: 'Every staff account, oldest first', schema: staffListReplySchema },
      async handle() {
        const accounts = await models.StaffAccount.find().sort({ createdAt: 1, _id: 1 }).lean<StaffAccount[]>();
        return { items: accounts.map(toStaffView) };
      },
    }),
    defineRoute({
      operationId: 'staffCreate',
      method: 'post',
      path: '/api/staff',
      summary: 'Create a staff account',
      tag: 'staff',
      access: 'staff.create',
      body: createStaffRequestSchema,
      reply: { status: 201, description: 'The new account', schema: staffReplySchema },
      errors: ['CONFLICT'],
      async handle(ctx, { body }) {
        const { password, ...fields } = body;
        try {
          const account = await models.StaffAccount.create({
            ...fields,
            passwordHash: await hashPassword(password),
            active: true,
            createdAt: new Date(),
          });
          ctx.state.log.info(
            { staffId: account._id.toHexString(), role: account.role, by: signedInStaff(ctx).staff._id.toHexString() },
            'staff account created',
          );
          return { staff: toStaffView(account.toObject()) };
        } catch (error) {
          if (isDuplicateKeyError(error)) {
            throw new AppError('CONFLICT', { message: '用户名已被使用', details: { field: 'username' } });
          }
          throw error;
        }
      },
    }),
  ];
}
