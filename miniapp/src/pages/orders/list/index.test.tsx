import { fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { answerRequests, requested } from '../../../testing/api';
import { listed, order, orderNo, prepay, signIn } from '../../../testing/orders';
import {
  navigateTo,
  pullDown,
  reachBottom,
  requestPayment,
  router,
  showModal,
  showPageAgain,
  stopPullDownRefresh,
} from '../../../testing/taro';
import OrderListPage from './index';

function cardOf(number: string): HTMLElement {
  return screen.getByText(`订单号 ${number}`).closest('.order-card') as HTMLElement;
}

const numbersShown = () => screen.queryAllByText(/^订单号 /).map((element) => element.textContent?.slice(4));

describe('the order list', () => {
  it('opens on the tab its query names and switches tabs', async () => {
    signIn();
    router.params = { status: 'pending_payment' };
    answerRequests({
      'GET /api/orders?page=1&pageSize=10&status=pending_payment': listed([order(1)]),
      'GET /api/orders?page=1&pageSize=10&status=paid': listed([]),
      'GET /api/orders?page=1&pageSize=10': listed([order(1)]),
      'GET /api/orders?page=1&pageSize=10&status=refund': listed([]),
    });
    render(<OrderListPage />);
    await screen.findByText(`订单号 ${orderNo(1)}`);
    const card = cardOf(orderNo(1));
    expect(within(card).getByText('待付款')).toBeTruthy();
    expect(within(card).getByText('共 2 件，应付')).toBeTruthy();
    expect(within(card).getByText('¥30.00')).toBeTruthy();
    expect(screen.getByRole('tab', { name: '待付款' }).getAttribute('aria-selected')).toBe('true');

    fireEvent.click(screen.getByRole('tab', { name: '待发货' }));
    expect(await screen.findByText('暂无订单')).toBeTruthy();
    expect(requested()).toEqual([
      'GET /api/orders?page=1&pageSize=10&status=pending_payment',
      'GET /api/orders?page=1&pageSize=10&status=paid',
    ]);
    fireEvent.click(screen.getByRole('tab', { name: '全部' }));
    await vi.waitFor(() => expect(requested().at(-1)).toBe('GET /api/orders?page=1&pageSize=10'));
    // 退款 shows every order in after-sales: refunding and refunded.
    fireEvent.click(screen.getByRole('tab', { name: '退款' }));
    await vi.waitFor(() => expect(requested().at(-1)).toBe('GET /api/orders?page=1&pageSize=10&status=refund'));
  });

  it('loads the next page at the bottom, and page 1 again when pulled down', async () => {
    signIn();
    const all = Array.from({ length: 12 }, (_, index) => order(12 - index));
    answerRequests({
      'GET /api/orders?page=1&pageSize=10': listed(all.slice(0, 10), 12),
      'GET /api/orders?page=2&pageSize=10': listed(all.slice(10), 12, 2),
    });
    render(<OrderListPage />);
    await screen.findByText(`订单号 ${orderNo(12)}`);
    expect(numbersShown()).toHaveLength(10);
    expect(screen.getByRole('button', { name: '加载更多' })).toBeTruthy();

    reachBottom();
    await vi.waitFor(() => expect(numbersShown()).toHaveLength(12));
    expect(screen.getByText('没有更多订单了')).toBeTruthy();
    reachBottom();

    pullDown();
    await vi.waitFor(() => expect(stopPullDownRefresh).toHaveBeenCalledTimes(1));
    expect(numbersShown()).toHaveLength(10);
    expect(requested()).toEqual([
      'GET /api/orders?page=1&pageSize=10',
      'GET /api/orders?page=2&pageSize=10',
      'GET /api/orders?page=1&pageSize=10',
    ]);
  });

  it('cancels an unpaid order after confirming, dropping it from the 待付款 tab', async () => {
    signIn();
    router.params = { status: 'pending_payment' };
    answerRequests({
      'GET /api/orders?page=1&pageSize=10&status=pending_payment': listed([order(1), order(2)]),
      [`POST /api/orders/${orderNo(1)}/cancel`]: { statusCode: 200, data: { order: order(1, { status: 'cancelled' }) } },
    });
    render(<OrderListPage />);
    await screen.findByText(`订单号 ${orderNo(1)}`);
    fireEvent.click(within(cardOf(orderNo(1))).getByRole('button', { name: '取消订单' }));
    await vi.waitFor(() => expect(showModal).toHaveBeenCalledTimes(1));
    expect(requested()).toHaveLength(1);

    showModal.mockResolvedValueOnce({ confirm: true, cancel: false });
    fireEvent.click(within(cardOf(orderNo(1))).getByRole('button', { name: '取消订单' }));
    await vi.waitFor(() => expect(numbersShown()).toEqual([orderNo(2)]));
    expect(requested()).toContain(`POST /api/orders/${orderNo(1)}/cancel`);
  });

  it('confirms receipt of a shipped order after asking, dropping it from the 待收货 tab', async () => {
    signIn();
    router.params = { status: 'shipped' };
    const shipping = { carrier: 'SF', trackingNo: 'SF1400000001', shippedAt: '2026-11-23T12:00:00.000Z' };
    answerRequests({
      'GET /api/orders?page=1&pageSize=10&status=shipped': listed([
        order(1, { status: 'shipped', shipping }),
        order(2, { status: 'shipped', shipping }),
      ]),
      [`POST /api/orders/${orderNo(2)}/confirm-receipt`]: {
        statusCode: 200,
        data: { order: order(2, { status: 'completed', shipping }) },
      },
    });
    render(<OrderListPage />);
    await screen.findByText(`订单号 ${orderNo(2)}`);
    expect(within(cardOf(orderNo(1))).getByRole('button', { name: '确认收货' })).toBeTruthy();
    showModal.mockResolvedValueOnce({ confirm: true, cancel: false });
    fireEvent.click(within(cardOf(orderNo(2))).getByRole('button', { name: '确认收货' }));
    await vi.waitFor(() => expect(numbersShown()).toEqual([orderNo(1)]));
    expect(showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '确认收货' }));
    expect(requested()).toContain(`POST /api/orders/${orderNo(2)}/confirm-receipt`);
  });

  it('shows a cancelled order as cancelled on the 全部 tab, without actions', async () => {
    signIn();
    answerRequests({
      'GET /api/orders?page=1&pageSize=10': listed([order(1)]),
      [`POST /api/orders/${orderNo(1)}/cancel`]: { statusCode: 200, data: { order: order(1, { status: 'cancelled' }) } },
    });
    render(<OrderListPage />);
    await screen.findByText(`订单号 ${orderNo(1)}`);
    showModal.mockResolvedValueOnce({ confirm: true, cancel: false });
    fireEvent.click(screen.getByRole('button', { name: '取消订单' }));
    expect(await within(cardOf(orderNo(1))).findByText('已取消')).toBeTruthy();
    expect(screen.queryByRole('button', { name: '去支付' })).toBeNull();
  });

  it('pays an unpaid order with WeChat Pay, opens an order, and refreshes when shown again', async () => {
    vi.stubEnv('TARO_ENV', 'weapp');
    signIn();
    answerRequests({
      'GET /api/orders?page=1&pageSize=10': listed([order(1), order(2, { status: 'paid' })]),
      [`POST /api/orders/${orderNo(1)}/pay`]: prepay(orderNo(1)),
    });
    render(<OrderListPage />);
    await screen.findByText(`订单号 ${orderNo(1)}`);
    expect(within(cardOf(orderNo(2))).getByText('待发货')).toBeTruthy();
    expect(within(cardOf(orderNo(2))).getByText('共 2 件，实付')).toBeTruthy();
    expect(within(cardOf(orderNo(2))).queryByRole('button')).toBeNull();

    fireEvent.click(within(cardOf(orderNo(1))).getByRole('button', { name: '去支付' }));
    await vi.waitFor(() =>
      expect(navigateTo).toHaveBeenCalledWith({ url: `/pages/pay-result/index?orderNo=${orderNo(1)}&result=success` }),
    );
    expect(requestPayment).toHaveBeenCalledTimes(1);

    fireEvent.click(screen.getByText(`订单号 ${orderNo(2)}`));
    expect(navigateTo).toHaveBeenLastCalledWith({ url: `/pages/orders/detail/index?orderNo=${orderNo(2)}` });
    showPageAgain();
    await vi.waitFor(() => expect(requested().filter((call) => call.startsWith('GET'))).toHaveLength(2));
  });
});
