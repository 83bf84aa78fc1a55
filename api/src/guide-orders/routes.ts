import {
  createGuideCartRequestSchema,
  guideCartListQuerySchema,
  guideCartListReplySchema,
  guideCartReplySchema,
  guideCartTokenParamsSchema,
  sharedGuideCartReplySchema,
} from '@mall/shared';
import { signedInShopper } from '../customers/auth.ts';
import { defineRoute, type Route } from '../http/routes.ts';
import type { CommerceDependencies } from '../orders/dependencies.ts';
import { createGuideCart, listGuideCarts, openGuideCart, withdrawGuideCart } from './service.ts';

/**
 * Guide-placed orders (代客下单): the signed-in guide's carts in the workbench, and the share a customer opens. The
 * checkout of a cart is the ordinary checkout with `guideCartToken` (orders/routes.ts).
 */
export function guideOrderRoutes(deps: CommerceDependencies): Route[] {
  return [
    defineRoute({
      operationId: 'guideCartCreate',
      method: 'post',
      path: '/api/guide/me/guide-carts',
      summary: 'Build a cart for a customer (导购推荐购物车) and get its share path: on-sale SKUs in stock, valid 7 days',
      tag: 'guide orders',
      access: 'shopper',
      body: createGuideCartRequestSchema,
      reply: { status: 201, description: 'The cart with its share token, path and H5 link', schema: guideCartReplySchema },
      errors: ['NOT_FOUND', 'GUIDE_LEFT', 'ITEM_UNAVAILABLE', 'OUT_OF_STOCK'],
      async handle(ctx, { body }) {
        return { guideCart: await createGuideCart(deps, signedInShopper(ctx).shopper._id, body) };
      },
    }),
    defineRoute({
      operationId: 'guideCartList',
      method: 'get',
      path: '/api/guide/me/guide-carts',
      summary: "The signed-in guide's carts, newest first, each with its status and the orders placed from it",
      tag: 'guide orders',
      access: 'shopper',
      query: guideCartListQuerySchema,
      reply: { status: 200, description: 'One page of carts', schema: guideCartListReplySchema },
      errors: ['NOT_FOUND'],
      async handle(ctx, { query }) {
        return listGuideCarts(deps, signedInShopper(ctx).shopper._id, query);
      },
    }),
    defineRoute({
      operationId: 'guideCartWithdraw',
      method: 'post',
      path: '/api/guide/me/guide-carts/:token/withdraw',
      summary: 'Withdraw a shared cart: it can no longer be checked out (orders already placed stand)',
      tag: 'guide orders',
      access: 'shopper',
      params: guideCartTokenParamsSchema,
      reply: { status: 200, description: 'The cart, withdrawn', schema: guideCartReplySchema },
      errors: ['NOT_FOUND', 'GUIDE_CART_NOT_FOUND'],
      async handle(ctx, { params }) {
        return { guideCart: await withdrawGuideCart(deps, signedInShopper(ctx).shopper._id, params.token) };
      },
    }),
    defineRoute({
      operationId: 'guideCartOpen',
      method: 'get',
      path: '/api/guide-carts/:token',
      summary: "Open a guide's shared cart: the guide, the lines at today's prices, the note and status; records the guide's touch",
      tag: 'guide orders',
      access: 'shopper',
      params: guideCartTokenParamsSchema,
      reply: { status: 200, description: 'The shared cart', schema: sharedGuideCartReplySchema },
      errors: ['GUIDE_CART_NOT_FOUND', 'GUIDE_CART_NOT_YOURS', 'CONFLICT'],
      async handle(ctx, { params }) {
        return openGuideCart(deps, signedInShopper(ctx).shopper._id, params.token);
      },
    }),
  ];
}
