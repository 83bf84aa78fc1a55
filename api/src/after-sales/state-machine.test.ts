import { describe, expect, it } from 'vitest';
import { afterSaleEvents, afterSaleStatuses, isOpenAfterSaleStatus, type AfterSaleEvent, type AfterSaleStatus } from '@mall/shared';
import { AfterSaleTransitionError, afterSaleStatesAllowing, nextAfterSaleStatus } from './state-machine.ts';

describe('the after-sales state machine', () => {
  it.each<[AfterSaleEvent, AfterSaleStatus, AfterSaleStatus]>([
    ['approve', 'requested', 'refunding'],
    ['approve_return', 'requested', 'awaiting_return'],
    ['ship_return', 'awaiting_return', 'return_shipped'],
    ['confirm_return', 'return_shipped', 'refunding'],
    ['refund_succeeded', 'refunding', 'refunded'],
    ['refund_succeeded', 'refund_failed', 'refunded'],
    ['refund_failed', 'refunding', 'refund_failed'],
    ['retry_refund', 'refund_failed', 'refunding'],
    ['reject', 'requested', 'rejected'],
    ['reject', 'awaiting_return', 'rejected'],
    ['reject', 'return_shipped', 'rejected'],
    ['cancel', 'requested', 'cancelled'],
    ['cancel', 'awaiting_return', 'cancelled'],
  ])('%s moves %s to %s', (event, from, to) => {
    expect(nextAfterSaleStatus(event, from)).toBe(to);
  });

  it('refuses everything else: nothing leaves refunded, rejected or cancelled; no rejection once the refund is asked for', () => {
    for (const event of afterSaleEvents) {
      for (const from of afterSaleStatuses) {
        if (afterSaleStatesAllowing(event).includes(from)) continue;
        expect(() => nextAfterSaleStatus(event, from), `${event} from ${from}`).toThrow(AfterSaleTransitionError);
      }
    }
    expect(() => nextAfterSaleStatus('reject', 'refunding')).toThrow('an after-sales request in refunding cannot reject');
    expect(() => nextAfterSaleStatus('cancel', 'return_shipped')).toThrow(AfterSaleTransitionError);
  });

  it('keeps the order held exactly while a request is open', () => {
    expect(afterSaleStatuses.filter(isOpenAfterSaleStatus)).toEqual([
      'requested',
      'awaiting_return',
      'return_shipped',
      'refunding',
      'refund_failed',
    ]);
  });
});
