import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { card, page, tee } from '../../../catalog/fixtures';
import { answerRequests, failure, requested } from '../../../testing/api';
import { guideCart, guideCartList } from '../../../testing/guide-carts';
import { orderNo, signIn } from '../../../testing/orders';
import { request, setClipboardData, shares, showModal, showToast } from '../../../testing/taro';
import GuideOrderPage from './index';

const LIST = 'GET /api/guide/me/guide-carts?page=1&pageSize=50';
const CREATE = 'POST /api/guide/me/guide-carts';
const keyword = '纯棉';
const SEARCH = `GET /api/products?keyword=${encodeURIComponent(keyword)}&page=1&pageSize=20`;

function bodiesOf(call: string): unknown[] {
  return request.mock.calls
    .filter(([option]) => `${option.method} ${option.url.replace(/^https?:\/\/[^/]+/, '')}` === call)
    .map(([option]) => option.data);
}

/** A listed cart, by the Beijing time it was made on 2026-11-23 (its label). */
function cartMadeAt(time: string): HTMLElement {
  return screen.getByLabelText(`推荐 2026-11-23 ${time}`);
}

describe('代客下单', () => {
  it('lists the guide’s carts, newest first, with their status and the orders placed from each', async () => {
    signIn();
    const withOrders = guideCart(1, {
      createdAt: '2026-11-23T03:00:00.000Z',
      note: '给您挑的',
      orderCount: 2,
      orders: [
        { orderNo: orderNo(2), status: 'paid', payableFen: 5000, createdAt: '2026-11-23T05:00:00.000Z' },
        { orderNo: orderNo(1), status: 'pending_payment', payableFen: 5000, createdAt: '2026-11-23T04:00:00.000Z' },
      ],
    });
    const withdrawn = guideCart(2, { createdAt: '2026-11-23T02:00:00.000Z', status: 'withdrawn', withdrawnAt: '2026-11-23T06:00:00.000Z' });
    answerRequests({ [LIST]: guideCartList([withOrders, withdrawn]) });
    render(<GuideOrderPage />);
    expect(await screen.findByText('我的推荐购物车（2）')).toBeTruthy();

    const first = within(cartMadeAt('11:00'));
    expect(first.getByText('分享中')).toBeTruthy();
    expect(first.getByText('商品 1 ×1、商品 2 ×2')).toBeTruthy();
    expect(first.getByText('合计 ¥50.00')).toBeTruthy();
    expect(first.getByText('留言：给您挑的')).toBeTruthy();
    expect(first.getByText('顾客下单 2 笔')).toBeTruthy();
    expect(first.getByText(orderNo(2))).toBeTruthy();
    expect(first.getByText('待发货')).toBeTruthy();
    expect(first.getByText('待付款')).toBeTruthy();
    expect(first.getByRole('button', { name: '撤回' })).toBeTruthy();

    const second = within(cartMadeAt('10:00'));
    expect(second.getByText('已撤回')).toBeTruthy();
    expect(second.getByText('还没有顾客下单')).toBeTruthy();
    expect(second.queryByRole('button')).toBeNull();
    expect(requested()).toEqual([LIST]);
  });

  it('builds a cart: search, choose the spec and quantity, add a note, 生成推荐 — then offers it to share', async () => {
    vi.stubEnv('TARO_ENV', 'h5');
    signIn();
    const created = guideCart(9, { createdAt: '2026-11-23T09:00:00.000Z', note: '蓝色很衬您' });
    answerRequests({
      [LIST]: guideCartList([]),
      [SEARCH]: page([card(1, { id: tee.id, title: tee.title })]),
      [`GET /api/products/${tee.id}`]: { statusCode: 200, data: { product: tee } },
      [CREATE]: { statusCode: 201, data: { guideCart: created } },
    });
    render(<GuideOrderPage />);
    expect(await screen.findByText('还没有推荐购物车')).toBeTruthy();
    expect((screen.getByRole('button', { name: '生成推荐' }) as HTMLButtonElement).disabled).toBe(true);

    fireEvent.change(screen.getByPlaceholderText('搜索在售商品'), { target: { value: keyword } });
    fireEvent.click(screen.getByRole('button', { name: '搜索' }));
    fireEvent.click(await screen.findByRole('button', { name: '选规格' }));
    const chooser = within(await screen.findByLabelText('选择 纯棉T恤 的规格'));
    // 尺码 S is the only size in stock, so it is chosen already; 蓝 picks 蓝 / S.
    fireEvent.click(chooser.getByRole('button', { name: '蓝' }));
    expect(chooser.getByText('¥109.00，库存 5 件')).toBeTruthy();
    fireEvent.click(chooser.getByRole('button', { name: '增加数量' }));
    fireEvent.click(chooser.getByRole('button', { name: '加入推荐' }));

    const line = within(screen.getByLabelText('纯棉T恤'));
    expect(line.getByText('蓝 / S')).toBeTruthy();
    expect(line.getByText('¥109.00 ×2')).toBeTruthy();
    expect(screen.getByText('新建推荐购物车（1/20）')).toBeTruthy();
    fireEvent.change(screen.getByPlaceholderText('给顾客的留言（选填，最多 100 字）'), { target: { value: ' 蓝色很衬您 ' } });
    fireEvent.click(screen.getByRole('button', { name: '生成推荐' }));

    expect(await screen.findByText('推荐已生成')).toBeTruthy();
    expect(bodiesOf(CREATE)).toEqual([{ items: [{ skuId: 'b00000000000000000000003', quantity: 2 }], note: '蓝色很衬您' }]);
    expect(screen.getByText('新建推荐购物车（0/20）')).toBeTruthy();
    expect(screen.getByText('我的推荐购物车（1）')).toBeTruthy();
    // H5: the link to the cart's page in the H5 storefront is copied.
    fireEvent.click(within(screen.getByRole('status')).getByRole('button', { name: '复制链接' }));
    await waitFor(() => expect(setClipboardData).toHaveBeenCalledWith({ data: created.shareUrl }));
    expect(showToast).toHaveBeenCalledWith({ title: '链接已复制', icon: 'success' });
  });

  it('says why a cart was refused and keeps what was chosen', async () => {
    signIn();
    answerRequests({
      [LIST]: guideCartList([]),
      [SEARCH]: page([card(1, { id: tee.id, title: tee.title })]),
      [`GET /api/products/${tee.id}`]: { statusCode: 200, data: { product: tee } },
      [CREATE]: failure(409, 'OUT_OF_STOCK', '库存不足，最多还能买 1 件'),
    });
    render(<GuideOrderPage />);
    await screen.findByText('还没有推荐购物车');
    fireEvent.change(screen.getByPlaceholderText('搜索在售商品'), { target: { value: keyword } });
    fireEvent.click(screen.getByRole('button', { name: '搜索' }));
    fireEvent.click(await screen.findByRole('button', { name: '选规格' }));
    fireEvent.click(within(await screen.findByLabelText('选择 纯棉T恤 的规格')).getByRole('button', { name: '红' }));
    fireEvent.click(screen.getByRole('button', { name: '加入推荐' }));
    fireEvent.click(screen.getByRole('button', { name: '生成推荐' }));
    expect((await screen.findByRole('alert')).textContent).toBe('库存不足，最多还能买 1 件');
    expect(screen.getByLabelText('纯棉T恤')).toBeTruthy();
    expect(screen.queryByText('推荐已生成')).toBeNull();
  });

  it('shares the cart whose button was tapped in the mini-program, else the newest open one', async () => {
    vi.stubEnv('TARO_ENV', 'weapp');
    signIn();
    const newest = guideCart(1, { createdAt: '2026-11-23T03:00:00.000Z' });
    const older = guideCart(2, { createdAt: '2026-11-23T02:00:00.000Z' });
    answerRequests({ [LIST]: guideCartList([newest, older]) });
    render(<GuideOrderPage />);
    await screen.findByText('我的推荐购物车（2）');
    expect(within(cartMadeAt('10:00')).getByRole('button', { name: '分享给顾客' }).getAttribute('data-token')).toBe(older.token);
    expect(shares.appMessage?.({ from: 'button', target: { dataset: { token: older.token } } })).toEqual({
      title: '你的专属导购为你挑选了好物',
      path: `/packages/guide-cart/index?t=${older.token}`,
    });
    expect(shares.appMessage?.({ from: 'menu' })?.path).toBe(`/packages/guide-cart/index?t=${newest.token}`);
  });

  it('shares the home page from the menu when no cart is open', async () => {
    vi.stubEnv('TARO_ENV', 'weapp');
    signIn();
    answerRequests({ [LIST]: guideCartList([guideCart(1, { status: 'expired' })]) });
    render(<GuideOrderPage />);
    await screen.findByText('我的推荐购物车（1）');
    expect(shares.appMessage?.({ from: 'menu' })?.path).toBe('/pages/home/index');
  });

  it('withdraws a cart after confirming, and then offers it no more', async () => {
    signIn();
    const cart = guideCart(1, { createdAt: '2026-11-23T03:00:00.000Z' });
    answerRequests({
      [LIST]: guideCartList([cart]),
      [`POST /api/guide/me/guide-carts/${cart.token}/withdraw`]: {
        statusCode: 200,
        data: { guideCart: { ...cart, status: 'withdrawn', withdrawnAt: '2026-11-23T08:00:00.000Z' } },
      },
    });
    render(<GuideOrderPage />);
    await screen.findByText('分享中');
    fireEvent.click(screen.getByRole('button', { name: '撤回' }));
    await waitFor(() => expect(showModal).toHaveBeenCalledTimes(1));
    expect(requested()).toEqual([LIST]);

    showModal.mockResolvedValue({ confirm: true, cancel: false });
    fireEvent.click(screen.getByRole('button', { name: '撤回' }));
    expect(await screen.findByText('已撤回')).toBeTruthy();
    expect(within(cartMadeAt('11:00')).queryByRole('button')).toBeNull();
    expect(requested()).toEqual([LIST, `POST /api/guide/me/guide-carts/${cart.token}/withdraw`]);
  });

  it('tells a shopper who is not a guide how to become one', async () => {
    signIn();
    answerRequests({ [LIST]: failure(404, 'NOT_FOUND', '你还不是导购，请先输入邀请码') });
    render(<GuideOrderPage />);
    expect(await screen.findByText('你还不是导购')).toBeTruthy();
  });
});
