import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { tee } from '../../catalog/fixtures';
import { saveShopperSession } from '../../session/store';
import { answerRequests, failure, requested } from '../../testing/api';
import { navigateTo, request, router, setNavigationBarTitle, showToast } from '../../testing/taro';
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
