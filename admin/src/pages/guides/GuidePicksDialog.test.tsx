import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { GuidePick } from '@mall/shared';
import { errorReply, jsonReply, renderSignedIn, staffMember } from '../../testing/fake-api.tsx';
import { summaryOf, teeProduct } from '../catalog/catalog-fixtures.ts';
import { guideHandlers, ids } from './guide-fixtures.ts';

const owner = staffMember({ username: 'owner', role: 'owner' });
const viewer = staffMember({ username: 'viewer', role: 'viewer' });

const pick = (id: string, title: string, onSale = true): GuidePick => ({
  id,
  title,
  subtitle: '',
  image: null,
  priceMin: 9900,
  priceMax: 9900,
  salesCount: 0,
  onSale,
});
const picks = [
  pick('a00000000000000000000011', '衬衫'),
  pick('a00000000000000000000012', '长裤', false),
  pick('a00000000000000000000013', '帽子'),
];
const scarf = teeProduct({ id: 'a00000000000000000000014', title: '羊毛围巾', status: 'on_sale' });

function picksHandlers() {
  return {
    ...guideHandlers(),
    [`GET /api/admin/guides/${ids.lina}/picks`]: () => jsonReply(200, { items: picks }),
    'GET /api/admin/products': () => jsonReply(200, { items: [summaryOf(scarf)], total: 1, page: 1, pageSize: 20 }),
  };
}

/** The first render of the console is slow in jsdom (Ant Design): the list may take a few seconds. */
const RENDERED = { timeout: 5_000 };

async function openDialog() {
  const user = userEvent.setup();
  const row = (await screen.findByText('李娜', {}, RENDERED)).closest('tr')!;
  await user.click(within(row).getByRole('button', { name: '推荐商品' }));
  const dialog = await screen.findByRole('dialog');
  await within(dialog).findByText('衬衫');
  return { user, dialog };
}

const titlesIn = (dialog: HTMLElement) =>
  within(dialog)
    .getAllByRole('row')
    .slice(1)
    .map((row) => within(row).getAllByRole('cell')[0]!.textContent);

describe("a guide's picks dialog", () => {
  it('reorders, removes and adds picks, then saves the whole list in its order', async () => {
    const { calls } = await renderSignedIn(owner, '/guides', {
      ...picksHandlers(),
      [`PUT /api/admin/guides/${ids.lina}/picks`]: ({ body }) =>
        jsonReply(200, { items: (body as { productIds: string[] }).productIds.map((id) => pick(id, id)) }),
    });
    const { user, dialog } = await openDialog();
    expect(titlesIn(dialog)).toEqual(['衬衫', '长裤', '帽子']);
    expect(within(dialog).getByText('未在售，不展示')).toBeInTheDocument();
    expect(within(dialog).getByText(/（3\/20）/)).toBeInTheDocument();

    await user.click(within(dialog).getByRole('button', { name: '上移「帽子」' }));
    expect(titlesIn(dialog)).toEqual(['衬衫', '帽子', '长裤']);
    await user.click(within(dialog).getByRole('button', { name: '移除「衬衫」' }));
    expect(titlesIn(dialog)).toEqual(['帽子', '长裤']);

    await user.click(within(dialog).getByRole('combobox', { name: '添加推荐商品' }));
    await user.type(within(dialog).getByRole('combobox', { name: '添加推荐商品' }), '围巾');
    await waitFor(() => expect(calls.at(-1)?.query.get('keyword')).toBe('围巾'));
    await user.click(await screen.findByTitle('羊毛围巾（在售）'));
    expect(titlesIn(dialog)).toEqual(['帽子', '长裤', '羊毛围巾']);

    await user.click(within(dialog).getByRole('button', { name: /保\s*存/ }));
    await waitFor(() =>
      expect(calls.find((call) => call.method === 'PUT')?.body).toEqual({ productIds: [picks[2]!.id, picks[1]!.id, scarf.id] }),
    );
    expect(await screen.findByText('已保存「李娜」的推荐商品')).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  }, 30_000);

  it('shows a refused save in the dialog and keeps it open', async () => {
    await renderSignedIn(owner, '/guides', {
      ...picksHandlers(),
      [`PUT /api/admin/guides/${ids.lina}/picks`]: () => errorReply('NOT_FOUND', { message: '有商品不存在或已删除，请重新选择' }),
    });
    const { user, dialog } = await openDialog();
    await user.click(within(dialog).getByRole('button', { name: /保\s*存/ }));
    expect(await within(dialog).findByText('有商品不存在或已删除，请重新选择')).toBeInTheDocument();
    expect(titlesIn(dialog)).toEqual(['衬衫', '长裤', '帽子']);
  }, 30_000);

  it('is not offered to a viewer', async () => {
    await renderSignedIn(viewer, '/guides', picksHandlers());
    expect(await screen.findByText('李娜', {}, RENDERED)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: '推荐商品' })).toBeNull();
  });
});
