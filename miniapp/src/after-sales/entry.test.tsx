import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { afterSale, afterSaleNo, orderAfterSales } from '../testing/after-sales';
import { answerRequests } from '../testing/api';
import { orderNo, signIn } from '../testing/orders';
import { navigateTo } from '../testing/taro';
import { AfterSaleEntry } from './entry';

const path = `GET /api/orders/${orderNo(1)}/after-sales`;

describe('the order detail’s after-sales buttons', () => {
  it('offers 申请售后 when a request can be made', async () => {
    signIn();
    answerRequests({ [path]: { statusCode: 200, data: orderAfterSales(1) } });
    render(<AfterSaleEntry orderNo={orderNo(1)} />);
    fireEvent.click(await screen.findByText('申请售后'));
    expect(navigateTo).toHaveBeenCalledWith({ url: `/packages/after-sales/request/index?orderNo=${orderNo(1)}` });
    expect(screen.queryByText('查看售后')).toBeNull();
  });

  it('offers 查看售后 (not 申请售后) while a request is open', async () => {
    signIn();
    const { history: _history, ...summary } = afterSale(1);
    answerRequests({ [path]: { statusCode: 200, data: orderAfterSales(1, { blockedBy: 'open_request', items: [summary] }) } });
    render(<AfterSaleEntry orderNo={orderNo(1)} />);
    fireEvent.click(await screen.findByText('查看售后'));
    expect(navigateTo).toHaveBeenCalledWith({ url: `/packages/after-sales/detail/index?afterSaleNo=${afterSaleNo(1)}` });
    expect(screen.queryByText('申请售后')).toBeNull();
  });
});
