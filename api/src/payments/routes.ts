import { orderNoParamsSchema, paymentStatusReplySchema, prepayReplySchema } from '@mall/shared';
import { signedInShopper } from '../customers/auth.ts';
import { readRawBody } from '../http/raw-body.ts';
import { defineRoute, type Route } from '../http/routes.ts';
import type { CommerceDependencies } from '../orders/dependencies.ts';
import { applyNotification, findOwnOrder, paymentStatus, prepayOrder, WECHATPAY_NOTIFY_PATH } from './service.ts';

/** A WeChat Pay notification is a small JSON envelope; anything near this size is not one. */
const MAX_NOTIFICATION_BYTES = 64 * 1024;

export function paymentRoutes(deps: CommerceDependencies): Route[] {
  return [
    defineRoute({
      operationId: 'orderPay',
      method: 'post',
      path: '/api/orders/:orderNo/pay',
      summary: 'WeChat Pay JSAPI prepay for an unpaid order: the wx.requestPayment parameters (and the sandbox cashier in development)',
      tag: 'payments',
      access: 'shopper',
      params: orderNoParamsSchema,
      reply: { status: 200, description: 'What the storefront needs to start the payment', schema: prepayReplySchema },
      errors: ['NOT_FOUND', 'ORDER_STATUS_CONFLICT', 'PLATFORM_ERROR', 'PLATFORM_NOT_CONFIGURED'],
      async handle(ctx, { params }) {
        const order = await findOwnOrder(deps, signedInShopper(ctx).shopper._id, params.orderNo);
        return prepayOrder(deps, order, ctx.state.log);
      },
    }),
    defineRoute({
      operationId: 'orderPaymentStatus',
      method: 'get',
      path: '/api/orders/:orderNo/payment',
      summary: 'Whether the order is paid, asking WeChat Pay while it is still unpaid (the payment result page polls this)',
      tag: 'payments',
      access: 'shopper',
      params: orderNoParamsSchema,
      reply: { status: 200, description: 'The payment state', schema: paymentStatusReplySchema },
      errors: ['NOT_FOUND'],
      async handle(ctx, { params }) {
        const order = await findOwnOrder(deps, signedInShopper(ctx).shopper._id, params.orderNo);
        return paymentStatus(deps, order, ctx.state.log);
      },
    }),
    defineRoute({
      operationId: 'wechatPayNotify',
      method: 'post',
      path: WECHATPAY_NOTIFY_PATH,
      summary: 'WeChat Pay payment and refund notifications: verified on the raw body, decrypted, applied once',
      tag: 'platform callbacks',
      access: 'public',
      rawBody: { contentTypes: ['application/json'] },
      reply: {
        status: 204,
        description: 'Acknowledged (also for payments kept as anomalies, so WeChat Pay stops retrying)',
        schema: undefined,
      },
      errors: ['CALLBACK_REJECTED', 'PAYLOAD_TOO_LARGE', 'PLATFORM_NOT_CONFIGURED'],
      async handle(ctx) {
        const body = await readRawBody(ctx, MAX_NOTIFICATION_BYTES);
        let notification;
        try {
          notification = await deps.wechatPay.verifyNotification(body, ctx.headers);
        } catch (error) {
          ctx.state.log.warn({ err: error }, 'WeChat Pay notification rejected');
          throw error;
        }
        await applyNotification(deps, notification, ctx.state.log);
      },
    }),
  ];
}
