import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { answerRequests, failure, requested } from '../../../testing/api';
import { guide } from '../../../testing/guides';
import { signIn } from '../../../testing/orders';
import { chooseMedia, navigateTo, redirectTo, showPageAgain, showToast, switchTab, uploadFile } from '../../../testing/taro';
import GuideWorkbenchPage from './index';

/** A signed-in guide opens the workbench. */
function openAsGuide() {
  signIn();
  answerRequests({ 'GET /api/guide/me': { statusCode: 200, data: { guide: guide() } } });
  return render(<GuideWorkbenchPage />);
}

describe('导购工作台', () => {
  it("shows the guide's initial (no photo yet), name, store, short code and status", async () => {
    const { container } = openAsGuide();
    expect(screen.getByText('正在加载导购信息…')).toBeTruthy();
    expect(await screen.findByText('王小美')).toBeTruthy();
    expect(screen.getByText('王')).toBeTruthy();
    expect(screen.getByText('静安嘉里店')).toBeTruthy();
    expect(screen.getByText('K7M2QX')).toBeTruthy();
    expect(screen.getByText('在职')).toBeTruthy();
    expect([...container.querySelectorAll('button')].map((button) => button.textContent)).toEqual(['更换头像']);
    expect(requested()).toEqual(['GET /api/guide/me']);
  });

  it('changes the photo: one image chosen (album or camera), uploaded with uploadFile, shown at once', async () => {
    const { container } = openAsGuide();
    await screen.findByText('王小美');
    chooseMedia.mockResolvedValue({ tempFiles: [{ tempFilePath: 'wxfile://tmp/me.jpg' }], errMsg: 'chooseMedia:ok' });
    const avatarUrl = `/api/images/${'a'.repeat(64)}.jpg`;
    uploadFile.mockResolvedValue({ statusCode: 200, data: JSON.stringify({ guide: guide({ avatarUrl }) }) });
    fireEvent.click(screen.getByRole('button', { name: '更换头像' }));
    await waitFor(() => expect(container.querySelector('img')?.getAttribute('src')).toBe(`http://api.test${avatarUrl}`));
    expect(chooseMedia).toHaveBeenCalledWith({ count: 1, mediaType: ['image'], sizeType: ['compressed'] });
    expect(uploadFile).toHaveBeenCalledWith({
      url: 'http://api.test/api/guide/me/avatar',
      filePath: 'wxfile://tmp/me.jpg',
      name: 'file',
      header: { Authorization: 'Bearer held-token' },
    });
    expect(showToast).toHaveBeenCalledWith({ title: '头像已更新', icon: 'success' });
  });

  it('does nothing when no photo is chosen, and says why an upload was refused', async () => {
    openAsGuide();
    await screen.findByText('王小美');
    chooseMedia.mockRejectedValue({ errMsg: 'chooseMedia:fail cancel' });
    fireEvent.click(screen.getByRole('button', { name: '更换头像' }));
    await waitFor(() => expect(chooseMedia).toHaveBeenCalledTimes(1));
    expect(uploadFile).not.toHaveBeenCalled();

    chooseMedia.mockResolvedValue({ tempFiles: [{ tempFilePath: 'wxfile://tmp/big.png' }], errMsg: 'chooseMedia:ok' });
    uploadFile.mockResolvedValue({
      statusCode: 413,
      data: JSON.stringify({ error: { code: 'PAYLOAD_TOO_LARGE', message: '图片尺寸过大，请换一张' } }),
    });
    fireEvent.click(screen.getByRole('button', { name: '更换头像' }));
    await waitFor(() => expect(showToast).toHaveBeenCalledWith({ title: '图片尺寸过大，请换一张', icon: 'none' }));
    expect(screen.getByText('王')).toBeTruthy();
  });

  it.each([
    ['我的店铺码', 'the mini-program code and the poster', '/packages/guide/shop-code/index'],
    ['我的推荐', 'the products their shop shows first', '/packages/guide/picks/index'],
    ['代客下单', 'carts built for customers', '/packages/guide/guide-order/index'],
    ['我的业绩', 'the month, rank and orders', '/packages/guide/performance/index'],
    ['我的客户', 'the customers bound to the guide', '/packages/guide/customers/index'],
  ])('opens %s: %s', async (name, _what, url) => {
    openAsGuide();
    fireEvent.click(await screen.findByRole('link', { name: new RegExp(name) }));
    expect(navigateTo).toHaveBeenCalledWith({ url });
  });

  it('loads again when shown again', async () => {
    openAsGuide();
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
