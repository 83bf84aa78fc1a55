import { describe, expect, it } from 'vitest';
import { isFinal, nextStatus, OrderTransitionError, orderEvents, orderStatuses, statesAllowing, type OrderEvent } from './state-machine.ts';

describe('the order state machine', () => {
  it.each<[OrderEvent, string, string]>([
    ['pay', 'pending_payment', 'paid'],
    ['cancel', 'pending_payment', 'cancelled'],
    ['expire', 'pending_payment', 'cancelled'],
    ['ship', 'paid', 'shipped'],
    ['confirm_receipt', 'shipped', 'completed'],
    ['auto_complete', 'shipped', 'completed'],
    ['request_refund', 'paid', 'refunding'],
    ['request_refund', 'shipped', 'refunding'],
    ['request_refund', 'completed', 'refunding'],
    ['refund_fully', 'refunding', 'refunded'],
  ])('%s moves %s to %s', (event, from, to) => {
    expect(nextStatus(event, from as never)).toBe(to);
  });

  it('returns a rejected or partial refund to the state before the request', () => {
    expect(nextStatus('refund_rejected', 'refunding', 'shipped')).toBe('shipped');
    expect(nextStatus('refund_partly', 'refunding', 'paid')).toBe('paid');
    expect(() => nextStatus('refund_partly', 'refunding')).toThrow(OrderTransitionError);
  });

  it('refuses every transition the table does not allow', () => {
    let refused = 0;
    for (const event of orderEvents) {
      for (const from of orderStatuses) {
        if (statesAllowing(event).includes(from)) continue;
        expect(() => nextStatus(event, from, 'paid'), `${event} from ${from}`).toThrow(OrderTransitionError);
        refused += 1;
      }
    }
    // Paid orders cannot be cancelled, cancelled orders cannot be paid, shipped orders cannot ship again, …
    expect(() => nextStatus('cancel', 'paid')).toThrow('an order in paid cannot cancel');
    expect(() => nextStatus('pay', 'cancelled')).toThrow(OrderTransitionError);
    expect(refused).toBeGreaterThan(50);
  });

  it('knows the final states', () => {
    expect(orderStatuses.filter(isFinal)).toEqual(['cancelled', 'refunded']);
  });
});
