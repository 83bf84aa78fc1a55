import { Types, type PipelineStage } from 'mongoose';
import {
  MAX_LISTED_TOUCHES,
  maskedPhone,
  type BindingChange,
  type CustomerBindingReply,
  type CustomerListItem,
  type CustomerListQuery,
  type CustomerListReply,
  type CustomerTouch,
  type CustomerWecomRelation,
  type GuideCustomer,
  type GuideCustomerListQuery,
  type GuideCustomerListReply,
  type GuideCustomerPurchase,
} from '@mall/shared';
import type { CustomerModels, Shopper } from '../customers/models.ts';
import type { GuideContactModels, WecomRelationRecord } from '../guide-contacts/models.ts';
import type { GuideRecord, StoreRecord } from '../guides/models.ts';
import { guideRecordOfShopper } from '../guides/service.ts';
import { AppError } from '../http/errors.ts';
import type { OrderModels } from '../orders/models.ts';
import type { StaffAccount, StaffModels } from '../staff/models.ts';
import type { BindingChangeRecord, CustomerBindingRecord, GuideTouchRecord } from './models.ts';
import { explainBinding, type AttributionDependencies } from './service.ts';

export interface CustomerViewDependencies extends AttributionDependencies {
  customers: CustomerModels;
  staff: StaffModels;
  /** The customers' WeCom relations with guides. */
  contacts: GuideContactModels;
  /** The customers' paid orders (a guide's customers show their last purchase). */
  orders: OrderModels;
}

type CustomerGuide = NonNullable<CustomerListItem['guide']>;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Guides by id as customer rows show them (name, code, store), in two reads whatever the number of rows. */
async function customerGuides(deps: AttributionDependencies, guideIds: Types.ObjectId[]): Promise<Map<string, CustomerGuide>> {
  const guides = await deps.guides.Guide.find({ _id: { $in: guideIds } }).lean<GuideRecord[]>();
  const stores = await deps.guides.Store.find({ _id: { $in: [...new Set(guides.map((guide) => guide.storeId.toHexString()))] } }).lean<
    StoreRecord[]
  >();
  const storeNames = new Map(stores.map((store) => [store._id.toHexString(), store.name]));
  return new Map(
    guides.map((guide) => [
      guide._id.toHexString(),
      { id: guide._id.toHexString(), name: guide.name, code: guide.code, storeName: storeNames.get(guide.storeId.toHexString()) ?? '' },
    ]),
  );
}

function customerRow(
  shopper: Shopper,
  binding: CustomerBindingRecord | undefined,
  guides: Map<string, CustomerGuide>,
  linkedShoppers: Set<string>,
): CustomerListItem {
  return {
    id: shopper._id.toHexString(),
    nickname: shopper.nickname ?? null,
    phone: shopper.phone === undefined ? null : maskedPhone(shopper.phone),
    createdAt: shopper.createdAt.toISOString(),
    guide: binding === undefined ? null : (guides.get(binding.guideId.toHexString()) ?? null),
    boundSince: binding?.since.toISOString() ?? null,
    protectedUntil: binding?.protectedUntil?.toISOString() ?? null,
    wecomLinked: linkedShoppers.has(shopper._id.toHexString()),
  };
}

async function customerRows(deps: CustomerViewDependencies, shoppers: Shopper[]): Promise<CustomerListItem[]> {
  const bindings = await deps.attribution.CustomerBinding.find({ _id: { $in: shoppers.map((shopper) => shopper._id) } }).lean<
    CustomerBindingRecord[]
  >();
  const byShopper = new Map(bindings.map((binding) => [binding._id.toHexString(), binding]));
  const guides = await customerGuides(
    deps,
    bindings.map((binding) => binding.guideId),
  );
  // Linked: an `added` relation with the guide the customer is bound to.
  const relations = await deps.contacts.WecomRelation.find(
    { shopperId: { $in: bindings.map((binding) => binding._id) }, status: 'added' },
    { shopperId: 1, guideId: 1 },
  ).lean<Pick<WecomRelationRecord, 'shopperId' | 'guideId'>[]>();
  const linked = new Set(
    relations
      .filter(
        (relation) => relation.shopperId !== undefined && byShopper.get(relation.shopperId.toHexString())?.guideId.equals(relation.guideId),
      )
      .map((relation) => relation.shopperId?.toHexString() ?? ''),
  );
  return shoppers.map((shopper) => customerRow(shopper, byShopper.get(shopper._id.toHexString()), guides, linked));
}

/**
 * Customers newest first, with their guide. Each shopper's binding is joined by its `_id` (the shopper's id), so
 * filtering by guide or for unbound customers pages through the database rather than through ids held here.
 */
export async function listCustomers(deps: CustomerViewDependencies, query: CustomerListQuery): Promise<CustomerListReply> {
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? 20;
  const pipeline: PipelineStage[] = [];
  if (query.keyword !== undefined) {
    const pattern = new RegExp(escapeRegExp(query.keyword), 'i');
    pipeline.push({ $match: { $or: [{ nickname: pattern }, { phone: pattern }] } });
  }
  if (query.guideId !== undefined || query.unbound === 'true') {
    pipeline.push({
      $lookup: { from: deps.attribution.CustomerBinding.collection.name, localField: '_id', foreignField: '_id', as: 'binding' },
    });
    pipeline.push({
      $match: query.guideId !== undefined ? { 'binding.guideId': new Types.ObjectId(query.guideId) } : { binding: { $size: 0 } },
    });
  }
  const [shoppers, counted] = await Promise.all([
    deps.customers.Shopper.aggregate<Shopper>([
      ...pipeline,
      { $sort: { createdAt: -1, _id: -1 } },
      { $skip: (page - 1) * pageSize },
      { $limit: pageSize },
      { $project: { binding: 0 } },
    ]),
    deps.customers.Shopper.aggregate<{ total: number }>([...pipeline, { $count: 'total' }]),
  ]);
  return { items: await customerRows(deps, shoppers), total: counted[0]?.total ?? 0, page, pageSize };
}

/** One customer's binding, its explanation, every change of it and the latest touches. */
export async function customerBinding(deps: CustomerViewDependencies, customerId: string): Promise<CustomerBindingReply> {
  const shopper = await deps.customers.Shopper.findById(customerId).lean<Shopper>();
  if (shopper === null) throw new AppError('NOT_FOUND', { message: '顾客不存在' });
  const [changes, touches, relations] = await Promise.all([
    deps.attribution.BindingChange.find({ shopperId: shopper._id }).sort({ at: -1, _id: -1 }).lean<BindingChangeRecord[]>(),
    deps.attribution.GuideTouch.find({ shopperId: shopper._id })
      .sort({ at: -1, _id: -1 })
      .limit(MAX_LISTED_TOUCHES)
      .lean<GuideTouchRecord[]>(),
    deps.contacts.WecomRelation.find({ shopperId: shopper._id }).sort({ addedAt: -1 }).lean<WecomRelationRecord[]>(),
  ]);
  const touchChannels = await deps.attribution.GuideTouch.find(
    { _id: { $in: changes.flatMap((change) => (change.touchId ? [change.touchId] : [])) } },
    { channel: 1 },
  ).lean<Pick<GuideTouchRecord, '_id' | 'channel'>[]>();
  const channelOfTouch = new Map(touchChannels.map((touch) => [touch._id.toHexString(), touch.channel]));
  const guides = await customerGuides(deps, [
    ...changes.flatMap((change) => [change.toGuideId, ...(change.fromGuideId ? [change.fromGuideId] : [])]),
    ...touches.map((touch) => touch.guideId),
    ...relations.map((relation) => relation.guideId),
  ]);
  const staff = await deps.staff.StaffAccount.find(
    { _id: { $in: changes.flatMap((change) => (change.byStaffId ? [change.byStaffId] : [])) } },
    { username: 1 },
  ).lean<Pick<StaffAccount, '_id' | 'username'>[]>();
  const usernames = new Map(staff.map((account) => [account._id.toHexString(), account.username]));
  const guideOf = (id: Types.ObjectId): CustomerGuide =>
    guides.get(id.toHexString()) ?? { id: id.toHexString(), name: '', code: '', storeName: '' };
  const history: BindingChange[] = changes.map((change) => ({
    at: change.at.toISOString(),
    reason: change.reason,
    from: change.fromGuideId ? guideOf(change.fromGuideId) : null,
    to: guideOf(change.toGuideId),
    channel: (change.touchId && channelOfTouch.get(change.touchId.toHexString())) ?? null,
    by: (change.byStaffId && usernames.get(change.byStaffId.toHexString())) ?? null,
  }));
  const touchViews: CustomerTouch[] = touches.map((touch) => ({
    at: touch.at.toISOString(),
    guide: guideOf(touch.guideId),
    channel: touch.channel,
    effect: touch.effect,
  }));
  const wecom: CustomerWecomRelation[] = relations.map((relation) => ({
    guide: guideOf(relation.guideId),
    status: relation.status,
    addedAt: relation.addedAt.toISOString(),
    deletedAt: relation.deletedAt?.toISOString() ?? null,
  }));
  const [customer] = await customerRows(deps, [shopper]);
  return { customer: customer as CustomerListItem, binding: await explainBinding(deps, shopper._id), history, touches: touchViews, wecom };
}

/** Each shopper's latest paid order, in one read for the whole page. */
async function lastPurchases(deps: CustomerViewDependencies, shopperIds: Types.ObjectId[]): Promise<Map<string, GuideCustomerPurchase>> {
  const latest = await deps.orders.Order.aggregate<{ _id: Types.ObjectId; orderNo: string; paidAt: Date; payableFen: number }>([
    { $match: { shopperId: { $in: shopperIds }, payment: { $exists: true } } },
    { $sort: { 'payment.paidAt': -1, _id: -1 } },
    {
      $group: {
        _id: '$shopperId',
        orderNo: { $first: '$orderNo' },
        paidAt: { $first: '$payment.paidAt' },
        payableFen: { $first: '$payableFen' },
      },
    },
  ]);
  return new Map(
    latest.map((order) => [
      order._id.toHexString(),
      { orderNo: order.orderNo, paidAt: order.paidAt.toISOString(), payableFen: order.payableFen },
    ]),
  );
}

/**
 * The signed-in guide's customers (the workbench's 我的客户), newest binding first: each with the binding, the
 * last paid order and whether they have the guide on WeCom. A guide who left no longer sees them (409 GUIDE_LEFT).
 */
export async function listGuideCustomers(
  deps: CustomerViewDependencies,
  shopperId: Types.ObjectId,
  query: GuideCustomerListQuery,
): Promise<GuideCustomerListReply> {
  const guide = await guideRecordOfShopper(deps.guides, shopperId);
  if (guide.status !== 'active') throw new AppError('GUIDE_LEFT');
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? 20;
  const pipeline: PipelineStage[] = [{ $match: { guideId: guide._id } }];
  if (query.keyword !== undefined) {
    const pattern = new RegExp(escapeRegExp(query.keyword), 'i');
    pipeline.push(
      { $lookup: { from: deps.customers.Shopper.collection.name, localField: '_id', foreignField: '_id', as: 'shopper' } },
      { $match: { $or: [{ 'shopper.nickname': pattern }, { 'shopper.phone': pattern }] } },
    );
  }
  const [bindings, counted] = await Promise.all([
    deps.attribution.CustomerBinding.aggregate<CustomerBindingRecord>([
      ...pipeline,
      { $sort: { since: -1, _id: -1 } },
      { $skip: (page - 1) * pageSize },
      { $limit: pageSize },
      { $project: { shopper: 0 } },
    ]),
    deps.attribution.CustomerBinding.aggregate<{ total: number }>([...pipeline, { $count: 'total' }]),
  ]);
  const ids = bindings.map((binding) => binding._id);
  const [shoppers, purchases, relations] = await Promise.all([
    deps.customers.Shopper.find({ _id: { $in: ids } }, { nickname: 1, phone: 1 }).lean<Pick<Shopper, '_id' | 'nickname' | 'phone'>[]>(),
    lastPurchases(deps, ids),
    deps.contacts.WecomRelation.find({ guideId: guide._id, shopperId: { $in: ids }, status: 'added' }, { shopperId: 1 }).lean<
      Pick<WecomRelationRecord, 'shopperId'>[]
    >(),
  ]);
  const shopperById = new Map(shoppers.map((shopper) => [shopper._id.toHexString(), shopper]));
  const added = new Set(relations.map((relation) => relation.shopperId?.toHexString()));
  const items: GuideCustomer[] = bindings.map((binding) => {
    const id = binding._id.toHexString();
    const shopper = shopperById.get(id);
    return {
      id,
      nickname: shopper?.nickname ?? null,
      phone: shopper?.phone === undefined ? null : maskedPhone(shopper.phone),
      boundSince: binding.since.toISOString(),
      protectedUntil: binding.protectedUntil?.toISOString() ?? null,
      reason: binding.reason,
      lastPurchase: purchases.get(id) ?? null,
      wecomAdded: added.has(id),
    };
  });
  return { items, total: counted[0]?.total ?? 0, page, pageSize };
}
