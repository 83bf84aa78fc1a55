import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { AttributionSettings } from '@mall/shared';
import { errorReply, jsonReply, renderSignedIn, staffMember, type FakeHandler, type RecordedCall } from '../../testing/fake-api.tsx';
import { ids, stores } from '../customers/customer-fixtures.ts';

const owner = staffMember({ username: 'owner', role: 'owner' });
const operator = staffMember({ username: 'operator', role: 'operator' });
const viewer = staffMember({ username: 'viewer', role: 'viewer' });

function settingsOf(overrides: Partial<AttributionSettings> = {}): AttributionSettings {
  return { protectionDays: 30, assignmentStoreId: null, updatedAt: null, ...overrides };
}

function settingsHandlers(settings: AttributionSettings, put?: FakeHandler): Record<string, FakeHandler> {
  return {
    'GET /api/admin/settings/attribution': () => jsonReply(200, { settings }),
    'GET /api/admin/stores': () => jsonReply(200, { items: stores }),
    ...(put !== undefined && { 'PUT /api/admin/settings/attribution': put }),
  };
}

const puts = (calls: RecordedCall[]) => calls.filter((call) => call.method === 'PUT');

describe('the attribution settings', () => {
  it('shows the protection period with its help, and the assignment store', async () => {
    await renderSignedIn(
      owner,
      '/settings',
      settingsHandlers(settingsOf({ assignmentStoreId: ids.xuhui, updatedAt: '2026-03-01T02:00:00.000Z' })),
    );
    expect(await screen.findByLabelText('保护期天数')).toHaveValue('30');
    expect(screen.getByText('归属设置')).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: '设置' })).toBeInTheDocument();
    expect(screen.getByText('0 表示永久保护；修改只影响之后新建立的绑定')).toBeInTheDocument();
    expect(await screen.findByTitle('徐汇店')).toBeInTheDocument();
    expect(screen.getByText('最近修改于 2026/03/01 10:00')).toBeInTheDocument();
  });

  it('saves only what changed, and shows the saved settings', async () => {
    const { calls } = await renderSignedIn(
      operator,
      '/settings',
      settingsHandlers(settingsOf(), ({ body }) =>
        jsonReply(200, { settings: settingsOf({ ...(body as Partial<AttributionSettings>), updatedAt: '2026-03-02T02:00:00.000Z' }) }),
      ),
    );
    const user = userEvent.setup();
    const days = await screen.findByLabelText('保护期天数');
    const save = screen.getByRole('button', { name: /保\s*存/ });
    expect(save).toBeDisabled();
    await user.clear(days);
    await user.type(days, '0');
    await user.click(save);
    await waitFor(() => expect(puts(calls).at(-1)?.body).toEqual({ protectionDays: 0 }));
    expect(await screen.findByText('归属设置已保存')).toBeInTheDocument();
    expect(screen.getByText('最近修改于 2026/03/02 10:00')).toBeInTheDocument();

    const storeSelect = screen.getByRole('combobox', { name: '付款时分配导购的门店' });
    await user.click(storeSelect);
    expect(screen.queryByTitle('静安店')).toBeNull();
    await user.click(await screen.findByTitle('浦东店'));
    await user.click(save);
    await waitFor(() => expect(puts(calls).at(-1)?.body).toEqual({ assignmentStoreId: ids.pudong }));

    await user.click(storeSelect);
    await user.click(await screen.findByTitle('全部门店'));
    await user.click(save);
    await waitFor(() => expect(puts(calls).at(-1)?.body).toEqual({ assignmentStoreId: null }));
  });

  it("shows the API's field error next to the field", async () => {
    const { calls } = await renderSignedIn(
      owner,
      '/settings',
      settingsHandlers(settingsOf(), () =>
        errorReply('VALIDATION_FAILED', {
          details: [{ in: 'body', path: ['protectionDays'], code: 'too_big', message: '保护期最多 3650 天' }],
        }),
      ),
    );
    const user = userEvent.setup();
    const days = await screen.findByLabelText('保护期天数');
    await user.clear(days);
    await user.type(days, '45');
    await user.click(screen.getByRole('button', { name: /保\s*存/ }));
    expect(await screen.findByText('保护期最多 3650 天')).toBeInTheDocument();
    expect(screen.queryByText('0 表示永久保护；修改只影响之后新建立的绑定')).toBeNull();
    expect(puts(calls)).toHaveLength(1);
  });

  it('names the store field when the API cannot find the store, and shows other refusals above the form', async () => {
    let refusal = errorReply('NOT_FOUND', { message: '门店不存在', details: { field: 'assignmentStoreId' } });
    await renderSignedIn(
      owner,
      '/settings',
      settingsHandlers(settingsOf(), () => refusal),
    );
    const user = userEvent.setup();
    await user.click(await screen.findByRole('combobox', { name: '付款时分配导购的门店' }));
    await user.click(await screen.findByTitle('徐汇店'));
    await user.click(screen.getByRole('button', { name: /保\s*存/ }));
    const storeField = (await screen.findByText('门店不存在')).closest('.ant-form-item')! as HTMLElement;
    expect(within(storeField).getByText('付款时分配导购的门店')).toBeInTheDocument();

    refusal = errorReply('STORE_CLOSED', { message: '该门店已关闭，不能承接分配的顾客' });
    await user.click(screen.getByRole('button', { name: /保\s*存/ }));
    expect(await screen.findByRole('alert')).toHaveTextContent('该门店已关闭，不能承接分配的顾客');
  });

  it('refuses an empty protection period without asking the API', async () => {
    const { calls } = await renderSignedIn(
      owner,
      '/settings',
      settingsHandlers(settingsOf(), () => jsonReply(200, { settings: settingsOf() })),
    );
    const user = userEvent.setup();
    await user.clear(await screen.findByLabelText('保护期天数'));
    await user.click(screen.getByRole('button', { name: /保\s*存/ }));
    expect(await screen.findByText('请填写保护期天数')).toBeInTheDocument();
    expect(puts(calls)).toHaveLength(0);
  });

  it('is read-only for a viewer, and names a closed assignment store', async () => {
    await renderSignedIn(viewer, '/settings', settingsHandlers(settingsOf({ protectionDays: 0, assignmentStoreId: ids.jingan })));
    expect(await screen.findByText('只读：你的角色可以查看设置，不能修改。')).toBeInTheDocument();
    expect(screen.getByLabelText('保护期天数')).toBeDisabled();
    expect(screen.getByLabelText('保护期天数')).toHaveValue('0');
    expect(screen.getByRole('combobox', { name: '付款时分配导购的门店' })).toBeDisabled();
    expect(await screen.findByTitle('静安店（已关闭）')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /保\s*存/ })).toBeNull();
    expect(screen.getByText('尚未修改过，当前为默认设置。')).toBeInTheDocument();
  });
});
