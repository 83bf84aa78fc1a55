import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { CreateStaffRequest, Staff } from '@mall/shared';
import { errorReply, jsonReply, renderSignedIn, staffMember, type FakeHandler } from '../testing/fake-api.tsx';

const owner = staffMember({ username: 'owner', role: 'owner' });
const operator = staffMember({ username: 'ops', role: 'operator' });

/** GET and POST /api/staff over an in-memory list, as the API behaves. */
function staffHandlers(initial: Staff[]): Record<string, FakeHandler> {
  const accounts = [...initial];
  return {
    'GET /api/staff': () => jsonReply(200, { items: accounts }),
    'POST /api/staff': ({ body }) => {
      const request = body as CreateStaffRequest;
      if (accounts.some((account) => account.username === request.username)) {
        return errorReply('CONFLICT', { message: '用户名已被使用', details: { field: 'username' } });
      }
      const created = staffMember({ username: request.username, role: request.role, storeId: request.storeId });
      accounts.push(created);
      return jsonReply(201, { staff: created });
    },
  };
}

async function fillStaffForm(fields: { username: string; password: string; role: string; storeId?: string }) {
  const user = userEvent.setup();
  const form = await screen.findByRole('form', { name: '新建员工账号' });
  await user.type(within(form).getByLabelText('用户名'), fields.username);
  await user.type(within(form).getByLabelText('初始密码'), fields.password);
  await user.click(within(form).getByText(fields.role));
  if (fields.storeId !== undefined) await user.type(await within(form).findByLabelText('所属门店编号'), fields.storeId);
  await user.click(within(form).getByRole('button', { name: '创建账号' }));
}

describe('the staff section', () => {
  it('lists every account for the owner, with Chinese role names', async () => {
    await renderSignedIn(owner, '/staff', staffHandlers([owner, operator]));
    const table = await screen.findByRole('table');
    expect(await within(table).findByText('ops')).toBeInTheDocument();
    expect(within(table).getByText('所有者')).toBeInTheDocument();
    expect(within(table).getByText('运营')).toBeInTheDocument();
  });

  it('lets the owner create a store manager, with the store, and lists the new account', async () => {
    const { calls } = await renderSignedIn(owner, '/staff', staffHandlers([owner]));
    await fillStaffForm({ username: 'Shop.Lead', password: 'a-long-password', role: '店长', storeId: 'store-sh-01' });

    expect(await within(screen.getByRole('table')).findByText('shop.lead')).toBeInTheDocument();
    expect(within(screen.getByRole('table')).getByText('store-sh-01')).toBeInTheDocument();
    expect(calls.find((call) => call.method === 'POST' && call.path === '/api/staff')?.body).toEqual({
      username: 'shop.lead',
      password: 'a-long-password',
      role: 'store_manager',
      storeId: 'store-sh-01',
    });
  });

  it('explains in Chinese what the shared schema refuses, without calling the API', async () => {
    const { calls } = await renderSignedIn(owner, '/staff', staffHandlers([owner]));
    await fillStaffForm({ username: 'x', password: 'short', role: '店长' });

    expect(await screen.findByText(/用户名为 3–32 位/)).toBeInTheDocument();
    expect(screen.getByText('密码为 10–128 个字符')).toBeInTheDocument();
    expect(screen.getByText(/店长需要填写所属门店编号/)).toBeInTheDocument();
    expect(calls.some((call) => call.method === 'POST' && call.path === '/api/staff')).toBe(false);
  });

  it("puts the API's conflict message on the username field", async () => {
    await renderSignedIn(owner, '/staff', staffHandlers([owner, operator]));
    await fillStaffForm({ username: 'ops', password: 'a-long-password', role: '运营' });
    expect(await screen.findByText('用户名已被使用')).toBeInTheDocument();
  });

  it('shows an operator the list but no create form', async () => {
    await renderSignedIn(operator, '/staff', staffHandlers([owner, operator]));
    expect(await within(await screen.findByRole('table')).findByText('owner')).toBeInTheDocument();
    expect(screen.getByText('只有所有者可以新建员工账号。')).toBeInTheDocument();
    expect(screen.queryByRole('form', { name: '新建员工账号' })).toBeNull();
  });

  it('hides the section from roles that may not list staff, and refuses it by address', async () => {
    const viewer = staffMember({ username: 'viewer', role: 'viewer' });
    const { calls } = await renderSignedIn(viewer, '/staff', staffHandlers([owner, viewer]));

    expect(await screen.findByText('没有权限')).toBeInTheDocument();
    const navigation = screen.getByRole('navigation', { name: '功能导航' });
    expect(within(navigation).queryByText('员工与角色')).toBeNull();
    expect(within(navigation).getByText('订单')).toBeInTheDocument();
    await waitFor(() => expect(calls.some((call) => call.path === '/api/staff')).toBe(false));
  });
});
