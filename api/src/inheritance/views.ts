import { Types, type QueryFilter } from 'mongoose';
import {
  maskedPhone,
  transferStatuses,
  type Handover,
  type HandoverCounts,
  type HandoverCustomer,
  type HandoverDetailQuery,
  type HandoverGuide,
  type HandoverListQuery,
  type HandoverListReply,
  type HandoverReply,
  type TransferStatus,
} from '@mall/shared';
import type { Shopper } from '../customers/models.ts';
import type { GuideRecord, StoreRecord } from '../guides/models.ts';
import { AppError } from '../http/errors.ts';
import type { StaffAccount } from '../staff/models.ts';
import type { InheritanceDependencies } from './dependencies.ts';
import type { HandoverCustomerRecord, HandoverRecord } from './models.ts';

/** Handovers as the console shows them: the guides, who did it, and counts of outcomes and WeCom transfers. */

function noCounts(): HandoverCounts {
  return {
    customers: 0,
    moved: 0,
    skipped: 0,
    transfers: Object.fromEntries(transferStatuses.map((status) => [status, 0])) as Record<TransferStatus, number>,
  };
}

/** Counts per handover in one aggregation over their customers' outcomes. */
async function countsOf(deps: InheritanceDependencies, handoverIds: Types.ObjectId[]): Promise<Map<string, HandoverCounts>> {
  const groups = await deps.inheritance.HandoverCustomer.aggregate<{
    _id: { handoverId: Types.ObjectId; outcome: 'moved' | 'skipped'; transfer: TransferStatus | null };
    count: number;
  }>([
    { $match: { handoverId: { $in: handoverIds } } },
    { $group: { _id: { handoverId: '$handoverId', outcome: '$outcome', transfer: '$wecom.status' }, count: { $sum: 1 } } },
  ]);
  const counts = new Map(handoverIds.map((id) => [id.toHexString(), noCounts()]));
  for (const { _id: group, count } of groups) {
    const entry = counts.get(group.handoverId.toHexString());
    if (entry === undefined) continue;
    entry.customers += count;
    entry[group.outcome] += count;
    if (group.transfer !== null && group.transfer !== undefined) entry.transfers[group.transfer] += count;
  }
  return counts;
}

async function handoverViews(deps: InheritanceDependencies, handovers: HandoverRecord[]): Promise<Handover[]> {
  const guideIds = handovers.flatMap((handover) => [handover.fromGuideId, handover.toGuideId]);
  const [guides, staff, counts] = await Promise.all([
    deps.guides.Guide.find({ _id: { $in: guideIds } }).lean<GuideRecord[]>(),
    deps.staff.StaffAccount.find({ _id: { $in: handovers.map((handover) => handover.byStaffId) } }, { username: 1 }).lean<
      Pick<StaffAccount, '_id' | 'username'>[]
    >(),
    countsOf(
      deps,
      handovers.map((handover) => handover._id),
    ),
  ]);
  const stores = await deps.guides.Store.find({ _id: { $in: guides.map((guide) => guide.storeId) } }, { name: 1 }).lean<
    Pick<StoreRecord, '_id' | 'name'>[]
  >();
  const storeNames = new Map(stores.map((store) => [store._id.toHexString(), store.name]));
  const guideViews = new Map(
    guides.map((guide): [string, HandoverGuide] => [
      guide._id.toHexString(),
      {
        id: guide._id.toHexString(),
        name: guide.name,
        code: guide.code,
        storeName: storeNames.get(guide.storeId.toHexString()) ?? '',
        status: guide.status,
      },
    ]),
  );
  const usernames = new Map(staff.map((account) => [account._id.toHexString(), account.username]));
  const guideOf = (id: Types.ObjectId): HandoverGuide => {
    const view = guideViews.get(id.toHexString());
    if (view === undefined) throw new Error(`handover guide ${id.toHexString()} is missing`);
    return view;
  };
  return handovers.map((handover) => ({
    id: handover._id.toHexString(),
    mode: handover.mode,
    status: handover.status,
    from: guideOf(handover.fromGuideId),
    to: guideOf(handover.toGuideId),
    selection: handover.customerIds === undefined ? 'all' : 'selected',
    transferMessage: handover.transferMessage ?? null,
    by: usernames.get(handover.byStaffId.toHexString()) ?? null,
    createdAt: handover.createdAt.toISOString(),
    finishedAt: handover.finishedAt?.toISOString() ?? null,
    counts: counts.get(handover._id.toHexString()) ?? noCounts(),
  }));
}

function customerView(record: HandoverCustomerRecord, shopper: Pick<Shopper, 'nickname' | 'phone'> | undefined): HandoverCustomer {
  const { wecom } = record;
  return {
    customer: {
      id: record.shopperId.toHexString(),
      nickname: shopper?.nickname ?? null,
      phone: shopper?.phone === undefined ? null : maskedPhone(shopper.phone),
    },
    outcome: record.outcome,
    skipReason: record.skipReason ?? null,
    transfer:
      wecom === undefined
        ? null
        : {
            externalUserId: wecom.externalUserId,
            status: wecom.status,
            failure: wecom.failure ?? null,
            errcode: wecom.errcode ?? null,
            requestedAt: wecom.requestedAt?.toISOString() ?? null,
            settledAt: wecom.settledAt?.toISOString() ?? null,
          },
    at: record.at.toISOString(),
  };
}

/** The handover with one page of its customers' outcomes, in the order they were handled. */
export async function handoverReply(deps: InheritanceDependencies, handoverId: string, query: HandoverDetailQuery): Promise<HandoverReply> {
  const handover = await deps.inheritance.Handover.findById(handoverId).lean<HandoverRecord>();
  if (handover === null) throw new AppError('NOT_FOUND', { message: '转移记录不存在' });
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? 50;
  const [[view], records, total] = await Promise.all([
    handoverViews(deps, [handover]),
    deps.inheritance.HandoverCustomer.find({ handoverId: handover._id })
      .sort({ _id: 1 })
      .skip((page - 1) * pageSize)
      .limit(pageSize)
      .lean<HandoverCustomerRecord[]>(),
    deps.inheritance.HandoverCustomer.countDocuments({ handoverId: handover._id }),
  ]);
  const shoppers = await deps.customers.Shopper.find(
    { _id: { $in: records.map((record) => record.shopperId) } },
    { nickname: 1, phone: 1 },
  ).lean<Pick<Shopper, '_id' | 'nickname' | 'phone'>[]>();
  const byId = new Map(shoppers.map((shopper) => [shopper._id.toHexString(), shopper]));
  return {
    handover: view as Handover,
    customers: { items: records.map((record) => customerView(record, byId.get(record.shopperId.toHexString()))), total, page, pageSize },
  };
}

/** Handovers newest first; a guide's are those from or to them. */
export async function listHandovers(deps: InheritanceDependencies, query: HandoverListQuery): Promise<HandoverListReply> {
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? 20;
  const guideId = query.guideId === undefined ? undefined : new Types.ObjectId(query.guideId);
  const filter: QueryFilter<HandoverRecord> = guideId === undefined ? {} : { $or: [{ fromGuideId: guideId }, { toGuideId: guideId }] };
  const [handovers, total] = await Promise.all([
    deps.inheritance.Handover.find(filter)
      .sort({ createdAt: -1, _id: -1 })
      .skip((page - 1) * pageSize)
      .limit(pageSize)
      .lean<HandoverRecord[]>(),
    deps.inheritance.Handover.countDocuments(filter),
  ]);
  return { items: await handoverViews(deps, handovers), total, page, pageSize };
}
