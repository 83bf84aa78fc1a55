import { randomInt } from 'node:crypto';
import { Types, type QueryFilter } from 'mongoose';
import {
  GUIDE_CODE_LENGTH,
  INVITATION_CODE_LENGTH,
  INVITATION_VALID_DAYS,
  UNAMBIGUOUS_CODE_ALPHABET,
  type CreateGuideRequest,
  type CreateStoreRequest,
  type Guide,
  type GuideInvitation,
  type GuideListQuery,
  type GuideListReply,
  type Store,
  type UpdateGuideRequest,
  type UpdateStoreRequest,
} from '@mall/shared';
import { isDuplicateKeyError } from '../db/errors.ts';
import { AppError } from '../http/errors.ts';
import { squareAvatar } from './avatar.ts';
import { guideAvatarUrl } from './cards.ts';
import type { GuideDependencies } from './dependencies.ts';
import type { GuideInvitationRecord, GuideModels, GuideRecord, StoreRecord } from './models.ts';
import { guideShopPath, guideShopUrl } from './shop-links.ts';

/** What a guide's view needs besides the record: its store's name and where the H5 storefront is. */
type GuideViewDependencies = Pick<GuideDependencies, 'models' | 'h5Origin'>;

/** A random code of `length` characters from the unambiguous alphabet. */
export function randomCode(length: number): string {
  return Array.from({ length }, () => UNAMBIGUOUS_CODE_ALPHABET[randomInt(UNAMBIGUOUS_CODE_ALPHABET.length)]).join('');
}

/** Draws of a code before giving up: with 31^6 codes a second collision in a row means something else is wrong. */
const CODE_ATTEMPTS = 5;
const DAY_MS = 24 * 60 * 60 * 1000;

const duplicateOf = (error: unknown, field: string) =>
  isDuplicateKeyError(error) && field in ((error as { keyPattern?: Record<string, unknown> }).keyPattern ?? {});

const storeNotFound = (field?: string) => new AppError('NOT_FOUND', { message: '门店不存在', ...(field && { details: { field } }) });
export const guideNotFound = () => new AppError('NOT_FOUND', { message: '导购不存在' });
const storeNameTaken = (cause: unknown) => new AppError('CONFLICT', { message: '已有同名门店', details: { field: 'name' }, cause });
const wecomUserIdTaken = (cause: unknown) =>
  new AppError('CONFLICT', { message: '该企业微信账号已关联其他导购', details: { field: 'wecomUserId' }, cause });

/** Inserts with a freshly drawn code until the unique index on `code` accepts one (two equal draws cannot both win). */
async function withUniqueCode<T>(draw: () => string, insert: (code: string) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await insert(draw());
    } catch (error) {
      if (!duplicateOf(error, 'code') || attempt === CODE_ATTEMPTS) throw error;
    }
  }
}

// --- Stores -------------------------------------------------------------------------------------

function toStoreView(store: StoreRecord, activeGuideCount: number): Store {
  return {
    id: store._id.toHexString(),
    name: store.name,
    address: store.address,
    phone: store.phone,
    status: store.status,
    activeGuideCount,
    wechatPayStoreId: store.wechatPayStoreId ?? null,
    createdAt: store.createdAt.toISOString(),
  };
}

async function activeGuideCounts(models: GuideModels, storeIds: Types.ObjectId[]): Promise<Map<string, number>> {
  const counts = await models.Guide.aggregate<{ _id: Types.ObjectId; count: number }>([
    { $match: { storeId: { $in: storeIds }, status: 'active' } },
    { $group: { _id: '$storeId', count: { $sum: 1 } } },
  ]);
  return new Map(counts.map((entry) => [entry._id.toHexString(), entry.count]));
}

async function storeView(models: GuideModels, store: StoreRecord): Promise<Store> {
  const counts = await activeGuideCounts(models, [store._id]);
  return toStoreView(store, counts.get(store._id.toHexString()) ?? 0);
}

/** Open stores first, each group by name. */
export async function listStores(models: GuideModels): Promise<Store[]> {
  const stores = await models.Store.find().sort({ status: 1, name: 1 }).lean<StoreRecord[]>();
  const counts = await activeGuideCounts(
    models,
    stores.map((store) => store._id),
  );
  return stores.map((store) => toStoreView(store, counts.get(store._id.toHexString()) ?? 0));
}

export async function createStore(models: GuideModels, request: CreateStoreRequest): Promise<Store> {
  const now = new Date();
  try {
    const created = await models.Store.create({
      name: request.name,
      address: request.address ?? '',
      phone: request.phone ?? '',
      status: 'active',
      ...(typeof request.wechatPayStoreId === 'number' && { wechatPayStoreId: request.wechatPayStoreId }),
      createdAt: now,
      updatedAt: now,
    });
    return toStoreView(created.toObject(), 0);
  } catch (error) {
    if (duplicateOf(error, 'name')) throw storeNameTaken(error);
    throw error;
  }
}

/** Another WeChat Pay store id (or none) ends the 支付即服务 registrations of the store's guides: they were made under the old one. */
export async function updateStore(models: GuideModels, id: string, request: UpdateStoreRequest): Promise<Store> {
  const { wechatPayStoreId, ...rest } = request;
  const update = {
    $set: { ...rest, ...(typeof wechatPayStoreId === 'number' && { wechatPayStoreId }), updatedAt: new Date() },
    ...(wechatPayStoreId === null && { $unset: { wechatPayStoreId: 1 } }),
  };
  try {
    const before = await models.Store.findByIdAndUpdate(id, update, { returnDocument: 'before' }).lean<StoreRecord>();
    if (before === null) throw storeNotFound();
    if (wechatPayStoreId !== undefined && wechatPayStoreId !== (before.wechatPayStoreId ?? null)) {
      await endWechatPayRegistrationsOfStore(models, before._id);
    }
    const store = await models.Store.findById(id).lean<StoreRecord>();
    if (store === null) throw storeNotFound();
    return await storeView(models, store);
  } catch (error) {
    if (duplicateOf(error, 'name')) throw storeNameTaken(error);
    throw error;
  }
}

/** Guides join open stores only. */
async function assertStoreOpen(models: GuideModels, storeId: string): Promise<void> {
  const store = await models.Store.findById(storeId, { status: 1 }).lean<Pick<StoreRecord, 'status'>>();
  if (store === null) throw storeNotFound('storeId');
  if (store.status !== 'active') throw new AppError('STORE_CLOSED', { details: { field: 'storeId' } });
}

// --- Guides -------------------------------------------------------------------------------------

async function toGuideViews({ models, h5Origin }: GuideViewDependencies, guides: GuideRecord[]): Promise<Guide[]> {
  const storeIds = [...new Set(guides.map((guide) => guide.storeId.toHexString()))].map((id) => new Types.ObjectId(id));
  const stores = await models.Store.find({ _id: { $in: storeIds } }, { name: 1 }).lean<Pick<StoreRecord, '_id' | 'name'>[]>();
  const storeNames = new Map(stores.map((store) => [store._id.toHexString(), store.name]));
  return guides.map((guide) => ({
    id: guide._id.toHexString(),
    name: guide.name,
    code: guide.code,
    storeId: guide.storeId.toHexString(),
    storeName: storeNames.get(guide.storeId.toHexString()) ?? '',
    wecomUserId: guide.wecomUserId ?? null,
    phone: guide.phone,
    status: guide.status,
    bound: guide.shopperId !== undefined,
    wechatPayGuideId: guide.wechatPayGuideId ?? null,
    createdAt: guide.createdAt.toISOString(),
    leftAt: guide.leftAt?.toISOString() ?? null,
    avatarUrl: guideAvatarUrl(guide),
    shopPath: guideShopPath(guide.code),
    shopUrl: guideShopUrl(h5Origin, guide.code),
  }));
}

async function guideView(deps: GuideViewDependencies, guide: GuideRecord): Promise<Guide> {
  const [view] = await toGuideViews(deps, [guide]);
  return view!;
}

/** A case-insensitive match anywhere in the text, the keyword taken literally. */
function containsKeyword(keyword: string): RegExp {
  return new RegExp(keyword.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
}

/** Newest first, by store, status and keyword (name, code, phone, WeCom userid). */
export async function listGuides(deps: GuideViewDependencies, query: GuideListQuery): Promise<GuideListReply> {
  const { models } = deps;
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? 20;
  const filter: QueryFilter<GuideRecord> = {};
  if (query.storeId !== undefined) filter.storeId = new Types.ObjectId(query.storeId);
  if (query.status !== undefined) filter.status = query.status;
  if (query.keyword !== undefined) {
    const pattern = containsKeyword(query.keyword);
    filter.$or = [{ name: pattern }, { code: pattern }, { phone: pattern }, { wecomUserId: pattern }];
  }
  const [guides, total] = await Promise.all([
    models.Guide.find(filter)
      .sort({ createdAt: -1, _id: -1 })
      .skip((page - 1) * pageSize)
      .limit(pageSize)
      .lean<GuideRecord[]>(),
    models.Guide.countDocuments(filter),
  ]);
  return { items: await toGuideViews(deps, guides), total, page, pageSize };
}

export async function getGuide(deps: GuideViewDependencies, id: string): Promise<Guide> {
  return guideView(deps, await guideRecord(deps.models, id));
}

async function guideRecord(models: GuideModels, id: string): Promise<GuideRecord> {
  const guide = await models.Guide.findById(id).lean<GuideRecord>();
  if (guide === null) throw guideNotFound();
  return guide;
}

/** A guide on duty (what their shop code, posters and avatar belong to); a departed guide is 409 GUIDE_LEFT. */
export async function activeGuideRecord(models: GuideModels, id: string): Promise<GuideRecord> {
  const guide = await guideRecord(models, id);
  if (guide.status !== 'active') throw new AppError('GUIDE_LEFT');
  return guide;
}

/** `drawCode` is the source of short codes (tests pass a predictable one to prove collisions are retried). */
export async function createGuide(
  deps: GuideViewDependencies,
  request: CreateGuideRequest,
  drawCode: () => string = () => randomCode(GUIDE_CODE_LENGTH),
): Promise<Guide> {
  const { models } = deps;
  await assertStoreOpen(models, request.storeId);
  const now = new Date();
  try {
    const created = await withUniqueCode(drawCode, (code) =>
      models.Guide.create({
        name: request.name,
        code,
        storeId: new Types.ObjectId(request.storeId),
        ...(request.wecomUserId !== undefined && { wecomUserId: request.wecomUserId }),
        phone: request.phone ?? '',
        status: 'active',
        createdAt: now,
        updatedAt: now,
      }),
    );
    return await guideView(deps, created.toObject());
  } catch (error) {
    if (duplicateOf(error, 'wecomUserId')) throw wecomUserIdTaken(error);
    throw error;
  }
}

/** Only guides on duty change (a departed guide's record is history). */
export async function updateGuide(deps: GuideViewDependencies, id: string, request: UpdateGuideRequest): Promise<Guide> {
  const { models } = deps;
  if (request.storeId !== undefined) await assertStoreOpen(models, request.storeId);
  const { wecomUserId, storeId, ...rest } = request;
  const update = {
    $set: {
      ...rest,
      ...(storeId !== undefined && { storeId: new Types.ObjectId(storeId) }),
      ...(typeof wecomUserId === 'string' && { wecomUserId }),
      updatedAt: new Date(),
    },
    ...(wecomUserId === null && { $unset: { wecomUserId: 1 } }),
  };
  try {
    const before = await models.Guide.findOneAndUpdate({ _id: id, status: 'active' }, update, {
      returnDocument: 'before',
    }).lean<GuideRecord>();
    if (before === null) throw await whyNotActive(models, id);
    return await guideView(deps, await withoutOutdatedWechatPayRegistration(models, before));
  } catch (error) {
    if (duplicateOf(error, 'wecomUserId')) throw wecomUserIdTaken(error);
    throw error;
  }
}

/** Why a guarded write to an active guide matched nothing: no such guide, or one who left. */
export async function whyNotActive(models: GuideModels, id: string): Promise<AppError> {
  return (await models.Guide.exists({ _id: id })) === null ? guideNotFound() : new AppError('GUIDE_LEFT');
}

/**
 * Marks a guide as left. Their WeChat user is unbound (the workbench closes to them, and they may be
 * invited again as another guide later); unused invitations stop working because redemption needs an active guide.
 */
export async function markGuideLeft(deps: GuideViewDependencies, id: string): Promise<Guide> {
  const { models } = deps;
  const now = new Date();
  const guide = await models.Guide.findOneAndUpdate(
    { _id: id, status: 'active' },
    { $set: { status: 'left', leftAt: now, updatedAt: now }, $unset: { shopperId: 1 } },
    { returnDocument: 'after' },
  ).lean<GuideRecord>();
  if (guide === null) throw await whyNotActive(models, id);
  return guideView(deps, guide);
}

/**
 * Makes a square JPEG of the photo (it is drawn in circles and on posters), stores it and sets it as the guide's
 * avatar. The photo is checked before anything is stored, and the guide must still be on duty when it is set.
 */
export async function changeGuideAvatar(
  deps: GuideViewDependencies & Pick<GuideDependencies, 'images'>,
  id: string,
  photo: Buffer,
): Promise<Guide> {
  const { models } = deps;
  await activeGuideRecord(models, id);
  const avatar = await deps.images.put(await squareAvatar(photo), 'image/jpeg');
  const guide = await models.Guide.findOneAndUpdate(
    { _id: id, status: 'active' },
    { $set: { avatarImageId: avatar.id, updatedAt: new Date() } },
    { returnDocument: 'after' },
  ).lean<GuideRecord>();
  if (guide === null) throw await whyNotActive(models, id);
  return guideView(deps, guide);
}

// --- WeChat Pay 支付即服务 registrations ------------------------------------------------------------

/**
 * A registration is made for the guide's WeCom userid under their store's WeChat Pay store id: once either changes,
 * orders must no longer be assigned to it (its contact QR would be the old member's), so it ends and the guide is
 * registered again. `before` is the guide as it was before a change; resolves with the guide as it is now.
 */
export async function withoutOutdatedWechatPayRegistration(models: GuideModels, before: GuideRecord): Promise<GuideRecord> {
  const now = await guideRecord(models, before._id.toHexString());
  const registered = before.wechatPayGuideId;
  if (registered === undefined || (now.storeId.equals(before.storeId) && now.wecomUserId === before.wecomUserId)) return now;
  const ended = await models.Guide.findOneAndUpdate(
    { _id: before._id, wechatPayGuideId: registered },
    { $unset: { wechatPayGuideId: 1 } },
    { returnDocument: 'after' },
  ).lean<GuideRecord>();
  return ended ?? now;
}

/** The store's WeChat Pay store id changed: its guides' registrations were made under the old one. */
export async function endWechatPayRegistrationsOfStore(models: GuideModels, storeId: Types.ObjectId): Promise<void> {
  await models.Guide.updateMany({ storeId, wechatPayGuideId: { $exists: true } }, { $unset: { wechatPayGuideId: 1 } });
}

// --- Invitations --------------------------------------------------------------------------------

/** A single-use code, valid INVITATION_VALID_DAYS, for an active guide no WeChat user is bound to yet. */
export async function issueInvitation(models: GuideModels, guideId: string, issuedBy: Types.ObjectId): Promise<GuideInvitation> {
  const guide = await models.Guide.findById(guideId).lean<GuideRecord>();
  if (guide === null) throw guideNotFound();
  if (guide.status !== 'active') throw new AppError('GUIDE_LEFT');
  if (guide.shopperId !== undefined) throw new AppError('GUIDE_NOT_BINDABLE');
  const now = new Date();
  const invitation = await withUniqueCode(
    () => randomCode(INVITATION_CODE_LENGTH),
    (code) =>
      models.GuideInvitation.create({
        code,
        guideId: guide._id,
        issuedBy,
        createdAt: now,
        expiresAt: new Date(now.getTime() + INVITATION_VALID_DAYS * DAY_MS),
      }),
  );
  return { code: invitation.code, guideId, expiresAt: invitation.expiresAt.toISOString() };
}

/**
 * Binds the shopper to the invitation's guide. The invitation is spent by a guarded update (unused and unexpired)
 * and the guide bound by another (active, unbound) in one transaction, so of parallel redemptions exactly one
 * wins, and a refusal of the second step leaves the code unspent. The unique index on `shopperId` keeps one
 * shopper from becoming two guides through two codes at once.
 */
export async function redeemInvitation(
  deps: GuideViewDependencies,
  code: string,
  shopperId: Types.ObjectId,
  now = new Date(),
): Promise<Guide> {
  const { models } = deps;
  if ((await models.Guide.exists({ shopperId })) !== null) throw new AppError('ALREADY_A_GUIDE');
  try {
    const guide = await models.Guide.db.transaction(async (session) => {
      const invitation = await models.GuideInvitation.findOneAndUpdate(
        { code, usedAt: { $exists: false }, expiresAt: { $gt: now } },
        { $set: { usedAt: now, usedByShopperId: shopperId } },
        { session },
      ).lean<GuideInvitationRecord>();
      if (invitation === null) {
        const found = await models.GuideInvitation.findOne({ code }, null, { session }).lean<GuideInvitationRecord>();
        if (found === null) throw new AppError('INVITATION_NOT_FOUND');
        throw new AppError(found.usedAt === undefined ? 'INVITATION_EXPIRED' : 'INVITATION_USED');
      }
      const bound = await models.Guide.findOneAndUpdate(
        { _id: invitation.guideId, status: 'active', shopperId: { $exists: false } },
        { $set: { shopperId, updatedAt: now } },
        { session, returnDocument: 'after' },
      ).lean<GuideRecord>();
      if (bound === null) throw new AppError('GUIDE_NOT_BINDABLE');
      return bound;
    });
    return await guideView(deps, guide);
  } catch (error) {
    if (duplicateOf(error, 'shopperId')) throw new AppError('ALREADY_A_GUIDE', { cause: error });
    throw error;
  }
}

/** The guide the shopper is bound to, if any (a guide who left is unbound): the workbench's guide. */
export async function guideRecordOfShopper(models: GuideModels, shopperId: Types.ObjectId): Promise<GuideRecord> {
  const guide = await models.Guide.findOne({ shopperId }).lean<GuideRecord>();
  if (guide === null) throw new AppError('NOT_FOUND', { message: '你还不是导购，请先输入邀请码' });
  return guide;
}

export async function guideOfShopper(deps: GuideViewDependencies, shopperId: Types.ObjectId): Promise<Guide> {
  return guideView(deps, await guideRecordOfShopper(deps.models, shopperId));
}
