import { act, fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { afterSale, afterSaleNo, image, orderAfterSales } from '../../../testing/after-sales';
import { answerRequests, failure, requested } from '../../../testing/api';
import { orderNo, signIn } from '../../../testing/orders';
import { chooseImage, redirectTo, request, router, uploadFile } from '../../../testing/taro';
import AfterSaleRequestPage from './index';

const eligibilityPath = `GET /api/orders/${orderNo(1)}/after-sales`;

async function openPage(reply = orderAfterSales(1)) {
  signIn();
  router.params = { orderNo: orderNo(1) };
  answerRequests({
    [eligibilityPath]: { statusCode: 200, data: reply },
    'POST /api/after-sales': () => ({ statusCode: 201, data: { afterSale: afterSale(1) } }),
  });
  render(<AfterSaleRequestPage />);
  await screen.findByText('提交申请');
}

describe('申请售后', () => {
  it('prefills the refundable amount and sends kind, reason, amount, goods, description and photos', async () => {
    await openPage();
    expect(screen.getByDisplayValue('30.00')).toBeTruthy();
    expect(screen.getByText('最多可退 ¥30.00，含运费')).toBeTruthy();
    fireEvent.click(screen.getByText('退货退款'));
    fireEvent.click(screen.getByText('尺码不合适'));
    fireEvent.change(screen.getByDisplayValue('30.00'), { target: { value: '25.5' } });
    fireEvent.click(screen.getAllByText('+')[0]!);
    fireEvent.change(screen.getByPlaceholderText('请描述遇到的问题'), { target: { value: '偏小一码' } });

    chooseImage.mockResolvedValue({ tempFilePaths: ['blob:photo-1'], errMsg: 'chooseImage:ok' });
    uploadFile.mockResolvedValue({ statusCode: 201, data: JSON.stringify({ image }) });
    await act(async () => {
      fireEvent.click(screen.getByText('添加图片'));
    });
    expect(uploadFile).toHaveBeenCalledWith(
      expect.objectContaining({
        url: 'http://api.test/api/shopper/images',
        filePath: 'blob:photo-1',
        name: 'file',
        header: { Authorization: 'Bearer held-token' },
      }),
    );
    expect(screen.getByText('删除')).toBeTruthy();

    await act(async () => {
      fireEvent.click(screen.getByText('提交申请'));
    });
    const sent = request.mock.calls.find(([option]) => option.method === 'POST')?.[0].data;
    expect(sent).toEqual({
      orderNo: orderNo(1),
      kind: 'return_and_refund',
      reason: '尺码不合适',
      refundFen: 2550,
      description: '偏小一码',
      imageIds: [image.id],
      lines: [{ skuId: orderAfterSales(1).lines[0]!.skuId, quantity: 1 }],
    });
    expect(redirectTo).toHaveBeenCalledWith({ url: `/packages/after-sales/detail/index?afterSaleNo=${afterSaleNo(1)}` });
  });

  it('checks the reason and the amount before sending, and shows the API’s refusal', async () => {
    await openPage();
    fireEvent.click(screen.getByText('提交申请'));
    expect(await screen.findByText('请选择售后原因')).toBeTruthy();
    fireEvent.click(screen.getByText('不想要了'));
    fireEvent.change(screen.getByDisplayValue('30.00'), { target: { value: '31' } });
    fireEvent.click(screen.getByText('提交申请'));
    expect(await screen.findByText('最多可退 ¥30.00')).toBeTruthy();
    fireEvent.change(screen.getByDisplayValue('31'), { target: { value: '1.234' } });
    fireEvent.click(screen.getByText('提交申请'));
    expect(await screen.findByText('请填写退款金额（元），最多两位小数')).toBeTruthy();
    expect(requested()).toEqual([eligibilityPath]);

    answerRequests({ 'POST /api/after-sales': failure(409, 'AFTER_SALE_ALREADY_OPEN', '该订单已有进行中的售后申请') });
    fireEvent.change(screen.getByDisplayValue('1.234'), { target: { value: '10' } });
    await act(async () => {
      fireEvent.click(screen.getByText('提交申请'));
    });
    expect(screen.getByText('该订单已有进行中的售后申请')).toBeTruthy();
  });

  it('offers only 仅退款 for an order not yet shipped', async () => {
    await openPage(orderAfterSales(1, { orderStatus: 'paid' }));
    expect(screen.getByText('仅退款')).toBeTruthy();
    expect(screen.queryByText('退货退款')).toBeNull();
  });

  it('says why a request cannot be made', async () => {
    signIn();
    router.params = { orderNo: orderNo(1) };
    answerRequests({ [eligibilityPath]: { statusCode: 200, data: orderAfterSales(1, { blockedBy: 'open_request' }) } });
    render(<AfterSaleRequestPage />);
    expect(await screen.findByText('这个订单已有进行中的售后申请，请在售后详情中查看进度。')).toBeTruthy();
  });
});
