import { addCartItemRequestSchema, cartItemParamsSchema, cartReplySchema, updateCartItemRequestSchema } from '@mall/shared';
import { signedInShopper } from '../customers/auth.ts';
import type { RouteContext } from '../http/context.ts';
import { defineRoute, type Route } from '../http/routes.ts';
import { addCartItem, removeCartItem, updateCartItem, viewCart, type CartDependencies } from './service.ts';

const CART_ITEM_PATH = '/api/cart/items/:skuId';

/** The signed-in shopper's cart: every reply is the whole cart with current prices and stock. */
export function cartRoutes(deps: CartDependencies): Route[] {
  const shopperIdOf = (ctx: RouteContext) => signedInShopper(ctx).shopper._id;
  return [
    defineRoute({
      operationId: 'cartGet',
      method: 'get',
      path: '/api/cart',
      summary: "The shopper's cart, with each SKU's current price, stock and availability",
      tag: 'cart',
      access: 'shopper',
      reply: { status: 200, description: 'Newest line first; lines that cannot be bought are flagged', schema: cartReplySchema },
      async handle(ctx) {
        return viewCart(deps, shopperIdOf(ctx));
      },
    }),
    defineRoute({
      operationId: 'cartItemAdd',
      method: 'post',
      path: '/api/cart/items',
      summary: 'Add a SKU to the cart (merged with the same SKU already in it)',
      tag: 'cart',
      access: 'shopper',
      body: addCartItemRequestSchema,
      reply: { status: 200, description: 'The cart', schema: cartReplySchema },
      errors: ['NOT_FOUND', 'OUT_OF_STOCK', 'CART_LIMIT_REACHED', 'CONFLICT'],
      async handle(ctx, { body }) {
        return addCartItem(deps, shopperIdOf(ctx), body.skuId, body.quantity);
      },
    }),
    defineRoute({
      operationId: 'cartItemUpdate',
      method: 'patch',
      path: CART_ITEM_PATH,
      summary: "Set a cart line's quantity",
      tag: 'cart',
      access: 'shopper',
      params: cartItemParamsSchema,
      body: updateCartItemRequestSchema,
      reply: { status: 200, description: 'The cart', schema: cartReplySchema },
      errors: ['NOT_FOUND', 'OUT_OF_STOCK', 'CONFLICT'],
      async handle(ctx, { params, body }) {
        return updateCartItem(deps, shopperIdOf(ctx), params.skuId, body.quantity);
      },
    }),
    defineRoute({
      operationId: 'cartItemRemove',
      method: 'delete',
      path: CART_ITEM_PATH,
      summary: 'Remove a line from the cart',
      tag: 'cart',
      access: 'shopper',
      params: cartItemParamsSchema,
      reply: { status: 200, description: 'The cart', schema: cartReplySchema },
      errors: ['NOT_FOUND', 'CONFLICT'],
      async handle(ctx, { params }) {
        return removeCartItem(deps, shopperIdOf(ctx), params.skuId);
      },
    }),
  ];
}
