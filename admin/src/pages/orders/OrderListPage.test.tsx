import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { errorReply, jsonReply, renderSignedIn, staffMember } from '../../testing/fake-api.tsx';
import { directAttribution, openShipDialog, orderHandlers, orderNumbers, paidOrder, shipWith, shippedOrder } from './order-fixtures.ts';

const operator = staffMember({ username: 'ops', role: 'operator' });
const viewer = staffMember({ username: 'watcher', role: 'viewer' });

afterEach(() => {
  Reflect.deleteProperty(URL, 'createObjectURL');
  Reflect.deleteProperty(URL, 'revokeObjectURL');
});

describe('the order list', () => {
  it('shows each order with its time, lines, recipient, amount and status; 发货 on paid orders', async () => {
    await renderSignedIn(operator, '/orders', orderHandlers());
    const table = await screen.findByRole('table');
    const paidRow = (await within(table).findByText(orderNumbers.paid)).closest('tr')!;
    expect(within(paidRow).getByText('纯棉T恤 等 2 件')).toBeInTheDocument();
    expect(within(paidRow).getByText('张三 13800138000')).toBeInTheDocument();
    expect(within(paidRow).getByText('¥258.00')).toBeInTheDocument();
    expect(within(paidRow).getByText('待发货')).toBeInTheDocument();
    expect(within(paidRow).getByText('2026/03/01 10:00')).toBeInTheDocument();
    expect(within(paidRow).getByText('李娜（K7QX2M）')).toBeInTheDocument();
    expect(within(paidRow).getByText('导购店铺')).toBeInTheDocument();
    expect(within(paidRow).getByRole('button', { name: /发\s*货/ })).toBeInTheDocument();
    const shippedRow = within(table).getByText(orderNumbers.shipped).closest('tr')!;
    expect(within(shippedRow).queryByRole('button', { name: /发\s*货/ })).toBeNull();
    expect(screen.getByText('共 2 个订单')).toBeInTheDocument();
  });

  it('says when an order came in without a guide', async () => {
    await renderSignedIn(operator, '/orders', orderHandlers([paidOrder({ attribution: directAttribution })]));
    const paidRow = (await screen.findByText(orderNumbers.paid)).closest('tr')!;
    expect(within(paidRow).getByText('无导购')).toBeInTheDocument();
    expect(within(paidRow).getByText('自然进店')).toBeInTheDocument();
  });

  it('sends the status tab, keyword and Asia/Shanghai days, starting again from page 1', async () => {
    const { calls } = await renderSignedIn(operator, '/orders', orderHandlers());
    const user = userEvent.setup();
    await screen.findByText(orderNumbers.paid);
    const lastList = () => calls.filter((call) => call.path === '/api/admin/orders').at(-1)!.query;

    await user.click(screen.getByRole('tab', { name: '退款' }));
    await waitFor(() => expect(lastList().get('status')).toBe('refund'));
    await user.type(screen.getByRole('searchbox', { name: '搜索订单' }), ' 13800138000 {Enter}');
    await waitFor(() => expect(lastList().get('keyword')).toBe('13800138000'));
    fireEvent.change(screen.getByLabelText('下单开始日期'), { target: { value: '2026-03-01' } });
    fireEvent.change(screen.getByLabelText('下单结束日期'), { target: { value: '2026-03-02' } });
    await waitFor(() => expect(lastList().get('createdTo')).toBe('2026-03-02'));
    expect(Object.fromEntries(lastList())).toEqual({
      page: '1',
      pageSize: '20',
      status: 'refund',
      keyword: '13800138000',
      createdFrom: '2026-03-01',
      createdTo: '2026-03-02',
    });
    await user.click(screen.getByRole('tab', { name: '全部' }));
    await waitFor(() => expect(lastList().has('status')).toBe(false));
  });

  it('exports the current selection as a CSV download, or says why it cannot', async () => {
    // jsdom has no object URLs: the download link gets a stand-in.
    const createObjectURL = vi.fn((_file: Blob) => 'blob:orders');
    Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() });
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    let tooMany = false;
    const { calls } = await renderSignedIn(viewer, '/orders', {
      ...orderHandlers(),
      'GET /api/admin/orders/export': () =>
        tooMany
          ? errorReply('EXPORT_TOO_LARGE')
          : new Response('\uFEFF"订单号"\r\n', { status: 200, headers: { 'Content-Type': 'text/csv; charset=utf-8' } }),
    });
    const user = userEvent.setup();
    await screen.findByText(orderNumbers.paid);
    await user.click(screen.getByRole('tab', { name: '待发货' }));
    await user.click(screen.getByRole('button', { name: /导出 CSV/ }));
    await waitFor(() => expect(click).toHaveBeenCalledTimes(1));
    expect(calls.find((call) => call.path === '/api/admin/orders/export')?.query.get('status')).toBe('paid');
    expect(await createObjectURL.mock.calls[0]![0].text()).toContain('订单号');

    tooMany = true;
    await user.click(screen.getByRole('button', { name: /导出 CSV/ }));
    expect(await screen.findByText('导出的订单超过 5000 条，请缩小筛选范围后再导出')).toBeInTheDocument();
    click.mockRestore();
  });

  it('ships from the list: the dialog checks the tracking number, sends it and reloads', async () => {
    let shipped = false;
    const { calls } = await renderSignedIn(operator, '/orders', {
      ...orderHandlers(),
      'GET /api/admin/orders': () =>
        jsonReply(200, {
          items: [shipped ? shippedOrder({ orderNo: orderNumbers.paid }) : paidOrder()].map(({ history: _h, ...rest }) => rest),
          total: 1,
          page: 1,
          pageSize: 20,
        }),
      [`POST /api/admin/orders/${orderNumbers.paid}/ship`]: () => {
        shipped = true;
        return jsonReply(200, { order: shippedOrder({ orderNo: orderNumbers.paid }), staffNames: {} });
      },
    });
    const user = userEvent.setup();
    const dialog = await openShipDialog(user);
    await user.click(within(dialog).getByRole('button', { name: /确认发货/ }));
    expect(await within(dialog).findByText('请选择快递公司')).toBeInTheDocument();
    expect(within(dialog).getByText('快递单号须为 6 到 32 位字母或数字')).toBeInTheDocument();

    await shipWith(user, dialog, '中通快递', ' zt75000001234 ');
    expect(await screen.findByText(`订单 ${orderNumbers.paid} 已发货`)).toBeInTheDocument();
    expect(calls.find((call) => call.path.endsWith('/ship'))?.body).toEqual({ carrier: 'ZTO', trackingNo: 'ZT75000001234' });
    await waitFor(() => expect(screen.queryByRole('button', { name: /发\s*货/ })).toBeNull());
  });

  it('shows the API refusal in the dialog when someone else shipped first', async () => {
    await renderSignedIn(operator, '/orders', {
      ...orderHandlers([paidOrder()]),
      [`POST /api/admin/orders/${orderNumbers.paid}/ship`]: () => errorReply('ORDER_STATUS_CONFLICT', { message: '订单已发货' }),
    });
    const user = userEvent.setup();
    const dialog = await openShipDialog(user);
    await shipWith(user, dialog, '顺丰速运', 'SF1400000001');
    expect(await within(dialog).findByText('订单已发货')).toBeInTheDocument();
  });

  it('lets a viewer look, not ship', async () => {
    await renderSignedIn(viewer, '/orders', orderHandlers());
    await screen.findByText(orderNumbers.paid);
    expect(screen.queryByRole('button', { name: /发\s*货/ })).toBeNull();
    expect(screen.getByRole('button', { name: /导出 CSV/ })).toBeInTheDocument();
  });

  it('says so when there are no orders, and when the list cannot be loaded', async () => {
    await renderSignedIn(operator, '/orders', orderHandlers([]));
    expect(await screen.findByText('还没有订单')).toBeInTheDocument();
  });
});
