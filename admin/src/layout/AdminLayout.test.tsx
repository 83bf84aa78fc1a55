import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { jsonReply, renderSignedIn, staffMember } from '../testing/fake-api.tsx';

const owner = staffMember({ username: 'owner', role: 'owner' });
const health = { status: 'ok', db: { mode: 'embedded' }, sandbox: true, version: '0.1.0' };

describe('the console frame', () => {
  it("offers every section of the product's admin console to the owner", async () => {
    await renderSignedIn(owner, '/', { 'GET /api/health': () => jsonReply(200, health) });
    const navigation = await screen.findByRole('navigation', { name: '功能导航' });
    const labels = within(navigation)
      .getAllByRole('menuitem')
      .map((item) => item.textContent);
    expect(labels).toEqual([
      '概览',
      '商品与分类',
      '库存',
      '订单',
      '售后',
      '优惠券',
      '拼团',
      '秒杀',
      '直播间',
      '导购',
      '客户',
      '设置',
      '员工与角色',
      '操作日志',
    ]);
  });

  it('shows the API health and the signed-in staff member on the dashboard', async () => {
    await renderSignedIn(owner, '/', { 'GET /api/health': () => jsonReply(200, health) });
    expect(await screen.findByText('内置开发数据库（embedded）')).toBeInTheDocument();
    expect(screen.getByText('本地沙箱')).toBeInTheDocument();
    expect(screen.getByText('0.1.0')).toBeInTheDocument();
    const signedIn = screen.getByLabelText('当前登录');
    expect(within(signedIn).getByText('owner')).toBeInTheDocument();
    expect(within(signedIn).getByText('所有者')).toBeInTheDocument();
  });

  it('says which sections have not arrived yet, with no made-up content', async () => {
    await renderSignedIn(owner, '/live-rooms');
    expect(await screen.findByRole('heading', { name: '直播间' })).toBeInTheDocument();
    expect(screen.getByText('「直播间」将随对应功能上线，目前还没有可管理的内容。')).toBeInTheDocument();
  });

  it('signs out and returns to the sign-in page', async () => {
    const { calls, client } = await renderSignedIn(owner, '/', { 'GET /api/health': () => jsonReply(200, health) });
    await userEvent.setup().click(await screen.findByRole('button', { name: /退出登录/ }));

    expect(await screen.findByRole('button', { name: /登\s*录/ })).toBeInTheDocument();
    expect(calls.some((call) => call.method === 'POST' && call.path === '/api/staff/logout')).toBe(true);
    expect(client.hasToken()).toBe(false);
  });
});
