/**
 * The order's states and the only transitions allowed between them (Vendure-style: explicit, guarded).
 * Every change of state goes through `assertTransition` and is applied with a conditional update on the
 * current state, so two racing requests (a payment notification and the expiry sweeper) cannot both win.
 *
 *   pending_payment ─pay→ paid ─ship→ shipped ─confirm→ completed
 *        │                 │           │
 *        └─cancel→ cancelled  └──── refund ────┴→ refunding ─→ refunded (full)  or back (partial)
 */
import { orderEvents, orderStatuses, type OrderEvent } from '@mall/shared';

// The states and events are part of the API (shared with the storefront and the admin console).
export { orderEvents, orderStatuses, type OrderEvent };
export type OrderStatus = (typeof orderStatuses)[number];

/** Who may cause each event is checked by the service; this table only says which states it moves between. */
const transitions: Record<OrderEvent, { from: readonly OrderStatus[]; to: OrderStatus | 'previous' }> = {
  pay: { from: ['pending_payment'], to: 'paid' },
  cancel: { from: ['pending_payment'], to: 'cancelled' },
  expire: { from: ['pending_payment'], to: 'cancelled' },
  ship: { from: ['paid'], to: 'shipped' },
  confirm_receipt: { from: ['shipped'], to: 'completed' },
  auto_complete: { from: ['shipped'], to: 'completed' },
  request_refund: { from: ['paid', 'shipped', 'completed'], to: 'refunding' },
  // A rejected or partial refund returns the order to where it was before the request.
  refund_rejected: { from: ['refunding'], to: 'previous' },
  refund_partly: { from: ['refunding'], to: 'previous' },
  refund_fully: { from: ['refunding'], to: 'refunded' },
};

export class OrderTransitionError extends Error {
  constructor(
    readonly event: OrderEvent,
    readonly from: OrderStatus,
  ) {
    super(`an order in ${from} cannot ${event}`);
    this.name = 'OrderTransitionError';
  }
}

/** The states `event` may start from. */
export function statesAllowing(event: OrderEvent): readonly OrderStatus[] {
  return transitions[event].from;
}

/**
 * The state after `event`, or an OrderTransitionError. `previous` is the state before the refund request,
 * required for the events that return to it.
 */
export function nextStatus(event: OrderEvent, from: OrderStatus, previous?: OrderStatus): OrderStatus {
  const rule = transitions[event];
  if (!rule.from.includes(from)) throw new OrderTransitionError(event, from);
  if (rule.to !== 'previous') return rule.to;
  if (previous === undefined || previous === 'refunding') throw new OrderTransitionError(event, from);
  return previous;
}

/** States in which nothing more happens to the order. */
export function isFinal(status: OrderStatus): boolean {
  return status === 'cancelled' || status === 'refunded';
}
