import type { Logger } from 'pino';
import type { Types } from 'mongoose';
import type { WecomRelationEnder, WelcomeOutcome } from '@mall/shared';
import { bindOnWecomAdd } from '../attribution/service.ts';
import type { Shopper } from '../customers/models.ts';
import { isDuplicateKeyError } from '../db/errors.ts';
import { recordWecomAdd } from '../guide-performance/rollups.ts';
import type { GuideRecord, StoreRecord } from '../guides/models.ts';
import type { JobDefinition } from '../jobs/scheduler.ts';
import { PlatformError } from '../platform/errors.ts';
import type { StoredWecomEvent } from '../platform/wecom/callback-events.ts';
import type { WecomCallbackEvent } from '../platform/wecom/callback-crypto.ts';
import { isWelcomeCodeUsed } from '../platform/wecom/client.ts';
import { isPlatformErrorCode, retireContactWaysOfState, retireUnusedShopperContactWays } from './contact-ways.ts';
import type { WecomRelationRecord } from './models.ts';
import type { GuideContactDependencies } from './service.ts';
import { parseState } from './state.ts';

/**
 * Acting on WeCom's 客户联系 callbacks, once each: the callback route stores every event once (WeCom retries) and
 * hands the new one here at once; an attempt claims the stored event with a lease (`nextAttemptAt`), so two
 * deliveries racing, or the route and the retry job, never act on it together. A failed attempt is retried by
 * WECOM_EVENTS_JOB with growing delays. Every step is safe to run again: the relation is written under the event
 * that made it, and the welcome message and the binding are marked done on it.
 */

export const WECOM_EVENTS_JOB = 'guide-contacts.wecom-events';
const ATTEMPT_LEASE_MS = 30_000;
const FIRST_RETRY_MS = 2_000;
const MAX_RETRY_MS = 30 * 60_000;
export const MAX_EVENT_ATTEMPTS = 10;
const EVENTS_PER_RUN = 100;
/** Rounds of read-write on one relation before the attempt fails (and is retried): each lost round means another event changed it. */
const RELATION_ATTEMPTS = 5;
/** `send_welcome_msg` with a code WeCom no longer accepts (its 20 s passed): the message cannot be sent any more. */
const WELCOME_CODE_INVALID = 41050;
/** `externalcontact/get` of someone who is no longer anyone's customer. */
const NOT_EXTERNAL_CONTACT = 84061;

type AddEvent = Extract<WecomCallbackEvent, { type: 'add_external_contact' }>;
type EndEvent = Extract<WecomCallbackEvent, { type: 'del_external_contact' | 'del_follow_user' }>;
type TransferFailEvent = Extract<WecomCallbackEvent, { type: 'transfer_fail' }>;

function retryDelayMs(attempts: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1), MAX_RETRY_MS);
}

function eventTime(event: { createTime: number }): Date {
  return new Date(event.createTime * 1000);
}

/** Takes the event for one attempt, unless it is done, given up, or another attempt holds it. */
async function claim(deps: GuideContactDependencies, filter: Record<string, unknown>, now: Date): Promise<StoredWecomEvent | null> {
  return deps.events
    .findOneAndUpdate(
      { ...filter, processedAt: null, gaveUpAt: null, $or: [{ nextAttemptAt: null }, { nextAttemptAt: { $lte: now } }] },
      { $set: { nextAttemptAt: new Date(now.getTime() + ATTEMPT_LEASE_MS) }, $inc: { attempts: 1 } },
      { sort: { receivedAt: 1 }, returnDocument: 'after' },
    )
    .lean<StoredWecomEvent>();
}

// --- Relations ----------------------------------------------------------------------------------

function welcomeText(guideName: string, storeName: string): string {
  return `您好，我是${storeName}的导购${guideName}，很高兴为您服务！订单、售后或新品有任何问题，直接在这里找我就好。`;
}

/** Sends it; a code already used counts as sent, one WeCom no longer accepts as lapsed. Other failures throw (retried). */
async function sendWelcome(deps: GuideContactDependencies, guide: GuideRecord, welcomeCode: string): Promise<WelcomeOutcome> {
  const store = await deps.guides.Store.findById(guide.storeId, { name: 1 }).lean<Pick<StoreRecord, 'name'>>();
  try {
    await deps.wecom.sendWelcomeMessage({ welcomeCode, text: welcomeText(guide.name, store?.name ?? '') });
    return 'sent';
  } catch (error) {
    if (isWelcomeCodeUsed(error)) return 'sent';
    if (isPlatformErrorCode(error, WELCOME_CODE_INVALID)) return 'expired';
    throw error;
  }
}

/** The guide the customer added: the one our state names when it is still that member, else the guide with that WeCom userid. */
async function guideOfAdd(deps: GuideContactDependencies, event: AddEvent): Promise<{ guide: GuideRecord; stateIsOurs: boolean } | null> {
  const parsed = parseState(event.state);
  if (parsed !== undefined) {
    const named = await deps.guides.Guide.findOne({ code: parsed.guideCode }).lean<GuideRecord>();
    if (named !== null && named.wecomUserId === event.userId) return { guide: named, stateIsOurs: true };
  }
  const member = await deps.guides.Guide.findOne({ wecomUserId: event.userId }).lean<GuideRecord>();
  return member === null ? null : { guide: member, stateIsOurs: false };
}

/** A customer following a guide from `at` on: through a contact way (an add event), or taken over from another guide (a transfer). */
export interface RelationStart {
  externalUserId: string;
  guideId: Types.ObjectId;
  /** The guide's WeCom userid the customer follows. */
  wecomUserId: string;
  at: Date;
  /** What started it (the stored event's key, or the transfer's): the same start applied again changes nothing. */
  key: string;
  state?: string;
  welcome: WelcomeOutcome;
  /** Known already: a transfer carries them over from the relation with the earlier guide. */
  shopperId?: Types.ObjectId;
  customerName?: string;
}

/**
 * The relation as this start leaves it: written once per start, unless a later change (by WeCom's time) was
 * applied already (null). Running it again for the same start returns the relation as it is.
 */
export async function startRelation(
  deps: Pick<GuideContactDependencies, 'contacts' | 'now'>,
  start: RelationStart,
): Promise<WecomRelationRecord | null> {
  const key = { externalUserId: start.externalUserId, guideId: start.guideId };
  for (let attempt = 0; attempt < RELATION_ATTEMPTS; attempt += 1) {
    const current = await deps.contacts.WecomRelation.findOne(key).lean<WecomRelationRecord>();
    if (current?.addEventKey === start.key) return current;
    if (current !== null && current.changedAt.getTime() > start.at.getTime()) return null;
    const now = deps.now();
    const fields = {
      wecomUserId: start.wecomUserId,
      status: 'added' as const,
      addedAt: start.at,
      changedAt: start.at,
      addEventKey: start.key,
      welcome: start.welcome,
      updatedAt: now,
      ...(start.state !== undefined && { state: start.state }),
      ...(start.shopperId !== undefined && { shopperId: start.shopperId }),
      ...(start.customerName !== undefined && { customerName: start.customerName }),
    };
    if (current === null) {
      try {
        return (await deps.contacts.WecomRelation.create({ ...key, ...fields, createdAt: now })).toObject();
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        continue;
      }
    }
    const updated = await deps.contacts.WecomRelation.findOneAndUpdate(
      { _id: current._id, addEventKey: current.addEventKey, changedAt: current.changedAt },
      { $set: fields, $unset: { boundAt: 1, deletedAt: 1, deletedBy: 1, ...(start.state === undefined && { state: 1 }) } },
      { returnDocument: 'after' },
    ).lean<WecomRelationRecord>();
    if (updated !== null) return updated;
  }
  throw new Error(`relation of ${start.externalUserId} and guide ${start.guideId.toHexString()} keeps changing`);
}

/** The relation as this add event leaves it (see `startRelation`). */
function applyAdd(
  deps: GuideContactDependencies,
  event: AddEvent,
  eventKey: string,
  guide: GuideRecord,
): Promise<WecomRelationRecord | null> {
  return startRelation(deps, {
    externalUserId: event.externalUserId,
    guideId: guide._id,
    wecomUserId: event.userId,
    at: eventTime(event),
    key: eventKey,
    welcome: event.welcomeCode === undefined ? 'console' : 'pending',
    ...(event.state !== undefined && { state: event.state }),
  });
}

/** A later add of the same customer and guide took the relation over while this one was being acted on. */
class Superseded extends Error {}

/** Changes the relation only while it still belongs to this add. */
async function updateForAdd(
  deps: GuideContactDependencies,
  relation: WecomRelationRecord,
  set: Partial<Pick<WecomRelationRecord, 'welcome' | 'shopperId' | 'customerName' | 'boundAt'>>,
): Promise<void> {
  const updated = await deps.contacts.WecomRelation.updateOne(
    { _id: relation._id, addEventKey: relation.addEventKey },
    { $set: { ...set, updatedAt: deps.now() } },
  );
  if (updated.matchedCount === 0) throw new Superseded();
  Object.assign(relation, set);
}

/**
 * Which shopper this WeChat user is: the one our state names (a contact way made for them), else the shopper with
 * their unionid (WeCom gives it when the corp and the mini-program share an open platform account), else whom an
 * earlier relation of the same external user named. Also their WeChat name when WeCom was asked.
 */
async function shopperOfAdd(
  deps: GuideContactDependencies,
  event: AddEvent,
  stateIsOurs: boolean,
): Promise<{ shopperId?: Types.ObjectId; customerName?: string }> {
  const named = stateIsOurs ? parseState(event.state)?.shopperId : undefined;
  if (named !== undefined && (await deps.customers.Shopper.exists({ _id: named })) !== null) return { shopperId: named };
  let customer: Awaited<ReturnType<GuideContactDependencies['wecom']['getCustomer']>> | undefined;
  try {
    customer = await deps.wecom.getCustomer(event.externalUserId);
  } catch (error) {
    if (!isPlatformErrorCode(error, NOT_EXTERNAL_CONTACT)) throw error;
  }
  const customerName = customer?.externalContact.name;
  const unionid = customer?.externalContact.unionid;
  const byUnionid =
    unionid === undefined ? null : await deps.customers.Shopper.findOne({ unionid }, { _id: 1 }).lean<Pick<Shopper, '_id'>>();
  if (byUnionid !== null) return { shopperId: byUnionid._id, customerName };
  const earlier = await deps.contacts.WecomRelation.findOne(
    { externalUserId: event.externalUserId, shopperId: { $exists: true } },
    { shopperId: 1 },
  ).lean<Pick<WecomRelationRecord, 'shopperId'>>();
  return { ...(earlier?.shopperId !== undefined && { shopperId: earlier.shopperId }), ...(customerName !== undefined && { customerName }) };
}

/**
 * A customer added a guide: the relation, the welcome message (first: WeCom takes it within 20 s), the shopper
 * linked and bound to the guide, and the contact ways made for that shopper deleted (they did their work).
 */
async function onAdd(deps: GuideContactDependencies, event: AddEvent, eventKey: string): Promise<string> {
  try {
    return await actOnAdd(deps, event, eventKey);
  } catch (error) {
    if (error instanceof Superseded) return 'ignored: a later add of this customer took the relation over';
    throw error;
  }
}

async function actOnAdd(deps: GuideContactDependencies, event: AddEvent, eventKey: string): Promise<string> {
  const found = await guideOfAdd(deps, event);
  if (found === null) return `ignored: ${event.userId} is no guide's WeCom userid`;
  const { guide, stateIsOurs } = found;
  const relation = await applyAdd(deps, event, eventKey, guide);
  if (relation === null) return 'ignored: a later change of this relation was applied already';
  // Counted once per customer and guide: adding the same guide again after a delete is no new add.
  await recordWecomAdd(deps, guide._id, relation.addedAt, `${event.externalUserId}:${guide._id.toHexString()}`);

  if (relation.welcome === 'pending' && event.welcomeCode !== undefined) {
    await updateForAdd(deps, relation, { welcome: await sendWelcome(deps, guide, event.welcomeCode) });
  }

  if (relation.shopperId === undefined) {
    const { shopperId, customerName } = await shopperOfAdd(deps, event, stateIsOurs);
    if (shopperId !== undefined || customerName !== undefined) {
      await updateForAdd(deps, relation, {
        ...(shopperId !== undefined && { shopperId }),
        ...(customerName !== undefined && { customerName }),
      });
    }
  }
  if (relation.shopperId !== undefined && relation.boundAt === undefined && guide.status === 'active') {
    await bindOnWecomAdd(deps.attribution, { shopperId: relation.shopperId, guideId: guide._id });
    await updateForAdd(deps, relation, { boundAt: deps.now() });
  }

  if (stateIsOurs && event.state !== undefined && parseState(event.state)?.shopperId !== undefined) {
    await retireContactWaysOfState(deps, event.state, 'added');
  }
  const who = relation.shopperId === undefined ? 'an unknown shopper' : `shopper ${relation.shopperId.toHexString()}`;
  return `${who} added guide ${guide.code}; welcome ${relation.welcome}${relation.boundAt === undefined ? '' : '; bound'}`;
}

/** Whether an add of this customer to this member is stored but not yet acted on (its delete must wait for it). */
async function addPending(deps: GuideContactDependencies, event: EndEvent): Promise<boolean> {
  const pending = await deps.events.exists({
    processedAt: null,
    gaveUpAt: null,
    'event.type': 'add_external_contact',
    'event.userId': event.userId,
    'event.externalUserId': event.externalUserId,
  });
  return pending !== null;
}

/** How ending a relation went: ended now, ended at that very time already, a later change applied already, or no such relation. */
export type RelationEnd = 'ended' | 'ended-already' | 'superseded' | 'no-relation';

/**
 * Ends the customer's latest relation with a WeCom member at `at`, saying who ended it, unless a later change (by
 * WeCom's time) was applied already. The binding stays.
 */
export async function endRelation(
  deps: Pick<GuideContactDependencies, 'contacts' | 'now'>,
  end: { externalUserId: string; wecomUserId: string; at: Date; deletedBy: WecomRelationEnder },
): Promise<RelationEnd> {
  for (let attempt = 0; attempt < RELATION_ATTEMPTS; attempt += 1) {
    const relation = await deps.contacts.WecomRelation.findOne({ externalUserId: end.externalUserId, wecomUserId: end.wecomUserId })
      .sort({ changedAt: -1 })
      .lean<WecomRelationRecord>();
    if (relation === null) return 'no-relation';
    if (relation.changedAt.getTime() > end.at.getTime()) return 'superseded';
    if (relation.status === 'deleted' && relation.changedAt.getTime() === end.at.getTime()) return 'ended-already';
    const updated = await deps.contacts.WecomRelation.updateOne(
      { _id: relation._id, addEventKey: relation.addEventKey, changedAt: relation.changedAt },
      { $set: { status: 'deleted', deletedAt: end.at, deletedBy: end.deletedBy, changedAt: end.at, updatedAt: deps.now() } },
    );
    if (updated.modifiedCount === 1) return 'ended';
  }
  throw new Error(`relation of ${end.externalUserId} and ${end.wecomUserId} keeps changing`);
}

/** The guide deleted the customer, or the customer the guide: the relation says so (who, when); the binding stays. */
async function onEnd(deps: GuideContactDependencies, event: EndEvent, deletedBy: WecomRelationEnder): Promise<string> {
  const ended = await endRelation(deps, {
    externalUserId: event.externalUserId,
    wecomUserId: event.userId,
    at: eventTime(event),
    deletedBy,
  });
  switch (ended) {
    case 'no-relation':
      if (await addPending(deps, event)) throw new Error('the add of this relation is not acted on yet');
      return 'ignored: no relation of this customer and member';
    case 'superseded':
      return 'ignored: a later change of this relation was applied already';
    case 'ended-already':
      return 'deleted already';
    case 'ended':
      return `relation deleted by the ${deletedBy}`;
  }
}

/**
 * A transfer to another member did not happen (the customer refused it, or that member has too many customers):
 * noted on the customer's current relations — they stay with their guide. Resolves with how many were noted.
 * WeCom's transfer_fail event and the inheritance's own check of the transfer's result both come here.
 */
export async function noteTransferFailure(
  deps: Pick<GuideContactDependencies, 'contacts' | 'now'>,
  failure: { externalUserId: string; takeoverWecomUserId: string; reason: string; at: Date },
): Promise<number> {
  const noted = await deps.contacts.WecomRelation.updateMany(
    { externalUserId: failure.externalUserId, status: 'added', wecomUserId: { $ne: failure.takeoverWecomUserId } },
    {
      $set: {
        transferFailure: { takeoverWecomUserId: failure.takeoverWecomUserId, reason: failure.reason, at: failure.at },
        updatedAt: deps.now(),
      },
    },
  );
  return noted.modifiedCount;
}

async function onTransferFail(deps: GuideContactDependencies, event: TransferFailEvent): Promise<string> {
  const noted = await noteTransferFailure(deps, {
    externalUserId: event.externalUserId,
    takeoverWecomUserId: event.userId,
    reason: event.failReason,
    at: eventTime(event),
  });
  return `transfer to ${event.userId} failed (${event.failReason}); noted on ${noted} relation(s)`;
}

/**
 * A transfer WeCom completed (在职/离职继承): from `at` the customer follows the takeover guide — who the customer
 * is carries over from their relation with the earlier member — and that relation ends as transferred. Applying
 * the same transfer (its `key`) again changes nothing.
 */
export async function takeOverRelation(
  deps: Pick<GuideContactDependencies, 'contacts' | 'now'>,
  transfer: {
    externalUserId: string;
    handoverUserId: string;
    takeover: { guideId: Types.ObjectId; wecomUserId: string };
    at: Date;
    key: string;
  },
): Promise<void> {
  const earlier = await deps.contacts.WecomRelation.findOne({
    externalUserId: transfer.externalUserId,
    wecomUserId: transfer.handoverUserId,
  })
    .sort({ changedAt: -1 })
    .lean<WecomRelationRecord>();
  await startRelation(deps, {
    externalUserId: transfer.externalUserId,
    guideId: transfer.takeover.guideId,
    wecomUserId: transfer.takeover.wecomUserId,
    at: transfer.at,
    key: transfer.key,
    welcome: 'transferred',
    ...(earlier?.shopperId !== undefined && { shopperId: earlier.shopperId }),
    ...(earlier?.customerName !== undefined && { customerName: earlier.customerName }),
  });
  await endRelation(deps, {
    externalUserId: transfer.externalUserId,
    wecomUserId: transfer.handoverUserId,
    at: transfer.at,
    deletedBy: 'transfer',
  });
}

async function act(deps: GuideContactDependencies, stored: StoredWecomEvent): Promise<string> {
  const event = stored.event;
  switch (event.type) {
    case 'add_external_contact':
      return onAdd(deps, event, stored.dedupeKey);
    case 'del_external_contact':
      return onEnd(deps, event, event.source === 'DELETE_BY_TRANSFER' ? 'transfer' : 'guide');
    case 'del_follow_user':
      return onEnd(deps, event, 'customer');
    case 'transfer_fail':
      return onTransferFail(deps, event);
    default:
      return `ignored: ${event.type === 'unknown' ? `${event.event ?? '?'}/${event.changeType ?? '?'}` : event.type}`;
  }
}

/** What went wrong, for people reading the event: a platform's own code and message rather than the shopper-facing text. */
function failureText(error: unknown): string {
  if (error instanceof PlatformError) return `${error.failure.operation} ${error.failure.code}: ${error.failure.message}`;
  return error instanceof Error ? error.message : String(error);
}

/** One attempt at a claimed event: done (processedAt), or retried later, or given up after MAX_EVENT_ATTEMPTS. */
async function attempt(deps: GuideContactDependencies, stored: StoredWecomEvent, log: Logger): Promise<boolean> {
  try {
    const outcome = await act(deps, stored);
    await deps.events.updateOne(
      { _id: stored._id },
      { $set: { processedAt: deps.now(), outcome }, $unset: { nextAttemptAt: 1, lastError: 1 } },
    );
    log.info({ wecomEvent: stored.type, outcome }, 'WeCom event acted on');
    return true;
  } catch (error) {
    const attempts = stored.attempts ?? 1;
    const lastError = failureText(error);
    const now = deps.now();
    if (attempts >= MAX_EVENT_ATTEMPTS) {
      await deps.events.updateOne({ _id: stored._id }, { $set: { gaveUpAt: now, lastError }, $unset: { nextAttemptAt: 1 } });
      log.error({ err: error, wecomEvent: stored.type, attempts }, 'gave up acting on a WeCom event');
    } else {
      await deps.events.updateOne(
        { _id: stored._id },
        { $set: { nextAttemptAt: new Date(now.getTime() + retryDelayMs(attempts)), lastError } },
      );
      log.warn({ err: error, wecomEvent: stored.type, attempts }, 'acting on a WeCom event failed; it will be retried');
    }
    return false;
  }
}

/** Acts on the event just stored (the callback route calls this without waiting). Resolves with whether it was done. */
export async function processStoredEvent(deps: GuideContactDependencies, dedupeKey: string, log: Logger): Promise<boolean> {
  try {
    const stored = await claim(deps, { dedupeKey }, deps.now());
    return stored === null ? false : await attempt(deps, stored, log);
  } catch (error) {
    // Claiming or recording failed (the database): the job finds the event again.
    log.error({ err: error }, 'could not act on a WeCom event');
    return false;
  }
}

/** Acts on stored events that are due, oldest first, up to EVENTS_PER_RUN; resolves with how many were done. */
export async function processDueEvents(deps: GuideContactDependencies, now: Date, log: Logger): Promise<number> {
  let done = 0;
  for (let count = 0; count < EVENTS_PER_RUN; count += 1) {
    const stored = await claim(deps, {}, now);
    if (stored === null) break;
    if (await attempt(deps, stored, log)) done += 1;
  }
  return done;
}

/** The scheduler's jobs: retries of WeCom events (often: a welcome message has 20 s), the expiry of unused per-shopper contact ways. */
export function guideContactJobs(deps: GuideContactDependencies): JobDefinition[] {
  return [
    { name: WECOM_EVENTS_JOB, intervalMs: 5_000, run: async ({ now, log }) => void (await processDueEvents(deps, now, log)) },
    {
      name: 'guide-contacts.expire-shopper-contact-ways',
      intervalMs: 60 * 60_000,
      run: async ({ now, log }) => {
        const retired = await retireUnusedShopperContactWays(deps, now);
        if (retired > 0) log.info({ retired }, 'unused per-shopper WeCom contact ways deleted');
      },
    },
  ];
}
