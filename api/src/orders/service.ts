import type { Types } from 'mongoose';
import type { Logger } from 'pino';
import { statusesMatching, type Order, type OrderListFilter, type OrderListReply } from '@mall/shared';
import { AppError } from '../http/errors.ts';
import { applyTransaction, closeWechatOrder, findOwnOrder } from '../payments/service.ts';
import { cancelUnpaidOrder } from './cancel.ts';
import type { CommerceDependencies } from './dependencies.ts';
import type { OrderRecord } from './models.ts';
import { toOrderView } from './views.ts';

/** The shopper's own orders, newest first: all of them, those in one state, or a group of states. */
export async function listShopperOrders(
  deps: CommerceDependencies,
  shopperId: Types.ObjectId,
  query: { status?: OrderListFilter; page: number; pageSize: number },
): Promise<OrderListReply> {
  const filter = { shopperId, ...(query.status !== undefined && { status: { $in: statusesMatching(query.status) } }) };
  const [total, orders] = await Promise.all([
    deps.orders.Order.countDocuments(filter),
    deps.orders.Order.find(filter)
      .sort({ createdAt: -1, _id: -1 })
      .skip((query.page - 1) * query.pageSize)
      .limit(query.pageSize)
      .lean<OrderRecord[]>(),
  ]);
  const items = orders.map((order) => {
    const { history: _history, address: _address, ...summary } = toOrderView(deps.images, order);
    return summary;
  });
  return { items, total, page: query.page, pageSize: query.pageSize };
}

/**
 * The shopper cancels an unpaid order. The guarded transition decides against a payment landing at the same
 * moment; the winner returns the stock (once) and closes the order on WeChat Pay. If WeChat Pay says it was
 * paid after all, that payment is taken in now, which refunds it in full, since the order is cancelled.
 */
export async function cancelByShopper(deps: CommerceDependencies, shopperId: Types.ObjectId, orderNo: string, log: Logger): Promise<Order> {
  const order = await findOwnOrder(deps, shopperId, orderNo);
  if (order.status !== 'pending_payment') throw new AppError('ORDER_STATUS_CONFLICT', { details: { status: order.status } });
  const cancelled = await cancelUnpaidOrder(deps, order, 'cancel', { type: 'shopper', id: shopperId.toHexString() }, '买家取消订单');
  if (cancelled === null) {
    const current = await findOwnOrder(deps, shopperId, orderNo);
    throw new AppError('ORDER_STATUS_CONFLICT', { details: { status: current.status } });
  }
  if (cancelled.prepayRequestedAt !== undefined) {
    try {
      if (!(await closeWechatOrder(deps, orderNo))) await refreshPaymentOfCancelled(deps, cancelled, log);
    } catch (error) {
      // The order is cancelled either way; a payment WeChat Pay still takes is refunded when it is reported.
      log.warn({ err: error, orderNo }, 'could not close the cancelled order on WeChat Pay');
    }
  }
  return toOrderView(deps.images, cancelled);
}

/** Takes in a payment WeChat Pay reports for a cancelled order (which refunds it). */
async function refreshPaymentOfCancelled(deps: CommerceDependencies, order: OrderRecord, log: Logger): Promise<void> {
  const transaction = await deps.wechatPay.queryByOutTradeNo(order.orderNo);
  if (transaction === null) return;
  await applyTransaction(deps, transaction, 'query', log);
}
