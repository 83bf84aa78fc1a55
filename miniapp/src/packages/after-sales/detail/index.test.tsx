import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { afterSale, afterSaleNo } from '../../../testing/after-sales';
import { answerRequests, failure, requested } from '../../../testing/api';
import { signIn } from '../../../testing/orders';
import { request, router, showModal } from '../../../testing/taro';
import AfterSaleDetailPage from './index';

const detailPath = `GET /api/after-sales/${afterSaleNo(1)}`;

function open(routes: Parameters<typeof answerRequests>[0]) {
  signIn();
  router.params = { afterSaleNo: afterSaleNo(1) };
  answerRequests(routes);
  render(<AfterSaleDetailPage />);
}

describe('售后详情', () => {
  it('shows the refund progress of an approved request', async () => {
    open({
      [detailPath]: {
        statusCode: 200,
        data: {
          afterSale: afterSale(1, {
            status: 'refunded',
            approvedFen: 2500,
            refund: {
              outRefundNo: `R${afterSaleNo(1)}`,
              status: 'succeeded',
              refundFen: 2500,
              createdAt: '2026-11-23T12:00:00.000Z',
              succeededAt: '2026-11-23T12:01:00.000Z',
            },
          }),
        },
      },
    });
    expect(await screen.findByText('退款已原路退回')).toBeTruthy();
    expect(screen.getByText('退款成功')).toBeTruthy();
    expect(screen.getAllByText('¥25.00')).toHaveLength(2);
    expect(screen.getByText('2026-11-23 20:01')).toBeTruthy();
    expect(screen.queryByText('撤销申请')).toBeNull();
  });

  it('cancels a request awaiting review after the shopper confirms', async () => {
    open({
      [detailPath]: { statusCode: 200, data: { afterSale: afterSale(1) } },
      [`POST /api/after-sales/${afterSaleNo(1)}/cancel`]: { statusCode: 200, data: { afterSale: afterSale(1, { status: 'cancelled' }) } },
    });
    fireEvent.click(await screen.findByText('撤销申请'));
    expect(requested()).toEqual([detailPath]);
    showModal.mockResolvedValue({ confirm: true, cancel: false });
    await act(async () => {
      fireEvent.click(screen.getByText('撤销申请'));
    });
    expect(screen.getByText('你已撤销这次申请')).toBeTruthy();
  });

  it('takes the return parcel’s carrier and tracking number once the return is approved', async () => {
    open({
      [detailPath]: { statusCode: 200, data: { afterSale: afterSale(1, { kind: 'return_and_refund', status: 'awaiting_return' }) } },
      [`POST /api/after-sales/${afterSaleNo(1)}/return-shipment`]: (option) => ({
        statusCode: 200,
        data: {
          afterSale: afterSale(1, {
            kind: 'return_and_refund',
            status: 'return_shipped',
            returnShipment: { ...(option.data as { carrier: string; trackingNo: string }), shippedAt: '2026-11-23T13:00:00.000Z' },
          }),
        },
      }),
    });
    fireEvent.click(await screen.findByText('提交快递信息'));
    expect(await screen.findByText('请填写快递公司')).toBeTruthy();
    fireEvent.change(screen.getByPlaceholderText('快递公司，如 顺丰速运'), { target: { value: '中通快递' } });
    fireEvent.change(screen.getByPlaceholderText('快递单号'), { target: { value: 'ZT123456789' } });
    await act(async () => {
      fireEvent.click(screen.getByText('提交快递信息'));
    });
    expect(request.mock.calls.at(-1)?.[0].data).toEqual({ carrier: '中通快递', trackingNo: 'ZT123456789' });
    expect(screen.getByText('商品已寄回，等待商家确认收货')).toBeTruthy();
    expect(screen.getByText('中通快递 ZT123456789')).toBeTruthy();
  });

  it('says so for an unknown or malformed request number', async () => {
    open({ [detailPath]: failure(404, 'NOT_FOUND', '售后单不存在') });
    expect(await screen.findByText('找不到这个售后单')).toBeTruthy();
    cleanup();
    router.params = { afterSaleNo: 'abc' };
    render(<AfterSaleDetailPage />);
    expect(screen.getByText('请从订单或「我的售后」进入。')).toBeTruthy();
    expect(requested()).toEqual([detailPath]);
  });
});
