import type { OrderActor } from '@mall/shared';
import { releaseStock } from '../catalog/stock.ts';
import type { CommerceDependencies } from './dependencies.ts';
import type { OrderRecord } from './models.ts';
import { transitionOrder } from './transitions.ts';

/**
 * Cancels an unpaid order (`cancel` by the shopper, `expire` by the sweeper) with the guarded transition; only
 * the caller whose transition wins returns the reserved stock, so it is returned exactly once. Null when the
 * order was no longer unpaid (paid or cancelled meanwhile).
 */
export async function cancelUnpaidOrder(
  deps: CommerceDependencies,
  order: OrderRecord,
  event: 'cancel' | 'expire',
  actor: OrderActor,
  reason: string,
): Promise<OrderRecord | null> {
  if (order.status !== 'pending_payment') return null;
  const cancelled = await transitionOrder(deps.orders.Order, order, event, { actor, reason, at: deps.now(), set: { stock: 'released' } });
  if (cancelled === null) return null;
  await releaseStock(
    deps.catalog,
    cancelled.lines.map((line) => ({ skuId: line.skuId, quantity: line.quantity })),
  );
  return cancelled;
}
