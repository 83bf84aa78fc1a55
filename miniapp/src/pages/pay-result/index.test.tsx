import { act, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { answerRequests, requested } from '../../testing/api';
import { orderNo, paymentStatus, prepay, signIn } from '../../testing/orders';
import { redirectTo, requestPayment, router } from '../../testing/taro';
import PayResultPage, { POLL_INTERVAL_MS, POLL_LIMIT_MS } from './index';

const statusPath = `GET /api/orders/${orderNo(1)}/payment`;

afterEach(() => {
  vi.useRealTimers();
});

/** Lets the page's pending request settle, then moves the clock on by `ms`. */
async function wait(ms: number): Promise<void> {
  await act(async () => {
    await vi.advanceTimersByTimeAsync(ms);
  });
}

describe('the payment result page', () => {
  it('asks until the payment is confirmed, then shows the amount and the order number', async () => {
    vi.useFakeTimers();
    signIn();
    router.params = { orderNo: orderNo(1), result: 'success' };
    let asked = 0;
    answerRequests({
      [statusPath]: () => {
        asked += 1;
        return { statusCode: 200, data: paymentStatus(orderNo(1), asked >= 3) };
      },
    });
    render(<PayResultPage />);
    await wait(0);
    expect(screen.getByText('正在确认支付结果…')).toBeTruthy();
    expect(asked).toBe(1);
    await wait(POLL_INTERVAL_MS);
    expect(asked).toBe(2);
    expect(screen.getByText('正在确认支付结果…')).toBeTruthy();
    await wait(POLL_INTERVAL_MS);

    expect(screen.getByText('支付成功')).toBeTruthy();
    expect(screen.getByText('¥30.00')).toBeTruthy();
    expect(screen.getByText(`订单号 ${orderNo(1)}`)).toBeTruthy();
    expect(screen.getByText('支付时间 2026-11-23 18:05')).toBeTruthy();
    await wait(POLL_INTERVAL_MS * 3);
    expect(asked).toBe(3);

    fireEvent.click(screen.getByRole('button', { name: '查看订单' }));
    expect(redirectTo).toHaveBeenCalledWith({ url: `/pages/orders/detail/index?orderNo=${orderNo(1)}` });
  });

  it('stops asking after the time limit and says the payment is not complete', async () => {
    vi.useFakeTimers();
    signIn();
    router.params = { orderNo: orderNo(1) };
    answerRequests({ [statusPath]: { statusCode: 200, data: paymentStatus(orderNo(1), false) } });
    render(<PayResultPage />);
    await wait(POLL_LIMIT_MS);
    expect(screen.getByText('支付未完成')).toBeTruthy();
    const asked = requested().length;
    expect(asked).toBe(Math.floor(POLL_LIMIT_MS / POLL_INTERVAL_MS));
    await wait(POLL_INTERVAL_MS * 3);
    expect(requested()).toHaveLength(asked);
  });

  it('asks once when the shopper left the payment sheet, and offers to pay again', async () => {
    vi.stubEnv('TARO_ENV', 'weapp');
    signIn();
    router.params = { orderNo: orderNo(1), result: 'cancel' };
    answerRequests({
      [statusPath]: { statusCode: 200, data: paymentStatus(orderNo(1), false) },
      [`POST /api/orders/${orderNo(1)}/pay`]: prepay(orderNo(1)),
    });
    render(<PayResultPage />);
    expect(await screen.findByText('支付未完成')).toBeTruthy();
    expect(screen.getByText(/^订单已保留，请在 .* 前完成支付，超时将自动取消$/)).toBeTruthy();
    expect(requested()).toEqual([statusPath]);

    fireEvent.click(screen.getByRole('button', { name: '重新支付' }));
    await vi.waitFor(() =>
      expect(redirectTo).toHaveBeenCalledWith({ url: `/pages/pay-result/index?orderNo=${orderNo(1)}&result=success` }),
    );
    expect(requestPayment).toHaveBeenCalledTimes(1);
  });

  it('says when the order was cancelled instead of paid, without offering to pay', async () => {
    signIn();
    router.params = { orderNo: orderNo(1) };
    answerRequests({ [statusPath]: { statusCode: 200, data: paymentStatus(orderNo(1), false, { status: 'cancelled' }) } });
    render(<PayResultPage />);
    expect(await screen.findByText('订单状态：已取消')).toBeTruthy();
    expect(screen.queryByRole('button', { name: '重新支付' })).toBeNull();
    expect(requested()).toEqual([statusPath]);
  });

  it('shows a failure with a retry that asks again', async () => {
    signIn();
    router.params = { orderNo: orderNo(1) };
    let asked = 0;
    answerRequests({
      [statusPath]: () => {
        asked += 1;
        return asked === 1
          ? { statusCode: 502, data: { error: { code: 'PLATFORM_ERROR', message: '微信服务暂时不可用，请稍后再试' } } }
          : { statusCode: 200, data: paymentStatus(orderNo(1), true) };
      },
    });
    render(<PayResultPage />);
    fireEvent.click(await screen.findByRole('button', { name: '重试' }));
    expect(await screen.findByText('支付成功')).toBeTruthy();
  });

  it('refuses a malformed order number without asking', () => {
    router.params = { orderNo: '123' };
    render(<PayResultPage />);
    expect(screen.getByText('找不到这笔订单')).toBeTruthy();
    expect(requested()).toEqual([]);
  });
});
