import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { errorReply, jsonReply, renderSignedIn, staffMember } from '../../testing/fake-api.tsx';
import { guideHandlers, guides, ids } from './guide-fixtures.ts';

const owner = staffMember({ username: 'owner', role: 'owner' });
const operator = staffMember({ username: 'operator', role: 'operator' });
const viewer = staffMember({ username: 'viewer', role: 'viewer' });

describe('the guide list', () => {
  it('shows guides with code, store, WeCom account and status, filtered by keyword, store and status', async () => {
    const { calls } = await renderSignedIn(operator, '/guides', guideHandlers());
    // Each list load is followed by the listed guides' WeCom summaries: the list's own calls are the ones to read.
    const lastListQuery = () => calls.filter((call) => call.path === '/api/admin/guides').at(-1)!.query;
    const user = userEvent.setup();
    const row = (await screen.findByText('李娜')).closest('tr')!;
    expect(within(row).getByText('K7QX2M')).toBeInTheDocument();
    expect(within(row).getByText('徐汇店')).toBeInTheDocument();
    expect(within(row).getByText('lina')).toBeInTheDocument();
    expect(within(row).getByText('在职')).toBeInTheDocument();
    expect(within(screen.getByText('王芳').closest('tr')!).getByText('已离职')).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: '导购', selected: true })).toBeInTheDocument();

    await user.type(screen.getByRole('searchbox', { name: '搜索导购' }), ' 李 {Enter}');
    await waitFor(() => expect(lastListQuery().get('keyword')).toBe('李'));
    await user.click(screen.getByRole('combobox', { name: '按门店筛选' }));
    await user.click(await screen.findByTitle('静安店'));
    await waitFor(() => expect(lastListQuery().get('storeId')).toBe(ids.jingan));
    await user.click(screen.getByRole('combobox', { name: '按状态筛选' }));
    await user.click(await screen.findByTitle('已离职'));
    await waitFor(() => expect(lastListQuery().get('status')).toBe('left'));
    expect(lastListQuery().get('keyword')).toBe('李');
    expect(lastListQuery().get('page')).toBe('1');
  });

  it('adds a guide to an open store (closed stores are not offered)', async () => {
    const { calls } = await renderSignedIn(owner, '/guides', {
      ...guideHandlers(),
      'POST /api/admin/guides': () =>
        jsonReply(201, { guide: { ...guides[0], id: 'b00000000000000000000009', name: '张三', code: 'ZX9Q4R' } }),
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: '添加导购' }));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByLabelText('姓名'), '张三');
    await user.click(within(dialog).getByRole('combobox', { name: '门店' }));
    const open = await screen.findByTitle('徐汇店');
    expect(screen.queryByTitle('静安店')).toBeNull();
    await user.click(open);
    await user.type(within(dialog).getByLabelText('企业微信账号'), 'zhangsan');
    await user.click(within(dialog).getByRole('button', { name: /保\s*存/ }));
    await waitFor(() =>
      expect(calls.find((call) => call.method === 'POST' && call.path === '/api/admin/guides')?.body).toEqual({
        name: '张三',
        storeId: ids.xuhui,
        wecomUserId: 'zhangsan',
        phone: '',
      }),
    );
    expect(await screen.findByText('已添加导购「张三」，导购码 ZX9Q4R')).toBeInTheDocument();
  });

  it('edits only what changed, and shows a taken WeCom account in the dialog', async () => {
    const { calls } = await renderSignedIn(owner, '/guides', {
      ...guideHandlers(),
      [`PATCH /api/admin/guides/${ids.lina}`]: ({ body }) =>
        (body as { wecomUserId?: string }).wecomUserId === 'taken'
          ? errorReply('CONFLICT', { message: '该企业微信账号已关联其他导购' })
          : jsonReply(200, { guide: guides[0] }),
    });
    const user = userEvent.setup();
    const row = (await screen.findByText('李娜')).closest('tr')!;
    await user.click(within(row).getByRole('button', { name: /编\s*辑/ }));
    const dialog = await screen.findByRole('dialog');
    const wecom = within(dialog).getByLabelText('企业微信账号');
    await user.clear(wecom);
    await user.type(wecom, 'taken');
    await user.click(within(dialog).getByRole('button', { name: /保\s*存/ }));
    expect(await within(dialog).findByText('该企业微信账号已关联其他导购')).toBeInTheDocument();

    await user.clear(wecom);
    await user.click(within(dialog).getByRole('button', { name: /保\s*存/ }));
    await waitFor(() => expect(calls.filter((call) => call.method === 'PATCH').at(-1)?.body).toEqual({ wecomUserId: null }));
  });

  it('issues an invitation code and shows it with its expiry', async () => {
    await renderSignedIn(owner, '/guides', {
      ...guideHandlers(),
      [`POST /api/admin/guides/${ids.lina}/invitations`]: () =>
        jsonReply(201, { invitation: { code: 'H4KX8PQ2', guideId: ids.lina, expiresAt: '2026-03-10T04:00:00.000Z' } }),
    });
    const user = userEvent.setup();
    const row = (await screen.findByText('李娜')).closest('tr')!;
    await user.click(within(row).getByRole('button', { name: '生成邀请码' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText('「李娜」的邀请码')).toBeInTheDocument();
    expect(within(dialog).getByText('H4KX8PQ2')).toBeInTheDocument();
    expect(within(dialog).getByText(/有效期至 2026\/03\/10 12:00/)).toBeInTheDocument();
  });

  it('marks a guide as left after confirmation, and reloads', async () => {
    const { calls } = await renderSignedIn(owner, '/guides', {
      ...guideHandlers(),
      [`POST /api/admin/guides/${ids.lina}/leave`]: () => jsonReply(200, { guide: { ...guides[0], status: 'left' } }),
    });
    const user = userEvent.setup();
    const row = (await screen.findByText('李娜')).closest('tr')!;
    await user.click(within(row).getByRole('button', { name: /离\s*职/ }));
    const confirm = await screen.findByRole('tooltip');
    await user.click(within(confirm).getByRole('button', { name: /离\s*职/ }));
    await waitFor(() =>
      expect(calls.some((call) => call.method === 'POST' && call.path === `/api/admin/guides/${ids.lina}/leave`)).toBe(true),
    );
    await waitFor(() => expect(calls.filter((call) => call.method === 'GET' && call.path === '/api/admin/guides')).toHaveLength(2));
  });

  it('is read-only for a viewer', async () => {
    await renderSignedIn(viewer, '/guides', guideHandlers());
    expect(await screen.findByText('李娜')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: '添加导购' })).toBeNull();
    expect(screen.queryByRole('button', { name: '生成邀请码' })).toBeNull();
    expect(screen.queryByRole('button', { name: /离\s*职/ })).toBeNull();
  });
});
