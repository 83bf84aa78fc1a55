import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { errorReply, jsonReply, renderSignedIn, staffMember } from '../../testing/fake-api.tsx';
import { customerHandlers, ids, zhouBinding } from './customer-fixtures.ts';

const manager = staffMember({ username: 'manager', role: 'store_manager' });
const viewer = staffMember({ username: 'viewer', role: 'viewer' });

describe('the customer list', () => {
  it('shows each customer with masked phone, guide, binding time and protection', async () => {
    await renderSignedIn(viewer, '/customers', customerHandlers());
    const zhou = (await screen.findByText('周小满')).closest('tr')!;
    expect(within(zhou).getByText('138****5678')).toBeInTheDocument();
    expect(within(zhou).getByText('李娜（K7QX2M）')).toBeInTheDocument();
    expect(within(zhou).getByText('徐汇店')).toBeInTheDocument();
    expect(within(zhou).getByText('2026/03/10 10:00')).toBeInTheDocument();
    expect(within(zhou).getByText('永久')).toBeInTheDocument();
    expect(within(zhou).getByText('已添加导购')).toBeInTheDocument();
    const unnamed = screen.getByText('未设置昵称').closest('tr')!;
    expect(within(unnamed).getByText('未绑定')).toBeInTheDocument();
    expect(screen.getByText('共 2 位客户')).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: '客户' })).toBeInTheDocument();
  });

  it('sends the keyword, the guide (searched by the API) and 仅未绑定, starting again from page 1', async () => {
    const { calls } = await renderSignedIn(manager, '/customers', customerHandlers());
    const user = userEvent.setup();
    await screen.findByText('周小满');
    const lastList = () => calls.filter((call) => call.path === '/api/admin/customers').at(-1)!.query;

    await user.type(screen.getByRole('searchbox', { name: '搜索客户' }), ' 5678 {Enter}');
    await waitFor(() => expect(lastList().get('keyword')).toBe('5678'));

    const guideFilter = screen.getByRole('combobox', { name: '按导购筛选' });
    await user.click(guideFilter);
    expect(await screen.findByTitle('王芳（P3RT8W） · 静安店（已离职）')).toBeInTheDocument();
    await user.type(guideFilter, '李');
    await waitFor(() =>
      expect(
        calls
          .filter((call) => call.path === '/api/admin/guides')
          .at(-1)!
          .query.get('keyword'),
      ).toBe('李'),
    );
    await waitFor(() => expect(screen.queryByTitle('王芳（P3RT8W） · 静安店（已离职）')).toBeNull());
    await user.click(screen.getByTitle('李娜（K7QX2M） · 徐汇店'));
    await waitFor(() => expect(lastList().get('guideId')).toBe(ids.lina));
    expect(lastList().get('keyword')).toBe('5678');
    expect(lastList().get('page')).toBe('1');

    await user.click(screen.getByRole('switch', { name: '仅未绑定' }));
    await waitFor(() => expect(lastList().get('unbound')).toBe('true'));
    expect(lastList().get('guideId')).toBeNull();
    expect(guideFilter).toBeDisabled();

    await user.click(screen.getByRole('switch', { name: '仅未绑定' }));
    await waitFor(() => expect(lastList().get('unbound')).toBeNull());
  });

  it('pages through the customers', async () => {
    const { calls } = await renderSignedIn(viewer, '/customers', {
      ...customerHandlers(),
      'GET /api/admin/customers': ({ query }) =>
        jsonReply(200, { items: [], total: 45, page: Number(query.get('page')), pageSize: Number(query.get('pageSize')) }),
    });
    const user = userEvent.setup();
    await user.click(await screen.findByTitle('3'));
    await waitFor(() =>
      expect(
        calls
          .filter((call) => call.path === '/api/admin/customers')
          .at(-1)!
          .query.get('page'),
      ).toBe('3'),
    );
    expect(calls.at(-1)!.query.get('pageSize')).toBe('20');
  });

  it("says when the list cannot be had, with the API's message", async () => {
    await renderSignedIn(viewer, '/customers', { ...customerHandlers(), 'GET /api/admin/customers': () => errorReply('INTERNAL') });
    expect(await screen.findByText('无法获取客户列表')).toBeInTheDocument();
  });

  it("opens the customer's binding from the row", async () => {
    await renderSignedIn(viewer, '/customers', customerHandlers());
    const user = userEvent.setup();
    await user.click((await screen.findByText('138****5678')).closest('tr')!);
    expect(await screen.findByText(zhouBinding.binding!.explanation)).toBeInTheDocument();
  });
});

describe("a customer's binding", () => {
  it('explains the binding and shows the guide with the protection status', async () => {
    await renderSignedIn(viewer, `/customers/${ids.zhou}`, customerHandlers());
    expect(await screen.findByText(zhouBinding.binding!.explanation)).toBeInTheDocument();
    const card = screen.getByText('专属导购').closest('.ant-card')! as HTMLElement;
    expect(within(card).getByText('李娜（K7QX2M）')).toBeInTheDocument();
    expect(within(card).getByText('徐汇店')).toBeInTheDocument();
    expect(within(card).getByText('保护中')).toBeInTheDocument();
    expect(within(card).getByText('2026/04/09 10:00')).toBeInTheDocument();
    expect(within(card).getByText('保护期结束后通过导购进店')).toBeInTheDocument();
    expect(screen.getByText('138****5678')).toBeInTheDocument();
  });

  it('shows the history newest first, with from → to, channel and who moved the customer', async () => {
    await renderSignedIn(viewer, `/customers/${ids.zhou}`, customerHandlers());
    const history = (await screen.findByText('绑定记录')).closest('.ant-card')! as HTMLElement;
    const reasons = within(history)
      .getAllByText(/^(商家转移客户|保护期结束后通过导购进店|首次通过导购进店)$/)
      .map((element) => element.textContent);
    expect(reasons).toEqual(['商家转移客户', '保护期结束后通过导购进店', '首次通过导购进店']);
    expect(within(history).getAllByText('王芳（P3RT8W） → 李娜（K7QX2M）')).toHaveLength(2);
    expect(within(history).getByText('无导购 → 王芳（P3RT8W）')).toBeInTheDocument();
    expect(within(history).getByText('2026/03/12 10:00 · 操作人 ops')).toBeInTheDocument();
    expect(within(history).getByText('2026/03/10 10:00 · 商品分享')).toBeInTheDocument();
    expect(within(history).getByText('2026/02/01 10:00 · 导购海报')).toBeInTheDocument();
  });

  it('lists the touches with guide, channel and what each did', async () => {
    await renderSignedIn(viewer, `/customers/${ids.zhou}`, customerHandlers());
    const touches = (await screen.findByText(/最近进店记录/)).closest('.ant-card')! as HTMLElement;
    const rows = within(touches).getAllByRole('row').slice(1);
    expect(
      rows.map((row) =>
        within(row)
          .getAllByRole('cell')
          .map((cell) => cell.textContent),
      ),
    ).toEqual([
      ['2026/03/11 10:00', '王芳（P3RT8W） · 静安店', '导购店铺', '受保护未改变'],
      ['2026/03/10 10:00', '李娜（K7QX2M） · 徐汇店', '商品分享', '重新绑定'],
      ['2026/02/02 10:00', '王芳（P3RT8W） · 静安店', '直播间', '同一导购'],
      ['2026/02/01 10:00', '王芳（P3RT8W） · 静安店', '导购海报', '绑定'],
    ]);
  });

  it('lists the guides the customer added on WeCom', async () => {
    await renderSignedIn(viewer, `/customers/${ids.zhou}`, customerHandlers());
    const card = (await screen.findByText('企业微信')).closest('.ant-card')! as HTMLElement;
    const [row] = within(card).getAllByRole('row').slice(1);
    expect(
      within(row!)
        .getAllByRole('cell')
        .map((cell) => cell.textContent),
    ).toEqual(['李娜（K7QX2M） · 徐汇店', '已添加', '2026/03/12 11:00', '—']);
  });

  it.each([
    { binding: { protectedUntil: null, protectedNow: true }, tag: '永久保护', until: '永久' },
    { binding: { protectedUntil: '2026-03-11T02:00:00.000Z', protectedNow: false }, tag: '已过保护期', until: '2026/03/11 10:00' },
  ])('tags the protection $tag', async ({ binding, tag, until }) => {
    await renderSignedIn(viewer, `/customers/${ids.zhou}`, {
      ...customerHandlers(),
      [`GET /api/admin/customers/${ids.zhou}/binding`]: () =>
        jsonReply(200, { ...zhouBinding, binding: { ...zhouBinding.binding, ...binding } }),
    });
    const card = (await screen.findByText('专属导购')).closest('.ant-card')! as HTMLElement;
    expect(within(card).getByText(tag)).toBeInTheDocument();
    expect(within(card).getByText(until)).toBeInTheDocument();
  });

  it('says when the customer has no guide yet', async () => {
    await renderSignedIn(viewer, `/customers/${ids.chen}`, {
      ...customerHandlers(),
      [`GET /api/admin/customers/${ids.chen}/binding`]: () =>
        jsonReply(200, {
          customer: { ...zhouBinding.customer, id: ids.chen, nickname: null },
          binding: null,
          history: [],
          touches: [],
          wecom: [],
        }),
    });
    expect(await screen.findByText(/尚未绑定导购/)).toBeInTheDocument();
    expect(screen.getByText('没有绑定记录')).toBeInTheDocument();
    expect(screen.getByText('没有通过导购进店的记录')).toBeInTheDocument();
    expect(screen.getByText('还没有添加任何导购的企业微信')).toBeInTheDocument();
  });

  it('says when there is no such customer', async () => {
    await renderSignedIn(viewer, '/customers/c00000000000000000000009', customerHandlers());
    expect(await screen.findByText('顾客不存在')).toBeInTheDocument();
  });
});
