import {
  contactWayQrParamsSchema,
  guideCodeParamsSchema,
  guideContactQuerySchema,
  guideContactReplySchema,
  guideIdParamsSchema,
  guideShopContactReplySchema,
  guideWecomReplySchema,
  guideWecomSummaryQuerySchema,
  guideWecomSummaryReplySchema,
  orderNoParamsSchema,
  wecomRelationListQuerySchema,
  wecomRelationListReplySchema,
} from '@mall/shared';
import { signedInShopper } from '../customers/auth.ts';
import { defineRoute, type Route } from '../http/routes.ts';
import { contactWayQrImage } from './contact-ways.ts';
import {
  guideShopContact,
  guideWecom,
  guideWecomSummaries,
  listGuideWecomRelations,
  myGuideContact,
  orderGuideContact,
  type GuideContactDependencies,
} from './service.ts';

/** A QR image never changes for its config id; a day keeps repeat views off WeCom's image host. */
const QR_CACHE_CONTROL = 'public, max-age=86400';

/** Adding the guide on WeCom (payment result page, 我的导购, the guide shop) and the guides' WeCom customers in the console. */
export function guideContactRoutes(deps: GuideContactDependencies): Route[] {
  return [
    defineRoute({
      operationId: 'orderGuideContact',
      method: 'get',
      path: '/api/orders/:orderNo/guide-contact',
      summary: "The paid order's guide and how to add them on WeCom (contact plugin config id in weapp, QR image), or that the shopper did",
      tag: 'guide contacts',
      access: 'shopper',
      params: orderNoParamsSchema,
      query: guideContactQuerySchema,
      reply: {
        status: 200,
        description: 'The guide card, the contact (null with the reason when there is none) and whether added',
        schema: guideContactReplySchema,
      },
      errors: ['NOT_FOUND', 'ORDER_NOT_PAID'],
      async handle(ctx, { params, query }) {
        return orderGuideContact(deps, signedInShopper(ctx).shopper._id, params.orderNo, query.surface, ctx.state.log);
      },
    }),
    defineRoute({
      operationId: 'myGuideContact',
      method: 'get',
      path: '/api/me/guide-contact',
      summary: "How to add the shopper's bound guide on WeCom (我的导购), or that they did",
      tag: 'guide contacts',
      access: 'shopper',
      query: guideContactQuerySchema,
      reply: {
        status: 200,
        description: 'The guide card (null before any guide), the contact and whether added',
        schema: guideContactReplySchema,
      },
      async handle(ctx, { query }) {
        return myGuideContact(deps, signedInShopper(ctx).shopper._id, query.surface, ctx.state.log);
      },
    }),
    defineRoute({
      operationId: 'guideShopContact',
      method: 'get',
      path: '/api/guide-contacts/guides/:code',
      summary: "A guide's general contact way (the guide shop's 加企业微信): adds are matched to shoppers by unionid",
      tag: 'guide contacts',
      access: 'public',
      params: guideCodeParamsSchema,
      query: guideContactQuerySchema,
      reply: {
        status: 200,
        description: 'The guide card and the contact (null with the reason when there is none)',
        schema: guideShopContactReplySchema,
      },
      errors: ['GUIDE_NOT_FOUND'],
      async handle(ctx, { params, query }) {
        return guideShopContact(deps, params.code, query.surface, ctx.state.log);
      },
    }),
    defineRoute({
      operationId: 'guideContactQrImage',
      method: 'get',
      path: '/api/guide-contacts/qr/:configId',
      summary: "A QR contact way's image, fetched from WeCom (H5 pages load images from their own origin only)",
      tag: 'guide contacts',
      access: 'public',
      params: contactWayQrParamsSchema,
      reply: {
        status: 200,
        description: 'The QR image',
        schema: undefined,
        binaryContentTypes: ['image/png', 'image/jpeg', 'image/gif', 'image/webp'],
      },
      errors: ['NOT_FOUND', 'PLATFORM_ERROR'],
      async handle(ctx, { params }) {
        const image = await contactWayQrImage(deps, params.configId);
        ctx.set('Cache-Control', QR_CACHE_CONTROL);
        ctx.set('X-Content-Type-Options', 'nosniff');
        ctx.type = image.contentType;
        ctx.body = image.data;
      },
    }),
    defineRoute({
      operationId: 'adminGuideWecomSummaries',
      method: 'get',
      path: '/api/admin/guide-contacts/summary',
      summary: 'Per guide (up to 100 ids): the general contact way status and how many customers have the guide on WeCom',
      tag: 'guide contacts admin',
      access: 'guides.read',
      query: guideWecomSummaryQuerySchema,
      reply: { status: 200, description: 'One entry per existing guide', schema: guideWecomSummaryReplySchema },
      async handle(_ctx, { query }) {
        return { items: await guideWecomSummaries(deps, query.guideIds) };
      },
    }),
    defineRoute({
      operationId: 'adminGuideWecom',
      method: 'get',
      path: '/api/admin/guides/:id/wecom',
      summary: "A guide's WeCom side: general contact way (status, QR), customer counts, unused per-shopper contact ways",
      tag: 'guide contacts admin',
      access: 'guides.read',
      params: guideIdParamsSchema,
      reply: { status: 200, description: "The guide's WeCom status", schema: guideWecomReplySchema },
      errors: ['NOT_FOUND'],
      async handle(_ctx, { params }) {
        return guideWecom(deps, params.id);
      },
    }),
    defineRoute({
      operationId: 'adminGuideWecomRelations',
      method: 'get',
      path: '/api/admin/guides/:id/wecom-customers',
      summary: "企业微信客户: the guide's WeCom customers (shopper when known, added at, status), newest first",
      tag: 'guide contacts admin',
      access: 'guides.read',
      params: guideIdParamsSchema,
      query: wecomRelationListQuerySchema,
      reply: { status: 200, description: 'One page of relations', schema: wecomRelationListReplySchema },
      errors: ['NOT_FOUND'],
      async handle(_ctx, { params, query }) {
        return listGuideWecomRelations(deps, params.id, query);
      },
    }),
  ];
}
