import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { errorReply, fakeApi, jsonReply, renderConsole, renderSignedIn, sessionHandlers, staffMember } from '../testing/fake-api.tsx';

const operator = staffMember({ username: 'ops', role: 'operator' });

describe('the route guard', () => {
  it('sends a visitor without a session to the sign-in page, and back where they were going afterwards', async () => {
    const api = fakeApi({ ...sessionHandlers(operator), 'GET /api/staff': () => jsonReply(200, { items: [operator] }) });
    renderConsole(api, '/staff');

    expect(await screen.findByRole('button', { name: /登\s*录/ })).toBeInTheDocument();
    expect(api.calls).toEqual([]);

    const user = userEvent.setup();
    await user.type(screen.getByLabelText('用户名'), 'ops');
    await user.type(screen.getByLabelText('密码'), 'secret-password');
    await user.click(screen.getByRole('button', { name: /登\s*录/ }));
    expect(await screen.findByRole('heading', { name: '员工与角色' })).toBeInTheDocument();
  });

  it('lets a held token through once the API confirms it', async () => {
    await renderSignedIn(operator, '/coupons');
    expect(await screen.findByRole('heading', { name: '优惠券' })).toBeInTheDocument();
    expect(screen.getByText(/将随对应功能上线/)).toBeInTheDocument();
  });

  it('returns to the sign-in page, saying why, when the API refuses the token mid-visit', async () => {
    await renderSignedIn(operator, '/staff', { 'GET /api/staff': () => errorReply('UNAUTHENTICATED') });
    expect(await screen.findByText('登录已过期，请重新登录')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /登\s*录/ })).toBeInTheDocument();
  });

  it('offers a retry when the API cannot be reached to check the token', async () => {
    let reachable = false;
    const { client } = await renderSignedIn(operator, '/', {
      'GET /api/staff/me': () => (reachable ? jsonReply(200, { staff: operator }) : Promise.reject(new TypeError('fetch failed'))),
      'GET /api/health': () => jsonReply(200, { status: 'ok', db: { mode: 'embedded' }, sandbox: true, version: '0.1.0' }),
    });
    expect(await screen.findByText('无法确认登录状态')).toBeInTheDocument();
    expect(client.hasToken()).toBe(true);

    reachable = true;
    await userEvent.setup().click(screen.getByRole('button', { name: /重\s*试/ }));
    expect(await screen.findByRole('heading', { name: '概览' })).toBeInTheDocument();
  });
});
