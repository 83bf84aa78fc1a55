import type { Logger } from 'pino';
import type { Types } from 'mongoose';
import type { TransferStatus } from '@mall/shared';
import { noteTransferFailure, takeOverRelation } from '../guide-contacts/events.ts';
import { AppError } from '../http/errors.ts';
import { PlatformError } from '../platform/errors.ts';
import { TRANSFER_MAX_CUSTOMERS, type CustomerTransferOutcome, type TransferResult } from '../platform/wecom/client.ts';
import type { InheritanceDependencies } from './dependencies.ts';
import type { CustomerTransferRecord, HandoverCustomerRecord, HandoverRecord } from './models.ts';

/**
 * The WeCom side of a handover. A moved customer who had the source guide on WeCom gets a `pending` transfer; it is
 * requested in calls of at most 100 customers per source member (on-duty: `transfer_customer` with the handover's
 * message; resigned: `resigned/transfer_customer`), each customer's errcode kept. A call that fails (WeCom busy or
 * unreachable, or refusing the whole call) is retried with growing delays, then recorded as failed. WeCom settles an
 * accepted transfer within 24 h; the job asks `transfer_result` until it is final. A transfer done moves the WeCom
 * relation to the takeover guide; one refused is noted on the customer's relation — both through guide-contacts'
 * relation functions, which WeCom's own transfer events use too.
 */

/** A request taken for one call: the job or the handover's own run does not request it meanwhile. */
const REQUEST_CLAIM_MS = 60_000;
export const MAX_TRANSFER_REQUESTS = 6;
const FIRST_RETRY_MS = 60_000;
const MAX_RETRY_MS = 30 * 60_000;
/** WeCom completes a transfer 24 h after it was asked unless the customer refuses: asked about every hour meanwhile. */
export const TRANSFER_CHECK_INTERVAL_MS = 60 * 60_000;
/** A transfer WeCom has not settled this long after it was accepted is taken as lost. */
export const TRANSFER_RESULT_DEADLINE_MS = 7 * 24 * 60 * 60_000;
const TRANSFERS_PER_RUN = 1000;
/** WeCom's `FailReason` of the transfer_fail event, for the same outcome read from `transfer_result`. */
const FAIL_REASONS: Partial<Record<TransferStatus, string>> = { refused: 'customer_refused', limit: 'customer_limit_exceed' };

type WithTransfer = HandoverCustomerRecord & { wecom: CustomerTransferRecord };

function retryDelayMs(attempts: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1), MAX_RETRY_MS);
}

function later(now: Date, ms: number): Date {
  return new Date(now.getTime() + ms);
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(keyOf(item), [...(groups.get(keyOf(item)) ?? []), item]);
  return [...groups.values()];
}

function failureText(error: AppError): string {
  return error instanceof PlatformError
    ? `${error.failure.operation} ${error.failure.code}: ${error.failure.message}`
    : `${error.code}: ${error.message}`;
}

/** Changes the record's transfer only while it is still in the status it was read in. */
async function updateTransfer(
  deps: InheritanceDependencies,
  record: WithTransfer,
  set: Partial<CustomerTransferRecord>,
  unset: (keyof CustomerTransferRecord)[] = [],
): Promise<void> {
  await deps.inheritance.HandoverCustomer.updateOne(
    { _id: record._id, 'wecom.status': record.wecom.status },
    {
      $set: Object.fromEntries(Object.entries(set).map(([key, value]) => [`wecom.${key}`, value])),
      ...(unset.length > 0 && { $unset: Object.fromEntries(unset.map((key) => [`wecom.${key}`, 1])) }),
    },
  );
}

// --- Requests -----------------------------------------------------------------------------------

/** Takes the pending transfer for this call, unless another caller took it or it is not due. */
async function claimRequest(deps: InheritanceDependencies, record: WithTransfer, now: Date): Promise<WithTransfer | null> {
  return deps.inheritance.HandoverCustomer.findOneAndUpdate(
    { _id: record._id, 'wecom.status': 'pending', 'wecom.nextAttemptAt': { $lte: now } },
    { $set: { 'wecom.nextAttemptAt': later(now, REQUEST_CLAIM_MS) }, $inc: { 'wecom.attempts': 1 } },
    { returnDocument: 'after' },
  ).lean<WithTransfer>();
}

/** The call failed for every customer in it: tried again later, or failed for good after MAX_TRANSFER_REQUESTS calls. */
async function requestFailed(
  deps: InheritanceDependencies,
  record: WithTransfer,
  lastError: string,
  errcode: number | undefined,
  now: Date,
) {
  if (record.wecom.attempts >= MAX_TRANSFER_REQUESTS) {
    await updateTransfer(
      deps,
      record,
      { status: 'failed', failure: 'call-failed', lastError, settledAt: now, ...(errcode !== undefined && { errcode }) },
      ['nextAttemptAt'],
    );
  } else {
    await updateTransfer(deps, record, { nextAttemptAt: later(now, retryDelayMs(record.wecom.attempts)), lastError });
  }
}

async function applyRequestOutcome(deps: InheritanceDependencies, record: WithTransfer, errcode: number | undefined, now: Date) {
  if (errcode === undefined) await requestFailed(deps, record, 'WeCom answered nothing for this customer', undefined, now);
  else if (errcode === 0)
    await updateTransfer(deps, record, { status: 'requested', requestedAt: now, nextAttemptAt: later(now, TRANSFER_CHECK_INTERVAL_MS) });
  else await updateTransfer(deps, record, { status: 'failed', failure: 'refused-by-wecom', errcode, settledAt: now }, ['nextAttemptAt']);
}

/** One call for up to 100 customers of one source member, handover and kind. */
async function requestBatch(deps: InheritanceDependencies, handover: HandoverRecord, batch: WithTransfer[], now: Date, log: Logger) {
  const claimed = (await Promise.all(batch.map((record) => claimRequest(deps, record, now)))).filter((record) => record !== null);
  const first = claimed[0];
  if (first?.wecom.takeoverUserId === undefined) return;
  const transfer = {
    handoverUserId: first.wecom.handoverUserId,
    takeoverUserId: first.wecom.takeoverUserId,
    externalUserIds: claimed.map((record) => record.wecom.externalUserId),
  };
  let outcomes: CustomerTransferOutcome[];
  try {
    outcomes = first.wecom.resigned
      ? await deps.wecom.transferResignedCustomers(transfer)
      : await deps.wecom.transferCustomers({
          ...transfer,
          ...(handover.transferMessage !== undefined && { transferSuccessMsg: handover.transferMessage }),
        });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const errcode = error instanceof PlatformError && typeof error.failure.code === 'number' ? error.failure.code : undefined;
    await Promise.all(claimed.map((record) => requestFailed(deps, record, failureText(error), errcode, now)));
    log.warn({ err: error, handoverId: handover._id.toHexString(), customers: claimed.length }, 'WeCom transfer request failed');
    return;
  }
  const errcodes = new Map(outcomes.map((outcome) => [outcome.externalUserId, outcome.errcode]));
  await Promise.all(claimed.map((record) => applyRequestOutcome(deps, record, errcodes.get(record.wecom.externalUserId), now)));
}

/** Requests the due pending transfers (of one handover, or all), grouped into WeCom's calls; resolves with how many were due. */
export async function requestTransfers(
  deps: InheritanceDependencies,
  scope: { handoverId?: Types.ObjectId },
  now: Date,
  log: Logger,
): Promise<number> {
  const due = await deps.inheritance.HandoverCustomer.find({
    ...(scope.handoverId !== undefined && { handoverId: scope.handoverId }),
    'wecom.status': 'pending',
    'wecom.nextAttemptAt': { $lte: now },
  })
    .sort({ _id: 1 })
    .limit(TRANSFERS_PER_RUN)
    .lean<WithTransfer[]>();
  const handovers = await deps.inheritance.Handover.find({ _id: { $in: [...new Set(due.map((record) => record.handoverId))] } }).lean<
    HandoverRecord[]
  >();
  const handoverOf = new Map(handovers.map((handover) => [handover._id.toHexString(), handover]));
  for (const group of groupBy(due, (record) => `${record.handoverId.toHexString()} ${record.wecom.handoverUserId}`)) {
    const handover = handoverOf.get(group[0]?.handoverId.toHexString() ?? '');
    if (handover === undefined) continue;
    for (let start = 0; start < group.length; start += TRANSFER_MAX_CUSTOMERS) {
      await requestBatch(deps, handover, group.slice(start, start + TRANSFER_MAX_CUSTOMERS), now, log);
    }
  }
  return due.length;
}

// --- Results ------------------------------------------------------------------------------------

/** Every customer's latest transfer between the two members, from WeCom's paged `transfer_result`. */
async function transferResults(deps: InheritanceDependencies, transfer: CustomerTransferRecord & { takeoverUserId: string }) {
  const results = new Map<string, TransferResult['customers'][number]>();
  let cursor: string | undefined;
  do {
    const page = await deps.wecom.transferResult({
      handoverUserId: transfer.handoverUserId,
      takeoverUserId: transfer.takeoverUserId,
      resigned: transfer.resigned,
      ...(cursor !== undefined && { cursor }),
    });
    for (const customer of page.customers) results.set(customer.externalUserId, customer);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return results;
}

async function applyResult(
  deps: InheritanceDependencies,
  record: WithTransfer,
  handover: HandoverRecord,
  result: TransferResult['customers'][number] | undefined,
  now: Date,
): Promise<void> {
  const { wecom } = record;
  if (result === undefined || result.status === 2) {
    const lost = (wecom.requestedAt?.getTime() ?? now.getTime()) + TRANSFER_RESULT_DEADLINE_MS <= now.getTime();
    if (lost)
      await updateTransfer(deps, record, { status: 'failed', failure: 'no-record', checkedAt: now, settledAt: now }, ['nextAttemptAt']);
    else if (result === undefined)
      await updateTransfer(deps, record, { checkedAt: now, nextAttemptAt: later(now, TRANSFER_CHECK_INTERVAL_MS) });
    else await updateTransfer(deps, record, { status: 'waiting', checkedAt: now, nextAttemptAt: later(now, TRANSFER_CHECK_INTERVAL_MS) });
    return;
  }
  if (result.status === 1) {
    const takeoverAt = result.takeoverTime === undefined ? now : new Date(result.takeoverTime * 1000);
    // The relation first: should the record's update be lost, the next check applies the same transfer again, harmlessly.
    await takeOverRelation(deps, {
      externalUserId: wecom.externalUserId,
      handoverUserId: wecom.handoverUserId,
      takeover: { guideId: handover.toGuideId, wecomUserId: wecom.takeoverUserId ?? '' },
      at: takeoverAt,
      key: `transfer:${record._id.toHexString()}`,
    });
    await updateTransfer(deps, record, { status: 'done', takeoverAt, checkedAt: now, settledAt: now }, ['nextAttemptAt']);
    return;
  }
  if (result.status === 5) {
    await updateTransfer(deps, record, { status: 'failed', failure: 'no-record', checkedAt: now, settledAt: now }, ['nextAttemptAt']);
    return;
  }
  const status = result.status === 3 ? 'refused' : 'limit';
  await noteTransferFailure(deps, {
    externalUserId: wecom.externalUserId,
    takeoverWecomUserId: wecom.takeoverUserId ?? '',
    reason: FAIL_REASONS[status] ?? status,
    at: now,
  });
  await updateTransfer(deps, record, { status, checkedAt: now, settledAt: now }, ['nextAttemptAt']);
}

/** Asks WeCom about the due accepted transfers, one `transfer_result` walk per pair of members; resolves with how many were due. */
export async function checkTransfers(deps: InheritanceDependencies, now: Date, log: Logger): Promise<number> {
  const due = await deps.inheritance.HandoverCustomer.find({
    'wecom.status': { $in: ['requested', 'waiting'] },
    'wecom.nextAttemptAt': { $lte: now },
  })
    .sort({ 'wecom.nextAttemptAt': 1 })
    .limit(TRANSFERS_PER_RUN)
    .lean<WithTransfer[]>();
  const handovers = await deps.inheritance.Handover.find({ _id: { $in: [...new Set(due.map((record) => record.handoverId))] } }).lean<
    HandoverRecord[]
  >();
  const handoverOf = new Map(handovers.map((handover) => [handover._id.toHexString(), handover]));
  for (const group of groupBy(
    due,
    (record) => `${record.wecom.handoverUserId} ${record.wecom.takeoverUserId ?? ''} ${record.wecom.resigned}`,
  )) {
    const { wecom } = group[0] as WithTransfer;
    if (wecom.takeoverUserId === undefined) continue;
    let results: Awaited<ReturnType<typeof transferResults>>;
    try {
      results = await transferResults(deps, { ...wecom, takeoverUserId: wecom.takeoverUserId });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      log.warn({ err: error, handoverUserId: wecom.handoverUserId }, 'could not ask WeCom for transfer results; asked again later');
      await Promise.all(
        group.map((record) =>
          updateTransfer(deps, record, { nextAttemptAt: later(now, TRANSFER_CHECK_INTERVAL_MS), lastError: failureText(error) }),
        ),
      );
      continue;
    }
    for (const record of group) {
      const handover = handoverOf.get(record.handoverId.toHexString());
      if (handover !== undefined) await applyResult(deps, record, handover, results.get(record.wecom.externalUserId), now);
    }
  }
  return due.length;
}
