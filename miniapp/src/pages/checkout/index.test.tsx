import { fireEvent, render, screen } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { announceChosenAddress } from '../address/selection';
import { answerRequests, failure, requested } from '../../testing/api';
import { cartToken } from '../../testing/guide-carts';
import { address, order, orderNo, prepay, preview, previewLine, requestPaymentParams, signIn, skuId } from '../../testing/orders';
import { navigateTo, redirectTo, request, requestPayment, router, showPageAgain } from '../../testing/taro';
import { openExternalPage } from '../../payment/external-page';
import CheckoutPage from './index';

vi.mock('../../payment/external-page', () => ({ openExternalPage: vi.fn() }));

beforeEach(() => {
  vi.mocked(openExternalPage).mockReset();
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function bodiesOf(call: string): Record<string, unknown>[] {
  return request.mock.calls
    .filter(([option]) => `${option.method} ${option.url.replace(/^https?:\/\/[^/]+/, '')}` === call)
    .map(([option]) => option.data as Record<string, unknown>);
}

function submitButton(): HTMLButtonElement {
  return screen.getByRole('button', { name: '提交订单' }) as HTMLButtonElement;
}

/** The API answers a one-item checkout: its preview, the order it creates, and the prepay (with a cashier URL in H5). */
function answerOneItemCheckout(cashierUrl?: string): void {
  answerRequests({
    'POST /api/checkout/preview': { statusCode: 200, data: preview([previewLine(1)]) },
    'POST /api/orders': { statusCode: 201, data: { order: order(1) } },
    [`POST /api/orders/${orderNo(1)}/pay`]: prepay(orderNo(1), cashierUrl),
  });
}

describe('checkout', () => {
  it('prices the selected cart lines: address, lines, each discount with its reason, shipping and payable', async () => {
    signIn();
    router.params = { skuIds: `${skuId(1)},${skuId(2)}` };
    const lines = [previewLine(1, { quantity: 3 }), previewLine(2)];
    const priced = preview(lines);
    answerRequests({
      'POST /api/checkout/preview': {
        statusCode: 200,
        data: {
          ...priced,
          pricing: {
            itemsTotalFen: 5000,
            discounts: [{ calculator: 'coupon', reason: '满 50 减 5', amountFen: 500 }],
            discountTotalFen: 500,
            shippingFeeFen: 1000,
            payableFen: 5500,
          },
        },
      },
    });
    render(<CheckoutPage />);
    expect(await screen.findByText('王小明')).toBeTruthy();
    expect(bodiesOf('POST /api/checkout/preview')).toEqual([{ fromCart: true, skuIds: [skuId(1), skuId(2)] }]);
    expect(screen.getByText('上海市 上海市 浦东新区 世纪大道 100 号')).toBeTruthy();
    expect(screen.getByText('商品 1')).toBeTruthy();
    expect(screen.getByText('×3')).toBeTruthy();
    expect(screen.getByText('满 50 减 5')).toBeTruthy();
    expect(screen.getByText('-¥5.00')).toBeTruthy();
    expect(screen.getByText('¥10.00', { selector: '.price-breakdown__row span' })).toBeTruthy();
    expect(screen.getAllByText('¥55.00')).toHaveLength(2);
    expect(submitButton().disabled).toBe(false);
  });

  it('buys one SKU straight from the product page', async () => {
    signIn();
    router.params = { skuId: skuId(7), quantity: '2' };
    answerRequests({ 'POST /api/checkout/preview': { statusCode: 200, data: preview([previewLine(7, { quantity: 2 })]) } });
    render(<CheckoutPage />);
    await screen.findByText('商品 7');
    expect(bodiesOf('POST /api/checkout/preview')).toEqual([{ items: [{ skuId: skuId(7), quantity: 2 }] }]);
  });

  it('checks out a guide’s shared cart: its token goes to the preview and the order, and refusals are said', async () => {
    vi.stubEnv('TARO_ENV', 'weapp');
    signIn();
    router.params = { guideCart: cartToken };
    let refusal: ReturnType<typeof failure> | null = failure(409, 'GUIDE_CART_WITHDRAWN', '导购已撤回这份推荐，请联系导购重新分享');
    answerRequests({
      'POST /api/checkout/preview': { statusCode: 200, data: preview([previewLine(1), previewLine(2, { quantity: 2 })]) },
      'POST /api/orders': () => refusal ?? { statusCode: 201, data: { order: order(1) } },
      [`POST /api/orders/${orderNo(1)}/pay`]: prepay(orderNo(1)),
    });
    render(<CheckoutPage />);
    await screen.findByText('商品 2');
    expect(bodiesOf('POST /api/checkout/preview')).toEqual([{ guideCartToken: cartToken }]);

    fireEvent.click(submitButton());
    expect(await screen.findByText('导购已撤回这份推荐，请联系导购重新分享')).toBeTruthy();
    refusal = null;
    fireEvent.click(submitButton());
    await vi.waitFor(() =>
      expect(redirectTo).toHaveBeenCalledWith({ url: `/pages/pay-result/index?orderNo=${orderNo(1)}&result=success` }),
    );
    const [first, second] = bodiesOf('POST /api/orders');
    expect(first).toEqual({ guideCartToken: cartToken, addressId: address.id, idempotencyKey: expect.stringMatching(UUID) });
    expect(second).toEqual({ guideCartToken: cartToken, addressId: address.id, idempotencyKey: expect.stringMatching(UUID) });
    expect(second?.idempotencyKey).not.toBe(first?.idempotencyKey);
  });

  it('sends a guide cart with lines that cannot be bought back to its guide', async () => {
    signIn();
    router.params = { guideCart: cartToken };
    answerRequests({
      'POST /api/checkout/preview': { statusCode: 200, data: preview([previewLine(1, { problem: 'off_sale', available: 0 })]) },
    });
    render(<CheckoutPage />);
    expect(await screen.findByText('商品已下架，无法购买')).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toBe('部分商品已下架或库存不足，请联系导购调整后重新分享');
    expect(submitButton().disabled).toBe(true);
  });

  it('says there is nothing to buy when opened without a purchase', () => {
    router.params = { skuIds: 'not-an-id' };
    render(<CheckoutPage />);
    expect(screen.getByText('没有要结算的商品')).toBeTruthy();
    expect(requested()).toEqual([]);
  });

  it('blocks submitting while a line cannot be bought or there is no address, saying why', async () => {
    signIn();
    router.params = { skuIds: `${skuId(1)},${skuId(2)}` };
    let reply = preview([previewLine(1), previewLine(2, { problem: 'insufficient_stock', available: 1, quantity: 4 })]);
    answerRequests({ 'POST /api/checkout/preview': () => ({ statusCode: 200, data: reply }) });
    render(<CheckoutPage />);
    expect(await screen.findByText('库存不足，仅剩 1 件')).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toBe('部分商品已下架或库存不足，请返回购物车调整后再结算');
    expect(submitButton().disabled).toBe(true);
    fireEvent.click(submitButton());

    reply = preview([previewLine(1)], { address: null, canSubmit: false });
    showPageAgain();
    expect(await screen.findByText('请添加收货地址')).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toBe('请先添加收货地址');
    expect(submitButton().disabled).toBe(true);
    expect(requested()).toEqual(['POST /api/checkout/preview', 'POST /api/checkout/preview']);
  });

  it('prices again for the address chosen in the address list', async () => {
    signIn();
    router.params = { skuIds: skuId(1) };
    const office = { ...address, id: 'd00000000000000000000002', recipientName: '李雷' };
    answerRequests({
      'POST /api/checkout/preview': (option) => {
        const { addressId } = option.data as { addressId?: string };
        return { statusCode: 200, data: preview([previewLine(1)], { address: addressId === office.id ? office : address }) };
      },
    });
    render(<CheckoutPage />);
    fireEvent.click(await screen.findByText('王小明'));
    expect(navigateTo).toHaveBeenCalledWith({ url: '/pages/address/list/index?select=1' });

    announceChosenAddress(office.id);
    showPageAgain();
    expect(await screen.findByText('李雷')).toBeTruthy();
    expect(bodiesOf('POST /api/checkout/preview')).toEqual([
      { fromCart: true, skuIds: [skuId(1)] },
      { fromCart: true, skuIds: [skuId(1)], addressId: office.id },
    ]);
  });

  it('resends the same idempotency key after a failure that may have made the order, then pays with WeChat Pay', async () => {
    vi.stubEnv('TARO_ENV', 'weapp');
    signIn();
    router.params = { skuIds: skuId(1) };
    let attempts = 0;
    answerRequests({
      'POST /api/checkout/preview': { statusCode: 200, data: preview([previewLine(1)]) },
      'POST /api/orders': () => {
        attempts += 1;
        return attempts === 1 ? failure(503, 'INTERNAL', '系统繁忙，请稍后再试') : { statusCode: 201, data: { order: order(1) } };
      },
      [`POST /api/orders/${orderNo(1)}/pay`]: prepay(orderNo(1)),
    });
    render(<CheckoutPage />);
    await screen.findByText('商品 1');
    fireEvent.change(screen.getByPlaceholderText('选填，给商家留言'), { target: { value: ' 请尽快发货 ' } });
    fireEvent.click(submitButton());
    expect(await screen.findByText('系统繁忙，请稍后再试')).toBeTruthy();

    fireEvent.click(submitButton());
    await vi.waitFor(() =>
      expect(redirectTo).toHaveBeenCalledWith({ url: `/pages/pay-result/index?orderNo=${orderNo(1)}&result=success` }),
    );
    const [first, second] = bodiesOf('POST /api/orders');
    expect(first).toEqual({
      fromCart: true,
      skuIds: [skuId(1)],
      addressId: address.id,
      idempotencyKey: expect.stringMatching(UUID),
      remark: '请尽快发货',
    });
    expect(second?.idempotencyKey).toBe(first?.idempotencyKey);
    expect(requestPayment).toHaveBeenCalledWith(requestPaymentParams);
    expect(openExternalPage).not.toHaveBeenCalled();
  });

  it('sends one order for a double tap', async () => {
    vi.stubEnv('TARO_ENV', 'weapp');
    signIn();
    router.params = { skuIds: skuId(1) };
    answerOneItemCheckout();
    render(<CheckoutPage />);
    await screen.findByText('商品 1');
    fireEvent.click(submitButton());
    fireEvent.click(submitButton());
    await vi.waitFor(() => expect(redirectTo).toHaveBeenCalledTimes(1));
    expect(bodiesOf('POST /api/orders')).toHaveLength(1);
  });

  it('shows the result page as not paid when the shopper closes the WeChat Pay sheet', async () => {
    vi.stubEnv('TARO_ENV', 'weapp');
    signIn();
    router.params = { skuIds: skuId(1) };
    requestPayment.mockRejectedValueOnce({ errMsg: 'requestPayment:fail cancel' });
    answerOneItemCheckout();
    render(<CheckoutPage />);
    await screen.findByText('商品 1');
    fireEvent.click(submitButton());
    await vi.waitFor(() => expect(redirectTo).toHaveBeenCalledWith({ url: `/pages/pay-result/index?orderNo=${orderNo(1)}&result=cancel` }));
  });

  it('names the product out of stock, prices again, and makes the next attempt a new one', async () => {
    vi.stubEnv('TARO_ENV', 'weapp');
    signIn();
    router.params = { skuIds: `${skuId(1)},${skuId(2)}` };
    let reply = preview([previewLine(1), previewLine(2)]);
    answerRequests({
      'POST /api/checkout/preview': () => ({ statusCode: 200, data: reply }),
      'POST /api/orders': () => {
        reply = preview([previewLine(1), previewLine(2, { problem: 'insufficient_stock', available: 0 })]);
        return { statusCode: 409, data: { error: { code: 'OUT_OF_STOCK', message: '库存不足', details: { skuId: skuId(2) } } } };
      },
    });
    render(<CheckoutPage />);
    await screen.findByText('商品 2');
    fireEvent.click(submitButton());
    expect(await screen.findByText('「商品 2」库存不足，已刷新商品信息，请调整后再提交')).toBeTruthy();
    expect(await screen.findByText('已售罄')).toBeTruthy();
    expect(submitButton().disabled).toBe(true);
    expect(requested()).toEqual(['POST /api/checkout/preview', 'POST /api/orders', 'POST /api/checkout/preview']);

    reply = preview([previewLine(1)]);
    showPageAgain();
    await vi.waitFor(() => expect(submitButton().disabled).toBe(false));
    fireEvent.click(submitButton());
    await vi.waitFor(() => expect(bodiesOf('POST /api/orders')).toHaveLength(2));
    const [first, second] = bodiesOf('POST /api/orders');
    expect(second?.idempotencyKey).toMatch(UUID);
    expect(second?.idempotencyKey).not.toBe(first?.idempotencyKey);
  });

  it('opens the sandbox cashier in the H5 build', async () => {
    vi.stubEnv('TARO_ENV', 'h5');
    signIn();
    router.params = { skuIds: skuId(1) };
    const cashierUrl = 'http://127.0.0.1:3100/__sandbox/wechatpay/cashier?prepay_id=wx123&return_url=x';
    answerOneItemCheckout(cashierUrl);
    render(<CheckoutPage />);
    await screen.findByText('商品 1');
    fireEvent.click(submitButton());
    await vi.waitFor(() => expect(openExternalPage).toHaveBeenCalledWith(cashierUrl));
    expect(requestPayment).not.toHaveBeenCalled();
    expect(redirectTo).not.toHaveBeenCalled();
  });

  it('goes to the order when paying cannot start (H5 against a real WeChat Pay)', async () => {
    vi.stubEnv('TARO_ENV', 'h5');
    signIn();
    router.params = { skuIds: skuId(1) };
    answerOneItemCheckout();
    render(<CheckoutPage />);
    await screen.findByText('商品 1');
    fireEvent.click(submitButton());
    await vi.waitFor(() => expect(redirectTo).toHaveBeenCalledWith({ url: `/pages/orders/detail/index?orderNo=${orderNo(1)}` }));
    expect(openExternalPage).not.toHaveBeenCalled();
  });
});
