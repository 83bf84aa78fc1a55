import { fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { answerRequests, requested } from '../../testing/api';
import { cartLine, cartReply, signIn, skuId } from '../../testing/orders';
import { navigateTo, request, showModal, showPageAgain, switchTab } from '../../testing/taro';
import CartPage from './index';

function lineOf(title: string): HTMLElement {
  return screen.getByText(title).closest('.cart-line') as HTMLElement;
}

function total(): string {
  return (document.querySelector('.cart-bar__amount') as HTMLElement).textContent ?? '';
}

function checkbox(name: string): HTMLElement {
  return screen.getByRole('checkbox', { name });
}

describe('the cart', () => {
  it('selects every line that can be bought, totals the selection, and checks out the selected lines', async () => {
    signIn();
    answerRequests({
      'GET /api/cart': cartReply([
        cartLine(1, { quantity: 2 }),
        cartLine(2),
        cartLine(3, { problem: 'off_sale', available: 0 }),
        cartLine(4, { problem: 'insufficient_stock', available: 0 }),
      ]),
    });
    render(<CartPage />);
    await screen.findByText('商品 1');

    // ¥10.00 × 2 + ¥20.00; the off-sale and sold-out lines are greyed with their reason and left out.
    expect(total()).toBe('¥40.00');
    expect(within(lineOf('商品 3')).getByText('商品已下架')).toBeTruthy();
    expect(within(lineOf('商品 4')).getByText('已售罄')).toBeTruthy();
    expect(lineOf('商品 3').querySelector('.order-line--unavailable')).not.toBeNull();
    expect(checkbox('选择 商品 3').getAttribute('aria-checked')).toBe('false');
    fireEvent.click(checkbox('选择 商品 3'));
    expect(checkbox('选择 商品 3').getAttribute('aria-checked')).toBe('false');
    expect(checkbox('全选').getAttribute('aria-checked')).toBe('true');

    fireEvent.click(checkbox('选择 商品 2'));
    expect(total()).toBe('¥20.00');
    expect(checkbox('全选').getAttribute('aria-checked')).toBe('false');
    fireEvent.click(screen.getByRole('button', { name: '去结算(2)' }));
    expect(navigateTo).toHaveBeenLastCalledWith({ url: `/pages/checkout/index?skuIds=${skuId(1)}` });

    fireEvent.click(screen.getByText('商品 2'));
    expect(navigateTo).toHaveBeenLastCalledWith({ url: `/pages/product/index?id=${cartLine(2).productId}` });

    fireEvent.click(checkbox('全选'));
    expect(total()).toBe('¥40.00');
    fireEvent.click(checkbox('全选'));
    expect(total()).toBe('¥0.00');
    expect((screen.getByRole('button', { name: '去结算' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('keeps quantities between 1 and the stock, and shows the cart the API answers with', async () => {
    signIn();
    answerRequests({
      'GET /api/cart': cartReply([cartLine(1, { quantity: 1, available: 2 })]),
      [`PATCH /api/cart/items/${skuId(1)}`]: (option) => {
        const { quantity } = option.data as { quantity: number };
        return cartReply([cartLine(1, { quantity, available: 2 })]);
      },
    });
    render(<CartPage />);
    await screen.findByText('商品 1');
    const decrease = () => within(lineOf('商品 1')).getByRole('button', { name: '减少' }) as HTMLButtonElement;
    const increase = () => within(lineOf('商品 1')).getByRole('button', { name: '增加' }) as HTMLButtonElement;
    expect(decrease().disabled).toBe(true);
    expect(increase().disabled).toBe(false);

    fireEvent.click(increase());
    await vi.waitFor(() => expect(total()).toBe('¥20.00'));
    expect(request).toHaveBeenLastCalledWith(expect.objectContaining({ method: 'PATCH', data: { quantity: 2 } }));
    expect(within(lineOf('商品 1')).getByText('2')).toBeTruthy();
    expect(increase().disabled).toBe(true);
    expect(decrease().disabled).toBe(false);
  });

  it('offers to cut a line down to the stock left', async () => {
    signIn();
    answerRequests({
      'GET /api/cart': cartReply([cartLine(1, { quantity: 5, available: 3, problem: 'insufficient_stock' })]),
      [`PATCH /api/cart/items/${skuId(1)}`]: cartReply([cartLine(1, { quantity: 3, available: 3 })]),
    });
    render(<CartPage />);
    expect(await screen.findByText('库存不足，仅剩 3 件')).toBeTruthy();
    expect(total()).toBe('¥0.00');
    fireEvent.click(screen.getByRole('button', { name: '改为 3 件' }));
    await vi.waitFor(() => expect(total()).toBe('¥30.00'));
    expect(request).toHaveBeenLastCalledWith(expect.objectContaining({ method: 'PATCH', data: { quantity: 3 } }));
    expect(screen.queryByText('库存不足，仅剩 3 件')).toBeNull();
  });

  it('removes a line after confirming', async () => {
    signIn();
    answerRequests({
      'GET /api/cart': cartReply([cartLine(1), cartLine(2)]),
      [`DELETE /api/cart/items/${skuId(2)}`]: cartReply([cartLine(1)]),
    });
    render(<CartPage />);
    await screen.findByText('商品 2');
    fireEvent.click(within(lineOf('商品 2')).getByRole('button', { name: '删除' }));
    await vi.waitFor(() => expect(showModal).toHaveBeenCalledTimes(1));
    expect(requested()).toEqual(['GET /api/cart']);

    showModal.mockResolvedValueOnce({ confirm: true, cancel: false });
    fireEvent.click(within(lineOf('商品 2')).getByRole('button', { name: '删除' }));
    await vi.waitFor(() => expect(screen.queryByText('商品 2')).toBeNull());
    expect(requested()).toEqual(['GET /api/cart', `DELETE /api/cart/items/${skuId(2)}`]);
  });

  it('says so when the cart is empty, with the way to the home page, and loads again when shown again', async () => {
    signIn();
    answerRequests({ 'GET /api/cart': cartReply([]) });
    render(<CartPage />);
    expect(await screen.findByText('购物车还是空的')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: '去首页逛逛' }));
    expect(switchTab).toHaveBeenCalledWith({ url: '/pages/home/index' });
    showPageAgain();
    await vi.waitFor(() => expect(requested()).toEqual(['GET /api/cart', 'GET /api/cart']));
  });

  it('sends a signed-out H5 shopper to log in', async () => {
    vi.stubEnv('TARO_ENV', 'h5');
    render(<CartPage />);
    expect(await screen.findByText('请先在「我的」页登录')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: '去登录' }));
    expect(switchTab).toHaveBeenCalledWith({ url: '/pages/profile/index' });
    expect(requested()).toEqual([]);
  });
});
