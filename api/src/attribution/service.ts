import { Types, type ClientSession, type Connection } from 'mongoose';
import {
  DEFAULT_PROTECTION_DAYS,
  bindingReasonLabels,
  shanghaiDateTime,
  type AttributionSettings,
  type BindingExplanation,
  type BindingReason,
  type RecordTouchReply,
  type RecordTouchRequest,
  type TouchEffect,
  type UpdateAttributionSettingsRequest,
} from '@mall/shared';
import { isDuplicateKeyError } from '../db/errors.ts';
import { guideCardView } from '../guides/cards.ts';
import { guideModels, type GuideModels, type GuideRecord, type StoreRecord } from '../guides/models.ts';
import { AppError } from '../http/errors.ts';
import {
  attributionModels,
  type AttributionModels,
  type AttributionSettingsRecord,
  type CustomerBindingRecord,
  type GuideTouchRecord,
} from './models.ts';

export interface AttributionDependencies {
  attribution: AttributionModels;
  guides: GuideModels;
  now(): Date;
}

export function attributionDependencies(connection: Connection, now: () => Date = () => new Date()): AttributionDependencies {
  return { attribution: attributionModels(connection), guides: guideModels(connection), now };
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Rounds of read-decide-write before giving up: each lost round means another writer changed this very binding. */
const BINDING_ATTEMPTS = 8;
const SETTINGS_ID = 'attribution';

// --- Settings -----------------------------------------------------------------------------------

async function settingsRecord(deps: AttributionDependencies): Promise<AttributionSettingsRecord | null> {
  return deps.attribution.AttributionSettings.findById(SETTINGS_ID).lean<AttributionSettingsRecord>();
}

function protectionDaysOf(settings: AttributionSettingsRecord | null): number {
  return settings?.protectionDays ?? DEFAULT_PROTECTION_DAYS;
}

function settingsView(settings: AttributionSettingsRecord | null): AttributionSettings {
  return {
    protectionDays: protectionDaysOf(settings),
    assignmentStoreId: settings?.assignmentStoreId?.toHexString() ?? null,
    updatedAt: settings?.updatedAt.toISOString() ?? null,
  };
}

export async function getAttributionSettings(deps: AttributionDependencies): Promise<AttributionSettings> {
  return settingsView(await settingsRecord(deps));
}

/** A new protection period applies to bindings made from now on; running ones keep the end they were given. */
export async function updateAttributionSettings(
  deps: AttributionDependencies,
  request: UpdateAttributionSettingsRequest,
): Promise<AttributionSettings> {
  const set: Partial<AttributionSettingsRecord> = { updatedAt: deps.now() };
  const unset: Record<string, 1> = {};
  if (request.protectionDays !== undefined) set.protectionDays = request.protectionDays;
  if (request.assignmentStoreId === null) unset.assignmentStoreId = 1;
  else if (request.assignmentStoreId !== undefined) {
    const store = await deps.guides.Store.findById(request.assignmentStoreId).lean<StoreRecord>();
    if (store === null) throw new AppError('NOT_FOUND', { message: '门店不存在', details: { field: 'assignmentStoreId' } });
    if (store.status !== 'active') {
      throw new AppError('STORE_CLOSED', { message: '该门店已关闭，不能承接分配的顾客', details: { field: 'assignmentStoreId' } });
    }
    set.assignmentStoreId = store._id;
  }
  const settings = await deps.attribution.AttributionSettings.findOneAndUpdate(
    { _id: SETTINGS_ID },
    {
      $set: set,
      ...(Object.keys(unset).length > 0 && { $unset: unset }),
      ...(request.protectionDays === undefined && { $setOnInsert: { protectionDays: DEFAULT_PROTECTION_DAYS } }),
    },
    { upsert: true, returnDocument: 'after' },
  ).lean<AttributionSettingsRecord>();
  return settingsView(settings);
}

// --- The binding rules --------------------------------------------------------------------------

/** Whether another guide is kept out now: permanent protection has no end. */
export function isProtected(binding: Pick<CustomerBindingRecord, 'protectedUntil'>, now: Date): boolean {
  return binding.protectedUntil === undefined || now.getTime() < binding.protectedUntil.getTime();
}

/**
 * What a guide's touch does (PRODUCT.md, 导购归属): the first touch binds; during protection the bound guide stays
 * (another guide's touch is kept out, the same guide's changes nothing); once protection lapsed, the next touch
 * — the same guide's too — binds anew with a fresh protection period.
 */
export function touchEffect(
  current: Pick<CustomerBindingRecord, 'guideId' | 'protectedUntil'> | null,
  guideId: Types.ObjectId,
  now: Date,
): TouchEffect {
  if (current === null) return 'bound';
  if (!isProtected(current, now)) return 'rebound';
  return current.guideId.equals(guideId) ? 'same-guide' : 'protected';
}

function protectionEnd(since: Date, protectionDays: number): Date | undefined {
  return protectionDays === 0 ? undefined : new Date(since.getTime() + protectionDays * DAY_MS);
}

interface BindingWrite {
  guideId: Types.ObjectId;
  reason: BindingReason;
  touchId?: Types.ObjectId;
  byStaffId?: Types.ObjectId;
}

/**
 * Writes the binding and its history entry in one transaction: an insert for a shopper with no binding (the
 * unique `_id` lets one of two racing first touches win) or an update guarded by the version that was read.
 * Returns false when another writer got there first, so the caller decides again on a fresh read.
 */
async function writeBinding(
  deps: AttributionDependencies,
  shopperId: Types.ObjectId,
  current: CustomerBindingRecord | null,
  write: BindingWrite,
  now: Date,
  protectionDays: number,
  alsoInTransaction?: (session: ClientSession) => Promise<unknown>,
): Promise<boolean> {
  const protectedUntil = protectionEnd(now, protectionDays);
  const fields = { guideId: write.guideId, since: now, reason: write.reason };
  try {
    return await deps.attribution.CustomerBinding.db.transaction(async (session) => {
      if (current === null) {
        await deps.attribution.CustomerBinding.create(
          [{ _id: shopperId, ...fields, ...(protectedUntil && { protectedUntil }), version: 1 }],
          { session },
        );
      } else {
        const updated = await deps.attribution.CustomerBinding.updateOne(
          { _id: shopperId, version: current.version },
          {
            $set: { ...fields, ...(protectedUntil && { protectedUntil }) },
            ...(!protectedUntil && { $unset: { protectedUntil: 1 } }),
            $inc: { version: 1 },
          },
          { session },
        );
        if (updated.matchedCount === 0) return false;
      }
      await deps.attribution.BindingChange.create(
        [
          {
            shopperId,
            ...(current && { fromGuideId: current.guideId }),
            toGuideId: write.guideId,
            reason: write.reason,
            ...(write.touchId && { touchId: write.touchId }),
            ...(write.byStaffId && { byStaffId: write.byStaffId }),
            at: now,
          },
        ],
        { session },
      );
      await alsoInTransaction?.(session);
      return true;
    });
  } catch (error) {
    if (current === null && isDuplicateKeyError(error)) return false;
    throw error;
  }
}

async function bindingOf(deps: AttributionDependencies, shopperId: Types.ObjectId): Promise<CustomerBindingRecord | null> {
  return deps.attribution.CustomerBinding.findById(shopperId).lean<CustomerBindingRecord>();
}

function bindingContention(shopperId: Types.ObjectId): AppError {
  return new AppError('CONFLICT', { message: '导购归属正在变更，请稍后重试', details: { shopperId: shopperId.toHexString() } });
}

async function guideWithStore(deps: AttributionDependencies, guide: GuideRecord): Promise<{ guide: GuideRecord; store: StoreRecord }> {
  const store = await deps.guides.Store.findById(guide.storeId).lean<StoreRecord>();
  if (store === null) throw new Error(`guide ${guide._id.toHexString()} has no store ${guide.storeId.toHexString()}`);
  return { guide, store };
}

/** The active guide with this code: 404 GUIDE_NOT_FOUND for none, 409 GUIDE_LEFT for one who left. */
export async function activeGuideByCode(deps: AttributionDependencies, code: string): Promise<GuideRecord> {
  const guide = await deps.guides.Guide.findOne({ code }).lean<GuideRecord>();
  if (guide === null) throw new AppError('GUIDE_NOT_FOUND', { details: { guideCode: code } });
  if (guide.status !== 'active') throw new AppError('GUIDE_LEFT', { details: { guideCode: code } });
  return guide;
}

/** Records the touch and applies the binding rules to it; the touch and any binding change are written together. */
export async function recordTouch(
  deps: AttributionDependencies,
  shopperId: Types.ObjectId,
  request: RecordTouchRequest,
): Promise<RecordTouchReply> {
  const guide = await activeGuideByCode(deps, request.guideCode);
  const protectionDays = protectionDaysOf(await settingsRecord(deps));
  for (let attempt = 0; attempt < BINDING_ATTEMPTS; attempt += 1) {
    const now = deps.now();
    const current = await bindingOf(deps, shopperId);
    const effect = touchEffect(current, guide._id, now);
    const touch: GuideTouchRecord = {
      _id: new Types.ObjectId(),
      shopperId,
      guideId: guide._id,
      channel: request.channel,
      ...(request.productId !== undefined && { productId: new Types.ObjectId(request.productId) }),
      ...(request.liveRoomId !== undefined && { liveRoomId: request.liveRoomId }),
      effect,
      at: now,
    };
    if (effect === 'same-guide' || effect === 'protected') {
      await deps.attribution.GuideTouch.create(touch);
      return { effect, guide: await boundGuideCard(deps, current?.guideId ?? guide._id) };
    }
    const reason: BindingReason = effect === 'bound' ? 'first-touch' : 'lapsed-touch';
    const written = await writeBinding(
      deps,
      shopperId,
      current,
      { guideId: guide._id, reason, touchId: touch._id },
      now,
      protectionDays,
      (session) => deps.attribution.GuideTouch.create([touch], { session }),
    );
    if (written) return { effect, guide: await boundGuideCard(deps, guide._id) };
  }
  throw bindingContention(shopperId);
}

async function boundGuideCard(deps: AttributionDependencies, guideId: Types.ObjectId): Promise<RecordTouchReply['guide']> {
  const guide = await deps.guides.Guide.findById(guideId).lean<GuideRecord>();
  if (guide === null) throw new Error(`bound guide ${guideId.toHexString()} is missing`);
  const { store } = await guideWithStore(deps, guide);
  return guideCardView(guide, store.name);
}

/**
 * Binds the shopper to a guide whatever the current binding (adding the guide on WeCom, a merchant's
 * reassignment), restarting protection. With `onlyFromGuideId` (a reassignment from that guide) only a shopper
 * still bound to that guide moves: the check is made on the binding the guarded write replaces, so a touch or
 * another reassignment that moved them meanwhile stands. `alsoInTransaction` commits with the binding (the
 * reassignment's own record). Returns false when nothing changed: the guide is not active, or the shopper is not
 * bound to `onlyFromGuideId`.
 */
export async function bindTo(
  deps: AttributionDependencies,
  shopperId: Types.ObjectId,
  write: { guideId: Types.ObjectId; reason: 'wecom-add' | 'reassignment'; byStaffId?: Types.ObjectId; onlyFromGuideId?: Types.ObjectId },
  alsoInTransaction?: (session: ClientSession) => Promise<unknown>,
): Promise<boolean> {
  const { onlyFromGuideId, ...binding } = write;
  const guide = await deps.guides.Guide.findById(binding.guideId).lean<GuideRecord>();
  if (guide === null || guide.status !== 'active') return false;
  const protectionDays = protectionDaysOf(await settingsRecord(deps));
  for (let attempt = 0; attempt < BINDING_ATTEMPTS; attempt += 1) {
    const current = await bindingOf(deps, shopperId);
    if (onlyFromGuideId !== undefined && current?.guideId.equals(onlyFromGuideId) !== true) return false;
    if (await writeBinding(deps, shopperId, current, binding, deps.now(), protectionDays, alsoInTransaction)) return true;
  }
  throw bindingContention(shopperId);
}

/** Adding the guide on WeCom binds at once and restarts protection (PRODUCT.md). */
export async function bindOnWecomAdd(
  deps: AttributionDependencies,
  input: { shopperId: Types.ObjectId; guideId: Types.ObjectId },
): Promise<void> {
  await bindTo(deps, input.shopperId, { guideId: input.guideId, reason: 'wecom-add' });
}

/** The shopper's guide when they have one who is still active: whom checkout attributes the order to. */
export async function activeBoundGuide(
  deps: AttributionDependencies,
  shopperId: Types.ObjectId,
): Promise<{ guide: GuideRecord; store: StoreRecord } | null> {
  const binding = await bindingOf(deps, shopperId);
  if (binding === null) return null;
  const guide = await deps.guides.Guide.findById(binding.guideId).lean<GuideRecord>();
  return guide !== null && guide.status === 'active' ? guideWithStore(deps, guide) : null;
}

/**
 * The active guides of the assignment pool, oldest first: the merchant's assignment store while it is open,
 * otherwise every open store's.
 */
async function assignmentPool(deps: AttributionDependencies): Promise<{ key: string; guides: GuideRecord[] }> {
  const settings = await settingsRecord(deps);
  const chosen =
    settings?.assignmentStoreId === undefined
      ? null
      : await deps.guides.Store.findOne({ _id: settings.assignmentStoreId, status: 'active' }).lean<StoreRecord>();
  const storeIds =
    chosen !== null
      ? [chosen._id]
      : (await deps.guides.Store.find({ status: 'active' }, { _id: 1 }).lean<Pick<StoreRecord, '_id'>[]>()).map((store) => store._id);
  const guides = await deps.guides.Guide.find({ storeId: { $in: storeIds }, status: 'active' })
    .sort({ createdAt: 1, _id: 1 })
    .lean<GuideRecord[]>();
  return { key: chosen?._id.toHexString() ?? 'all', guides };
}

/**
 * Every paid customer has a guide to add: a shopper without an active guide at payment is given the next guide
 * of the pool, round-robin. The position is taken with an atomic `$inc`, so parallel payments take successive
 * guides; the binding itself is written under the usual guard, so a touch that binds the shopper meanwhile wins.
 * Null only when the pool has no active guide.
 */
export async function assignGuideAtPayment(
  deps: AttributionDependencies,
  shopperId: Types.ObjectId,
): Promise<{ guide: GuideRecord; store: StoreRecord } | null> {
  for (let attempt = 0; attempt < BINDING_ATTEMPTS; attempt += 1) {
    const bound = await activeBoundGuide(deps, shopperId);
    if (bound !== null) return bound;
    const pool = await assignmentPool(deps);
    if (pool.guides.length === 0) return null;
    const cursor = await deps.attribution.AssignmentCursor.findOneAndUpdate(
      { _id: pool.key },
      { $inc: { taken: 1 } },
      { upsert: true, returnDocument: 'after' },
    ).lean<{ taken: number }>();
    const guide = pool.guides[((cursor?.taken ?? 1) - 1) % pool.guides.length] as GuideRecord;
    const current = await bindingOf(deps, shopperId);
    // A binding to a guide who left counts as none; any other binding that appeared meanwhile is taken as is.
    if (current !== null && (await deps.guides.Guide.exists({ _id: current.guideId, status: 'active' })) !== null) continue;
    const protectionDays = protectionDaysOf(await settingsRecord(deps));
    if (await writeBinding(deps, shopperId, current, { guideId: guide._id, reason: 'payment-assignment' }, deps.now(), protectionDays)) {
      return guideWithStore(deps, guide);
    }
  }
  throw bindingContention(shopperId);
}

// --- Explanation --------------------------------------------------------------------------------

/** "自 … 起由 王小美（徐汇店）服务，因为…；保护期至 …" — the sentence staff and shoppers read. */
export function explanationOf(binding: CustomerBindingRecord, guideName: string, storeName: string, now: Date): string {
  const head = `自 ${shanghaiDateTime(binding.since)} 起由 ${guideName}（${storeName}）服务，因为${bindingReasonLabels[binding.reason]}`;
  if (binding.protectedUntil === undefined) return `${head}；永久保护，其他导购的链接不会改变归属。`;
  if (isProtected(binding, now)) {
    return `${head}；保护期至 ${shanghaiDateTime(binding.protectedUntil)}，期间其他导购的链接不会改变归属。`;
  }
  return `${head}；保护期已于 ${shanghaiDateTime(binding.protectedUntil)} 结束，下一位导购的链接或企业微信添加会重新绑定。`;
}

export async function explainBinding(deps: AttributionDependencies, shopperId: Types.ObjectId): Promise<BindingExplanation | null> {
  const binding = await bindingOf(deps, shopperId);
  if (binding === null) return null;
  const guide = await deps.guides.Guide.findById(binding.guideId).lean<GuideRecord>();
  if (guide === null) throw new Error(`bound guide ${binding.guideId.toHexString()} is missing`);
  const { store } = await guideWithStore(deps, guide);
  const now = deps.now();
  return {
    guide: guideCardView(guide, store.name),
    since: binding.since.toISOString(),
    protectedUntil: binding.protectedUntil?.toISOString() ?? null,
    protectedNow: isProtected(binding, now),
    reason: binding.reason,
    explanation: explanationOf(binding, guide.name, store.name, now),
  };
}

/** The shopper's latest touch since `after`: the order's source touch and channel. */
export async function latestTouchSince(
  deps: AttributionDependencies,
  shopperId: Types.ObjectId,
  after: Date,
): Promise<GuideTouchRecord | null> {
  return deps.attribution.GuideTouch.findOne({ shopperId, at: { $gte: after } })
    .sort({ at: -1 })
    .lean<GuideTouchRecord>();
}
