import type { Logger } from 'pino';
import type { Types } from 'mongoose';
import type { ContactSurface, GuideContactWay } from '@mall/shared';
import { isDuplicateKeyError } from '../db/errors.ts';
import type { GuideRecord } from '../guides/models.ts';
import { AppError } from '../http/errors.ts';
import { PlatformError } from '../platform/errors.ts';
import { platformFetch } from '../platform/http.ts';
import type { WecomClient } from '../platform/wecom/client.ts';
import type { ContactWayRecord, ContactWayRetirement, GuideContactModels } from './models.ts';
import { generalState, shopperState } from './state.ts';

/** `del_contact_way` of a config id WeCom does not know (deleted already). */
const INVALID_CONFIG_ID = 41044;
/** Rounds of read-create before giving up: each lost round means another request created or retired the same one. */
const CREATE_ATTEMPTS = 4;
/** A contact way made for one shopper who never used it is deleted after this long (a later visit makes a new one). */
export const SHOPPER_CONTACT_WAY_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

export type ContactWayScene = 1 | 2;
const PLUGIN_SCENE: ContactWayScene = 1;
const QR_SCENE: ContactWayScene = 2;

export interface ContactWayDependencies {
  contacts: GuideContactModels;
  wecom: WecomClient;
  now(): Date;
}

/** A guide who can be added: on duty, with a WeCom userid. */
export type AddableGuide = Pick<GuideRecord, '_id' | 'code'> & { wecomUserId: string };

/** Where the API serves a scene-2 contact way's QR image (H5 may load images from its own origin only). */
export function contactWayQrPath(configId: string): string {
  return `/api/guide-contacts/qr/${configId}`;
}

export function isPlatformErrorCode(error: unknown, code: number): boolean {
  return error instanceof PlatformError && error.failure.platform === 'wecom' && error.failure.code === code;
}

/** Deletes it in WeCom; one WeCom no longer knows counts as deleted. */
async function deleteInWecom(deps: ContactWayDependencies, configId: string): Promise<void> {
  try {
    await deps.wecom.deleteContactWay(configId);
  } catch (error) {
    if (!isPlatformErrorCode(error, INVALID_CONFIG_ID)) throw error;
  }
}

/**
 * Deletes the contact way in WeCom, then stops serving it. A WeCom failure leaves it as it was (the caller's
 * retry deletes it); two callers retiring the same one both succeed.
 */
export async function retireContactWay(deps: ContactWayDependencies, way: ContactWayRecord, because: ContactWayRetirement): Promise<void> {
  await deleteInWecom(deps, way.configId);
  await deps.contacts.ContactWay.updateOne(
    { _id: way._id, active: true },
    { $set: { active: false, retiredAt: deps.now(), retiredBecause: because } },
  );
}

function remarkOf(guide: AddableGuide, shopperId: Types.ObjectId | undefined): string {
  return shopperId === undefined ? `商城导购 ${guide.code}` : `商城顾客专属 ${guide.code}`;
}

/**
 * The active contact way of this state and scene, made in WeCom on first use. Of requests creating it at once
 * one is stored (the partial unique index); each loser deletes its own in WeCom and takes the winner's. One made
 * for a WeCom userid the guide no longer has is retired and replaced.
 */
export async function contactWayFor(
  deps: ContactWayDependencies,
  guide: AddableGuide,
  shopperId: Types.ObjectId | undefined,
  scene: ContactWayScene,
  log: Logger,
): Promise<ContactWayRecord> {
  const state = shopperId === undefined ? generalState(guide.code) : shopperState(guide.code, shopperId);
  for (let attempt = 0; attempt < CREATE_ATTEMPTS; attempt += 1) {
    const existing = await deps.contacts.ContactWay.findOne({ state, scene, active: true }).lean<ContactWayRecord>();
    if (existing !== null && existing.wecomUserId === guide.wecomUserId) return existing;
    if (existing !== null) {
      await retireContactWay(deps, existing, 'member_changed');
      continue;
    }
    const created = await deps.wecom.addContactWay({
      type: 1,
      scene,
      userIds: [guide.wecomUserId],
      state,
      skipVerify: true,
      remark: remarkOf(guide, shopperId),
    });
    if (scene === QR_SCENE && created.qrCode === undefined) {
      await deleteInWecom(deps, created.configId);
      throw new PlatformError({
        platform: 'wecom',
        operation: 'add_contact_way',
        code: 'BAD_REPLY',
        message: 'no qr_code for a QR contact way',
      });
    }
    try {
      const stored = await deps.contacts.ContactWay.create({
        guideId: guide._id,
        ...(shopperId !== undefined && { shopperId }),
        state,
        scene,
        configId: created.configId,
        ...(created.qrCode !== undefined && { qrCode: created.qrCode }),
        wecomUserId: guide.wecomUserId,
        active: true,
        createdAt: deps.now(),
      });
      return stored.toObject();
    } catch (error) {
      // Ours is not kept either way: delete it in WeCom so the corp's count of contact ways does not creep up.
      await deleteInWecom(deps, created.configId).catch((cleanup: unknown) =>
        log.warn({ err: cleanup, configId: created.configId }, 'could not delete an unused WeCom contact way'),
      );
      if (!isDuplicateKeyError(error)) throw error;
    }
  }
  throw new AppError('CONFLICT', { message: '联系方式正在创建，请稍后重试', details: { state, scene } });
}

/** What a surface shows: the weapp's contact plugin needs a scene-1 config id (with the QR as fallback), H5 the QR. */
export async function contactForSurface(
  deps: ContactWayDependencies,
  guide: AddableGuide,
  shopperId: Types.ObjectId | undefined,
  surface: ContactSurface,
  log: Logger,
): Promise<GuideContactWay> {
  const [plugin, qr] = await Promise.all([
    surface === 'weapp' ? contactWayFor(deps, guide, shopperId, PLUGIN_SCENE, log) : null,
    contactWayFor(deps, guide, shopperId, QR_SCENE, log),
  ]);
  return { configId: plugin?.configId ?? null, qrCodeUrl: contactWayQrPath(qr.configId) };
}

/** Retires the contact ways made for one shopper (the state names them): they have done their work once the shopper added the guide. */
export async function retireContactWaysOfState(
  deps: ContactWayDependencies,
  state: string,
  because: ContactWayRetirement,
): Promise<number> {
  const ways = await deps.contacts.ContactWay.find({ state, active: true }).lean<ContactWayRecord[]>();
  for (const way of ways) await retireContactWay(deps, way, because);
  return ways.length;
}

const EXPIRY_BATCH = 100;

/** Retires per-shopper contact ways unused for SHOPPER_CONTACT_WAY_DAYS, a batch per run; resolves with how many. */
export async function retireUnusedShopperContactWays(deps: ContactWayDependencies, now: Date): Promise<number> {
  const ways = await deps.contacts.ContactWay.find({
    active: true,
    shopperId: { $exists: true },
    createdAt: { $lte: new Date(now.getTime() - SHOPPER_CONTACT_WAY_DAYS * DAY_MS) },
  })
    .sort({ createdAt: 1 })
    .limit(EXPIRY_BATCH)
    .lean<ContactWayRecord[]>();
  for (const way of ways) await retireContactWay(deps, way, 'expired');
  return ways.length;
}

/** Image types a QR image may come as; anything else from the QR URL is not passed on. */
const QR_IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;

/** The QR image of an active scene-2 contact way, fetched from WeCom (its URL is on WeCom's image host). */
export async function contactWayQrImage(
  deps: ContactWayDependencies,
  configId: string,
): Promise<{ contentType: (typeof QR_IMAGE_TYPES)[number]; data: Buffer }> {
  const way = await deps.contacts.ContactWay.findOne({ configId, scene: QR_SCENE, active: true }).lean<ContactWayRecord>();
  if (way?.qrCode === undefined) throw new AppError('NOT_FOUND', { message: '二维码不存在或已失效' });
  const request = { platform: 'wecom' as const, operation: 'contact_way_qr', method: 'GET' as const, url: way.qrCode };
  const reply = await platformFetch(request);
  const contentType = QR_IMAGE_TYPES.find((type) => type === reply.headers.get('content-type')?.split(';')[0]?.trim());
  if (reply.status !== 200 || contentType === undefined) {
    throw new PlatformError({
      platform: 'wecom',
      operation: request.operation,
      code: 'BAD_REPLY',
      message: `the QR image answered ${reply.status} ${reply.headers.get('content-type') ?? ''}`,
      status: reply.status,
    });
  }
  return { contentType, data: reply.body };
}
