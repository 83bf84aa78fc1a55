import {
  createGuideRequestSchema,
  guideShopAssetsReplySchema,
  imageContentTypes,
  posterFileName,
  posterQuerySchema,
  shopCodeFileName,
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
  type PosterSurface,
} from '@mall/shared';
import { readImageOrMultipartUpload } from '../catalog/image-upload.ts';
import { signedInShopper } from '../customers/auth.ts';
import type { RouteContext } from '../http/context.ts';
import { defineRoute, type Route } from '../http/routes.ts';
import { signedInStaff } from '../staff/auth.ts';
import type { GuideDependencies } from './dependencies.ts';
import type { GuideRecord } from './models.ts';
import { guideShopEntry, type GuideShopEntry } from './shop-entry.ts';
import { announceWecomMember } from './wecom-directory.ts';
import {
  activeGuideRecord,
  changeGuideAvatar,
  createGuide,
  createStore,
  getGuide,
  guideOfShopper,
  guideRecordOfShopper,
  issueInvitation,
  listGuides,
  listStores,
  markGuideLeft,
  redeemInvitation,
  updateGuide,
  updateStore,
} from './service.ts';

const AVATAR_UPLOAD =
  'multipart/form-data with the image in the `file` part (wx.uploadFile), or the raw bytes; JPEG, PNG or WebP, at most 5 MB, kept as a square photo';
const AVATAR_CONTENT_TYPES = ['multipart/form-data', ...imageContentTypes];
const AVATAR_UPLOAD_ERRORS = ['PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'MALFORMED_REQUEST'] as const;
/** The mini-program code comes from WeChat. */
const SHOP_CODE_ERRORS = ['PLATFORM_ERROR', 'PLATFORM_NOT_CONFIGURED'] as const;
const PNG = ['image/png'];

/** A stored PNG as a download: its content follows the guide (name, photo), so the browser asks again each time. */
function sendPng(ctx: RouteContext, data: Buffer, fileName: string): void {
  ctx.set('Cache-Control', 'private, no-cache');
  ctx.set('Content-Disposition', `attachment; filename="${fileName}"`);
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.type = 'image/png';
  ctx.body = data;
}

async function sendShopCode(ctx: RouteContext, entry: GuideShopEntry, guide: GuideRecord): Promise<void> {
  sendPng(ctx, await entry.bytesOf(await entry.miniProgramCode(guide)), shopCodeFileName(guide.code));
}

async function sendPoster(ctx: RouteContext, entry: GuideShopEntry, guide: GuideRecord, surface: PosterSurface): Promise<void> {
  sendPng(ctx, await entry.bytesOf(await entry.poster(guide, surface)), posterFileName(guide.code, surface));
}

/** Stores, guides, invitations, avatars and shop entry in the staff console (read: every role; write: owner and operator). */
function adminGuideRoutes(deps: GuideDependencies, entry: GuideShopEntry): Route[] {
  const { models } = deps;
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
        return listGuides(deps, query);
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
      async handle(ctx, { body }) {
        const guide = await createGuide(deps, body);
        await announceWecomMember(deps, guide, ctx.state.log);
        return { guide };
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
        return { guide: await getGuide(deps, params.id) };
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
      async handle(ctx, { params, body }) {
        const guide = await updateGuide(deps, params.id, body);
        if (body.wecomUserId !== undefined) await announceWecomMember(deps, guide, ctx.state.log);
        return { guide };
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
        return { guide: await markGuideLeft(deps, params.id) };
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
    defineRoute({
      operationId: 'adminChangeGuideAvatar',
      method: 'post',
      path: '/api/admin/guides/:id/avatar',
      summary: `Set a guide's photo: ${AVATAR_UPLOAD}`,
      tag: 'guides admin',
      access: 'guides.write',
      params: guideIdParamsSchema,
      rawBody: { contentTypes: AVATAR_CONTENT_TYPES },
      reply: { status: 200, description: 'The guide with their new photo', schema: guideReplySchema },
      errors: ['NOT_FOUND', 'GUIDE_LEFT', ...AVATAR_UPLOAD_ERRORS],
      async handle(ctx, { params }) {
        const upload = await readImageOrMultipartUpload(ctx);
        return { guide: await changeGuideAvatar(deps, params.id, upload.data) };
      },
    }),
    defineRoute({
      operationId: 'adminGuideShopAssets',
      method: 'get',
      path: '/api/admin/guides/:id/shop-assets',
      summary: "A guide on duty's shop links, mini-program code and posters (made on first request, then kept)",
      tag: 'guides admin',
      access: 'guides.read',
      params: guideIdParamsSchema,
      reply: { status: 200, description: 'The links and stored images', schema: guideShopAssetsReplySchema },
      errors: ['NOT_FOUND', 'GUIDE_LEFT', ...SHOP_CODE_ERRORS],
      async handle(_ctx, { params }) {
        return { assets: await entry.assets(await activeGuideRecord(models, params.id)) };
      },
    }),
    defineRoute({
      operationId: 'adminGuideShopCode',
      method: 'get',
      path: '/api/admin/guides/:id/shop-code',
      summary: "A guide on duty's mini-program code (scene g=CODE, opening pages/shop/index) as a PNG to download",
      tag: 'guides admin',
      access: 'guides.read',
      params: guideIdParamsSchema,
      reply: { status: 200, description: 'The mini-program code', schema: undefined, binaryContentTypes: PNG },
      errors: ['NOT_FOUND', 'GUIDE_LEFT', ...SHOP_CODE_ERRORS],
      async handle(ctx, { params }) {
        await sendShopCode(ctx, entry, await activeGuideRecord(models, params.id));
      },
    }),
    defineRoute({
      operationId: 'adminGuidePoster',
      method: 'get',
      path: '/api/admin/guides/:id/poster',
      summary: "A guide on duty's poster as a PNG to download: surface weapp carries the mini-program code, h5 a QR of the H5 shop link",
      tag: 'guides admin',
      access: 'guides.read',
      params: guideIdParamsSchema,
      query: posterQuerySchema,
      reply: { status: 200, description: 'The poster', schema: undefined, binaryContentTypes: PNG },
      errors: ['NOT_FOUND', 'GUIDE_LEFT', ...SHOP_CODE_ERRORS],
      async handle(ctx, { params, query }) {
        await sendPoster(ctx, entry, await activeGuideRecord(models, params.id), query.surface);
      },
    }),
  ];
}

/** The guide workbench in the mini-program: a shopper becomes a guide by redeeming an invitation, then sets their photo and hands out their shop code and posters. */
function workbenchRoutes(deps: GuideDependencies, entry: GuideShopEntry): Route[] {
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
        return { guide: await redeemInvitation(deps, body.code, signedInShopper(ctx).shopper._id) };
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
        return { guide: await guideOfShopper(deps, signedInShopper(ctx).shopper._id) };
      },
    }),
    defineRoute({
      operationId: 'guideChangeOwnAvatar',
      method: 'post',
      path: '/api/guide/me/avatar',
      summary: `Set the signed-in guide's own photo: ${AVATAR_UPLOAD}`,
      tag: 'guide workbench',
      access: 'shopper',
      rawBody: { contentTypes: AVATAR_CONTENT_TYPES },
      reply: { status: 200, description: 'Their guide profile with the new photo', schema: guideReplySchema },
      errors: ['NOT_FOUND', ...AVATAR_UPLOAD_ERRORS],
      async handle(ctx) {
        const guide = await guideRecordOfShopper(deps.models, signedInShopper(ctx).shopper._id);
        const upload = await readImageOrMultipartUpload(ctx);
        return { guide: await changeGuideAvatar(deps, guide._id.toHexString(), upload.data) };
      },
    }),
    defineRoute({
      operationId: 'guideOwnShopAssets',
      method: 'get',
      path: '/api/guide/me/shop-assets',
      summary: "The signed-in guide's shop links, mini-program code and posters (made on first request, then kept)",
      tag: 'guide workbench',
      access: 'shopper',
      reply: { status: 200, description: 'The links and stored images', schema: guideShopAssetsReplySchema },
      errors: ['NOT_FOUND', ...SHOP_CODE_ERRORS],
      async handle(ctx) {
        return { assets: await entry.assets(await guideRecordOfShopper(deps.models, signedInShopper(ctx).shopper._id)) };
      },
    }),
    defineRoute({
      operationId: 'guideOwnShopCode',
      method: 'get',
      path: '/api/guide/me/shop-code',
      summary: "The signed-in guide's mini-program code as a PNG to download",
      tag: 'guide workbench',
      access: 'shopper',
      reply: { status: 200, description: 'The mini-program code', schema: undefined, binaryContentTypes: PNG },
      errors: ['NOT_FOUND', ...SHOP_CODE_ERRORS],
      async handle(ctx) {
        await sendShopCode(ctx, entry, await guideRecordOfShopper(deps.models, signedInShopper(ctx).shopper._id));
      },
    }),
    defineRoute({
      operationId: 'guideOwnPoster',
      method: 'get',
      path: '/api/guide/me/poster',
      summary: "The signed-in guide's poster as a PNG to download (surface weapp or h5)",
      tag: 'guide workbench',
      access: 'shopper',
      query: posterQuerySchema,
      reply: { status: 200, description: 'The poster', schema: undefined, binaryContentTypes: PNG },
      errors: ['NOT_FOUND', ...SHOP_CODE_ERRORS],
      async handle(ctx, { query }) {
        await sendPoster(ctx, entry, await guideRecordOfShopper(deps.models, signedInShopper(ctx).shopper._id), query.surface);
      },
    }),
  ];
}

export function guideRoutes(deps: GuideDependencies): Route[] {
  const entry = guideShopEntry(deps);
  return [...adminGuideRoutes(deps, entry), ...workbenchRoutes(deps, entry)];
}
