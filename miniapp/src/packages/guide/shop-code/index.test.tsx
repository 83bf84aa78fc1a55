import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { answerRequests, failure, requested } from '../../../testing/api';
import { shopAssets } from '../../../testing/guides';
import { signIn } from '../../../testing/orders';
import { downloadFile, openSetting, saveImageToPhotosAlbum, setClipboardData, shares, showModal, showToast } from '../../../testing/taro';
import GuideShopCodePage from './index';

const ASSETS_PATH = 'GET /api/guide/me/shop-assets';
const assets = shopAssets();

async function openPage(surface: 'weapp' | 'h5'): Promise<HTMLElement> {
  vi.stubEnv('TARO_ENV', surface);
  signIn();
  answerRequests({ [ASSETS_PATH]: { statusCode: 200, data: { assets } } });
  const { container } = render(<GuideShopCodePage />);
  await screen.findByText('我的海报');
  return container;
}

const imageSources = (container: HTMLElement) => [...container.querySelectorAll('img')].map((image) => image.getAttribute('src'));

afterEach(() => {
  vi.restoreAllMocks();
});

describe('我的店铺码 in the mini-program', () => {
  it('shows the mini-program code and the mini-program poster, loaded from their public image URLs', async () => {
    const container = await openPage('weapp');
    expect(imageSources(container)).toEqual([`http://api.test${assets.miniProgramCode.url}`, `http://api.test${assets.posters.weapp.url}`]);
    expect(screen.getByText(/导购码 K7M2QX/)).toBeTruthy();
    expect(requested()).toEqual([ASSETS_PATH]);
  });

  it('saves the poster to the photo album', async () => {
    await openPage('weapp');
    downloadFile.mockResolvedValue({ tempFilePath: 'wxfile://tmp/poster.png', statusCode: 200 });
    saveImageToPhotosAlbum.mockResolvedValue({ errMsg: 'saveImageToPhotosAlbum:ok' });
    fireEvent.click(screen.getByRole('button', { name: '保存到相册' }));
    await waitFor(() => expect(showToast).toHaveBeenCalledWith({ title: '已保存到相册', icon: 'success' }));
    expect(downloadFile).toHaveBeenCalledWith({ url: `http://api.test${assets.posters.weapp.url}` });
    expect(saveImageToPhotosAlbum).toHaveBeenCalledWith({ filePath: 'wxfile://tmp/poster.png' });
  });

  it('offers the settings page when the album was refused, and says when saving failed otherwise', async () => {
    await openPage('weapp');
    downloadFile.mockResolvedValue({ tempFilePath: 'wxfile://tmp/poster.png', statusCode: 200 });
    saveImageToPhotosAlbum.mockRejectedValue({ errMsg: 'saveImageToPhotosAlbum:fail auth deny' });
    showModal.mockResolvedValue({ confirm: true, cancel: false });
    openSetting.mockResolvedValue({ authSetting: { 'scope.writePhotosAlbum': true } });
    fireEvent.click(screen.getByRole('button', { name: '保存到相册' }));
    await waitFor(() => expect(openSetting).toHaveBeenCalledTimes(1));
    expect(showModal).toHaveBeenCalledWith(expect.objectContaining({ content: '请在设置中允许保存到相册', confirmText: '去设置' }));

    downloadFile.mockResolvedValue({ tempFilePath: '', statusCode: 404 });
    fireEvent.click(screen.getByRole('button', { name: '保存到相册' }));
    await waitFor(() => expect(showToast).toHaveBeenCalledWith({ title: '保存失败，请稍后重试', icon: 'none' }));
    expect(saveImageToPhotosAlbum).toHaveBeenCalledTimes(1);
  });

  it("shares the guide's shop page with their code, not this page", async () => {
    await openPage('weapp');
    expect(screen.getByRole('button', { name: '分享给顾客' })).toBeTruthy();
    expect(shares.appMessage?.()).toEqual({ title: '我的专属小店，欢迎来逛逛', path: '/pages/shop/index?g=K7M2QX' });
  });
});

describe('我的店铺码 in H5', () => {
  it('shows the H5 poster, downloads it under its file name, and copies the H5 shop link to share', async () => {
    const container = await openPage('h5');
    expect(imageSources(container)[1]).toBe(`http://api.test${assets.posters.h5.url}`);
    const clicked: { href: string; download: string }[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push({ href: this.href, download: this.download });
    });
    fireEvent.click(screen.getByRole('button', { name: '下载海报' }));
    expect(clicked).toEqual([{ href: `http://api.test${assets.posters.h5.url}`, download: 'poster-K7M2QX-h5.png' }]);

    fireEvent.click(screen.getByRole('button', { name: '复制店铺链接' }));
    await waitFor(() => expect(showToast).toHaveBeenCalledWith({ title: '店铺链接已复制', icon: 'success' }));
    expect(setClipboardData).toHaveBeenCalledWith({ data: assets.shopUrl });
    expect(screen.queryByRole('button', { name: '保存到相册' })).toBeNull();
  });
});

describe('我的店铺码 failures', () => {
  it('shows the API refusal with a retry (WeChat not configured, or no longer a guide)', async () => {
    signIn();
    answerRequests({ [ASSETS_PATH]: failure(503, 'PLATFORM_NOT_CONFIGURED', '该功能尚未开通，请联系商家') });
    render(<GuideShopCodePage />);
    expect((await screen.findByRole('alert')).textContent).toContain('该功能尚未开通，请联系商家');
    answerRequests({ [ASSETS_PATH]: { statusCode: 200, data: { assets } } });
    fireEvent.click(screen.getByRole('button', { name: '重试' }));
    expect(await screen.findByText('我的海报')).toBeTruthy();
  });

  it('shares the home page while nothing is loaded', () => {
    signIn();
    answerRequests({ [ASSETS_PATH]: failure(404, 'NOT_FOUND', '你还不是导购，请先输入邀请码') });
    render(<GuideShopCodePage />);
    expect(shares.appMessage?.()).toEqual({ title: '我的专属小店，欢迎来逛逛', path: '/pages/home/index' });
  });
});
