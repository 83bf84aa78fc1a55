import {
  createGuideRequestSchema,
  createStoreRequestSchema,
  guideIdParamsSchema,
  guideInvitationReplySchema,
  guideListQuerySchema,
  guideListReplySchema,
  guideReplySchema,
  redeemInvitationRequestSchema,
  storeListReplySchema,
  storeReplySchema,
  updateGuideRequestSchema,
  updateStoreRequestSchema,
} from '@mall/shared';
import { signedInShopper } from '../customers/auth.ts';
import { defineRoute, type Route } from '../http/routes.ts';
import { signedInStaff } from '../staff/auth.ts';
import type { GuideModels } from './models.ts';
import {
  createGuide,
  createStore,
  getGuide,
  guideOfShopper,
  issueInvitation,
  listGuides,
  listStores,
  markGuideLeft,
  redeemInvitation,
  updateGuide,
  updateStore,
} from './service.ts';

/** Stores, guides and invitations in the staff console (read: every role; write: owner and operator). */
function adminGuideRoutes(models: GuideModels): Route[] {
  return [
    defineRoute({
      operationId: 'adminListStores',
      method: 'get',
      path: '/api/admin/stores',
      summary: 'Every store, open ones first, by name, with its count of active guides',
      tag: 'guides admin',
      access: 'guides.read',
      reply: { status: 200, description: 'The stores', schema: storeListReplySchema },
      async handle() {
        return { items: await listStores(models) };
      },
    }),
    defineRoute({
      operationId: 'adminCreateStore',
      method: 'post',
      path: '/api/admin/stores',
      summary: 'Add a store (names are unique)',
      tag: 'guides admin',
      access: 'guides.write',
      body: createStoreRequestSchema,
      reply: { status: 201, description: 'The new store', schema: storeReplySchema },
      errors: ['CONFLICT'],
      async handle(_ctx, { body }) {
        return { store: await createStore(models, body) };
      },
    }),
    defineRoute({
      operationId: 'adminUpdateStore',
      method: 'patch',
      path: '/api/admin/stores/:id',
      summary: 'Rename a store, change its address or phone, close or reopen it',
      tag: 'guides admin',
      access: 'guides.write',
      params: guideIdParamsSchema,
      body: updateStoreRequestSchema,
      reply: { status: 200, description: 'The store as changed', schema: storeReplySchema },
      errors: ['CONFLICT', 'NOT_FOUND'],
      async handle(_ctx, { params, body }) {
        return { store: await updateStore(models, params.id, body) };
      },
    }),
    defineRoute({
      operationId: 'adminListGuides',
      method: 'get',
      path: '/api/admin/guides',
      summary: 'Guides, newest first, by store, status and keyword (name, code, phone, WeCom userid)',
      tag: 'guides admin',
      access: 'guides.read',
      query: guideListQuerySchema,
      reply: { status: 200, description: 'One page of guides', schema: guideListReplySchema },
      async handle(_ctx, { query }) {
        return listGuides(models, query);
      },
    }),
    defineRoute({
      operationId: 'adminCreateGuide',
      method: 'post',
      path: '/api/admin/guides',
      summary: 'Add a guide to an open store; the short code is generated',
      tag: 'guides admin',
      access: 'guides.write',
      body: createGuideRequestSchema,
      reply: { status: 201, description: 'The new guide', schema: guideReplySchema },
      errors: ['CONFLICT', 'NOT_FOUND', 'STORE_CLOSED'],
      async handle(_ctx, { body }) {
        return { guide: await createGuide(models, body) };
      },
    }),
    defineRoute({
      operationId: 'adminGetGuide',
      method: 'get',
      path: '/api/admin/guides/:id',
      summary: 'One guide',
      tag: 'guides admin',
      access: 'guides.read',
      params: guideIdParamsSchema,
      reply: { status: 200, description: 'The guide', schema: guideReplySchema },
      errors: ['NOT_FOUND'],
      async handle(_ctx, { params }) {
        return { guide: await getGuide(models, params.id) };
      },
    }),
    defineRoute({
      operationId: 'adminUpdateGuide',
      method: 'patch',
      path: '/api/admin/guides/:id',
      summary: 'Change a guide on duty: name, store (an open one), WeCom userid (null unlinks), phone',
      tag: 'guides admin',
      access: 'guides.write',
      params: guideIdParamsSchema,
      body: updateGuideRequestSchema,
      reply: { status: 200, description: 'The guide as changed', schema: guideReplySchema },
      errors: ['CONFLICT', 'NOT_FOUND', 'STORE_CLOSED', 'GUIDE_LEFT'],
      async handle(_ctx, { params, body }) {
        return { guide: await updateGuide(models, params.id, body) };
      },
    }),
    defineRoute({
      operationId: 'adminGuideLeaves',
      method: 'post',
      path: '/api/admin/guides/:id/leave',
      summary: 'Mark a guide as left (离职): their WeChat user is unbound and their unused invitations stop working',
      tag: 'guides admin',
      access: 'guides.write',
      params: guideIdParamsSchema,
      reply: { status: 200, description: 'The departed guide', schema: guideReplySchema },
      errors: ['NOT_FOUND', 'GUIDE_LEFT'],
      async handle(_ctx, { params }) {
        return { guide: await markGuideLeft(models, params.id) };
      },
    }),
    defineRoute({
      operationId: 'adminIssueGuideInvitation',
      method: 'post',
      path: '/api/admin/guides/:id/invitations',
      summary: 'Issue a single-use invitation code (valid 7 days) that binds the WeChat user redeeming it to this guide',
      tag: 'guides admin',
      access: 'guides.write',
      params: guideIdParamsSchema,
      reply: { status: 201, description: 'The invitation code and its expiry', schema: guideInvitationReplySchema },
      errors: ['NOT_FOUND', 'GUIDE_LEFT', 'GUIDE_NOT_BINDABLE'],
      async handle(ctx, { params }) {
        return { invitation: await issueInvitation(models, params.id, signedInStaff(ctx).staff._id) };
      },
    }),
  ];
}

/** The guide workbench in the mini-program: a shopper becomes a guide by redeeming an invitation. */
function workbenchRoutes(models: GuideModels): Route[] {
  return [
    defineRoute({
      operationId: 'guideRedeemInvitation',
      method: 'post',
      path: '/api/guide/invitations/redeem',
      summary: "Bind the signed-in shopper's WeChat account to the invitation's guide (each code works once)",
      tag: 'guide workbench',
      access: 'shopper',
      body: redeemInvitationRequestSchema,
      reply: { status: 200, description: 'The guide the shopper now is', schema: guideReplySchema },
      errors: ['INVITATION_NOT_FOUND', 'INVITATION_EXPIRED', 'INVITATION_USED', 'GUIDE_NOT_BINDABLE', 'ALREADY_A_GUIDE'],
      async handle(ctx, { body }) {
        return { guide: await redeemInvitation(models, body.code, signedInShopper(ctx).shopper._id) };
      },
    }),
    defineRoute({
      operationId: 'guideMe',
      method: 'get',
      path: '/api/guide/me',
      summary: 'The guide the signed-in shopper is bound to',
      tag: 'guide workbench',
      access: 'shopper',
      reply: { status: 200, description: 'Their guide profile', schema: guideReplySchema },
      errors: ['NOT_FOUND'],
      async handle(ctx) {
        return { guide: await guideOfShopper(models, signedInShopper(ctx).shopper._id) };
      },
    }),
  ];
}

export function guideRoutes(models: GuideModels): Route[] {
  return [...adminGuideRoutes(models), ...workbenchRoutes(models)];
}
