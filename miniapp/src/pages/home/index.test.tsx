import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { request, type RequestReply } from '../../testing/taro';
import HomePage from './index';

const health = { status: 'ok', db: { mode: 'embedded' }, sandbox: true, version: '0.1.0' };

describe('the home page', () => {
  it('shows the service as loading until /api/health answers, then its status', async () => {
    let answer: (reply: RequestReply) => void = () => undefined;
    request.mockReturnValueOnce(new Promise((resolve) => (answer = resolve)));
    render(<HomePage />);

    expect(screen.getByText('导购商城')).toBeTruthy();
    expect(screen.getByText('正在连接服务…')).toBeTruthy();
    expect(request).toHaveBeenCalledWith(expect.objectContaining({ url: 'http://api.test/api/health' }));

    answer({ statusCode: 200, data: health });
    expect(await screen.findByText('服务正常')).toBeTruthy();
    expect(screen.getByText(/版本 0\.1\.0 · 内置开发数据库 · 沙箱环境/)).toBeTruthy();
  });

  it("shows the API's Chinese message on failure and loads again on retry", async () => {
    request.mockResolvedValueOnce({ statusCode: 500, data: { error: { code: 'INTERNAL', message: '系统繁忙，请稍后再试' } } });
    render(<HomePage />);
    expect(await screen.findByText('系统繁忙，请稍后再试')).toBeTruthy();

    request.mockResolvedValueOnce({ statusCode: 200, data: health });
    fireEvent.click(screen.getByRole('button', { name: '重试' }));
    expect(await screen.findByText('服务正常')).toBeTruthy();
    expect(request).toHaveBeenCalledTimes(2);
  });

  it('says the catalog is coming instead of showing products', async () => {
    request.mockResolvedValueOnce({ statusCode: 200, data: health });
    render(<HomePage />);
    expect(screen.getByText('商品即将上架')).toBeTruthy();
    await screen.findByText('服务正常');
  });
});
