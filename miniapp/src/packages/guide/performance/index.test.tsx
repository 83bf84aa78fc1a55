import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import {
  daysOfRange,
  monthRange,
  shanghaiBusinessDay,
  shiftMonth,
  type GuideOrder,
  type GuideOrderPage,
  type MyPerformanceReply,
  type PerformanceFigures,
} from '@mall/shared';
import { answerRequests, failure, requested } from '../../../testing/api';
import { orderNo, signIn } from '../../../testing/orders';
import GuidePerformancePage from './index';

const thisMonth = shanghaiBusinessDay(new Date()).slice(0, 7);
const lastMonth = shiftMonth(thisMonth, -1);

function figures(fields: Partial<PerformanceFigures> = {}): PerformanceFigures {
  return {
    paidOrders: 0,
    paidGmvFen: 0,
    refundedFen: 0,
    netGmvFen: 0,
    customers: 0,
    newCustomers: 0,
    wecomAdds: 0,
    commissionFen: 0,
    ...fields,
  };
}

function performance(month: string, net: number): MyPerformanceReply {
  const { from, to } = monthRange(month);
  const sold = figures({
    paidOrders: 3,
    paidGmvFen: net + 9900,
    refundedFen: 9900,
    netGmvFen: net,
    customers: 2,
    newCustomers: 1,
    wecomAdds: 4,
    commissionFen: 4990,
  });
  return {
    month,
    figures: sold,
    days: daysOfRange(from, to).map((day) => ({
      day,
      figures:
        day === `${month}-02`
          ? figures({ paidOrders: 2, paidGmvFen: net - 10000 + 9900, refundedFen: 9900, netGmvFen: net - 10000 })
          : day === `${month}-05`
            ? figures({ paidOrders: 1, paidGmvFen: 10000, netGmvFen: 10000 })
            : figures(),
    })),
    rank: { store: { rank: 1, of: 4 }, all: { rank: 3, of: 20 } },
  };
}

function order(index: number, fields: Partial<GuideOrder> = {}): GuideOrder {
  return {
    orderNo: orderNo(index),
    status: 'paid',
    placedAt: '2026-11-02T02:00:00.000Z',
    paidAt: '2026-11-02T02:01:00.000Z',
    payableFen: 29900,
    refundedFen: 0,
    commissionFen: 2990,
    newCustomer: false,
    customerName: `顾客${index}`,
    itemSummary: '羊毛围巾',
    ...fields,
  };
}

function orderPage(page: number, items: GuideOrder[], total: number): GuideOrderPage {
  return { items, total, page, pageSize: 10 };
}

const firstOrders = Array.from({ length: 10 }, (_, index) =>
  order(index + 1, index === 0 ? { newCustomer: true, refundedFen: 9900, commissionFen: 1990 } : {}),
);

function routes(extra: Record<string, { statusCode: number; data: unknown }> = {}) {
  return {
    [`GET /api/guide/me/performance?month=${thisMonth}`]: { statusCode: 200, data: performance(thisMonth, 49900) },
    [`GET /api/guide/me/performance?month=${lastMonth}`]: { statusCode: 200, data: performance(lastMonth, 12300) },
    'GET /api/guide/me/orders?page=1&pageSize=10': { statusCode: 200, data: orderPage(1, firstOrders, 11) },
    'GET /api/guide/me/orders?page=2&pageSize=10': {
      statusCode: 200,
      data: orderPage(2, [order(11, { status: 'pending_payment', commissionFen: null, paidAt: null })], 11),
    },
    ...extra,
  };
}

describe('我的业绩', () => {
  it("shows this month's net sales, figures and ranks, then the guide's orders with their commission", async () => {
    signIn();
    answerRequests(routes());
    render(<GuidePerformancePage />);
    expect(screen.getByText('正在加载我的业绩…')).toBeTruthy();
    expect(await screen.findByText('¥499.00')).toBeTruthy();
    expect(screen.getByText('门店排名 第 1 名 / 共 4 人')).toBeTruthy();
    expect(screen.getByText('全部导购 第 3 名 / 共 20 人')).toBeTruthy();
    expect(screen.getByText('¥49.90')).toBeTruthy();
    expect(screen.getByText('2 单')).toBeTruthy();
    expect(screen.getByText('¥399.00')).toBeTruthy();
    expect((screen.getByRole('button', { name: '下个月' }) as HTMLButtonElement).disabled).toBe(true);

    expect(await screen.findByText('我的订单（11）')).toBeTruthy();
    expect(screen.getByText('新客')).toBeTruthy();
    expect(screen.getByText('已退款 ¥99.00')).toBeTruthy();
    expect(screen.getByText('提成 ¥19.90')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: '加载更多' }));
    expect(await screen.findByText('顾客11')).toBeTruthy();
    expect(screen.getByText('未支付')).toBeTruthy();
    expect(screen.queryByRole('button', { name: '加载更多' })).toBeNull();
  });

  it('switches to the month before and back', async () => {
    signIn();
    answerRequests(routes());
    render(<GuidePerformancePage />);
    await screen.findByText('¥499.00');
    fireEvent.click(screen.getByRole('button', { name: '上个月' }));
    expect(await screen.findByText('¥123.00')).toBeTruthy();
    const [year, month] = lastMonth.split('-');
    expect(screen.getByText(`${year}年${Number(month)}月`)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: '下个月' }));
    expect(await screen.findByText('¥499.00')).toBeTruthy();
    expect(requested().filter((call) => call.startsWith('GET /api/guide/me/performance'))).toEqual([
      `GET /api/guide/me/performance?month=${thisMonth}`,
      `GET /api/guide/me/performance?month=${lastMonth}`,
      `GET /api/guide/me/performance?month=${thisMonth}`,
    ]);
  });

  it('tells a shopper who is not a guide how to become one', async () => {
    signIn();
    answerRequests(
      routes({ [`GET /api/guide/me/performance?month=${thisMonth}`]: failure(404, 'NOT_FOUND', '你还不是导购，请先输入邀请码') }),
    );
    render(<GuidePerformancePage />);
    expect(await screen.findByText('你还不是导购')).toBeTruthy();
  });

  it('shows other failures with a retry', async () => {
    signIn();
    answerRequests(routes({ [`GET /api/guide/me/performance?month=${thisMonth}`]: failure(500, 'INTERNAL', '系统繁忙，请稍后再试') }));
    render(<GuidePerformancePage />);
    expect((await screen.findByRole('alert')).textContent).toContain('系统繁忙，请稍后再试');
    answerRequests(routes());
    fireEvent.click(screen.getByRole('button', { name: '重试' }));
    expect(await screen.findByText('¥499.00')).toBeTruthy();
  });
});
