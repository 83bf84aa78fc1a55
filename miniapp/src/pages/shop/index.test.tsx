import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { GuideCard, GuideShopReply, RecordTouchRequest } from '@mall/shared';
import App from '../../app';
import { card, page } from '../../catalog/fixtures';
import { saveShopperSession } from '../../session/store';
import { answerRequests, failure, requested, type FakeRoute } from '../../testing/api';
import { guide as guideProfile } from '../../testing/guides';
import { signIn } from '../../testing/orders';
import { navigateTo, request, router, setClipboardData, setNavigationBarTitle, shares } from '../../testing/taro';
import ShopPage from './index';

const guideCard: GuideCard = { id: 'c00000000000000000000001', code: 'K7M2QX', name: '王小美', avatarUrl: null, storeName: '静安嘉里店' };
const shopReply: GuideShopReply = { guide: guideCard, picks: [card(7, { title: '导购推荐的衬衫' }), card(8, { title: '导购推荐的长裤' })] };
const catalog = page([card(1, { title: '纯棉T恤' })]);

/** The fake API of a shop page: the guide's shop, the catalog, touches and the share look-ups (not a guide, no bound guide). */
function shopApi(routes: Record<string, FakeRoute> = {}): void {
  answerRequests({
    'GET /api/shop/guides/K7M2QX': { statusCode: 200, data: shopReply },
    'GET /api/products?page=1&pageSize=20': catalog,
    'POST /api/touches': { statusCode: 200, data: { effect: 'bound', guide: guideCard } },
    'GET /api/guide/me': failure(404, 'NOT_FOUND', '你还不是导购，请先输入邀请码'),
    'GET /api/me/guide': { statusCode: 200, data: { binding: null } },
    ...routes,
  });
}

function touchesSent(): RecordTouchRequest[] {
  return request.mock.calls.filter(([option]) => option.url.endsWith('/api/touches')).map(([option]) => option.data as RecordTouchRequest);
}

describe('the guide shop page', () => {
  it("shows the guide's banner and picks first, then the catalog, and records one shop-link touch", async () => {
    signIn();
    shopApi();
    router.params = { g: 'K7M2QX' };
    render(<ShopPage />);
    expect(await screen.findByText('王小美')).toBeTruthy();
    expect(screen.getByText('静安嘉里店')).toBeTruthy();
    // No avatar yet: the initial stands in.
    expect(screen.getByText('王')).toBeTruthy();
    expect(await screen.findByText('纯棉T恤')).toBeTruthy();
    expect([...document.querySelectorAll('.product-card__title')].map((title) => title.textContent)).toEqual([
      '导购推荐的衬衫',
      '导购推荐的长裤',
      '纯棉T恤',
    ]);
    expect(screen.getByText('导购推荐')).toBeTruthy();
    await waitFor(() => expect(setNavigationBarTitle).toHaveBeenCalledWith({ title: '王小美的小店' }));
    await waitFor(() => expect(touchesSent()).toEqual([{ guideCode: 'K7M2QX', channel: 'shop-link' }]));
    // 加企业微信 opens 我的导购, where the shopper adds their guide on WeCom.
    fireEvent.click(screen.getByRole('button', { name: '加企业微信' }));
    expect(navigateTo).toHaveBeenCalledWith({ url: '/pages/my-guide/index' });
  });

  it("reads the mini-program code's scene, with the poster mark, and records a poster touch", async () => {
    signIn();
    shopApi();
    router.params = { scene: 'g%3Dk7m2qx%26c%3Dp' };
    render(<ShopPage />);
    expect(await screen.findByText('王小美')).toBeTruthy();
    await waitFor(() => expect(touchesSent()).toEqual([{ guideCode: 'K7M2QX', channel: 'poster' }]));
    expect(requested()).toContain('GET /api/shop/guides/K7M2QX');
  });

  it('records the touch once however often the page renders', async () => {
    signIn();
    shopApi();
    router.params = { g: 'K7M2QX' };
    const { rerender } = render(<ShopPage />);
    await screen.findByText('王小美');
    await waitFor(() => expect(touchesSent()).toHaveLength(1));
    rerender(<ShopPage />);
    rerender(<ShopPage />);
    // The touch may have changed the shopper's guide: the share's code is looked up again, the touch is not sent again.
    await waitFor(() => expect(requested().filter((call) => call === 'GET /api/me/guide')).toHaveLength(2));
    expect(touchesSent()).toHaveLength(1);
  });

  it('without picks shows the banner and the catalog only', async () => {
    shopApi({ 'GET /api/shop/guides/K7M2QX': { statusCode: 200, data: { ...shopReply, picks: [] } } });
    router.params = { g: 'K7M2QX' };
    render(<ShopPage />);
    expect(await screen.findByText('王小美')).toBeTruthy();
    expect(await screen.findByText('纯棉T恤')).toBeTruthy();
    expect(screen.queryByText('导购推荐')).toBeNull();
  });

  it.each([
    ['a guide who left', failure(409, 'GUIDE_LEFT', '该导购已离职，为你展示商城首页'), '该导购已离职，为你展示商城首页'],
    ['an unknown code', failure(404, 'GUIDE_NOT_FOUND', '导购不存在，为你展示商城首页'), '导购不存在，为你展示商城首页'],
  ])('for %s says so and shows the catalog', async (_name, reply, message) => {
    signIn();
    shopApi({ 'GET /api/shop/guides/K7M2QX': reply, 'POST /api/touches': reply });
    router.params = { g: 'K7M2QX' };
    render(<ShopPage />);
    expect((await screen.findByRole('status')).textContent).toBe(message);
    expect(await screen.findByText('纯棉T恤')).toBeTruthy();
    // The refused touch is not kept for later.
    await waitFor(() => expect(touchesSent()).toHaveLength(1));
  });

  it('for a code that cannot be one says so without asking the API, and records nothing', async () => {
    signIn();
    shopApi();
    router.params = { g: 'NOPE!!' };
    render(<ShopPage />);
    expect((await screen.findByRole('status')).textContent).toBe('导购不存在，为你展示商城首页');
    expect(await screen.findByText('纯棉T恤')).toBeTruthy();
    expect(requested().some((call) => call.includes('/api/shop/') || call.includes('/api/touches'))).toBe(false);
  });

  it('keeps the touch of a signed-out H5 shopper until they sign in, then sends it once', async () => {
    vi.stubEnv('TARO_ENV', 'h5');
    shopApi();
    router.params = { g: 'K7M2QX' };
    render(
      <App>
        <ShopPage />
      </App>,
    );
    expect(await screen.findByText('王小美')).toBeTruthy();
    expect(touchesSent()).toEqual([]);
    saveShopperSession({ token: 'new-token', expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
    await waitFor(() => expect(touchesSent()).toEqual([{ guideCode: 'K7M2QX', channel: 'shop-link' }]));
    saveShopperSession({ token: 'newer-token', expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
    await waitFor(() => expect(requested().filter((call) => call === 'GET /api/me/guide').length).toBeGreaterThan(0));
    expect(touchesSent()).toHaveLength(1);
  });

  it('signs the mini-program shopper in silently to record the touch', async () => {
    vi.stubEnv('TARO_ENV', 'weapp');
    const { login } = await import('../../testing/taro');
    login.mockResolvedValue({ code: 'wx-code', errMsg: 'login:ok' });
    shopApi({
      'POST /api/shopper/login': {
        statusCode: 200,
        data: {
          token: 'silent-token',
          expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
          shopper: { id: 's00000000000000000000001', createdAt: '2026-01-01T00:00:00.000Z', lastLoginAt: '2026-01-01T00:00:00.000Z' },
        },
      },
    });
    router.params = { g: 'K7M2QX' };
    render(<ShopPage />);
    await waitFor(() => expect(touchesSent()).toEqual([{ guideCode: 'K7M2QX', channel: 'shop-link' }]));
    const touch = request.mock.calls.find(([option]) => option.url.endsWith('/api/touches'))![0];
    expect(touch.header?.Authorization).toBe('Bearer silent-token');
  });
});

describe('sharing the guide shop', () => {
  it("carries a signed-in guide's own code", async () => {
    vi.stubEnv('TARO_ENV', 'weapp');
    signIn();
    shopApi({ 'GET /api/guide/me': { statusCode: 200, data: { guide: guideProfile({ code: 'OWN234' }) } } });
    router.params = { g: 'K7M2QX' };
    render(<ShopPage />);
    await screen.findByText('王小美');
    await waitFor(() => expect(shares.appMessage?.().path).toBe('/pages/shop/index?g=OWN234'));
    expect(shares.timeline?.().query).toBe('g=OWN234');
    expect(screen.getByRole('button', { name: '分享给好友' })).toBeTruthy();
  });

  it("carries a shopper's bound guide's code, and none without one", async () => {
    signIn();
    shopApi({
      'GET /api/me/guide': {
        statusCode: 200,
        data: {
          binding: {
            guide: { ...guideCard, code: 'BND456' },
            since: '2026-01-01T00:00:00.000Z',
            protectedUntil: null,
            protectedNow: true,
            reason: 'first-touch',
            explanation: '首次通过导购进店',
          },
        },
      },
    });
    router.params = { g: 'K7M2QX' };
    render(<ShopPage />);
    await screen.findByText('王小美');
    await waitFor(() => expect(shares.appMessage?.().path).toBe('/pages/shop/index?g=BND456'));
    // H5: the page's address with the code, copied.
    within(document.body).getByRole('button', { name: '复制分享链接' }).click();
    await waitFor(() =>
      expect(setClipboardData).toHaveBeenCalledWith({ data: `${window.location.origin}${window.location.pathname}?g=BND456` }),
    );
  });

  it('carries no code for a signed-out shopper', async () => {
    shopApi();
    render(<ShopPage />);
    expect(await screen.findByText('纯棉T恤')).toBeTruthy();
    expect(shares.appMessage?.().path).toBe('/pages/shop/index');
    expect(requested()).toEqual(['GET /api/products?page=1&pageSize=20']);
  });
});
