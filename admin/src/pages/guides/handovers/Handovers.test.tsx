import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  IDEMPOTENCY_KEY_HEADER,
  type CustomerListItem,
  type Guide,
  type Handover,
  type HandoverCustomer,
  type HandoverReply,
  type TransferStatus,
} from '@mall/shared';
import { errorReply, jsonReply, renderSignedIn, staffMember, type FakeHandler, type RecordedCall } from '../../../testing/fake-api.tsx';
import { guideHandlers, guides, ids } from '../guide-fixtures.ts';
import { HANDOVER_REFRESH_MS } from './handover-format.ts';

const owner = staffMember({ username: 'owner', role: 'owner' });
const viewer = staffMember({ username: 'viewer', role: 'viewer' });
/** jsdom lays out Ant Design's tables slowly: a page's first render can take seconds on a busy machine. */
const RENDERED = { timeout: 8_000 };
const SLOW_RENDER_MS = 30_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const [lina, wang] = guides as [Guide, Guide];
const zhao: Guide = { ...lina, id: 'b00000000000000000000003', name: '赵敏', code: 'Z4MN8Q', wecomUserId: 'zhaomin', phone: '' };
const customerIds = ['c00000000000000000000001', 'c00000000000000000000002', 'c00000000000000000000003'];

const customers: CustomerListItem[] = customerIds.map((id, index) => ({
  id,
  nickname: ['小周', '小吴', '小郑'][index] ?? null,
  phone: index === 0 ? '139****5678' : null,
  createdAt: '2026-03-10T02:00:00.000Z',
  guide: { id: lina.id, name: lina.name, code: lina.code, storeName: lina.storeName },
  boundSince: '2026-03-10T02:00:00.000Z',
  protectedUntil: null,
  wecomLinked: index < 2,
}));

function transfers(counts: Partial<Record<TransferStatus, number>>): Record<TransferStatus, number> {
  return { pending: 0, requested: 0, waiting: 0, done: 0, refused: 0, limit: 0, failed: 0, ...counts };
}

const handover: Handover = {
  id: 'd00000000000000000000001',
  mode: 'on-duty',
  status: 'done',
  from: { id: lina.id, name: lina.name, code: lina.code, storeName: '徐汇店', status: 'active' },
  to: { id: zhao.id, name: zhao.name, code: zhao.code, storeName: '徐汇店', status: 'active' },
  selection: 'selected',
  transferMessage: '您好，之后由赵敏为您服务',
  by: 'owner',
  createdAt: '2026-04-02T02:00:00.000Z',
  finishedAt: '2026-04-02T02:00:01.000Z',
  counts: { customers: 3, moved: 2, skipped: 1, transfers: transfers({ requested: 1, failed: 1 }) },
};

const outcomes: HandoverCustomer[] = [
  {
    customer: { id: customerIds[0]!, nickname: '小周', phone: '139****5678' },
    outcome: 'moved',
    skipReason: null,
    transfer: {
      externalUserId: 'wm-zhou',
      status: 'requested',
      failure: null,
      errcode: null,
      requestedAt: handover.createdAt,
      settledAt: null,
    },
    at: handover.createdAt,
  },
  {
    customer: { id: customerIds[1]!, nickname: '小吴', phone: null },
    outcome: 'moved',
    skipReason: null,
    transfer: {
      externalUserId: 'wm-wu',
      status: 'failed',
      failure: 'refused-by-wecom',
      errcode: 40129,
      requestedAt: null,
      settledAt: handover.createdAt,
    },
    at: handover.createdAt,
  },
  {
    customer: { id: customerIds[2]!, nickname: '小郑', phone: null },
    outcome: 'skipped',
    skipReason: 'not-bound-to-guide',
    transfer: null,
    at: handover.createdAt,
  },
];

const reply: HandoverReply = { handover, customers: { items: outcomes, total: 3, page: 1, pageSize: 50 } };

function page<T>(items: T[], call: RecordedCall) {
  return { items, total: items.length, page: Number(call.query.get('page') ?? 1), pageSize: Number(call.query.get('pageSize') ?? 20) };
}

/** The guides (filtered by status as the API would), one guide each, their customers, and handovers. */
function handoverHandlers(overrides: Record<string, FakeHandler> = {}): Record<string, FakeHandler> {
  const all = [lina, wang, zhao];
  return {
    ...guideHandlers(),
    'GET /api/admin/guide-contacts/summary': () => jsonReply(200, { items: [] }),
    'GET /api/admin/guides': (call) => {
      const status = call.query.get('status');
      return jsonReply(
        200,
        page(
          all.filter((guide) => status === null || guide.status === status),
          call,
        ),
      );
    },
    ...Object.fromEntries(all.map((guide) => [`GET /api/admin/guides/${guide.id}`, () => jsonReply(200, { guide })])),
    'GET /api/admin/customers': (call) => jsonReply(200, page(call.query.get('guideId') === lina.id ? customers : [], call)),
    'GET /api/admin/handovers': (call) => jsonReply(200, page([handover], call)),
    [`GET /api/admin/handovers/${handover.id}`]: () => jsonReply(200, reply),
    ...overrides,
  };
}

async function chooseTarget(user: ReturnType<typeof userEvent.setup>) {
  await user.click(await screen.findByRole('combobox', { name: '接收导购' }, RENDERED));
  await user.click(await screen.findByTitle('赵敏（Z4MN8Q）· 徐汇店'));
}

async function confirmHandover(user: ReturnType<typeof userEvent.setup>) {
  await user.click(screen.getByRole('button', { name: '转移客户' }));
  const confirm = await screen.findByRole('tooltip');
  await user.click(within(confirm).getByRole('button', { name: /^转\s*移$/ }));
}

const posts = (calls: RecordedCall[]) => calls.filter((call) => call.method === 'POST' && call.path.endsWith('/handovers'));

afterEach(() => {
  vi.useRealTimers();
});

describe('客户转移', () => {
  it(
    'is offered on the guide list for guides on duty and who left',
    async () => {
      await renderSignedIn(owner, '/guides', handoverHandlers());
      const linaRow = (await screen.findByText('李娜', {}, RENDERED)).closest('tr')!;
      expect(within(linaRow).getByRole('link', { name: '客户转移' })).toHaveAttribute('href', `/guides/${ids.lina}/handovers`);
      const wangRow = screen.getByText('王芳').closest('tr')!;
      expect(within(wangRow).getByRole('link', { name: '客户转移' })).toHaveAttribute('href', `/guides/${ids.wang}/handovers`);
    },
    SLOW_RENDER_MS,
  );

  it(
    'hands the picked customers of a guide on duty over with a message and one idempotency key, then shows the outcomes',
    async () => {
      const { calls } = await renderSignedIn(owner, `/guides/${ids.lina}/handovers`, {
        ...handoverHandlers(),
        [`POST /api/admin/guides/${ids.lina}/handovers`]: () => jsonReply(201, reply),
      });
      const user = userEvent.setup();
      expect(await screen.findByText('转移「李娜」的客户', {}, RENDERED)).toBeInTheDocument();
      expect(screen.getByText('在职继承')).toBeInTheDocument();
      expect(await screen.findByRole('radio', { name: '全部客户（3 位）' })).toBeInTheDocument();
      // Nothing to send before a target is chosen.
      expect(screen.getByRole('button', { name: '转移客户' })).toBeDisabled();
      expect(screen.getByText('请选择接收导购')).toBeInTheDocument();

      await chooseTarget(user);
      // The guide whose customers they are is not offered, nor guides who left.
      expect(calls.filter((call) => call.path === '/api/admin/guides').every((call) => call.query.get('status') === 'active')).toBe(true);
      await user.click(screen.getByRole('radio', { name: '选择客户' }));
      const zhou = (await screen.findByText('小周', {}, RENDERED)).closest('tr')!;
      expect(within(zhou).getByText('已添加导购')).toBeInTheDocument();
      expect(screen.getByText('请选择要转移的客户')).toBeInTheDocument();
      await user.click(within(zhou).getByRole('checkbox'));
      await user.click(within(screen.getByText('小吴').closest('tr')!).getByRole('checkbox'));
      expect(screen.getByText('已选择 2 位客户')).toBeInTheDocument();
      await user.type(screen.getByLabelText('转接提示语（选填）'), '您好，之后由赵敏为您服务');

      await confirmHandover(user);
      await waitFor(() => expect(posts(calls)).toHaveLength(1));
      const [post] = posts(calls);
      expect(post?.body).toEqual({ toGuideId: zhao.id, customerIds: customerIds.slice(0, 2), transferMessage: '您好，之后由赵敏为您服务' });
      expect(post?.headers.get(IDEMPOTENCY_KEY_HEADER)).toMatch(UUID);

      // The handover's page: counts and each customer's outcome.
      expect(await screen.findByText('已转移 2 位客户')).toBeInTheDocument();
      const zhouOutcome = (await screen.findByRole('link', { name: '小周' }, RENDERED)).closest('tr')!;
      expect(within(zhouOutcome).getByText('已转移')).toBeInTheDocument();
      expect(within(zhouOutcome).getByText('已提交企业微信')).toBeInTheDocument();
      const wu = screen.getByRole('link', { name: '小吴' }).closest('tr')!;
      expect(within(wu).getByText('企业微信拒绝转接：该客户正在转接中（40129）')).toBeInTheDocument();
      const zheng = screen.getByRole('link', { name: '小郑' }).closest('tr')!;
      expect(within(zheng).getByText('已跳过')).toBeInTheDocument();
      expect(within(zheng).getByText('已不是该导购的客户')).toBeInTheDocument();
      expect(screen.getByText('您好，之后由赵敏为您服务')).toBeInTheDocument();
    },
    SLOW_RENDER_MS,
  );

  it(
    'hands all customers of a departed guide over without a message; a refused request is shown and the next attempt is a new request',
    async () => {
      let answers = 0;
      const { calls } = await renderSignedIn(owner, `/guides/${ids.wang}/handovers`, {
        ...handoverHandlers(),
        'GET /api/admin/customers': (call) => jsonReply(200, { ...page([], call), total: 12 }),
        [`POST /api/admin/guides/${ids.wang}/handovers`]: () => {
          answers += 1;
          if (answers === 1) return errorReply('HANDOVER_TARGET_LEFT');
          if (answers === 2) return errorReply('INTERNAL');
          return jsonReply(201, { ...reply, handover: { ...handover, mode: 'resigned', selection: 'all', transferMessage: null } });
        },
      });
      const user = userEvent.setup();
      expect(await screen.findByText('转移「王芳」的客户', {}, RENDERED)).toBeInTheDocument();
      expect(screen.getByText('离职继承')).toBeInTheDocument();
      expect(screen.queryByLabelText('转接提示语（选填）')).toBeNull();
      expect(await screen.findByRole('radio', { name: '全部客户（12 位）' })).toBeChecked();
      await chooseTarget(user);

      await confirmHandover(user);
      expect(await screen.findByText('接收客户的导购已离职，请选择在职导购')).toBeInTheDocument();
      await confirmHandover(user);
      expect(await screen.findByText('系统繁忙，请稍后再试')).toBeInTheDocument();
      await confirmHandover(user);
      await waitFor(() => expect(posts(calls)).toHaveLength(3));
      const keys = posts(calls).map((call) => call.headers.get(IDEMPOTENCY_KEY_HEADER));
      expect(posts(calls)[0]?.body).toEqual({ toGuideId: zhao.id });
      // Refused (4xx): nothing was made, a new key. Failed otherwise: it may have been made, the same key finds it.
      expect(keys[1]).not.toBe(keys[0]);
      expect(keys[2]).toBe(keys[1]);
      expect(await screen.findByText('已转移 2 位客户')).toBeInTheDocument();
    },
    SLOW_RENDER_MS,
  );

  it(
    'offers readers the records from the guide list',
    async () => {
      await renderSignedIn(viewer, '/guides', handoverHandlers());
      const row = (await screen.findByText('王芳', {}, RENDERED)).closest('tr')!;
      expect(within(row).getByRole('link', { name: '转移记录' })).toHaveAttribute('href', `/guides/${ids.wang}/handovers`);
      expect(screen.queryByRole('link', { name: '客户转移' })).toBeNull();
    },
    SLOW_RENDER_MS,
  );

  it(
    'shows readers the records without the form',
    async () => {
      const { calls } = await renderSignedIn(viewer, `/guides/${ids.lina}/handovers`, handoverHandlers());
      expect(await screen.findByText('只有所有者和运营可以转移客户，你可以查看转移记录。', {}, RENDERED)).toBeInTheDocument();
      expect(screen.queryByRole('button', { name: '转移客户' })).toBeNull();
      expect(await screen.findByText('「李娜」的转移记录')).toBeInTheDocument();
      expect(calls.find((call) => call.path === '/api/admin/handovers')?.query.get('guideId')).toBe(ids.lina);
      expect(await screen.findByRole('link', { name: '查看详情' })).toHaveAttribute('href', `/guides/handovers/${handover.id}`);
    },
    SLOW_RENDER_MS,
  );
});

describe('转移记录', () => {
  it(
    'lists every handover with its counts and transfer statuses under its tab',
    async () => {
      await renderSignedIn(viewer, '/guides/handovers', handoverHandlers());
      const row = (await screen.findByText('李娜（K7QX2M）· 徐汇店', {}, RENDERED)).closest('tr')!;
      expect(screen.getByRole('tab', { name: '转移记录', selected: true })).toBeInTheDocument();
      expect(within(row).getByText('→ 赵敏（Z4MN8Q）· 徐汇店')).toBeInTheDocument();
      expect(within(row).getByText('在职继承')).toBeInTheDocument();
      expect(within(row).getByText('已转移 2 · 跳过 1')).toBeInTheDocument();
      expect(within(row).getByText('已提交企业微信 1')).toBeInTheDocument();
      expect(within(row).getByText('失败 1')).toBeInTheDocument();
      expect(within(row).getByText('等待企业微信结果')).toBeInTheDocument();
    },
    SLOW_RENDER_MS,
  );

  it(
    'loads a handover again while WeCom may still answer, and stops once every transfer is final',
    async () => {
      vi.useFakeTimers({ shouldAdvanceTime: true });
      let loads = 0;
      const { calls } = await renderSignedIn(viewer, `/guides/handovers/${handover.id}`, {
        ...handoverHandlers(),
        [`GET /api/admin/handovers/${handover.id}`]: () => {
          loads += 1;
          const settled = loads > 1;
          return jsonReply(200, {
            ...reply,
            handover: {
              ...handover,
              counts: { ...handover.counts, transfers: transfers(settled ? { done: 1, failed: 1 } : { requested: 1, failed: 1 }) },
            },
          });
        },
      });
      const detailCalls = () => calls.filter((call) => call.path === `/api/admin/handovers/${handover.id}`).length;
      expect(await screen.findByText('已提交企业微信 1', {}, RENDERED)).toBeInTheDocument();
      await act(async () => {
        await vi.advanceTimersByTimeAsync(HANDOVER_REFRESH_MS);
      });
      expect(await screen.findByText('已接替 1', {}, RENDERED)).toBeInTheDocument();
      expect(detailCalls()).toBe(2);
      await act(async () => {
        await vi.advanceTimersByTimeAsync(3 * HANDOVER_REFRESH_MS);
      });
      expect(detailCalls()).toBe(2);
    },
    SLOW_RENDER_MS,
  );
});
