import { act, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { answerRequests, failure, requested } from '../../../testing/api';
import { order, orderNo, prepay, signIn } from '../../../testing/orders';
import { navigateTo, requestPayment, router, showModal } from '../../../testing/taro';
import OrderDetailPage from './index';

const detailPath = `GET /api/orders/${orderNo(1)}`;

afterEach(() => {
  vi.useRealTimers();
});

describe('the order detail', () => {
  it('shows an unpaid order: countdown, address, lines, amounts and history', async () => {
    vi.useFakeTimers({ now: Date.parse('2026-11-23T10:00:00.000Z') });
    signIn();
    router.params = { orderNo: orderNo(1) };
    answerRequests({
      [detailPath]: {
        statusCode: 200,
        data: { order: order(1, { payDeadline: '2026-11-23T10:30:00.000Z', remark: '请尽快发货' }), refunds: [] },
      },
    });
    render(<OrderDetailPage />);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(0);
    });
    expect(screen.getByText('待付款')).toBeTruthy();
    expect(screen.getByText('请在 30:00 内完成支付，超时订单将自动取消')).toBeTruthy();
    await act(async () => {
      await vi.advanceTimersByTimeAsync(61_000);
    });
    expect(screen.getByText('请在 28:59 内完成支付，超时订单将自动取消')).toBeTruthy();

    expect(screen.getByText('王小明')).toBeTruthy();
    expect(screen.getByText('上海市 上海市 浦东新区 世纪大道 100 号')).toBeTruthy();
    expect(screen.getByText('商品 1')).toBeTruthy();
    expect(screen.getByText('共 2 件')).toBeTruthy();
    expect(screen.getByText('应付')).toBeTruthy();
    expect(screen.getByText('¥30.00')).toBeTruthy();
    expect(screen.getByText('请尽快发货')).toBeTruthy();
    expect(screen.getByText('提交订单')).toBeTruthy();
    expect(screen.getAllByText('2026-11-23 18:00')).toHaveLength(2);
  });

  it('loads the order again once the payment deadline passes', async () => {
    vi.useFakeTimers({ now: Date.parse('2026-11-23T10:29:58.000Z') });
    signIn();
    router.params = { orderNo: orderNo(1) };
    let asked = 0;
    answerRequests({
      [detailPath]: () => {
        asked += 1;
        const expired = asked > 1 && {
          status: 'cancelled' as const,
          history: [
            ...order(1).history,
            {
              event: 'expire' as const,
              from: 'pending_payment' as const,
              to: 'cancelled' as const,
              at: '2026-11-23T10:30:00.000Z',
              actor: { type: 'system' as const },
            },
          ],
        };
        return { statusCode: 200, data: { order: order(1, { payDeadline: '2026-11-23T10:30:00.000Z', ...expired }), refunds: [] } };
      },
    });
    render(<OrderDetailPage />);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(0);
    });
    expect(screen.getByText('请在 00:02 内完成支付，超时订单将自动取消')).toBeTruthy();
    await act(async () => {
      await vi.advanceTimersByTimeAsync(2_000);
    });
    expect(screen.getByText('已取消')).toBeTruthy();
    expect(screen.getByText('超时未支付，订单已自动取消')).toBeTruthy();
    expect(screen.queryByRole('button', { name: '去支付' })).toBeNull();
    expect(requested()).toEqual([detailPath, detailPath]);
  });

  it('cancels after confirming and pays with WeChat Pay', async () => {
    vi.stubEnv('TARO_ENV', 'weapp');
    signIn();
    router.params = { orderNo: orderNo(1) };
    answerRequests({
      [detailPath]: { statusCode: 200, data: { order: order(1), refunds: [] } },
      [`POST /api/orders/${orderNo(1)}/pay`]: prepay(orderNo(1)),
      [`POST /api/orders/${orderNo(1)}/cancel`]: {
        statusCode: 200,
        data: {
          order: order(1, {
            status: 'cancelled',
            history: [
              ...order(1).history,
              { event: 'cancel', from: 'pending_payment', to: 'cancelled', at: '2026-11-23T10:10:00.000Z', actor: { type: 'shopper' } },
            ],
          }),
        },
      },
    });
    render(<OrderDetailPage />);
    fireEvent.click(await screen.findByRole('button', { name: '去支付' }));
    await vi.waitFor(() =>
      expect(navigateTo).toHaveBeenCalledWith({ url: `/pages/pay-result/index?orderNo=${orderNo(1)}&result=success` }),
    );
    expect(requestPayment).toHaveBeenCalledTimes(1);

    showModal.mockResolvedValueOnce({ confirm: true, cancel: false });
    fireEvent.click(screen.getByRole('button', { name: '取消订单' }));
    expect(await screen.findByText('已取消')).toBeTruthy();
    expect(screen.getByText('订单已取消', { selector: '.order-history__event' })).toBeTruthy();
    expect(screen.getByText('2026-11-23 18:10')).toBeTruthy();
    expect(screen.queryByRole('button', { name: '去支付' })).toBeNull();
  });

  it('shows a paid order with its payment time and no actions', async () => {
    signIn();
    router.params = { orderNo: orderNo(1) };
    const paid = order(1, {
      status: 'paid',
      payment: { method: 'wechatpay', transactionId: '4200000000000000001', amountFen: 3000, paidAt: '2026-11-23T10:05:00.000Z' },
    });
    answerRequests({ [detailPath]: { statusCode: 200, data: { order: paid, refunds: [] } } });
    render(<OrderDetailPage />);
    expect(await screen.findByText('已付款，商家正在备货')).toBeTruthy();
    expect(screen.getByText('实付')).toBeTruthy();
    expect(screen.getByText('2026-11-23 18:05（微信支付）')).toBeTruthy();
    expect(screen.queryByRole('button')).toBeNull();
  });

  it('shows the refund of a payment that arrived after the order was cancelled', async () => {
    signIn();
    router.params = { orderNo: orderNo(1) };
    const cancelled = order(1, { status: 'cancelled' });
    const refund = {
      outRefundNo: `R${orderNo(1)}-auto`,
      status: 'succeeded' as const,
      refundFen: 3000,
      createdAt: '2026-11-23T10:31:00.000Z',
      succeededAt: '2026-11-23T10:32:00.000Z',
    };
    answerRequests({ [detailPath]: { statusCode: 200, data: { order: cancelled, refunds: [refund] } } });
    render(<OrderDetailPage />);
    expect(await screen.findByText('退款记录')).toBeTruthy();
    expect(screen.getByText('订单取消后收到的付款已原路退回')).toBeTruthy();
    expect(screen.getByText('¥30.00 · 退款成功')).toBeTruthy();
    expect(screen.getByText('2026-11-23 18:32')).toBeTruthy();
  });

  it('shows a shipped order with its carrier, tracking number and trace, and confirms receipt after asking', async () => {
    signIn();
    router.params = { orderNo: orderNo(1) };
    const shipped = order(1, {
      status: 'shipped',
      payment: { method: 'wechatpay', transactionId: '4200000000000000001', amountFen: 3000, paidAt: '2026-11-23T10:05:00.000Z' },
      shipping: { carrier: 'SF', trackingNo: 'SF1400000001', shippedAt: '2026-11-23T12:00:00.000Z' },
    });
    const completed = {
      ...shipped,
      status: 'completed' as const,
      history: [
        ...shipped.history,
        {
          event: 'confirm_receipt' as const,
          from: 'shipped' as const,
          to: 'completed' as const,
          at: '2026-11-25T02:00:00.000Z',
          actor: { type: 'shopper' as const },
        },
      ],
    };
    answerRequests({
      [detailPath]: { statusCode: 200, data: { order: shipped, refunds: [] } },
      [`GET /api/orders/${orderNo(1)}/logistics`]: {
        statusCode: 200,
        data: {
          trace: {
            carrier: 'SF',
            carrierName: '顺丰速运',
            trackingNo: 'SF1400000001',
            state: 'delivering',
            events: [
              { at: '2026-11-24T01:00:00.000Z', description: '【上海市浦东新区】的快递员正在派件' },
              { at: '2026-11-23T13:00:00.000Z', description: '【杭州市余杭区】的快递员已揽收', location: '杭州市余杭区' },
            ],
            queriedAt: '2026-11-24T02:00:00.000Z',
          },
        },
      },
      [`POST /api/orders/${orderNo(1)}/confirm-receipt`]: { statusCode: 200, data: { order: completed } },
    });
    render(<OrderDetailPage />);
    expect(await screen.findByText('商家已发货，请留意收货')).toBeTruthy();
    expect(screen.getByText('顺丰速运')).toBeTruthy();
    expect(screen.getByText('SF1400000001')).toBeTruthy();
    expect(screen.getByText('2026-11-23 20:00')).toBeTruthy();
    expect(await screen.findByText('派送中')).toBeTruthy();
    expect(screen.getByText('【上海市浦东新区】的快递员正在派件')).toBeTruthy();
    expect(screen.getByText('2026-11-24 09:00')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: '确认收货' }));
    await vi.waitFor(() => expect(showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '确认收货' })));
    await vi.waitFor(() => expect(screen.getByRole('button', { name: '确认收货' }).hasAttribute('disabled')).toBe(false));
    expect(requested()).not.toContain(`POST /api/orders/${orderNo(1)}/confirm-receipt`);

    showModal.mockResolvedValueOnce({ confirm: true, cancel: false });
    fireEvent.click(screen.getByRole('button', { name: '确认收货' }));
    expect(await screen.findByText('交易已完成，感谢你的购买')).toBeTruthy();
    expect(screen.getByText('已确认收货', { selector: '.order-history__event' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: '确认收货' })).toBeNull();
    expect(requested().filter((call) => call.endsWith('/confirm-receipt'))).toHaveLength(1);
  });

  it('says why the trace cannot be shown and tries again on 重试', async () => {
    signIn();
    router.params = { orderNo: orderNo(1) };
    const shipped = order(1, {
      status: 'shipped',
      payment: { method: 'wechatpay', transactionId: '4200000000000000001', amountFen: 3000, paidAt: '2026-11-23T10:05:00.000Z' },
      shipping: { carrier: 'YTO', trackingNo: 'YT0000000042', shippedAt: '2026-11-23T12:00:00.000Z' },
    });
    let asked = 0;
    answerRequests({
      [detailPath]: { statusCode: 200, data: { order: shipped, refunds: [] } },
      [`GET /api/orders/${orderNo(1)}/logistics`]: () => {
        asked += 1;
        return asked === 1
          ? failure(502, 'PLATFORM_ERROR', '微信服务暂时不可用，请稍后再试')
          : {
              statusCode: 200,
              data: {
                trace: {
                  carrier: 'YTO',
                  carrierName: '圆通速递',
                  trackingNo: 'YT0000000042',
                  state: 'no_record',
                  events: [],
                  queriedAt: '2026-11-24T02:00:00.000Z',
                },
              },
            };
      },
    });
    render(<OrderDetailPage />);
    expect(await screen.findByText('微信服务暂时不可用，请稍后再试')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: '重试' }));
    expect(await screen.findByText('暂无物流信息')).toBeTruthy();
    expect(screen.getByText('快递公司暂未返回物流信息，请稍后再看')).toBeTruthy();
  });

  it('says when the order does not exist', async () => {
    signIn();
    router.params = { orderNo: orderNo(1) };
    answerRequests({ [detailPath]: { statusCode: 404, data: { error: { code: 'NOT_FOUND', message: '请求的内容不存在' } } } });
    render(<OrderDetailPage />);
    expect(await screen.findByText('找不到这个订单')).toBeTruthy();
    expect(screen.queryByRole('button', { name: '重试' })).toBeNull();
  });
});
