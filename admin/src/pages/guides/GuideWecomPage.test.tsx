import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { GuideWecomReply, WecomRelation } from '@mall/shared';
import { errorReply, jsonReply, renderSignedIn, staffMember, type FakeHandler } from '../../testing/fake-api.tsx';
import { guideHandlers, ids } from './guide-fixtures.ts';

const viewer = staffMember({ username: 'viewer', role: 'viewer' });
/** jsdom lays out Ant Design's tables slowly: a page's first render can take seconds on a busy machine. */
const RENDERED = { timeout: 8_000 };
const SLOW_RENDER_MS = 20_000;

const linaWecom: GuideWecomReply = {
  guide: { id: ids.lina, name: '李娜', code: 'K7QX2M', storeName: '徐汇店', wecomUserId: 'lina', status: 'active' },
  contactWay: {
    status: 'ready',
    configId: 'c0ffee',
    qrCodeUrl: '/api/guide-contacts/qr/c0ffee',
    createdAt: '2026-03-05T02:00:00.000Z',
  },
  customers: { added: 1, deleted: 1 },
  pendingShopperContactWays: 3,
};

const relations: WecomRelation[] = [
  {
    id: 'r1',
    externalUserId: 'wm-zhou',
    customerName: '周女士',
    shopper: { id: 'c00000000000000000000001', nickname: '小周' },
    status: 'added',
    addedAt: '2026-03-10T02:00:00.000Z',
    deletedAt: null,
    deletedBy: null,
    welcome: 'sent',
    transferFailure: null,
  },
  {
    id: 'r2',
    externalUserId: 'wm-wu',
    customerName: '吴先生',
    shopper: null,
    status: 'deleted',
    addedAt: '2026-03-09T02:00:00.000Z',
    deletedAt: '2026-03-11T04:30:00.000Z',
    deletedBy: 'customer',
    welcome: 'expired',
    transferFailure: { reason: 'customer_refused', at: '2026-03-12T02:00:00.000Z' },
  },
];

function wecomHandlers(): Record<string, FakeHandler> {
  return {
    ...guideHandlers(),
    [`GET /api/admin/guides/${ids.lina}/wecom`]: () => jsonReply(200, linaWecom),
    [`GET /api/admin/guides/${ids.lina}/wecom-customers`]: ({ query }) => {
      const items = relations.filter((relation) => query.get('status') === null || relation.status === query.get('status'));
      return jsonReply(200, { items, total: items.length, page: Number(query.get('page')), pageSize: Number(query.get('pageSize')) });
    },
    'GET /api/admin/guide-contacts/summary': ({ query }) =>
      jsonReply(200, {
        items: (query.get('guideIds') ?? '')
          .split(',')
          .map((guideId) =>
            guideId === ids.lina
              ? { guideId, contactWay: 'ready', addedCustomers: 1 }
              : { guideId, contactWay: 'guide_left', addedCustomers: 0 },
          ),
      }),
  };
}

describe('企业微信 of the guides', () => {
  it(
    "shows each listed guide's contact way and WeCom customers, linking to them",
    async () => {
      const { calls } = await renderSignedIn(viewer, '/guides', wecomHandlers());
      const row = (await screen.findByText('李娜', {}, RENDERED)).closest('tr')!;
      expect(await within(row).findByText('联系我已创建')).toBeInTheDocument();
      // 王芳 left: her status and her contact way both say so.
      expect(within(screen.getByText('王芳').closest('tr')!).getAllByText('已离职')).toHaveLength(2);
      expect(calls.find((call) => call.path === '/api/admin/guide-contacts/summary')?.query.get('guideIds')).toBe(
        `${ids.lina},${ids.wang}`,
      );
      expect(within(row).getByRole('link', { name: '企业微信客户 1' })).toHaveAttribute('href', `/guides/${ids.lina}/wecom`);
    },
    SLOW_RENDER_MS,
  );

  it(
    "shows one guide's contact way with its QR and the customers WeCom reported, filtered by status",
    async () => {
      const { calls } = await renderSignedIn(viewer, `/guides/${ids.lina}/wecom`, wecomHandlers());
      const user = userEvent.setup();
      expect(await screen.findByText('「李娜」的企业微信', {}, RENDERED)).toBeInTheDocument();
      expect(screen.getByRole('img', { name: '李娜的企业微信二维码' })).toHaveAttribute('src', '/api/guide-contacts/qr/c0ffee');
      expect(screen.getByText('联系我已创建')).toBeInTheDocument();
      expect(screen.getByText('待使用的顾客专属联系方式')).toBeInTheDocument();

      const zhou = (await screen.findByRole('link', { name: '小周' })).closest('tr')!;
      expect(screen.getByRole('link', { name: '小周' })).toHaveAttribute('href', '/customers/c00000000000000000000001');
      expect(within(zhou).getByText('已添加')).toBeInTheDocument();
      expect(within(zhou).getByText('已发送')).toBeInTheDocument();
      const wu = screen.getByText('吴先生').closest('tr')!;
      expect(within(wu).getByText('未关联商城顾客')).toBeInTheDocument();
      expect(within(wu).getByText('客户删除了导购 · 2026/03/11 12:30')).toBeInTheDocument();
      expect(within(wu).getByText('已超时未发送')).toBeInTheDocument();
      expect(within(wu).getByText('转接失败（customer_refused）· 2026/03/12 10:00')).toBeInTheDocument();
      expect(screen.getByText('共 2 位客户')).toBeInTheDocument();

      await user.click(screen.getByText('已删除', { selector: '.ant-segmented-item-label' }));
      await waitFor(() =>
        expect(
          calls
            .filter((call) => call.path.endsWith('/wecom-customers'))
            .at(-1)
            ?.query.get('status'),
        ).toBe('deleted'),
      );
      await waitFor(() => expect(screen.queryByText('小周')).toBeNull());
      expect(screen.getByText('吴先生')).toBeInTheDocument();
    },
    SLOW_RENDER_MS,
  );

  it("says when the guide's WeCom side cannot be had", async () => {
    await renderSignedIn(viewer, `/guides/${ids.wang}/wecom`, {
      ...wecomHandlers(),
      [`GET /api/admin/guides/${ids.wang}/wecom`]: () => errorReply('NOT_FOUND', { message: '导购不存在' }),
      [`GET /api/admin/guides/${ids.wang}/wecom-customers`]: () => errorReply('NOT_FOUND', { message: '导购不存在' }),
    });
    expect(await screen.findByText('无法获取导购的企业微信信息')).toBeInTheDocument();
    expect(screen.getByText('无法获取企业微信客户')).toBeInTheDocument();
  });
});
