import { shopperLoginReplySchema, shopperLoginRequestSchema, shopperReplySchema, updateShopperProfileRequestSchema } from '@mall/shared';
import type { Config } from '@mall/config';
import { defineRoute, type Route } from '../http/routes.ts';
import { miniProgramClientFromConfig } from '../platform/miniprogram/client.ts';
import { signedInShopper } from './auth.ts';
import { toShopperView, type CustomerModels } from './models.ts';
import { endShopperSession } from './sessions.ts';
import { loginWithCode, updateShopperProfile } from './service.ts';

/** Shopper sign-in with the mini-program's `wx.login` code, and the shopper's own profile. */
export function shopperRoutes(config: Pick<Config, 'wechat'>, models: CustomerModels): Route[] {
  const miniProgram = miniProgramClientFromConfig(config);
  return [
    defineRoute({
      operationId: 'shopperLogin',
      method: 'post',
      path: '/api/shopper/login',
      summary: 'Log a shopper in with a wx.login code (creates the shopper on first login)',
      tag: 'shopper',
      access: 'public',
      body: shopperLoginRequestSchema,
      reply: { status: 200, description: 'Logged in: a shopper bearer token valid for 30 days', schema: shopperLoginReplySchema },
      errors: ['LOGIN_CODE_INVALID', 'PLATFORM_ERROR', 'PLATFORM_NOT_CONFIGURED', 'CONFLICT'],
      async handle(ctx, { body }) {
        const login = await loginWithCode(models, miniProgram, body.code);
        ctx.state.log.info({ shopperId: login.shopper._id.toHexString() }, 'shopper logged in');
        return { token: login.token, expiresAt: login.expiresAt.toISOString(), shopper: toShopperView(login.shopper) };
      },
    }),
    defineRoute({
      operationId: 'shopperMe',
      method: 'get',
      path: '/api/shopper/me',
      summary: 'The logged-in shopper',
      tag: 'shopper',
      access: 'shopper',
      reply: { status: 200, description: 'The shopper behind the token', schema: shopperReplySchema },
      async handle(ctx) {
        return { shopper: toShopperView(signedInShopper(ctx).shopper) };
      },
    }),
    defineRoute({
      operationId: 'shopperUpdateProfile',
      method: 'patch',
      path: '/api/shopper/me',
      summary: "Change the shopper's nickname or avatar",
      tag: 'shopper',
      access: 'shopper',
      body: updateShopperProfileRequestSchema,
      reply: { status: 200, description: 'The updated shopper', schema: shopperReplySchema },
      async handle(ctx, { body }) {
        return { shopper: toShopperView(await updateShopperProfile(models, signedInShopper(ctx).shopper._id, body)) };
      },
    }),
    defineRoute({
      operationId: 'shopperLogout',
      method: 'post',
      path: '/api/shopper/logout',
      summary: 'Log out (ends the session of the token used)',
      tag: 'shopper',
      access: 'shopper',
      reply: { status: 204, description: 'Logged out', schema: undefined },
      async handle(ctx) {
        await endShopperSession(models, signedInShopper(ctx).sessionId);
      },
    }),
  ];
}
