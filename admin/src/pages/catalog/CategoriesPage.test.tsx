import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { errorReply, jsonReply, renderSignedIn, staffMember } from '../../testing/fake-api.tsx';
import { catalogHandlers, categoryTree, ids } from './catalog-fixtures.ts';

const owner = staffMember({ username: 'owner', role: 'owner' });
const viewer = staffMember({ username: 'viewer', role: 'viewer' });

describe('the categories page', () => {
  it('shows the two-level tree with product counts', async () => {
    await renderSignedIn(owner, '/products/categories', catalogHandlers());
    const table = await screen.findByRole('table');
    expect(await within(table).findByText('服装')).toBeInTheDocument();
    expect(within(table).getByText('└ 上衣')).toBeInTheDocument();
    expect(within(table).getByText('食品')).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: '分类', selected: true })).toBeInTheDocument();
  });

  it('adds a child category and reloads the tree', async () => {
    const { calls } = await renderSignedIn(owner, '/products/categories', {
      ...catalogHandlers(),
      'POST /api/admin/categories': ({ body }) =>
        jsonReply(201, {
          category: {
            id: 'c00000000000000000000009',
            name: (body as { name: string }).name,
            parentId: ids.food,
            sortOrder: 0,
            productCount: 0,
          },
        }),
    });
    const user = userEvent.setup();
    const foodRow = (await screen.findByText('食品')).closest('tr')!;
    await user.click(within(foodRow).getByRole('button', { name: '添加子分类' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText('在「食品」下新建子分类')).toBeInTheDocument();
    await user.type(within(dialog).getByLabelText('分类名称'), ' 零食 ');
    await user.click(within(dialog).getByRole('button', { name: /保\s*存/ }));

    await waitFor(() =>
      expect(calls.find((call) => call.path === '/api/admin/categories' && call.method === 'POST')?.body).toEqual({
        name: '零食',
        parentId: ids.food,
      }),
    );
    await waitFor(() => expect(calls.filter((call) => call.path === '/api/admin/categories' && call.method === 'GET')).toHaveLength(2));
  });

  it("shows the API's message when a category name is taken, in the dialog", async () => {
    await renderSignedIn(owner, '/products/categories', {
      ...catalogHandlers(),
      'POST /api/admin/categories': () => errorReply('CONFLICT', { message: '同级分类中已有同名分类', details: { field: 'name' } }),
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: '新建一级分类' }));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByLabelText('分类名称'), '服装');
    await user.click(within(dialog).getByRole('button', { name: /保\s*存/ }));
    expect(await within(dialog).findByText('同级分类中已有同名分类')).toBeInTheDocument();
  });

  it('checks the name before calling the API', async () => {
    const { calls } = await renderSignedIn(owner, '/products/categories', catalogHandlers());
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: '新建一级分类' }));
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: /保\s*存/ }));
    expect(await within(dialog).findByText('请填写分类名称')).toBeInTheDocument();
    expect(calls.some((call) => call.path === '/api/admin/categories' && call.method === 'POST')).toBe(false);
  });

  it("moves a category down among its siblings, and shows the API's refusal to delete a non-empty one", async () => {
    const reordered = categoryTree().reverse();
    const { calls } = await renderSignedIn(owner, '/products/categories', {
      ...catalogHandlers(),
      'PUT /api/admin/categories/order': () => jsonReply(200, { items: reordered }),
      [`DELETE /api/admin/categories/${ids.clothes}`]: () => errorReply('CATEGORY_NOT_EMPTY'),
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: '下移「服装」' }));
    await waitFor(() =>
      expect(calls.find((call) => call.method === 'PUT')?.body).toEqual({ parentId: null, ids: [ids.food, ids.clothes] }),
    );
    await waitFor(() => expect(screen.getAllByRole('row')[1]).toHaveTextContent('食品'));

    const clothesRow = screen.getByText('服装').closest('tr')!;
    await user.click(within(clothesRow).getByRole('button', { name: /删\s*除/ }));
    const confirm = await screen.findByRole('tooltip');
    expect(within(confirm).getByText('该分类下还有子分类或商品，删除会被拒绝')).toBeInTheDocument();
    await user.click(within(confirm).getByRole('button', { name: /删\s*除/ }));
    expect(await screen.findByText('该分类下还有子分类或商品，不能删除')).toBeInTheDocument();
  });

  it('is read-only for a viewer', async () => {
    await renderSignedIn(viewer, '/products/categories', catalogHandlers());
    expect(await screen.findByText('服装')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: '新建一级分类' })).toBeNull();
    expect(screen.queryByRole('button', { name: /删\s*除/ })).toBeNull();
    expect(screen.queryByRole('columnheader', { name: '操作' })).toBeNull();
  });
});
