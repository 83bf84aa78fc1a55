import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { errorReply, jsonReply, renderSignedIn, staffMember } from '../../testing/fake-api.tsx';
import { guideHandlers, ids, stores } from './guide-fixtures.ts';

const owner = staffMember({ username: 'owner', role: 'owner' });
const viewer = staffMember({ username: 'viewer', role: 'viewer' });

describe('the stores page', () => {
  it('lists the stores with their status and active guides, under the 门店 tab', async () => {
    await renderSignedIn(owner, '/guides/stores', guideHandlers());
    const table = await screen.findByRole('table');
    const row = (await within(table).findByText('徐汇店')).closest('tr')!;
    expect(within(row).getByText('漕溪北路 1 号')).toBeInTheDocument();
    expect(within(row).getByText('营业中')).toBeInTheDocument();
    expect(within(within(table).getByText('静安店').closest('tr')!).getByText('已关闭')).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: '门店', selected: true })).toBeInTheDocument();
  });

  it('creates a store and reloads the list', async () => {
    const { calls } = await renderSignedIn(owner, '/guides/stores', {
      ...guideHandlers(),
      'POST /api/admin/stores': ({ body }) =>
        jsonReply(201, { store: { ...stores[0], id: 'a00000000000000000000009', ...(body as object) } }),
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: '新建门店' }));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByLabelText('门店名称'), ' 浦东店 ');
    await user.type(within(dialog).getByLabelText('地址'), '世纪大道 8 号');
    await user.click(within(dialog).getByRole('button', { name: /保\s*存/ }));
    await waitFor(() =>
      expect(calls.find((call) => call.method === 'POST' && call.path === '/api/admin/stores')?.body).toEqual({
        name: '浦东店',
        address: '世纪大道 8 号',
        phone: '',
      }),
    );
    await waitFor(() => expect(calls.filter((call) => call.method === 'GET' && call.path === '/api/admin/stores')).toHaveLength(2));
  });

  it('shows a taken name in the dialog, and checks the name before sending', async () => {
    const { calls } = await renderSignedIn(owner, '/guides/stores', {
      ...guideHandlers(),
      'PATCH /api/admin/stores/a00000000000000000000001': () => errorReply('CONFLICT', { message: '已有同名门店' }),
    });
    const user = userEvent.setup();
    const row = (await screen.findByText('徐汇店')).closest('tr')!;
    await user.click(within(row).getByRole('button', { name: /编\s*辑/ }));
    const dialog = await screen.findByRole('dialog');
    const name = within(dialog).getByLabelText('门店名称');
    await user.clear(name);
    await user.click(within(dialog).getByRole('button', { name: /保\s*存/ }));
    expect(await within(dialog).findByText('请填写门店名称')).toBeInTheDocument();
    expect(calls.some((call) => call.method === 'PATCH')).toBe(false);

    await user.type(name, '静安店');
    await user.click(within(dialog).getByRole('button', { name: /保\s*存/ }));
    expect(await within(dialog).findByText('已有同名门店')).toBeInTheDocument();
  });

  it('closes a store after confirmation', async () => {
    const { calls } = await renderSignedIn(owner, '/guides/stores', {
      ...guideHandlers(),
      'PATCH /api/admin/stores/a00000000000000000000001': () => jsonReply(200, { store: { ...stores[0], status: 'closed' } }),
    });
    const user = userEvent.setup();
    const row = (await screen.findByText('徐汇店')).closest('tr')!;
    await user.click(within(row).getByRole('button', { name: /关\s*闭/ }));
    const confirm = await screen.findByRole('tooltip');
    expect(within(confirm).getByText('关闭门店「徐汇店」？')).toBeInTheDocument();
    await user.click(within(confirm).getByRole('button', { name: /关\s*闭/ }));
    await waitFor(() =>
      expect(calls.find((call) => call.method === 'PATCH' && call.path === `/api/admin/stores/${ids.xuhui}`)?.body).toEqual({
        status: 'closed',
      }),
    );
  });

  it('shows the WeChat Pay store ids, sets one on a new store as a number, and clears one with null', async () => {
    const { calls } = await renderSignedIn(owner, '/guides/stores', {
      ...guideHandlers(),
      'POST /api/admin/stores': ({ body }) =>
        jsonReply(201, { store: { ...stores[1], id: 'a00000000000000000000009', ...(body as object) } }),
      [`PATCH /api/admin/stores/${ids.xuhui}`]: ({ body }) => jsonReply(200, { store: { ...stores[0], ...(body as object) } }),
    });
    const user = userEvent.setup();
    const table = await screen.findByRole('table');
    expect(within(within(table).getByText('徐汇店').closest('tr')!).getByText('1001')).toBeInTheDocument();
    expect(within(within(table).getByText('静安店').closest('tr')!).getByText('未填写')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: '新建门店' }));
    let dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByLabelText('门店名称'), '浦东店');
    await user.type(within(dialog).getByLabelText('微信支付门店 ID'), ' 20240601 ');
    await user.click(within(dialog).getByRole('button', { name: /保\s*存/ }));
    await waitFor(() =>
      expect(calls.find((call) => call.method === 'POST' && call.path === '/api/admin/stores')?.body).toEqual({
        name: '浦东店',
        address: '',
        phone: '',
        wechatPayStoreId: 20240601,
      }),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());

    await user.click(within(within(table).getByText('徐汇店').closest('tr')!).getByRole('button', { name: /编\s*辑/ }));
    dialog = await screen.findByRole('dialog');
    const storeId = within(dialog).getByLabelText('微信支付门店 ID');
    expect(storeId).toHaveValue('1001');
    await user.clear(storeId);
    await user.click(within(dialog).getByRole('button', { name: /保\s*存/ }));
    await waitFor(() =>
      expect(calls.find((call) => call.method === 'PATCH')?.body).toMatchObject({ name: '徐汇店', wechatPayStoreId: null }),
    );
  });

  it.each(['门店12', '0', '12.5'])('refuses the WeChat Pay store id %j before sending', async (typed) => {
    const { calls } = await renderSignedIn(owner, '/guides/stores', guideHandlers());
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: '新建门店' }));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByLabelText('门店名称'), '浦东店');
    await user.type(within(dialog).getByLabelText('微信支付门店 ID'), typed);
    await user.click(within(dialog).getByRole('button', { name: /保\s*存/ }));
    expect(await within(dialog).findByText('微信支付门店 ID 须为正整数')).toBeInTheDocument();
    expect(calls.some((call) => call.method === 'POST' && call.path === '/api/admin/stores')).toBe(false);
  });

  it('is read-only for a viewer', async () => {
    await renderSignedIn(viewer, '/guides/stores', guideHandlers());
    expect(await screen.findByText('徐汇店')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: '新建门店' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /编\s*辑/ })).not.toBeInTheDocument();
  });
});
