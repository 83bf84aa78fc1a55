import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { errorReply, jsonReply, renderSignedIn, staffMember } from '../../testing/fake-api.tsx';
import { catalogHandlers, ids, summaryOf, teeProduct } from './catalog-fixtures.ts';

const operator = staffMember({ username: 'ops', role: 'operator' });
const storeManager = staffMember({ username: 'manager', role: 'store_manager', storeId: 'sh-01' });

describe('the product list', () => {
  it('shows each product with its category, price range, stock, sales and status', async () => {
    await renderSignedIn(
      operator,
      '/products',
      catalogHandlers([teeProduct(), teeProduct({ id: 'a00000000000000000000002', title: '下架商品', status: 'off_sale' })]),
    );
    const table = await screen.findByRole('table');
    const row = (await within(table).findByText('纯棉T恤')).closest('tr')!;
    expect(within(row).getByText('服装 / 上衣')).toBeInTheDocument();
    expect(within(row).getByText('¥99.00 – ¥109.00')).toBeInTheDocument();
    expect(within(row).getByText('15')).toBeInTheDocument();
    expect(within(row).getByText('草稿')).toBeInTheDocument();
    expect(within(row).getByRole('button', { name: /^上\s*架$/ })).toBeInTheDocument();
    expect(within(row).getByRole('button', { name: /删\s*除/ })).toBeInTheDocument();
    expect(within(table).getByText('已下架')).toBeInTheDocument();
    expect(screen.getByText('共 2 件商品')).toBeInTheDocument();
  });

  it('sends the keyword and status filters and starts again from page 1', async () => {
    const { calls } = await renderSignedIn(operator, '/products', catalogHandlers());
    const user = userEvent.setup();
    await screen.findByText('纯棉T恤');
    await user.type(screen.getByRole('searchbox', { name: '搜索商品名称' }), ' T恤 {Enter}');
    await waitFor(() => expect(calls.at(-1)?.query.get('keyword')).toBe('T恤'));
    expect(calls.at(-1)?.query.get('page')).toBe('1');

    await user.click(screen.getByRole('combobox', { name: '按状态筛选' }));
    await user.click(await screen.findByTitle('在售'));
    await waitFor(() => expect(calls.at(-1)?.query.get('status')).toBe('on_sale'));
    expect(calls.at(-1)?.query.get('keyword')).toBe('T恤');
  });

  it("puts a product on sale, or shows the API's reason it cannot be", async () => {
    const { calls } = await renderSignedIn(operator, '/products', {
      ...catalogHandlers([teeProduct({ images: [] })]),
      [`POST /api/admin/products/${ids.tee}/status`]: () => errorReply('PRODUCT_NOT_READY'),
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: /^上\s*架$/ }));
    expect(await screen.findByText('商品至少需要一张商品图才能上架')).toBeInTheDocument();
    expect(calls.find((call) => call.path.endsWith('/status'))?.body).toEqual({ status: 'on_sale' });
  });

  it('takes a product off sale and reloads the list', async () => {
    let status: 'on_sale' | 'off_sale' = 'on_sale';
    await renderSignedIn(operator, '/products', {
      ...catalogHandlers(),
      'GET /api/admin/products': () => jsonReply(200, { items: [summaryOf(teeProduct({ status }))], total: 1, page: 1, pageSize: 20 }),
      [`POST /api/admin/products/${ids.tee}/status`]: () => {
        status = 'off_sale';
        return jsonReply(200, { product: teeProduct({ status }) });
      },
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: /^下\s*架$/ }));
    expect(await screen.findByText('已下架')).toBeInTheDocument();
    expect(await screen.findByText('「纯棉T恤」已下架')).toBeInTheDocument();
  });

  it('lets a store manager look, not change', async () => {
    await renderSignedIn(storeManager, '/products', catalogHandlers());
    const row = (await screen.findByText('纯棉T恤')).closest('tr')!;
    expect(within(row).getByRole('button', { name: /^查\s*看$/ })).toBeInTheDocument();
    expect(within(row).queryByRole('button', { name: /^上\s*架$/ })).toBeNull();
    expect(within(row).queryByRole('button', { name: /删\s*除/ })).toBeNull();
    expect(screen.queryByRole('button', { name: '新建商品' })).toBeNull();
  });

  it('says so when there are no products', async () => {
    await renderSignedIn(operator, '/products', catalogHandlers([]));
    expect(await screen.findByText('还没有商品')).toBeInTheDocument();
  });
});
