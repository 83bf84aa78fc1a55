import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { GuideCustomer, GuideCustomerListReply } from '@mall/shared';
import { answerRequests, failure, requested } from '../../../testing/api';
import { signIn } from '../../../testing/orders';
import GuideCustomersPage from './index';

function customer(index: number, fields: Partial<GuideCustomer> = {}): GuideCustomer {
  return {
    id: index.toString(16).padStart(24, '0'),
    nickname: `顾客${index}`,
    phone: null,
    boundSince: '2026-11-01T02:00:00.000Z',
    protectedUntil: '2026-12-01T02:00:00.000Z',
    reason: 'first-touch',
    lastPurchase: null,
    wecomAdded: false,
    ...fields,
  };
}

function customerPage(page: number, items: GuideCustomer[], total: number): GuideCustomerListReply {
  return { items, total, page, pageSize: 20 };
}

const firstCustomers = Array.from({ length: 20 }, (_, index) =>
  customer(
    index + 1,
    index === 0
      ? {
          nickname: '张三',
          phone: '138****5678',
          // 00:30 on the 5th in Shanghai.
          lastPurchase: { orderNo: '20261105000000001', paidAt: '2026-11-04T16:30:00.000Z', payableFen: 12900 },
          wecomAdded: true,
        }
      : {},
  ),
);

function routes(extra: Record<string, { statusCode: number; data: unknown }> = {}) {
  return {
    'GET /api/guide/me/customers?page=1&pageSize=20': { statusCode: 200, data: customerPage(1, firstCustomers, 21) },
    'GET /api/guide/me/customers?page=2&pageSize=20': {
      statusCode: 200,
      data: customerPage(2, [customer(21, { nickname: null, protectedUntil: null })], 21),
    },
    ...extra,
  };
}

describe('我的客户', () => {
  it('lists the customers with their binding, last purchase and WeCom status, and loads more', async () => {
    signIn();
    answerRequests(routes());
    render(<GuideCustomersPage />);
    expect(screen.getByText('正在加载我的客户…')).toBeTruthy();
    expect(await screen.findByText('我的客户（21）')).toBeTruthy();
    expect(screen.getByText('张三')).toBeTruthy();
    expect(screen.getByText('138****5678')).toBeTruthy();
    expect(screen.getAllByText('绑定于 2026-11-01')).toHaveLength(20);
    expect(screen.getAllByText('保护至 2026-12-01')).toHaveLength(20);
    expect(screen.getByText('最近购买 2026-11-05 ¥129.00')).toBeTruthy();
    expect(screen.getAllByText('暂无购买')).toHaveLength(19);
    expect(screen.getByText('企业微信 已添加')).toBeTruthy();
    expect(screen.getAllByText('企业微信 未添加')).toHaveLength(19);

    fireEvent.click(screen.getByRole('button', { name: '加载更多' }));
    expect(await screen.findByText('未设置昵称')).toBeTruthy();
    expect(screen.getByText('永久保护')).toBeTruthy();
    expect(screen.queryByRole('button', { name: '加载更多' })).toBeNull();
  });

  it('searches by nickname or phone from the first page', async () => {
    signIn();
    answerRequests(
      routes({
        'GET /api/guide/me/customers?keyword=5678&page=1&pageSize=20': { statusCode: 200, data: customerPage(1, [firstCustomers[0]!], 1) },
        'GET /api/guide/me/customers?keyword=%E6%97%A0&page=1&pageSize=20': { statusCode: 200, data: customerPage(1, [], 0) },
      }),
    );
    render(<GuideCustomersPage />);
    await screen.findByText('我的客户（21）');
    fireEvent.change(screen.getByPlaceholderText('搜索昵称或手机号'), { target: { value: ' 5678 ' } });
    fireEvent.click(screen.getByRole('button', { name: '搜索' }));
    expect(await screen.findByText('我的客户（1）')).toBeTruthy();
    expect(screen.queryByText('顾客2')).toBeNull();

    fireEvent.change(screen.getByPlaceholderText('搜索昵称或手机号'), { target: { value: '无' } });
    fireEvent.click(screen.getByRole('button', { name: '搜索' }));
    expect(await screen.findByText('没有找到相关客户')).toBeTruthy();
    expect(requested()).toEqual([
      'GET /api/guide/me/customers?page=1&pageSize=20',
      'GET /api/guide/me/customers?keyword=5678&page=1&pageSize=20',
      'GET /api/guide/me/customers?keyword=%E6%97%A0&page=1&pageSize=20',
    ]);
  });

  it('says when the guide has no customers yet', async () => {
    signIn();
    answerRequests(routes({ 'GET /api/guide/me/customers?page=1&pageSize=20': { statusCode: 200, data: customerPage(1, [], 0) } }));
    render(<GuideCustomersPage />);
    expect(await screen.findByText('还没有客户')).toBeTruthy();
  });

  it('tells a shopper who is not a guide how to become one', async () => {
    signIn();
    answerRequests(routes({ 'GET /api/guide/me/customers?page=1&pageSize=20': failure(404, 'NOT_FOUND', '你还不是导购，请先输入邀请码') }));
    render(<GuideCustomersPage />);
    expect(await screen.findByText('你还不是导购')).toBeTruthy();
  });

  it('shows other failures with a retry', async () => {
    signIn();
    answerRequests(routes({ 'GET /api/guide/me/customers?page=1&pageSize=20': failure(500, 'INTERNAL', '系统繁忙，请稍后再试') }));
    render(<GuideCustomersPage />);
    expect((await screen.findByRole('alert')).textContent).toContain('系统繁忙，请稍后再试');
    answerRequests(routes());
    fireEvent.click(screen.getByRole('button', { name: '重试' }));
    expect(await screen.findByText('我的客户（21）')).toBeTruthy();
  });
});
