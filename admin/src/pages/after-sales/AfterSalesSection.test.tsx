import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { errorReply, jsonReply, renderSignedIn, staffMember } from '../../testing/fake-api.tsx';
import { AFTER_SALE_NO, afterSaleHandlers, afterSaleOf, detailOf, ORDER_NO } from './after-sale-fixtures.ts';

const operator = staffMember({ username: 'ops', role: 'operator' });
const viewer = staffMember({ username: 'look', role: 'viewer' });
const detailPath = `/after-sales/${AFTER_SALE_NO}`;

describe('the after-sales queue', () => {
  it('opens on the requests in progress and lists each with its kind, amount, status and refund', async () => {
    const refunding = afterSaleOf({
      afterSaleNo: `${ORDER_NO}-2`,
      status: 'refunding',
      refund: {
        outRefundNo: `R${ORDER_NO}-2`,
        status: 'processing',
        refundFen: 500,
        createdAt: '2026-01-02T04:00:00.000Z',
        succeededAt: null,
      },
    });
    const { calls } = await renderSignedIn(operator, '/after-sales', afterSaleHandlers([detailOf(), detailOf(refunding)]));
    const table = await screen.findByRole('table');
    const row = (await within(table).findByText(AFTER_SALE_NO)).closest('tr')!;
    expect(within(row).getByText('仅退款')).toBeInTheDocument();
    expect(within(row).getByText('¥129.00')).toBeInTheDocument();
    expect(within(row).getByText('待审核')).toBeInTheDocument();
    const second = within(table).getByText(`${ORDER_NO}-2`).closest('tr')!;
    expect(within(second).getByText('微信支付处理中')).toBeInTheDocument();
    expect(calls.find((call) => call.path === '/api/admin/after-sales')?.query.get('status')).toBe('open');
  });

  it('filters by status tab, kind and order number (checked before sending)', async () => {
    const { calls } = await renderSignedIn(operator, '/after-sales', afterSaleHandlers());
    const user = userEvent.setup();
    await screen.findByText(AFTER_SALE_NO);
    await user.click(screen.getByRole('tab', { name: '退款失败' }));
    await waitFor(() => expect(calls.at(-1)?.query.get('status')).toBe('refund_failed'));
    await user.click(screen.getByRole('tab', { name: '全部' }));
    await waitFor(() => expect(calls.at(-1)?.query.has('status')).toBe(false));

    await user.type(screen.getByRole('searchbox', { name: '按订单号查找' }), '123{Enter}');
    expect(await screen.findByText('订单号须为 17 位数字')).toBeInTheDocument();
    await user.clear(screen.getByRole('searchbox', { name: '按订单号查找' }));
    await user.type(screen.getByRole('searchbox', { name: '按订单号查找' }), `${ORDER_NO}{Enter}`);
    await waitFor(() => expect(calls.at(-1)?.query.get('orderNo')).toBe(ORDER_NO));
  });

  it('shows the API’s reason when the queue cannot be loaded', async () => {
    await renderSignedIn(operator, '/after-sales', { 'GET /api/admin/after-sales': () => errorReply('INTERNAL') });
    expect(await screen.findByText('无法获取售后列表')).toBeInTheDocument();
  });
});

describe('a request', () => {
  it('shows the photos, the order with its refundable amount, and the history', async () => {
    await renderSignedIn(operator, detailPath, afterSaleHandlers());
    expect(await screen.findByText('袖口开线')).toBeInTheDocument();
    expect(screen.getByRole('img', { name: '凭证图片 1' })).toHaveAttribute('src', `/api/images/${'ab'.repeat(32)}.png`);
    expect(screen.getByText(`订单 ${ORDER_NO}`)).toBeInTheDocument();
    expect(screen.getAllByText('¥139.00').length).toBeGreaterThan(0);
    expect(screen.getByText('尚未发起退款')).toBeInTheDocument();
    expect(screen.getByText(/买家 · 待审核/)).toBeInTheDocument();
  });

  it('approves with an amount in yuan (at most what may be refunded) and the restock choice', async () => {
    const approved = detailOf(
      afterSaleOf({
        status: 'refunding',
        approvedFen: 10000,
        restock: true,
        refund: {
          outRefundNo: `R${AFTER_SALE_NO}`,
          status: 'pending',
          refundFen: 10000,
          createdAt: '2026-01-02T05:00:00.000Z',
          succeededAt: null,
        },
      }),
    );
    const { calls } = await renderSignedIn(operator, detailPath, {
      ...afterSaleHandlers(),
      [`POST /api/admin/after-sales/${AFTER_SALE_NO}/approve`]: () => jsonReply(200, approved),
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: /同\s*意/ }));
    const dialog = await screen.findByRole('dialog');
    const amount = within(dialog).getByLabelText('退款金额（元）');
    expect(amount).toHaveValue('129.00');
    await user.clear(amount);
    await user.type(amount, '200');
    await user.click(within(dialog).getByRole('button', { name: /同\s*意/ }));
    expect(await within(dialog).findByText('最多可退 ¥129.00')).toBeInTheDocument();
    await user.clear(amount);
    await user.type(amount, '100');
    await user.click(within(dialog).getByLabelText('退款成功后将商品退回库存'));
    await user.click(within(dialog).getByRole('button', { name: /同\s*意/ }));
    await waitFor(() => expect(calls.find((call) => call.path.endsWith('/approve'))?.body).toEqual({ refundFen: 10000, restock: true }));
    expect(await screen.findAllByText('待提交微信支付')).not.toHaveLength(0);
    expect(screen.queryByRole('button', { name: /同\s*意/ })).toBeNull();
  });

  it('rejects only with a reason, and shows the API’s refusal', async () => {
    const { calls } = await renderSignedIn(operator, detailPath, {
      ...afterSaleHandlers(),
      [`POST /api/admin/after-sales/${AFTER_SALE_NO}/reject`]: () => errorReply('AFTER_SALE_STATUS_CONFLICT'),
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: /拒\s*绝/ }));
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: /拒\s*绝/ }));
    expect(await within(dialog).findByText('请填写拒绝原因')).toBeInTheDocument();
    expect(calls.some((call) => call.path.endsWith('/reject'))).toBe(false);
    await user.type(within(dialog).getByLabelText('拒绝原因'), '商品已使用');
    await user.click(within(dialog).getByRole('button', { name: /拒\s*绝/ }));
    expect(await within(dialog).findByText('售后状态已变化，请刷新后查看')).toBeInTheDocument();
    expect(calls.find((call) => call.path.endsWith('/reject'))?.body).toEqual({ reason: '商品已使用' });
  });

  it('offers 重新退款 for a failed refund and shows the refund it replaces', async () => {
    const failed = afterSaleOf({
      status: 'refund_failed',
      refund: {
        outRefundNo: `R${AFTER_SALE_NO}`,
        status: 'closed',
        refundFen: 12900,
        createdAt: '2026-01-02T05:00:00.000Z',
        succeededAt: null,
      },
    });
    const { calls } = await renderSignedIn(operator, detailPath, {
      ...afterSaleHandlers([detailOf(failed)]),
      [`POST /api/admin/after-sales/${AFTER_SALE_NO}/retry-refund`]: () => jsonReply(200, detailOf(afterSaleOf({ status: 'refunding' }))),
    });
    const user = userEvent.setup();
    expect(await screen.findAllByText('退款关闭')).not.toHaveLength(0);
    await user.click(screen.getByRole('button', { name: '重新退款' }));
    await waitFor(() => expect(calls.some((call) => call.path.endsWith('/retry-refund'))).toBe(true));
    expect(await screen.findByText('已重新发起退款')).toBeInTheDocument();
  });

  it('explains an abnormal refund instead of offering 重新退款 (WeChat Pay has taken the money already)', async () => {
    const abnormal = afterSaleOf({
      status: 'refund_failed',
      refund: {
        outRefundNo: `R${AFTER_SALE_NO}`,
        status: 'abnormal',
        refundFen: 12900,
        createdAt: '2026-01-02T05:00:00.000Z',
        succeededAt: null,
      },
    });
    await renderSignedIn(operator, detailPath, afterSaleHandlers([detailOf(abnormal)]));
    expect(await screen.findByText('退款异常：款项已从商户号扣出，但未能退到买家账户')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: '重新退款' })).toBeNull();
  });

  it('shows a viewer everything but no decision buttons', async () => {
    await renderSignedIn(viewer, detailPath, afterSaleHandlers());
    expect(await screen.findByText('袖口开线')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /同\s*意/ })).toBeNull();
    expect(screen.queryByRole('button', { name: /拒\s*绝/ })).toBeNull();
  });
});
