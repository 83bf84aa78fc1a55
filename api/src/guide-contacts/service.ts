import type { Logger } from 'pino';
import { Types, type Connection, type Model, type QueryFilter } from 'mongoose';
import type { Config } from '@mall/config';
import type {
  ContactSurface,
  ContactUnavailableReason,
  GuideContactReply,
  GuideContactWayStatus,
  GuideShopContactReply,
  GuideWecomReply,
  GuideWecomSummary,
  WecomRelation,
  WecomRelationListQuery,
  WecomRelationListReply,
} from '@mall/shared';
import { attributionDependencies, type AttributionDependencies } from '../attribution/service.ts';
import { customerModels, type CustomerModels, type Shopper } from '../customers/models.ts';
import { guideCardView } from '../guides/cards.ts';
import { guideModels, type GuideModels, type GuideRecord, type StoreRecord } from '../guides/models.ts';
import { AppError } from '../http/errors.ts';
import { orderModels, type OrderModels, type OrderRecord } from '../orders/models.ts';
import type { OrderStatus } from '../orders/state-machine.ts';
import { wecomEventModel, type StoredWecomEvent } from '../platform/wecom/callback-events.ts';
import { wecomClientFromConfig, type WecomClient } from '../platform/wecom/client.ts';
import { guidePerformanceModels, type GuidePerformanceModels } from '../guide-performance/models.ts';
import { contactForSurface, contactWayQrPath, type AddableGuide } from './contact-ways.ts';
import { guideContactModels, type ContactWayRecord, type GuideContactModels, type WecomRelationRecord } from './models.ts';
import { generalState } from './state.ts';

export interface GuideContactDependencies {
  contacts: GuideContactModels;
  guides: GuideModels;
  customers: CustomerModels;
  orders: OrderModels;
  /** WeCom's callback events as stored by the callback route. */
  events: Model<StoredWecomEvent>;
  attribution: AttributionDependencies;
  /** WeCom adds count in the guide's performance. */
  performance: GuidePerformanceModels;
  wecom: WecomClient;
  now(): Date;
}

export function guideContactDependencies(config: Config, connection: Connection): GuideContactDependencies {
  return {
    contacts: guideContactModels(connection),
    guides: guideModels(connection),
    customers: customerModels(connection),
    orders: orderModels(connection),
    events: wecomEventModel(connection),
    attribution: attributionDependencies(connection),
    performance: guidePerformanceModels(connection),
    wecom: wecomClientFromConfig(config),
    now: () => new Date(),
  };
}

/** What follows payment exists from `paid` on, refunds included: the shopper paid this order. */
const PAID_OR_LATER: readonly OrderStatus[] = ['paid', 'shipped', 'completed', 'refunding', 'refunded'];

async function storeNameOf(deps: GuideContactDependencies, guide: GuideRecord): Promise<string> {
  const store = await deps.guides.Store.findById(guide.storeId, { name: 1 }).lean<Pick<StoreRecord, 'name'>>();
  return store?.name ?? '';
}

/** Why the guide cannot be added, or the guide as one who can. */
function addable(guide: GuideRecord): { guide: AddableGuide } | { reason: ContactUnavailableReason } {
  if (guide.status !== 'active') return { reason: 'guide_left' };
  if (guide.wecomUserId === undefined) return { reason: 'guide_without_wecom' };
  return { guide: { _id: guide._id, code: guide.code, wecomUserId: guide.wecomUserId } };
}

/** The platform failing (down, refusing, not configured) leaves the page without a contact, not broken. */
function isPlatformUnavailable(error: unknown): boolean {
  return error instanceof AppError && (error.code === 'PLATFORM_ERROR' || error.code === 'PLATFORM_NOT_CONFIGURED');
}

async function contactOrReason(
  deps: GuideContactDependencies,
  guide: GuideRecord,
  shopperId: Types.ObjectId | undefined,
  surface: ContactSurface,
  log: Logger,
): Promise<Pick<GuideContactReply, 'contact' | 'unavailableReason'>> {
  const target = addable(guide);
  if ('reason' in target) return { contact: null, unavailableReason: target.reason };
  try {
    return { contact: await contactForSurface(deps, target.guide, shopperId, surface, log) };
  } catch (error) {
    if (!isPlatformUnavailable(error)) throw error;
    log.warn({ err: error, guideId: guide._id.toHexString() }, 'no WeCom contact way for the guide');
    return { contact: null, unavailableReason: 'wecom_unavailable' };
  }
}

/** The shopper's way to add this guide: their own contact way (its state names them), or that they added the guide already. */
async function shopperContact(
  deps: GuideContactDependencies,
  shopperId: Types.ObjectId,
  guideId: Types.ObjectId | undefined,
  surface: ContactSurface,
  log: Logger,
): Promise<GuideContactReply> {
  const guide = guideId === undefined ? null : await deps.guides.Guide.findById(guideId).lean<GuideRecord>();
  if (guide === null) return { guide: null, contact: null, added: false, unavailableReason: 'no_guide' };
  const card = guideCardView(guide, await storeNameOf(deps, guide));
  const added = (await deps.contacts.WecomRelation.exists({ shopperId, guideId: guide._id, status: 'added' })) !== null;
  if (added) return { guide: card, contact: null, added: true };
  return { guide: card, added: false, ...(await contactOrReason(deps, guide, shopperId, surface, log)) };
}

/** The payment result page: the order's guide (its attribution) and how to add them; the shopper's own, paid orders only. */
export async function orderGuideContact(
  deps: GuideContactDependencies,
  shopperId: Types.ObjectId,
  orderNo: string,
  surface: ContactSurface,
  log: Logger,
): Promise<GuideContactReply> {
  const order = await deps.orders.Order.findOne({ orderNo, shopperId }, { status: 1, attribution: 1 }).lean<
    Pick<OrderRecord, 'status' | 'attribution'>
  >();
  if (order === null) throw new AppError('NOT_FOUND', { message: '订单不存在' });
  if (!PAID_OR_LATER.includes(order.status)) throw new AppError('ORDER_NOT_PAID', { details: { status: order.status } });
  return shopperContact(deps, shopperId, order.attribution?.guideId, surface, log);
}

/** 我的导购: the guide the shopper is bound to now (whatever their status, as `GET /api/me/guide` shows them) and how to add them. */
export async function myGuideContact(
  deps: GuideContactDependencies,
  shopperId: Types.ObjectId,
  surface: ContactSurface,
  log: Logger,
): Promise<GuideContactReply> {
  const binding = await deps.attribution.attribution.CustomerBinding.findById(shopperId, { guideId: 1 }).lean<{
    guideId: Types.ObjectId;
  }>();
  return shopperContact(deps, shopperId, binding?.guideId, surface, log);
}

/** A guide's general contact way (the guide shop's 「加企业微信」): anyone may see it; the add is matched to a shopper by unionid. */
export async function guideShopContact(
  deps: GuideContactDependencies,
  guideCode: string,
  surface: ContactSurface,
  log: Logger,
): Promise<GuideShopContactReply> {
  const guide = await deps.guides.Guide.findOne({ code: guideCode }).lean<GuideRecord>();
  if (guide === null) throw new AppError('GUIDE_NOT_FOUND', { details: { guideCode } });
  const card = guideCardView(guide, await storeNameOf(deps, guide));
  return { guide: card, ...(await contactOrReason(deps, guide, undefined, surface, log)) };
}

// --- Admin --------------------------------------------------------------------------------------

async function guideOr404(deps: GuideContactDependencies, guideId: string): Promise<GuideRecord> {
  const guide = await deps.guides.Guide.findById(guideId).lean<GuideRecord>();
  if (guide === null) throw new AppError('NOT_FOUND', { message: '导购不存在' });
  return guide;
}

function contactWayStatus(guide: GuideRecord, general: Pick<ContactWayRecord, 'wecomUserId'> | undefined): GuideContactWayStatus {
  const target = addable(guide);
  if ('reason' in target) return target.reason === 'guide_left' ? 'guide_left' : 'guide_without_wecom';
  return general !== undefined && general.wecomUserId === target.guide.wecomUserId ? 'ready' : 'not_created';
}

/** Per guide of a list page: the general contact way's status and how many customers have the guide on WeCom. */
export async function guideWecomSummaries(deps: GuideContactDependencies, guideIds: string[]): Promise<GuideWecomSummary[]> {
  const ids = guideIds.map((id) => new Types.ObjectId(id));
  const [guides, generalWays, added] = await Promise.all([
    deps.guides.Guide.find({ _id: { $in: ids } }).lean<GuideRecord[]>(),
    deps.contacts.ContactWay.find({ guideId: { $in: ids }, active: true, shopperId: { $exists: false }, scene: 2 }).lean<
      ContactWayRecord[]
    >(),
    deps.contacts.WecomRelation.aggregate<{ _id: Types.ObjectId; count: number }>([
      { $match: { guideId: { $in: ids }, status: 'added' } },
      { $group: { _id: '$guideId', count: { $sum: 1 } } },
    ]),
  ]);
  const generalByGuide = new Map(generalWays.map((way) => [way.guideId.toHexString(), way]));
  const addedByGuide = new Map(added.map((entry) => [entry._id.toHexString(), entry.count]));
  return guides.map((guide) => {
    const id = guide._id.toHexString();
    return { guideId: id, contactWay: contactWayStatus(guide, generalByGuide.get(id)), addedCustomers: addedByGuide.get(id) ?? 0 };
  });
}

/** One guide's WeCom side: the general contact way (its QR when made), customer counts, unused per-shopper contact ways. */
export async function guideWecom(deps: GuideContactDependencies, guideId: string): Promise<GuideWecomReply> {
  const guide = await guideOr404(deps, guideId);
  const [general, added, deleted, pending] = await Promise.all([
    deps.contacts.ContactWay.findOne({ state: generalState(guide.code), scene: 2, active: true }).lean<ContactWayRecord>(),
    deps.contacts.WecomRelation.countDocuments({ guideId: guide._id, status: 'added' }),
    deps.contacts.WecomRelation.countDocuments({ guideId: guide._id, status: 'deleted' }),
    deps.contacts.ContactWay.countDocuments({ guideId: guide._id, active: true, shopperId: { $exists: true } }),
  ]);
  const status = contactWayStatus(guide, general ?? undefined);
  const shown = status === 'ready' ? general : null;
  return {
    guide: {
      id: guide._id.toHexString(),
      name: guide.name,
      code: guide.code,
      storeName: await storeNameOf(deps, guide),
      wecomUserId: guide.wecomUserId ?? null,
      status: guide.status,
    },
    contactWay: {
      status,
      configId: shown?.configId ?? null,
      qrCodeUrl: shown ? contactWayQrPath(shown.configId) : null,
      createdAt: shown?.createdAt.toISOString() ?? null,
    },
    customers: { added, deleted },
    pendingShopperContactWays: pending,
  };
}

function relationView(relation: WecomRelationRecord, shoppers: Map<string, Shopper>): WecomRelation {
  const shopper = relation.shopperId === undefined ? undefined : shoppers.get(relation.shopperId.toHexString());
  return {
    id: relation._id.toHexString(),
    externalUserId: relation.externalUserId,
    customerName: relation.customerName ?? null,
    shopper: shopper === undefined ? null : { id: shopper._id.toHexString(), nickname: shopper.nickname ?? null },
    status: relation.status,
    addedAt: relation.addedAt.toISOString(),
    deletedAt: relation.deletedAt?.toISOString() ?? null,
    deletedBy: relation.deletedBy ?? null,
    welcome: relation.welcome,
    transferFailure:
      relation.transferFailure === undefined
        ? null
        : { reason: relation.transferFailure.reason, at: relation.transferFailure.at.toISOString() },
  };
}

/** 企业微信客户: the guide's WeCom customers, newest add first, optionally by status. */
export async function listGuideWecomRelations(
  deps: GuideContactDependencies,
  guideId: string,
  query: WecomRelationListQuery,
): Promise<WecomRelationListReply> {
  const guide = await guideOr404(deps, guideId);
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? 20;
  const filter: QueryFilter<WecomRelationRecord> = { guideId: guide._id, ...(query.status !== undefined && { status: query.status }) };
  const [relations, total] = await Promise.all([
    deps.contacts.WecomRelation.find(filter)
      .sort({ addedAt: -1, _id: -1 })
      .skip((page - 1) * pageSize)
      .limit(pageSize)
      .lean<WecomRelationRecord[]>(),
    deps.contacts.WecomRelation.countDocuments(filter),
  ]);
  const shopperIds = relations.flatMap((relation) => (relation.shopperId === undefined ? [] : [relation.shopperId]));
  const shoppers = await deps.customers.Shopper.find({ _id: { $in: shopperIds } }, { nickname: 1 }).lean<Shopper[]>();
  const byId = new Map(shoppers.map((shopper) => [shopper._id.toHexString(), shopper]));
  return { items: relations.map((relation) => relationView(relation, byId)), total, page, pageSize };
}
