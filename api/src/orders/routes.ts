import {
  checkoutPreviewReplySchema,
  checkoutPreviewRequestSchema,
  createOrderRequestSchema,
  orderListQuerySchema,
  orderListReplySchema,
  orderNoParamsSchema,
  orderDetailReplySchema,
  orderReplySchema,
} from '@mall/shared';
import { signedInShopper } from '../customers/auth.ts';
import { defineRoute, type Route } from '../http/routes.ts';
import { findOwnOrder } from '../payments/service.ts';
import { orderRefunds } from '../payments/views.ts';
import { createOrder, previewCheckout } from './checkout.ts';
import type { CommerceDependencies } from './dependencies.ts';
import { cancelByShopper, listShopperOrders } from './service.ts';
import { toOrderView } from './views.ts';

/** Why a guide cart (`guideCartToken`) cannot be checked out. */
const GUIDE_CART_CHECKOUT_ERRORS = [
  'GUIDE_CART_NOT_FOUND',
  'GUIDE_CART_NOT_YOURS',
  'GUIDE_CART_WITHDRAWN',
  'GUIDE_CART_EXPIRED',
  'GUIDE_LEFT',
] as const;

/** Checkout and the shopper's own orders; another shopper's order answers 404 like an unknown one. */
export function orderRoutes(deps: CommerceDependencies): Route[] {
  return [
    defineRoute({
      operationId: 'checkoutPreview',
      method: 'post',
      path: '/api/checkout/preview',
      summary: 'Price a checkout (试算): current prices and stock, discounts with reasons, shipping fee, payable',
      tag: 'orders',
      access: 'shopper',
      body: checkoutPreviewRequestSchema,
      reply: { status: 200, description: 'The priced lines, each flagged if it cannot be bought', schema: checkoutPreviewReplySchema },
      errors: ['NOT_FOUND', 'CART_EMPTY', ...GUIDE_CART_CHECKOUT_ERRORS],
      async handle(ctx, { body }) {
        return previewCheckout(deps, signedInShopper(ctx).shopper._id, body);
      },
    }),
    defineRoute({
      operationId: 'orderCreate',
      method: 'post',
      path: '/api/orders',
      summary: 'Place an order: stock reserved, prices and address copied; the same idempotency key gives the same order',
      tag: 'orders',
      access: 'shopper',
      body: createOrderRequestSchema,
      reply: { status: 201, description: 'The order (the earlier one when the idempotency key was used before)', schema: orderReplySchema },
      errors: ['NOT_FOUND', 'OUT_OF_STOCK', 'ITEM_UNAVAILABLE', 'CART_EMPTY', 'CONFLICT', ...GUIDE_CART_CHECKOUT_ERRORS],
      async handle(ctx, { body }) {
        const { order } = await createOrder(deps, signedInShopper(ctx).shopper, body, ctx.state.log);
        return { order: toOrderView(deps.images, order) };
      },
    }),
    defineRoute({
      operationId: 'orderList',
      method: 'get',
      path: '/api/orders',
      summary: "The shopper's orders, newest first, optionally in one state",
      tag: 'orders',
      access: 'shopper',
      query: orderListQuerySchema,
      reply: { status: 200, description: 'One page of orders', schema: orderListReplySchema },
      async handle(ctx, { query }) {
        return listShopperOrders(deps, signedInShopper(ctx).shopper._id, query);
      },
    }),
    defineRoute({
      operationId: 'orderGet',
      method: 'get',
      path: '/api/orders/:orderNo',
      summary: 'One of the shopper’s orders, with its history',
      tag: 'orders',
      access: 'shopper',
      params: orderNoParamsSchema,
      reply: { status: 200, description: 'The order and the refunds made on it', schema: orderDetailReplySchema },
      errors: ['NOT_FOUND'],
      async handle(ctx, { params }) {
        const order = await findOwnOrder(deps, signedInShopper(ctx).shopper._id, params.orderNo);
        return { order: toOrderView(deps.images, order), refunds: await orderRefunds(deps, order.orderNo) };
      },
    }),
    defineRoute({
      operationId: 'orderCancel',
      method: 'post',
      path: '/api/orders/:orderNo/cancel',
      summary: 'Cancel an unpaid order: its stock is returned and the WeChat Pay order closed',
      tag: 'orders',
      access: 'shopper',
      params: orderNoParamsSchema,
      reply: { status: 200, description: 'The cancelled order', schema: orderReplySchema },
      errors: ['NOT_FOUND', 'ORDER_STATUS_CONFLICT'],
      async handle(ctx, { params }) {
        return { order: await cancelByShopper(deps, signedInShopper(ctx).shopper._id, params.orderNo, ctx.state.log) };
      },
    }),
  ];
}
