import { guideIdParamsSchema, guideReplySchema } from '@mall/shared';
import { defineRoute, type Route } from '../http/routes.ts';
import { registerGuideWithWechatPay, type WechatPayGuideDependencies } from './wechat-pay-registration.ts';

/** 支付即服务: guides registered with WeChat Pay are assigned to the WeChat Pay transactions of their orders. */
export function wechatPayGuideRoutes(deps: WechatPayGuideDependencies): Route[] {
  return [
    defineRoute({
      operationId: 'adminRegisterGuideWithWechatPay',
      method: 'post',
      path: '/api/admin/guides/:id/wechat-pay-registration',
      summary:
        "Register a guide on duty with WeChat Pay's smart-guide service (支付即服务): their WeCom userid, 11-digit mobile, photo, " +
        "WeCom contact QR and their store's WeChat Pay store id. Idempotent: a registered guide (here or in WeChat Pay) keeps one id",
      tag: 'guides admin',
      access: 'guides.write',
      params: guideIdParamsSchema,
      reply: { status: 200, description: 'The guide with their WeChat Pay guide id', schema: guideReplySchema },
      errors: [
        'NOT_FOUND',
        'GUIDE_LEFT',
        'GUIDE_WITHOUT_WECOM',
        'GUIDE_MOBILE_INVALID',
        'GUIDE_WITHOUT_AVATAR',
        'STORE_WITHOUT_WECHAT_PAY_ID',
        'CONFLICT',
        'PLATFORM_ERROR',
        'PLATFORM_NOT_CONFIGURED',
      ],
      async handle(ctx, { params }) {
        return { guide: await registerGuideWithWechatPay(deps, params.id, ctx.state.log) };
      },
    }),
  ];
}
