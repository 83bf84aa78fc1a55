import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { answerRequests, failure, requested, type FakeRoute } from '../../testing/api';
import { cartToken, sharedCart } from '../../testing/guide-carts';
import { previewLine, signIn } from '../../testing/orders';
import { navigateTo, router } from '../../testing/taro';
import GuideCartPage from './index';

const CART_PATH = `GET /api/guide-carts/${cartToken}`;

/** The shopper, signed in, opens the cart's link; the API answers with `reply`. */
function openCart(reply: FakeRoute): void {
  signIn();
  router.params = { t: cartToken };
  answerRequests({ [CART_PATH]: reply });
  render(<GuideCartPage />);
}

function checkoutButton(): HTMLButtonElement {
  return screen.getByRole('button', { name: '去结算' }) as HTMLButtonElement;
}

describe('导购推荐 (a guide’s shared cart)', () => {
  it('shows the guide, their note, the lines at today’s prices and the total; 去结算 checks the cart out', async () => {
    openCart({ statusCode: 200, data: sharedCart() });
    expect(screen.getByText('正在打开导购的推荐…')).toBeTruthy();
    expect(await screen.findByText('王小美 为你挑选了这些商品')).toBeTruthy();
    expect(screen.getByText('王')).toBeTruthy();
    expect(screen.getByText('静安嘉里店')).toBeTruthy();
    expect(screen.getByText('天冷了，围巾配手套正好')).toBeTruthy();
    expect(screen.getByText('商品 1')).toBeTruthy();
    expect(screen.getByText('商品 2')).toBeTruthy();
    expect(screen.getByText('¥10.00')).toBeTruthy();
    expect(screen.getByText('×2')).toBeTruthy();
    expect(screen.getByText('¥50.00')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
    fireEvent.click(checkoutButton());
    expect(navigateTo).toHaveBeenCalledWith({ url: `/pages/checkout/index?guideCart=${cartToken}` });
    expect(requested()).toEqual([CART_PATH]);
  });

  it.each([
    ['withdrawn', '导购已撤回这份推荐，如需购买请联系导购重新分享。'],
    ['expired', '这份推荐已过期，如需购买请联系导购重新分享。'],
    ['guide-left', '推荐你的导购已离职，这份推荐已失效。'],
  ] as const)('says a %s cart can no longer be checked out', async (status, notice) => {
    openCart({ statusCode: 200, data: sharedCart({ status }) });
    expect((await screen.findByRole('status')).textContent).toBe(notice);
    expect(screen.getByText('商品 1')).toBeTruthy();
    expect(checkoutButton().disabled).toBe(true);
    fireEvent.click(checkoutButton());
    expect(navigateTo).not.toHaveBeenCalled();
  });

  it('flags a line that cannot be bought and holds back 去结算', async () => {
    const lines = [previewLine(1), previewLine(2, { problem: 'insufficient_stock', available: 1, quantity: 2 })];
    openCart({ statusCode: 200, data: sharedCart({ lines, itemsTotalFen: 1000 }) });
    expect(await screen.findByText('库存不足，仅剩 1 件')).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toBe('部分商品已下架或库存不足，请联系导购调整后重新分享。');
    expect(checkoutButton().disabled).toBe(true);
  });

  it.each([
    ['made for another customer', failure(403, 'GUIDE_CART_NOT_YOURS', '这份购物车是导购为其他顾客准备的')],
    ['unknown', failure(404, 'GUIDE_CART_NOT_FOUND', '导购推荐的购物车不存在，请联系导购重新分享')],
  ])('explains a cart %s without offering a retry', async (_name, reply) => {
    openCart(reply);
    expect(await screen.findByText('无法查看这份推荐')).toBeTruthy();
    const { message } = (reply.data as { error: { message: string } }).error;
    expect(screen.getByText(message)).toBeTruthy();
    expect(screen.queryByRole('button', { name: '重试' })).toBeNull();
  });

  it('asks a signed-out H5 shopper to sign in first', async () => {
    router.params = { t: cartToken };
    render(<GuideCartPage />);
    expect(await screen.findByText('请先登录')).toBeTruthy();
    expect(requested()).toEqual([]);
  });

  it('says the link is broken when its token is malformed, asking nothing', () => {
    signIn();
    router.params = { t: 'not-a-token' };
    render(<GuideCartPage />);
    expect(screen.getByText('推荐链接无效')).toBeTruthy();
    expect(requested()).toEqual([]);
  });
});
