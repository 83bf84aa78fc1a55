import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { Types } from 'mongoose';
import type { CreateHandoverRequest, HandoverReply, HandoverSkipReason } from '@mall/shared';
import { bindTo } from '../attribution/service.ts';
import type { CustomerBindingRecord } from '../attribution/models.ts';
import type { Shopper } from '../customers/models.ts';
import { isDuplicateKeyError } from '../db/errors.ts';
import type { WecomRelationRecord } from '../guide-contacts/models.ts';
import type { GuideRecord } from '../guides/models.ts';
import { AppError } from '../http/errors.ts';
import type { InheritanceDependencies } from './dependencies.ts';
import type { CustomerTransferRecord, HandoverCustomerRecord, HandoverRecord } from './models.ts';
import { requestTransfers } from './transfers.ts';
import { handoverReply } from './views.ts';

/**
 * Handing customers over (在职继承 / 离职继承). Each customer's binding moves through the attribution rules' own
 * write, guarded so that only a customer still bound to the source guide at that moment moves (a touch or another
 * handover that got there first stands), and the handover's record of the customer commits with it. Customers who
 * had the source guide on WeCom then get their WeCom transfer requested (see transfers.ts).
 *
 * Orders are left as they are: an order keeps the guide it was attributed to at checkout (PRODUCT.md: the guide
 * snapshot), paid or not — payment assigns a guide only to orders that have none, so an unpaid order of a guide who
 * left stays theirs, as does the performance it brings. What the customer orders next is attributed through the
 * binding, to the new guide.
 */

/** How long a run holds a moving handover before the job may take it up: renewed for every chunk of customers. */
export const HANDOVER_LEASE_MS = 2 * 60_000;
const CUSTOMERS_PER_CHUNK = 100;
/** Bindings moved at once: each is its own small transaction. */
const MOVE_CONCURRENCY = 8;
const FIRST_PAGE = { page: 1, pageSize: 50 };

function requestHashOf(fromGuideId: string, request: CreateHandoverRequest, customerIds: string[] | undefined): string {
  const asked = {
    fromGuideId,
    toGuideId: request.toGuideId,
    customerIds: customerIds ?? null,
    transferMessage: request.transferMessage ?? null,
  };
  return createHash('sha256').update(JSON.stringify(asked)).digest('hex');
}

/** A handover already made with this key: answered as it stands when it is the same request, refused otherwise. */
async function repeated(deps: InheritanceDependencies, earlier: HandoverRecord, requestHash: string): Promise<HandoverReply> {
  if (earlier.requestHash !== requestHash)
    throw new AppError('IDEMPOTENCY_KEY_REUSED', { details: { handoverId: earlier._id.toHexString() } });
  return handoverReply(deps, earlier._id.toHexString(), FIRST_PAGE);
}

async function handoverGuides(
  deps: InheritanceDependencies,
  fromGuideId: string,
  toGuideId: string,
): Promise<{ from: GuideRecord; to: GuideRecord }> {
  const from = await deps.guides.Guide.findById(fromGuideId).lean<GuideRecord>();
  if (from === null) throw new AppError('NOT_FOUND', { message: '导购不存在' });
  if (toGuideId === fromGuideId) throw new AppError('HANDOVER_SAME_GUIDE', { details: { field: 'toGuideId' } });
  const to = await deps.guides.Guide.findById(toGuideId).lean<GuideRecord>();
  if (to === null) throw new AppError('NOT_FOUND', { message: '接收客户的导购不存在', details: { field: 'toGuideId' } });
  if (to.status !== 'active') throw new AppError('HANDOVER_TARGET_LEFT', { details: { field: 'toGuideId' } });
  return { from, to };
}

/**
 * Hands the guide's customers (all, or the ones named) over to another guide on duty, once per staff member and
 * idempotency key: the same key again answers the handover it made (as it stands, while a racing twin still runs it).
 */
export async function createHandover(
  deps: InheritanceDependencies,
  input: { byStaffId: Types.ObjectId; fromGuideId: string; request: CreateHandoverRequest; idempotencyKey: string },
  log: Logger,
): Promise<HandoverReply> {
  const { byStaffId, fromGuideId, request, idempotencyKey } = input;
  const customerIds = request.customerIds === undefined ? undefined : [...new Set(request.customerIds)].sort();
  const requestHash = requestHashOf(fromGuideId, request, customerIds);
  const earlier = await deps.inheritance.Handover.findOne({ byStaffId, idempotencyKey }).lean<HandoverRecord>();
  if (earlier !== null) return repeated(deps, earlier, requestHash);

  const { from, to } = await handoverGuides(deps, fromGuideId, request.toGuideId);
  const mode = from.status === 'active' ? 'on-duty' : 'resigned';
  if (mode === 'resigned' && request.transferMessage !== undefined) {
    throw new AppError('VALIDATION_FAILED', {
      details: [{ in: 'body', path: ['transferMessage'], code: 'custom', message: '离职继承时企业微信不向客户发送转接提示语' }],
    });
  }
  const now = deps.now();
  let handover: HandoverRecord;
  try {
    const created = await deps.inheritance.Handover.create({
      fromGuideId: from._id,
      toGuideId: to._id,
      mode,
      ...(customerIds !== undefined && { customerIds: customerIds.map((id) => new Types.ObjectId(id)) }),
      ...(request.transferMessage !== undefined && { transferMessage: request.transferMessage }),
      byStaffId,
      idempotencyKey,
      requestHash,
      status: 'moving',
      leaseUntil: new Date(now.getTime() + HANDOVER_LEASE_MS),
      createdAt: now,
    });
    handover = created.toObject();
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    const twin = await deps.inheritance.Handover.findOne({ byStaffId, idempotencyKey }).lean<HandoverRecord>();
    if (twin === null) throw error;
    return repeated(deps, twin, requestHash);
  }
  await runHandover(deps, handover, log);
  return handoverReply(deps, handover._id.toHexString(), FIRST_PAGE);
}

/**
 * Runs a handover this caller holds: moves the customers it has not handled yet, requests their WeCom transfers,
 * and marks it done. A failure hands it to the job's next run (the lease is let go) and is thrown.
 */
export async function runHandover(deps: InheritanceDependencies, handover: HandoverRecord, log: Logger): Promise<void> {
  try {
    await moveCustomers(deps, handover);
    await requestTransfers(deps, { handoverId: handover._id }, deps.now(), log);
    await deps.inheritance.Handover.updateOne(
      { _id: handover._id, status: 'moving' },
      { $set: { status: 'done', finishedAt: deps.now() }, $unset: { leaseUntil: 1 } },
    );
  } catch (error) {
    await deps.inheritance.Handover.updateOne({ _id: handover._id, status: 'moving' }, { $set: { leaseUntil: deps.now() } });
    throw error;
  }
}

/** The customers still to handle: the ones named, or every customer bound to the source guide now, less those handled already. */
async function customersToHandle(deps: InheritanceDependencies, handover: HandoverRecord): Promise<Types.ObjectId[]> {
  const candidates =
    handover.customerIds ??
    (
      await deps.attribution.attribution.CustomerBinding.find({ guideId: handover.fromGuideId }, { _id: 1 })
        .sort({ _id: 1 })
        .lean<Pick<CustomerBindingRecord, '_id'>[]>()
    ).map((binding) => binding._id);
  const handled = await deps.inheritance.HandoverCustomer.find({ handoverId: handover._id }, { shopperId: 1 }).lean<
    Pick<HandoverCustomerRecord, 'shopperId'>[]
  >();
  const done = new Set(handled.map((record) => record.shopperId.toHexString()));
  return candidates.filter((id) => !done.has(id.toHexString()));
}

async function inParallel<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

async function moveCustomers(deps: InheritanceDependencies, handover: HandoverRecord): Promise<void> {
  const to = await deps.guides.Guide.findById(handover.toGuideId).lean<GuideRecord>();
  if (to === null) throw new Error(`handover ${handover._id.toHexString()}: takeover guide ${handover.toGuideId.toHexString()} is missing`);
  const todo = await customersToHandle(deps, handover);
  for (let start = 0; start < todo.length; start += CUSTOMERS_PER_CHUNK) {
    const chunk = todo.slice(start, start + CUSTOMERS_PER_CHUNK);
    await deps.inheritance.Handover.updateOne(
      { _id: handover._id, status: 'moving' },
      { $set: { leaseUntil: new Date(deps.now().getTime() + HANDOVER_LEASE_MS) } },
    );
    const [shoppers, relations] = await Promise.all([
      deps.customers.Shopper.find({ _id: { $in: chunk } }, { _id: 1 }).lean<Pick<Shopper, '_id'>[]>(),
      // Oldest first, so the map below keeps each customer's latest relation.
      deps.contacts.WecomRelation.find({ shopperId: { $in: chunk }, guideId: handover.fromGuideId, status: 'added' })
        .sort({ addedAt: 1 })
        .lean<WecomRelationRecord[]>(),
    ]);
    const known = new Set(shoppers.map((shopper) => shopper._id.toHexString()));
    const relationOf = new Map(relations.map((relation) => [relation.shopperId?.toHexString(), relation]));
    await inParallel(chunk, MOVE_CONCURRENCY, (shopperId) =>
      known.has(shopperId.toHexString())
        ? moveCustomer(deps, handover, to, shopperId, relationOf.get(shopperId.toHexString()))
        : recordSkip(deps, handover, shopperId, 'unknown-customer'),
    );
  }
}

/** The WeCom transfer a moved customer who had the source guide on WeCom gets: to request, unless the takeover guide has no WeCom. */
function plannedTransfer(handover: HandoverRecord, to: GuideRecord, relation: WecomRelationRecord, now: Date): CustomerTransferRecord {
  const base = {
    externalUserId: relation.externalUserId,
    handoverUserId: relation.wecomUserId,
    resigned: handover.mode === 'resigned',
    attempts: 0,
  };
  if (to.wecomUserId === undefined) return { ...base, status: 'failed', failure: 'takeover-without-wecom', settledAt: now };
  return { ...base, takeoverUserId: to.wecomUserId, status: 'pending', nextAttemptAt: now };
}

async function moveCustomer(
  deps: InheritanceDependencies,
  handover: HandoverRecord,
  to: GuideRecord,
  shopperId: Types.ObjectId,
  relation: WecomRelationRecord | undefined,
): Promise<void> {
  const now = deps.now();
  const record: HandoverCustomerRecord = {
    _id: new Types.ObjectId(),
    handoverId: handover._id,
    shopperId,
    outcome: 'moved',
    at: now,
    ...(relation !== undefined && { wecom: plannedTransfer(handover, to, relation, now) }),
  };
  try {
    const moved = await bindTo(
      deps.attribution,
      shopperId,
      { guideId: to._id, reason: 'reassignment', byStaffId: handover.byStaffId, onlyFromGuideId: handover.fromGuideId },
      (session) => deps.inheritance.HandoverCustomer.create([record], { session }),
    );
    if (moved) return;
  } catch (error) {
    // Another run of this handover recorded the customer first: its outcome stands, and this move was rolled back.
    if (isDuplicateKeyError(error)) return;
    throw error;
  }
  const takeoverActive = (await deps.guides.Guide.exists({ _id: to._id, status: 'active' })) !== null;
  await recordSkip(deps, handover, shopperId, takeoverActive ? 'not-bound-to-guide' : 'target-left');
}

async function recordSkip(
  deps: InheritanceDependencies,
  handover: HandoverRecord,
  shopperId: Types.ObjectId,
  skipReason: HandoverSkipReason,
): Promise<void> {
  try {
    await deps.inheritance.HandoverCustomer.create({ handoverId: handover._id, shopperId, outcome: 'skipped', skipReason, at: deps.now() });
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
}

/** Takes up handovers whose run died (their lease ran out), oldest first, a few per run. */
export async function resumeStalledHandovers(deps: InheritanceDependencies, now: Date, log: Logger, limit = 10): Promise<number> {
  let completed = 0;
  for (let taken = 0; taken < limit; taken += 1) {
    const handover = await deps.inheritance.Handover.findOneAndUpdate(
      { status: 'moving', leaseUntil: { $lte: now } },
      { $set: { leaseUntil: new Date(now.getTime() + HANDOVER_LEASE_MS) } },
      { sort: { createdAt: 1 }, returnDocument: 'after' },
    ).lean<HandoverRecord>();
    if (handover === null) break;
    try {
      await runHandover(deps, handover, log);
      completed += 1;
      log.info({ handoverId: handover._id.toHexString() }, 'stalled handover completed');
    } catch (error) {
      log.error({ err: error, handoverId: handover._id.toHexString() }, 'a stalled handover failed again; the next run takes it up');
      break;
    }
  }
  return completed;
}
