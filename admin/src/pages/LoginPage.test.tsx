import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { errorReply, fakeApi, jsonReply, renderConsole, sessionHandlers, staffMember } from '../testing/fake-api.tsx';

const owner = staffMember({ username: 'owner', role: 'owner' });
const health = { status: 'ok', db: { mode: 'embedded' }, sandbox: true, version: '0.1.0' };

async function signInWith(password: string) {
  const user = userEvent.setup();
  await user.type(await screen.findByLabelText('用户名'), 'owner');
  await user.type(screen.getByLabelText('密码'), password);
  await user.click(screen.getByRole('button', { name: /登\s*录/ }));
}

describe('the sign-in page', () => {
  it('signs in and opens the dashboard', async () => {
    const api = fakeApi({ ...sessionHandlers(owner), 'GET /api/health': () => jsonReply(200, health) });
    renderConsole(api, '/login');
    await signInWith('secret-password');

    expect(await screen.findByRole('heading', { name: '概览' })).toBeInTheDocument();
    expect(api.client.hasToken()).toBe(true);
    expect(api.calls.find((call) => call.path === '/api/staff/login')?.body).toEqual({ username: 'owner', password: 'secret-password' });
  });

  it("shows the API's message for a wrong password and stays on the page", async () => {
    renderConsole(fakeApi(sessionHandlers(owner)), '/login');
    await signInWith('wrong-password');

    expect(await screen.findByRole('alert')).toHaveTextContent('用户名或密码错误');
    expect(screen.getByRole('button', { name: /登\s*录/ })).toBeInTheDocument();
  });

  it('says how long to wait when sign-in is rate limited', async () => {
    const api = fakeApi({ 'POST /api/staff/login': () => errorReply('RATE_LIMITED', { headers: { 'Retry-After': '540' } }) });
    renderConsole(api, '/login');
    await signInWith('another-guess');

    expect(await screen.findByRole('alert')).toHaveTextContent('操作过于频繁，请稍后再试，请在 9 分钟后重试');
  });

  it('asks for both fields before calling the API', async () => {
    const api = fakeApi(sessionHandlers(owner));
    renderConsole(api, '/login');
    await userEvent.setup().click(await screen.findByRole('button', { name: /登\s*录/ }));

    expect(await screen.findByText('请输入用户名')).toBeInTheDocument();
    expect(screen.getByText('请输入密码')).toBeInTheDocument();
    expect(api.calls).toEqual([]);
  });
});
