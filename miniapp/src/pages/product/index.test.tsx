import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { tee } from '../../catalog/fixtures';
import { saveShopperSession } from '../../session/store';
import { answerRequests, failure, requested } from '../../testing/api';
import { signIn } from '../../testing/orders';
import { navigateTo, request, router, setClipboardData, setNavigationBarTitle, shares, showToast } from '../../testing/taro';
import ProductPage from './index';

function openProduct(product = tee) {
  router.params = { id: product.id };
  answerRequests({ [`GET /api/products/${product.id}`]: { statusCode: 200, data: { product } } });
  render(<ProductPage />);
}

const value = (text: string) => screen.getByRole('button', { name: text });
const quantity = () => screen.getByLabelText('数量').textContent;

describe('the product page', () => {
  it('shows images, the price range, the sales and the detail', async () => {
    openProduct();
    expect(await screen.findByText('纯棉T恤')).toBeTruthy();
    // Set by an effect once the product is shown, which may run just after the text appears.
    await waitFor(() => expect(setNavigationBarTitle).toHaveBeenCalledWith({ title: '纯棉T恤' }));
    expect(screen.getByText('¥99.00 – ¥109.00')).toBeTruthy();
    expect(screen.getByText('已售 12')).toBeTruthy();
    expect(screen.getByText('100% 新疆长绒棉')).toBeTruthy();
    expect([...document.querySelectorAll('img')].map((img) => img.getAttribute('src'))).toEqual([
      `http://api.test${tee.images[0]!.url}`,
      `http://api.test${tee.images[0]!.url}`,
    ]);
    // Only S has stock: it is chosen from the start.
    expect(value('S').getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByText('库存 8 件，请选择 颜色')).toBeTruthy();
  });

  it('disables sold-out values, shows the chosen SKU price and stock, and bounds the quantity by it', async () => {
    openProduct();
    await screen.findByText('纯棉T恤');
    // Only S has stock, in either colour.
    expect(value('M').getAttribute('aria-disabled')).toBe('true');
    fireEvent.click(value('M'));
    expect(value('M').getAttribute('aria-pressed')).toBe('false');

    fireEvent.click(value('蓝'));
    expect(screen.getByText('¥109.00')).toBeTruthy();
    expect(screen.getByText('¥129.00')).toBeTruthy();
    expect(screen.getByText('库存 5 件')).toBeTruthy();

    const more = screen.getByRole('button', { name: '增加数量' });
    for (let tap = 0; tap < 6; tap += 1) fireEvent.click(more);
    expect(quantity()).toBe('5');
    expect((more as HTMLButtonElement).disabled).toBe(true);

    // 红 / S has 3: the quantity comes down to it.
    fireEvent.click(value('红'));
    expect(screen.getByText('库存 3 件')).toBeTruthy();
    expect(quantity()).toBe('3');
    fireEvent.click(screen.getByRole('button', { name: '减少数量' }));
    expect(quantity()).toBe('2');
  });

  it('keeps the quantity at 1 until a SKU is chosen, and says when everything is sold out', async () => {
    openProduct({ ...tee, skus: tee.skus.map((sku) => ({ ...sku, available: 0 })) });
    await screen.findByText('纯棉T恤');
    expect(screen.getAllByText('已售罄')).toHaveLength(2);
    expect(value('红').getAttribute('aria-disabled')).toBe('true');
    expect((screen.getByRole('button', { name: '加入购物车' }) as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole('button', { name: '增加数量' }) as HTMLButtonElement).disabled).toBe(true);
    expect(quantity()).toBe('1');
  });

  it('chooses the only SKU of a product without specs', async () => {
    openProduct({
      ...tee,
      specs: [],
      skus: [{ id: 'b00000000000000000000009', specValues: [], price: 1990, available: 2 }],
      priceMin: 1990,
      priceMax: 1990,
    });
    await screen.findByText('纯棉T恤');
    expect(screen.getByText('库存 2 件')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: '增加数量' }));
    expect(quantity()).toBe('2');
  });

  it('adds the chosen SKU and quantity to the cart, once signed in', async () => {
    saveShopperSession({ token: 'held-token', expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
    router.params = { id: tee.id };
    answerRequests({
      [`GET /api/products/${tee.id}`]: { statusCode: 200, data: { product: tee } },
      'POST /api/cart/items': { statusCode: 200, data: { items: [], unavailable: [] } },
    });
    render(<ProductPage />);
    await screen.findByText('纯棉T恤');
    fireEvent.click(screen.getByRole('button', { name: '加入购物车' }));
    expect(showToast).toHaveBeenLastCalledWith({ title: '请选择 颜色', icon: 'none' });
    expect(requested()).not.toContain('POST /api/cart/items');

    fireEvent.click(value('蓝'));
    fireEvent.click(screen.getByRole('button', { name: '增加数量' }));
    fireEvent.click(screen.getByRole('button', { name: '加入购物车' }));
    await waitFor(() => expect(requested()).toContain('POST /api/cart/items'));
    const call = request.mock.calls.find(([option]) => option.url.endsWith('/api/cart/items'))?.[0];
    expect(call?.data).toEqual({ skuId: tee.skus[2]!.id, quantity: 2 });
    expect(call?.header?.Authorization).toBe('Bearer held-token');
  });

  it('asks a shopper who is not signed in (H5) to sign in first', async () => {
    openProduct();
    await screen.findByText('纯棉T恤');
    fireEvent.click(value('红'));
    fireEvent.click(screen.getByRole('button', { name: '加入购物车' }));
    await waitFor(() => expect(showToast).toHaveBeenLastCalledWith({ title: '请先在「我的」页登录', icon: 'none' }));
  });

  it('goes to checkout with the chosen SKU and quantity on 立即购买', async () => {
    openProduct();
    await screen.findByText('纯棉T恤');
    fireEvent.click(value('红'));
    fireEvent.click(screen.getByRole('button', { name: '立即购买' }));
    expect(navigateTo).toHaveBeenCalledWith({ url: `/pages/checkout/index?skuId=${tee.skus[0]!.id}&quantity=1` });
  });

  it('says the product is gone when the API answers 404', async () => {
    router.params = { id: 'a0000000000000000000000f' };
    answerRequests({ 'GET /api/products/a0000000000000000000000f': failure(404, 'NOT_FOUND', '商品不存在') });
    render(<ProductPage />);
    expect(await screen.findByText('商品不存在或已下架')).toBeTruthy();
  });
});

describe('the product page as a guide entry and share', () => {
  const bound = (code: string) => ({
    statusCode: 200,
    data: {
      binding: {
        guide: { id: 'c00000000000000000000001', code, name: '王小美', avatarUrl: null, storeName: '静安嘉里店' },
        since: '2026-01-01T00:00:00.000Z',
        protectedUntil: null,
        protectedNow: true,
        reason: 'first-touch',
        explanation: '首次通过导购进店',
      },
    },
  });

  it('opened from a share with g=CODE records one product-share touch naming the product', async () => {
    signIn();
    router.params = { id: tee.id, g: 'K7M2QX' };
    answerRequests({
      [`GET /api/products/${tee.id}`]: { statusCode: 200, data: { product: tee } },
      'POST /api/touches': { statusCode: 200, data: { effect: 'bound', guide: bound('K7M2QX').data.binding.guide } },
      'GET /api/guide/me': failure(404, 'NOT_FOUND', '你还不是导购，请先输入邀请码'),
      'GET /api/me/guide': bound('K7M2QX'),
    });
    render(<ProductPage />);
    await screen.findByText('纯棉T恤');
    await waitFor(() => expect(requested()).toContain('POST /api/touches'));
    const touches = request.mock.calls.filter(([option]) => option.url.endsWith('/api/touches')).map(([option]) => option.data);
    expect(touches).toEqual([{ guideCode: 'K7M2QX', channel: 'product-share', productId: tee.id }]);
  });

  it("shares the product with the shopper's guide code (friends, 朋友圈, H5 link)", async () => {
    signIn();
    router.params = { id: tee.id };
    answerRequests({
      [`GET /api/products/${tee.id}`]: { statusCode: 200, data: { product: tee } },
      'GET /api/guide/me': failure(404, 'NOT_FOUND', '你还不是导购，请先输入邀请码'),
      'GET /api/me/guide': bound('BND456'),
    });
    render(<ProductPage />);
    await screen.findByText('纯棉T恤');
    await waitFor(() => expect(shares.appMessage?.()).toEqual({ title: '纯棉T恤', path: `/pages/product/index?id=${tee.id}&g=BND456` }));
    expect(shares.timeline?.()).toEqual({ title: '纯棉T恤', query: `id=${tee.id}&g=BND456` });
    fireEvent.click(screen.getByRole('button', { name: '复制分享链接' }));
    await waitFor(() =>
      expect(setClipboardData).toHaveBeenCalledWith({ data: `${window.location.origin}${window.location.pathname}?id=${tee.id}&g=BND456` }),
    );
    expect(requested().filter((call) => call.includes('/api/touches'))).toEqual([]);
  });

  it('shares without a code when signed out', async () => {
    openProduct();
    await screen.findByText('纯棉T恤');
    expect(shares.appMessage?.().path).toBe(`/pages/product/index?id=${tee.id}`);
  });
});
