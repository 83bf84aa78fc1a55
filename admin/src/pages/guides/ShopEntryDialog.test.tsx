import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { GuideShopAssets } from '@mall/shared';
import { errorReply, jsonReply, renderSignedIn, staffMember } from '../../testing/fake-api.tsx';
import { guideHandlers, guides, ids } from './guide-fixtures.ts';

const owner = staffMember({ username: 'owner', role: 'owner' });
const viewer = staffMember({ username: 'viewer', role: 'viewer' });
const storeManager = staffMember({ username: 'manager', role: 'store_manager' });

const imageUrl = (letter: string) => ({ id: `${letter.repeat(64)}.png`, url: `/api/images/${letter.repeat(64)}.png` });
const assets: GuideShopAssets = {
  code: 'K7QX2M',
  shopPath: 'pages/shop/index?g=K7QX2M',
  shopUrl: 'https://m.brand.example.com/shop/pages/shop/index?g=K7QX2M',
  miniProgramCode: imageUrl('c'),
  posters: { weapp: imageUrl('d'), h5: imageUrl('e') },
};
const pngFile = (name: string) => new Response(new Blob([name], { type: 'image/png' }), { status: 200 });

afterEach(() => {
  vi.restoreAllMocks();
});

async function openShopEntry(row: string) {
  const user = userEvent.setup();
  await user.click(within((await screen.findByText(row)).closest('tr')!).getByRole('button', { name: '店铺码/海报' }));
  return { user, dialog: await screen.findByRole('dialog') };
}

describe('店铺码/海报', () => {
  it('shows a reader the mini-program code, the H5 link and path to copy, and both posters, each downloadable', async () => {
    // jsdom has no object URLs: the download link gets a stand-in, and its click is recorded with the file name.
    Object.assign(URL, { createObjectURL: vi.fn(() => 'blob:asset'), revokeObjectURL: vi.fn() });
    const saved: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      saved.push(this.download);
    });
    const { calls } = await renderSignedIn(viewer, '/guides', {
      ...guideHandlers(),
      [`GET /api/admin/guides/${ids.lina}/shop-assets`]: () => jsonReply(200, { assets }),
      [`GET /api/admin/guides/${ids.lina}/shop-code`]: () => pngFile('code'),
      [`GET /api/admin/guides/${ids.lina}/poster`]: ({ query }) => pngFile(`poster-${query.get('surface')}`),
    });
    const { user, dialog } = await openShopEntry('李娜');

    expect(await within(dialog).findByRole('img', { name: '小程序码' })).toHaveAttribute('src', assets.miniProgramCode.url);
    expect(within(dialog).getByRole('img', { name: '小程序海报' })).toHaveAttribute('src', assets.posters.weapp.url);
    expect(within(dialog).getByRole('img', { name: 'H5 海报' })).toHaveAttribute('src', assets.posters.h5.url);
    expect(within(dialog).getByRole('link', { name: assets.shopUrl })).toHaveAttribute('href', assets.shopUrl);
    expect(within(dialog).getByText(assets.shopPath)).toBeInTheDocument();
    expect(within(dialog).getAllByRole('button', { name: /复制|copy/i })).toHaveLength(2);

    await user.click(within(dialog).getByRole('button', { name: '下载小程序码' }));
    await user.click(within(dialog).getByRole('button', { name: '下载小程序海报' }));
    await user.click(within(dialog).getByRole('button', { name: '下载H5 海报' }));
    await waitFor(() => expect(saved).toEqual(['shop-code-K7QX2M.png', 'poster-K7QX2M.png', 'poster-K7QX2M-h5.png']));
    const downloads = calls.filter((call) => call.path.endsWith('/shop-code') || call.path.endsWith('/poster'));
    expect(downloads.map((call) => call.query.get('surface'))).toEqual([null, 'weapp', 'h5']);
    for (const call of downloads) expect(call.authorization).toBe('Bearer token-of-viewer');
  });

  it('says why when the images cannot be made (WeChat not configured), and a failed download too', async () => {
    await renderSignedIn(storeManager, '/guides', {
      ...guideHandlers(),
      [`GET /api/admin/guides/${ids.lina}/shop-assets`]: () => errorReply('PLATFORM_NOT_CONFIGURED'),
    });
    const { dialog } = await openShopEntry('李娜');
    expect(await within(dialog).findByText('无法生成店铺码与海报')).toBeInTheDocument();
    expect(within(dialog).getByText('该功能尚未开通，请联系商家')).toBeInTheDocument();
  });

  it('is offered for guides on duty only', async () => {
    await renderSignedIn(viewer, '/guides', guideHandlers());
    const departed = (await screen.findByText('王芳')).closest('tr')!;
    expect(within(departed).queryByRole('button', { name: '店铺码/海报' })).toBeNull();
    expect(within(screen.getByText('李娜').closest('tr')!).queryByRole('button', { name: /编\s*辑/ })).toBeNull();
  });
});

describe('guide photos', () => {
  it("are shown in the list: the photo, or the name's first character", async () => {
    await renderSignedIn(viewer, '/guides', guideHandlers());
    const lina = (await screen.findByText('李娜')).closest('tr')!;
    expect(within(lina).getByLabelText('李娜的头像')).toHaveTextContent('李');
    expect(within(screen.getByText('王芳').closest('tr')!).getByRole('img', { name: '王芳的头像' })).toHaveAttribute(
      'src',
      guides[1]!.avatarUrl!,
    );
  });

  it('are uploaded from the edit dialog at once (raw bytes), and the list is read again', async () => {
    const avatarUrl = `/api/images/${'b'.repeat(64)}.jpg`;
    const { calls } = await renderSignedIn(owner, '/guides', {
      ...guideHandlers(),
      [`POST /api/admin/guides/${ids.lina}/avatar`]: () => jsonReply(200, { guide: { ...guides[0], avatarUrl } }),
    });
    const user = userEvent.setup();
    await user.click(within((await screen.findByText('李娜')).closest('tr')!).getByRole('button', { name: /编\s*辑/ }));
    const dialog = await screen.findByRole('dialog');
    const listReads = () => calls.filter((call) => call.method === 'GET' && call.path === '/api/admin/guides').length;
    const readsBefore = listReads();

    fireEvent.change(within(dialog).getByLabelText('上传头像'), {
      target: { files: [new File(['png'], 'me.png', { type: 'image/png' })] },
    });
    expect(await within(dialog).findByRole('img', { name: '李娜的头像' })).toHaveAttribute('src', avatarUrl);
    const upload = calls.find((call) => call.path === `/api/admin/guides/${ids.lina}/avatar`);
    expect(upload?.contentType).toBe('image/png');
    expect(upload?.body).toBeInstanceOf(Blob);
    expect(await screen.findByText('头像已更新')).toBeInTheDocument();
    await waitFor(() => expect(listReads()).toBe(readsBefore + 1));
  });

  it('refuses files that are not JPEG, PNG or WebP before sending them', async () => {
    const { calls } = await renderSignedIn(owner, '/guides', guideHandlers());
    const user = userEvent.setup();
    await user.click(within((await screen.findByText('李娜')).closest('tr')!).getByRole('button', { name: /编\s*辑/ }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText('上传头像'), {
      target: { files: [new File(['gif'], 'me.gif', { type: 'image/gif' })] },
    });
    expect(await screen.findByText('「me.gif」不是 JPEG、PNG 或 WebP 图片')).toBeInTheDocument();
    expect(calls.some((call) => call.path.endsWith('/avatar'))).toBe(false);
  });
});
