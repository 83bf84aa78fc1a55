import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import {
  daysOfRange,
  monthRange,
  shanghaiBusinessDay,
  shiftMonth,
  type GuideMonthPerformanceReply,
  type GuidePerformanceReply,
  type PerformanceFigures,
} from '@mall/shared';
import { jsonReply, renderSignedIn, staffMember, type FakeHandler, type RecordedCall } from '../../testing/fake-api.tsx';
import { guideHandlers, ids } from './guide-fixtures.ts';

const owner = staffMember({ username: 'owner', role: 'owner' });
const viewer = staffMember({ username: 'viewer', role: 'viewer' });

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

const linaFigures = figures({
  paidOrders: 3,
  paidGmvFen: 59800,
  refundedFen: 9900,
  netGmvFen: 49900,
  customers: 2,
  newCustomers: 1,
  wecomAdds: 4,
  commissionFen: 4990,
});

function ranking(from: string, to: string): GuidePerformanceReply {
  return {
    from,
    to,
    sort: 'netGmv',
    rows: [
      {
        rank: 1,
        guide: { id: ids.lina, name: '李娜', code: 'K7QX2M', storeId: ids.xuhui, storeName: '徐汇店', status: 'active' },
        figures: linaFigures,
      },
      {
        rank: 2,
        guide: { id: ids.wang, name: '王芳', code: 'P3RT8W', storeId: ids.jingan, storeName: '静安店', status: 'left' },
        figures: figures({ wecomAdds: 1 }),
      },
    ],
    totals: { ...linaFigures, wecomAdds: 5 },
  };
}

function month(monthText: string): GuideMonthPerformanceReply {
  const { from, to } = monthRange(monthText);
  return {
    guide: { id: ids.lina, name: '李娜', code: 'K7QX2M', storeId: ids.xuhui, storeName: '徐汇店', status: 'active' },
    month: monthText,
    figures: linaFigures,
    days: daysOfRange(from, to).map((day) => ({ day, figures: day === `${monthText}-03` ? linaFigures : figures() })),
    commissionRateBps: 1000,
    orders: {
      items: [
        {
          orderNo: '20260503120000123',
          status: 'paid',
          placedAt: '2026-05-03T04:00:00.000Z',
          paidAt: '2026-05-03T04:01:00.000Z',
          payableFen: 29900,
          refundedFen: 9900,
          commissionFen: 2000,
          newCustomer: true,
          customerName: '小张',
          itemSummary: '羊毛围巾',
        },
      ],
      total: 1,
      page: 1,
      pageSize: 20,
    },
  };
}

function performanceHandlers(): Record<string, FakeHandler> {
  return {
    ...guideHandlers(),
    'GET /api/admin/guide-performance': ({ query }) => jsonReply(200, ranking(query.get('from') ?? '', query.get('to') ?? '')),
    [`GET /api/admin/guides/${ids.lina}/performance`]: ({ query }) => jsonReply(200, month(query.get('month') ?? '2026-05')),
  };
}

/** jsdom lays out Ant Design's tables slowly: the first render of a page can take seconds on a busy machine. */
const RENDERED = { timeout: 8_000 };

const rankingCalls = (calls: RecordedCall[]) => calls.filter((call) => call.path === '/api/admin/guide-performance');

describe('导购业绩', () => {
  it('ranks the guides over this month so far with the totals; the store filter and a figure column ask again', async () => {
    const { calls } = await renderSignedIn(viewer, '/guides/performance', performanceHandlers());
    const user = userEvent.setup();
    const row = (await screen.findByRole('link', { name: '李娜' }, RENDERED)).closest('tr')!;
    expect(within(row).getByText('徐汇店')).toBeInTheDocument();
    expect(within(row).getByText('¥499.00')).toBeInTheDocument();
    expect(within(row).getByText('¥49.90')).toBeInTheDocument();
    expect(within(screen.getByRole('link', { name: '王芳' }).closest('tr')!).getByText('已离职')).toBeInTheDocument();
    expect(within(screen.getByText('合计').closest('tr')!).getByText('5')).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: '业绩', selected: true })).toBeInTheDocument();

    const today = shanghaiBusinessDay(new Date());
    expect(rankingCalls(calls)[0]!.query.get('from')).toBe(`${today.slice(0, 7)}-01`);
    expect(rankingCalls(calls)[0]!.query.get('to')).toBe(today);
    expect(rankingCalls(calls)[0]!.query.get('sort')).toBe('netGmv');

    await user.click(screen.getByRole('combobox', { name: '按门店筛选' }));
    await user.click(await screen.findByTitle('静安店'));
    await waitFor(() => expect(rankingCalls(calls).at(-1)?.query.get('storeId')).toBe(ids.jingan));
    await user.click(screen.getByText('客户数'));
    await waitFor(() => expect(rankingCalls(calls).at(-1)?.query.get('sort')).toBe('customers'));
    expect(rankingCalls(calls).at(-1)?.query.get('storeId')).toBe(ids.jingan);
  }, 30_000);

  it('explains a reversed or too long range and does not ask for it', async () => {
    const { calls } = await renderSignedIn(viewer, '/guides/performance', performanceHandlers());
    await screen.findByRole('link', { name: '李娜' }, RENDERED);
    const asked = rankingCalls(calls).length;
    fireEvent.change(screen.getByLabelText('开始日期'), { target: { value: '2030-01-01' } });
    expect(await screen.findByText('结束日期不能早于开始日期')).toBeInTheDocument();
    fireEvent.change(screen.getByLabelText('开始日期'), { target: { value: '2020-01-01' } });
    expect(await screen.findByText('查询范围最多 366 天，请缩小日期范围')).toBeInTheDocument();
    expect(rankingCalls(calls)).toHaveLength(asked);
    fireEvent.change(screen.getByLabelText('开始日期'), { target: { value: shanghaiBusinessDay(new Date()) } });
    await waitFor(() => expect(rankingCalls(calls)).toHaveLength(asked + 1));
  }, 30_000);

  it("opens a guide's month from the ranking: figures, days, orders with commission; the month switcher asks again", async () => {
    const { calls } = await renderSignedIn(viewer, '/guides/performance', performanceHandlers());
    const user = userEvent.setup();
    await user.click(await screen.findByRole('link', { name: '李娜' }, RENDERED));
    expect(await screen.findByText('「李娜」的业绩', {}, RENDERED)).toBeInTheDocument();
    const shown = shanghaiBusinessDay(new Date()).slice(0, 7);
    expect(calls.find((call) => call.path === `/api/admin/guides/${ids.lina}/performance`)?.query.get('month')).toBe(shown);
    expect(screen.getByText('导购提成比例：10%')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /修\s*改/ })).toBeNull();
    const order = screen.getByRole('link', { name: '20260503120000123' }).closest('tr')!;
    expect(within(order).getByText('新客')).toBeInTheDocument();
    expect(within(order).getByText('¥20.00')).toBeInTheDocument();
    expect(within(order).getByText('¥99.00')).toBeInTheDocument();
    expect(screen.getByText(`${shown}-03`)).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: '上个月' }));
    await waitFor(() =>
      expect(
        calls
          .filter((call) => call.path === `/api/admin/guides/${ids.lina}/performance`)
          .at(-1)
          ?.query.get('month'),
      ).toBe(shiftMonth(shown, -1)),
    );
  }, 30_000);

  it("lets a writer set the guide's rate as a percentage (checked before sending)", async () => {
    const { calls } = await renderSignedIn(owner, `/guides/performance/${ids.lina}?month=2026-05`, {
      ...performanceHandlers(),
      [`PUT /api/admin/guides/${ids.lina}/commission-rate`]: ({ body }) =>
        jsonReply(200, {
          rate: {
            target: 'guide',
            targetId: ids.lina,
            name: '李娜',
            rateBps: (body as { rateBps: number }).rateBps,
            updatedAt: '2026-05-04T00:00:00.000Z',
          },
        }),
    });
    const user = userEvent.setup();
    expect(await screen.findByText('2026年5月', {}, RENDERED)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: /修\s*改/ }));
    const dialog = await screen.findByRole('dialog');
    const input = within(dialog).getByLabelText('提成比例');
    expect(input).toHaveValue('10');
    await user.clear(input);
    await user.type(input, '101');
    await user.click(within(dialog).getByRole('button', { name: /保\s*存/ }));
    expect(await within(dialog).findByText('提成比例须为 0 到 100 之间的数，最多两位小数')).toBeInTheDocument();
    await user.clear(input);
    await user.type(input, '1.5');
    await user.click(within(dialog).getByRole('button', { name: /保\s*存/ }));
    await waitFor(() => expect(calls.find((call) => call.method === 'PUT')?.body).toEqual({ rateBps: 150 }));
    expect(calls.filter((call) => call.method === 'PUT')).toHaveLength(1);
  }, 30_000);

  it('shows the commission rates, and lets a writer set a category rate', async () => {
    const rates = {
      guides: [{ target: 'guide', targetId: ids.lina, name: '李娜', rateBps: 1000, updatedAt: '2026-05-01T00:00:00.000Z' }],
      categories: [] as unknown[],
    };
    const { calls } = await renderSignedIn(owner, '/guides/performance', {
      ...performanceHandlers(),
      'GET /api/admin/commission-rates': () => jsonReply(200, rates),
      'GET /api/admin/categories': () =>
        jsonReply(200, {
          items: [
            {
              id: 'c00000000000000000000001',
              name: '服装',
              parentId: null,
              sortOrder: 0,
              productCount: 0,
              children: [
                { id: 'c00000000000000000000002', name: 'T恤', parentId: 'c00000000000000000000001', sortOrder: 0, productCount: 3 },
              ],
            },
          ],
        }),
      'PUT /api/admin/categories/c00000000000000000000002/commission-rate': ({ body }) => {
        const rate = {
          target: 'category',
          targetId: 'c00000000000000000000002',
          name: '服装 / T恤',
          rateBps: (body as { rateBps: number }).rateBps,
          updatedAt: '2026-05-04T00:00:00.000Z',
        };
        rates.categories = [rate];
        return jsonReply(200, { rate });
      },
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: '提成比例' }, RENDERED));
    const dialog = await screen.findByRole('dialog');
    expect(await within(dialog).findByText('李娜', {}, RENDERED)).toBeInTheDocument();
    expect(within(dialog).getByText('10%')).toBeInTheDocument();
    await user.click(within(dialog).getByRole('combobox', { name: '品类' }));
    await user.click(await screen.findByTitle('服装 / T恤'));
    await user.type(within(dialog).getByLabelText('品类提成比例'), '2.5');
    await user.click(within(dialog).getByRole('button', { name: /设\s*置/ }));
    await waitFor(() => expect(calls.find((call) => call.method === 'PUT')?.body).toEqual({ rateBps: 250 }));
    expect(await within(dialog).findByText('2.5%')).toBeInTheDocument();
  }, 30_000);
});
