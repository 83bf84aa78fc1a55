import type { Logger } from 'pino';
import type { Types } from 'mongoose';
import type { GuideRecord, StoreRecord } from '../guides/models.ts';
import type { CommerceDependencies } from '../orders/dependencies.ts';
import type { OrderAttributionRecord, OrderRecord } from '../orders/models.ts';
import { activeBoundGuide, assignGuideAtPayment, latestTouchSince } from './service.ts';

/** A guide touch older than this before checkout is not the order's source: the order came `direct`. */
export const ORDER_TOUCH_WINDOW_MS = 24 * 60 * 60 * 1000;

function guideSnapshot(
  guide: GuideRecord,
  store: StoreRecord,
): Pick<OrderAttributionRecord, 'guideId' | 'guideCode' | 'guideName' | 'storeId' | 'storeName'> {
  return { guideId: guide._id, guideCode: guide.code, guideName: guide.name, storeId: store._id, storeName: store.name };
}

/** A cart a guide built and shared (代客下单): the order checked out from it is that guide's, whoever the shopper is bound to. */
export interface GuideOrderSource {
  guide: GuideRecord;
  store: StoreRecord;
  guideCartId: Types.ObjectId;
}

/**
 * The order's channel and source touch, and the shopper's bound guide at this moment (when they have an active one);
 * for a guide cart's checkout, the cart's guide through channel `guide-order` instead.
 */
export async function attributionAtCheckout(
  deps: CommerceDependencies,
  shopperId: Types.ObjectId,
  placedAt: Date,
  guideOrder?: GuideOrderSource,
): Promise<OrderAttributionRecord> {
  if (guideOrder !== undefined) {
    return {
      channel: 'guide-order',
      ...guideSnapshot(guideOrder.guide, guideOrder.store),
      guideSource: 'guide-order',
      guideCartId: guideOrder.guideCartId,
    };
  }
  const [touch, bound] = await Promise.all([
    latestTouchSince(deps, shopperId, new Date(placedAt.getTime() - ORDER_TOUCH_WINDOW_MS)),
    activeBoundGuide(deps, shopperId),
  ]);
  return {
    channel: touch?.channel ?? 'direct',
    ...(touch && { touchId: touch._id }),
    ...(touch?.liveRoomId !== undefined && { liveRoomId: touch.liveRoomId }),
    ...(bound && { ...guideSnapshot(bound.guide, bound.store), guideSource: 'binding' as const }),
  };
}

/**
 * Called as payment starts: an order without a guide gets the one assigned to its shopper (round-robin), written
 * once — of two racing prepays the first write stands and both read it back.
 */
export async function attributeAtPayment(deps: CommerceDependencies, order: OrderRecord, log: Logger): Promise<OrderRecord> {
  if (order.attribution.guideId !== undefined) return order;
  const assigned = await assignGuideAtPayment(deps, order.shopperId);
  if (assigned === null) {
    log.warn({ orderNo: order.orderNo }, 'no active guide to assign: the order stays without a guide');
    return order;
  }
  const set = Object.fromEntries(
    Object.entries({ ...guideSnapshot(assigned.guide, assigned.store), guideSource: 'payment-assignment' }).map(([key, value]) => [
      `attribution.${key}`,
      value,
    ]),
  );
  await deps.orders.Order.updateOne({ _id: order._id, 'attribution.guideId': { $exists: false } }, { $set: set });
  return (await deps.orders.Order.findById(order._id).lean<OrderRecord>()) ?? order;
}
