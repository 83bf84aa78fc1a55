import { Types, type QueryFilter } from 'mongoose';
import type { Logger } from 'pino';
import {
  carrierCodeSchema,
  carrierName,
  statusesMatching,
  type AdminOrderFilter,
  type AdminOrderListReply,
  type AdminOrderReply,
  type CarrierCode,
  type LogisticsTrace,
} from '@mall/shared';
import { isDuplicateKeyError } from '../db/errors.ts';
import { AppError } from '../http/errors.ts';
import type { CommerceDependencies } from '../orders/dependencies.ts';
import type { OrderRecord } from '../orders/models.ts';
import { OrderTransitionError } from '../orders/state-machine.ts';
import { transitionOrder } from '../orders/transitions.ts';
import type { StaffAccount, StaffModels } from '../staff/models.ts';
import type { FulfilmentModels } from './models.ts';
import { attemptShippingUpload, UPLOAD_ATTEMPT_LEASE_MS } from './shipping-upload.ts';
import { toAdminOrderView } from './views.ts';

/** What the merchant's order routes work with: the commerce set plus the trace cache and the staff accounts (names in histories). */
export interface FulfilmentDependencies extends CommerceDependencies {
  fulfilment: FulfilmentModels;
  staff: StaffModels;
}

/**
 * A trace is fetched from the provider at most this often per order. Kuaidi100 asks for about half an hour
 * between queries of one parcel; ten minutes keeps the trace fresh enough for a shopper checking on a delivery
 * while staying well below what would get the parcel locked.
 */
export const TRACE_CACHE_MS = 10 * 60_000;

const SHANGHAI_OFFSET = '+08:00';
const DAY_MS = 24 * 60 * 60_000;

function statusConflict(status: string, message?: string): AppError {
  return new AppError('ORDER_STATUS_CONFLICT', { ...(message !== undefined && { message }), details: { status } });
}

export async function findOrder(deps: CommerceDependencies, orderNo: string): Promise<OrderRecord> {
  const order = await deps.orders.Order.findOne({ orderNo }).lean<OrderRecord>();
  if (order === null) throw new AppError('NOT_FOUND', { message: '订单不存在' });
  return order;
}

/**
 * The list's and the export's filters as one query: a status or status group, a keyword matched exactly against
 * the order number, the recipient's phone and the recipient's name (each has an index), and a range of
 * Asia/Shanghai days on the creation time.
 */
export function merchantOrderQuery(filter: AdminOrderFilter): QueryFilter<OrderRecord> {
  const query: QueryFilter<OrderRecord> = {};
  if (filter.status !== undefined) query.status = { $in: statusesMatching(filter.status) };
  if (filter.keyword !== undefined) {
    query.$or = [{ orderNo: filter.keyword }, { 'address.phone': filter.keyword }, { 'address.recipientName': filter.keyword }];
  }
  if (filter.createdFrom !== undefined || filter.createdTo !== undefined) {
    query.createdAt = {
      ...(filter.createdFrom !== undefined && { $gte: new Date(`${filter.createdFrom}T00:00:00${SHANGHAI_OFFSET}`) }),
      ...(filter.createdTo !== undefined && {
        $lt: new Date(new Date(`${filter.createdTo}T00:00:00${SHANGHAI_OFFSET}`).getTime() + DAY_MS),
      }),
    };
  }
  return query;
}

/** The merchant's orders, newest first, one page. */
export async function listMerchantOrders(
  deps: CommerceDependencies,
  query: AdminOrderFilter & { page: number; pageSize: number },
): Promise<AdminOrderListReply> {
  const filter = merchantOrderQuery(query);
  const [total, orders] = await Promise.all([
    deps.orders.Order.countDocuments(filter),
    deps.orders.Order.find(filter, { history: 0 })
      .sort({ createdAt: -1, _id: -1 })
      .skip((query.page - 1) * query.pageSize)
      .limit(query.pageSize)
      .lean<OrderRecord[]>(),
  ]);
  const items = orders.map((order) => {
    const { history: _history, ...summary } = toAdminOrderView(deps.images, { ...order, history: [] });
    return summary;
  });
  return { items, total, page: query.page, pageSize: query.pageSize };
}

/** One order with its full history, and the names of the staff members who appear in it. */
export async function merchantOrderReply(deps: FulfilmentDependencies, order: OrderRecord): Promise<AdminOrderReply> {
  const staffIds = [
    ...new Set(order.history.flatMap((entry) => (entry.actor.type === 'staff' && entry.actor.id !== undefined ? [entry.actor.id] : []))),
  ].filter((id) => Types.ObjectId.isValid(id));
  const accounts =
    staffIds.length === 0
      ? []
      : await deps.staff.StaffAccount.find({ _id: { $in: staffIds.map((id) => new Types.ObjectId(id)) } }, { username: 1 }).lean<
          Pick<StaffAccount, '_id' | 'username'>[]
        >();
  return {
    order: toAdminOrderView(deps.images, order),
    staffNames: Object.fromEntries(accounts.map((account) => [account._id.toHexString(), account.username])),
  };
}

/**
 * Ships a paid order: the guarded paid→shipped transition records the carrier, the tracking number and who
 * shipped it; of racing requests exactly one wins and the others get 409 ORDER_STATUS_CONFLICT. The winner then
 * uploads the shipment to WeChat; if that fails the order stays shipped and the upload job retries it.
 */
export async function shipOrder(
  deps: CommerceDependencies,
  orderNo: string,
  request: { carrier: CarrierCode; trackingNo: string },
  staffId: string,
  log: Logger,
): Promise<OrderRecord> {
  const order = await findOrder(deps, orderNo);
  if (order.status !== 'paid') throw statusConflict(order.status, order.status === 'shipped' ? '订单已发货' : undefined);
  const now = deps.now();
  let shipped: OrderRecord | null;
  try {
    shipped = await transitionOrder(deps.orders.Order, order, 'ship', {
      actor: { type: 'staff', id: staffId },
      reason: `${carrierName(request.carrier)} ${request.trackingNo}`,
      at: now,
      set: {
        shipping: { carrier: request.carrier, trackingNo: request.trackingNo, shippedAt: now },
        // Held for the attempt below, so the retry job does not take it meanwhile.
        shippingUpload: { state: 'pending', attempts: 0, nextAttemptAt: new Date(now.getTime() + UPLOAD_ATTEMPT_LEASE_MS) },
      },
    });
  } catch (error) {
    if (error instanceof OrderTransitionError) throw statusConflict(order.status);
    throw error;
  }
  if (shipped === null) {
    const current = await findOrder(deps, orderNo);
    throw statusConflict(current.status, current.status === 'shipped' ? '订单已发货' : undefined);
  }
  log.info({ orderNo, carrier: request.carrier, staffId }, 'order shipped');
  return attemptShippingUpload(deps, shipped, log);
}

/** The shopper confirms receipt of a shipped order (guarded: against a second tap and the auto-complete job). */
export async function confirmReceipt(deps: CommerceDependencies, order: OrderRecord, shopperId: string): Promise<OrderRecord> {
  if (order.status !== 'shipped') throw statusConflict(order.status);
  const completed = await transitionOrder(deps.orders.Order, order, 'confirm_receipt', {
    actor: { type: 'shopper', id: shopperId },
    reason: '买家确认收货',
    at: deps.now(),
  });
  if (completed === null) {
    const current = await findOrder(deps, order.orderNo);
    throw statusConflict(current.status);
  }
  return completed;
}

/**
 * The parcel's trace for an order that has been shipped, from the cache while it is younger than TRACE_CACHE_MS,
 * otherwise from the provider (its failures are 502 PLATFORM_ERROR, or 503 when it is not configured).
 */
export async function logisticsTraceOf(deps: FulfilmentDependencies, order: OrderRecord): Promise<LogisticsTrace> {
  const { shipping } = order;
  if (shipping === undefined) throw statusConflict(order.status, '订单尚未发货，暂无物流信息');
  const now = deps.now();
  const cache = deps.fulfilment.LogisticsTraceCache;
  const cached = await cache
    .findOne({
      _id: order.orderNo,
      carrier: shipping.carrier,
      trackingNo: shipping.trackingNo,
      queriedAt: { $gt: new Date(now.getTime() - TRACE_CACHE_MS) },
    })
    .lean();
  if (cached !== null) return { ...cached.trace, queriedAt: cached.queriedAt.toISOString() };

  const carrier = carrierCodeSchema.safeParse(shipping.carrier);
  if (!carrier.success) throw statusConflict(order.status, '该快递公司暂不支持查询物流');
  const parcel = await deps.carrierTracking.trace({ carrier: carrier.data, trackingNo: shipping.trackingNo, phone: order.address.phone });
  const trace = { carrier: shipping.carrier, carrierName: carrierName(shipping.carrier), trackingNo: shipping.trackingNo, ...parcel };
  try {
    await cache.updateOne(
      { _id: order.orderNo },
      { $set: { carrier: shipping.carrier, trackingNo: shipping.trackingNo, trace, queriedAt: now } },
      { upsert: true },
    );
  } catch (error) {
    // Two first looks at once: the other one stored its trace, which is as fresh as this one.
    if (!isDuplicateKeyError(error)) throw error;
  }
  return { ...trace, queriedAt: now.toISOString() };
}
