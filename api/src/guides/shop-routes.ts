import {
  guideIdParamsSchema,
  guidePicksReplySchema,
  guideShopParamsSchema,
  guideShopReplySchema,
  setGuidePicksRequestSchema,
} from '@mall/shared';
import { signedInShopper } from '../customers/auth.ts';
import type { ReplyCache } from '../http/reply-cache.ts';
import { clearingRepliesOnChange, defineRoute, type Route } from '../http/routes.ts';
import { guidePicks, guideShop, ownGuidePicks, setGuidePicks, setOwnGuidePicks, type GuideShopDependencies } from './shop.ts';

/** Picks (主推): the guide's own in the workbench, any guide's in the console. */
function pickRoutes(deps: GuideShopDependencies): Route[] {
  return [
    defineRoute({
      operationId: 'guideMyPicks',
      method: 'get',
      path: '/api/guide/me/picks',
      summary: "The signed-in guide's picks in their order, each saying whether shoppers see it now (on sale)",
      tag: 'guide workbench',
      access: 'shopper',
      reply: { status: 200, description: 'The picks', schema: guidePicksReplySchema },
      errors: ['NOT_FOUND'],
      async handle(ctx) {
        return { items: await ownGuidePicks(deps, signedInShopper(ctx).shopper._id) };
      },
    }),
    defineRoute({
      operationId: 'guideSetMyPicks',
      method: 'put',
      path: '/api/guide/me/picks',
      summary: "Replace the signed-in guide's picks with an ordered list of existing products (at most 20, each once)",
      tag: 'guide workbench',
      access: 'shopper',
      body: setGuidePicksRequestSchema,
      reply: { status: 200, description: 'The picks as saved', schema: guidePicksReplySchema },
      errors: ['NOT_FOUND'],
      async handle(ctx, { body }) {
        return { items: await setOwnGuidePicks(deps, signedInShopper(ctx).shopper._id, body.productIds) };
      },
    }),
    defineRoute({
      operationId: 'adminGuidePicks',
      method: 'get',
      path: '/api/admin/guides/:id/picks',
      summary: "A guide's picks in their order, each saying whether shoppers see it now (on sale)",
      tag: 'guides admin',
      access: 'guides.read',
      params: guideIdParamsSchema,
      reply: { status: 200, description: 'The picks', schema: guidePicksReplySchema },
      errors: ['NOT_FOUND'],
      async handle(_ctx, { params }) {
        return { items: await guidePicks(deps, params.id) };
      },
    }),
    defineRoute({
      operationId: 'adminSetGuidePicks',
      method: 'put',
      path: '/api/admin/guides/:id/picks',
      summary: 'Replace the picks of a guide on duty with an ordered list of existing products (at most 20, each once)',
      tag: 'guides admin',
      access: 'guides.write',
      params: guideIdParamsSchema,
      body: setGuidePicksRequestSchema,
      reply: { status: 200, description: 'The picks as saved', schema: guidePicksReplySchema },
      errors: ['NOT_FOUND', 'GUIDE_LEFT'],
      async handle(_ctx, { params, body }) {
        return { items: await setGuidePicks(deps, params.id, body.productIds) };
      },
    }),
  ];
}

/**
 * The guide shop and its picks. `storefrontReplies` is the storefront's reply cache (the catalog's): the shop's reply
 * is kept there, and a change of picks clears it as catalog and guide changes do.
 */
export function guideShopRoutes(deps: GuideShopDependencies, storefrontReplies: ReplyCache): Route[] {
  return [
    ...clearingRepliesOnChange(pickRoutes(deps), storefrontReplies),
    defineRoute({
      operationId: 'guideShop',
      method: 'get',
      path: '/api/shop/guides/:code',
      summary: "A guide's shop: their card (name, avatar, store) and their on-sale picks in order; the catalog comes from /api/products",
      tag: 'catalog',
      access: 'public',
      cache: storefrontReplies,
      params: guideShopParamsSchema,
      reply: { status: 200, description: 'The guide and their picks', schema: guideShopReplySchema },
      errors: ['GUIDE_NOT_FOUND', 'GUIDE_LEFT'],
      async handle(_ctx, { params }) {
        return guideShop(deps, params.code);
      },
    }),
  ];
}
