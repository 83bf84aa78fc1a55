import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { answerRequests, failure, requested } from '../../../testing/api';
import { guide } from '../../../testing/guides';
import { signIn } from '../../../testing/orders';
import { redirectTo, showPageAgain, switchTab } from '../../../testing/taro';
import GuideWorkbenchPage from './index';

describe('导购工作台', () => {
  it("shows the guide's name, store, short code and status, and nothing else yet", async () => {
    signIn();
    answerRequests({ 'GET /api/guide/me': { statusCode: 200, data: { guide: guide() } } });
    const { container } = render(<GuideWorkbenchPage />);
    expect(screen.getByText('正在加载导购信息…')).toBeTruthy();
    expect(await screen.findByText('王小美')).toBeTruthy();
    expect(screen.getByText('静安嘉里店')).toBeTruthy();
    expect(screen.getByText('K7M2QX')).toBeTruthy();
    expect(screen.getByText('在职')).toBeTruthy();
    expect(container.querySelectorAll('button')).toHaveLength(0);
    expect(requested()).toEqual(['GET /api/guide/me']);
  });

  it('loads again when shown again', async () => {
    signIn();
    answerRequests({ 'GET /api/guide/me': { statusCode: 200, data: { guide: guide() } } });
    render(<GuideWorkbenchPage />);
    await screen.findByText('王小美');
    answerRequests({ 'GET /api/guide/me': failure(404, 'NOT_FOUND', '你还不是导购，请先输入邀请码') });
    showPageAgain();
    expect(await screen.findByText('你还不是导购')).toBeTruthy();
    expect(requested()).toEqual(['GET /api/guide/me', 'GET /api/guide/me']);
  });

  it('offers the invitation code page to a shopper who is not a guide', async () => {
    signIn();
    answerRequests({ 'GET /api/guide/me': failure(404, 'NOT_FOUND', '你还不是导购，请先输入邀请码') });
    render(<GuideWorkbenchPage />);
    expect(await screen.findByText('你还不是导购')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: '输入邀请码' }));
    expect(redirectTo).toHaveBeenCalledWith({ url: '/packages/guide/redeem/index' });
  });

  it('shows other failures with a retry', async () => {
    signIn();
    answerRequests({ 'GET /api/guide/me': failure(500, 'INTERNAL', '系统繁忙，请稍后再试') });
    render(<GuideWorkbenchPage />);
    expect((await screen.findByRole('alert')).textContent).toContain('系统繁忙，请稍后再试');
    answerRequests({ 'GET /api/guide/me': { statusCode: 200, data: { guide: guide() } } });
    fireEvent.click(screen.getByRole('button', { name: '重试' }));
    expect(await screen.findByText('王小美')).toBeTruthy();
  });

  it('sends a signed-out H5 shopper to the 我的 login', async () => {
    vi.stubEnv('TARO_ENV', 'h5');
    render(<GuideWorkbenchPage />);
    expect(await screen.findByText('请先登录')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: '去登录' }));
    expect(switchTab).toHaveBeenCalledWith({ url: '/pages/profile/index' });
    expect(requested()).toEqual([]);
  });
});
