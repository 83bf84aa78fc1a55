import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { saveShopperSession } from '../../session/store';
import { answerRequests, failure, requested } from '../../testing/api';
import { login, navigateTo, request, showModal, storage } from '../../testing/taro';
import ProfilePage from './index';

const sandboxed = { statusCode: 200, data: { status: 'ok', db: { mode: 'embedded' }, sandbox: true, version: '0.1.0' } };
const live = { statusCode: 200, data: { status: 'ok', db: { mode: 'mongodb' }, sandbox: false, version: '0.1.0' } };
const shopper = { id: '0123456789abcdef01234567', createdAt: '2026-11-23T00:00:00.000Z', lastLoginAt: '2026-11-23T00:00:00.000Z' };
const inAMonth = () => new Date(Date.now() + 30 * 86_400_000).toISOString();
const loggedIn = () => ({ statusCode: 200, data: { token: 'new-token', expiresAt: inAMonth(), shopper } });

function signIn(): void {
  saveShopperSession({ token: 'held-token', expiresAt: inAMonth() });
}

describe('the profile page, signed out in the H5 build', () => {
  it('offers the development login with a remembered random test user, and logs in with it', async () => {
    vi.stubEnv('TARO_ENV', 'h5');
    answerRequests({
      'GET /api/health': sandboxed,
      'POST /api/dev/sandbox-login-code': { statusCode: 200, data: { code: 'sandbox-code' } },
      'POST /api/shopper/login': loggedIn,
      'GET /api/shopper/me': { statusCode: 200, data: { shopper } },
    });
    render(<ProfilePage />);

    expect(await screen.findByText('开发环境登录')).toBeTruthy();
    expect(screen.queryByText('微信一键登录')).toBeNull();
    const input = screen.getByPlaceholderText('测试用户名') as HTMLInputElement;
    expect(input.value).toMatch(/^test-[a-z0-9]+$/);
    expect(storage.get('mall.sandbox-test-user')).toBe(input.value);

    fireEvent.change(input, { target: { value: '小红' } });
    fireEvent.click(screen.getByRole('button', { name: '登录' }));

    expect(await screen.findByText('微信用户')).toBeTruthy();
    expect(screen.getByText('收货地址')).toBeTruthy();
    expect(requested()).toEqual(['GET /api/health', 'POST /api/dev/sandbox-login-code', 'POST /api/shopper/login', 'GET /api/shopper/me']);
    expect(request.mock.calls[1]?.[0].data).toEqual({ user: '小红' });
    expect(request.mock.calls[2]?.[0].data).toEqual({ code: 'sandbox-code' });
    expect(request.mock.calls[3]?.[0].header).toMatchObject({ Authorization: 'Bearer new-token' });
    expect(storage.get('mall.shopper-session')).toMatchObject({ token: 'new-token' });
    expect(storage.get('mall.sandbox-test-user')).toBe('小红');
  });

  it('says what is wrong with a test user name before asking the API', async () => {
    vi.stubEnv('TARO_ENV', 'h5');
    answerRequests({ 'GET /api/health': sandboxed });
    render(<ProfilePage />);
    fireEvent.change(await screen.findByPlaceholderText('测试用户名'), { target: { value: 'a b/c' } });
    fireEvent.click(screen.getByRole('button', { name: '登录' }));
    expect(screen.getByRole('alert').textContent).toBe('测试用户名须为 1 到 64 个字母、数字或 _ . @ -');
    expect(requested()).toEqual(['GET /api/health']);
  });

  it("shows the API's message when the login fails", async () => {
    vi.stubEnv('TARO_ENV', 'h5');
    answerRequests({
      'GET /api/health': sandboxed,
      'POST /api/dev/sandbox-login-code': failure(502, 'PLATFORM_ERROR', '微信服务暂时不可用，请稍后再试'),
    });
    render(<ProfilePage />);
    fireEvent.click(await screen.findByRole('button', { name: '登录' }));
    expect((await screen.findByRole('alert')).textContent).toBe('微信服务暂时不可用，请稍后再试');
    expect(screen.getByText('开发环境登录')).toBeTruthy();
  });

  it('says H5 cannot log in when the API is not on the sandbox', async () => {
    vi.stubEnv('TARO_ENV', 'h5');
    answerRequests({ 'GET /api/health': live });
    render(<ProfilePage />);
    expect(await screen.findByText('网页版暂不支持登录')).toBeTruthy();
    expect(screen.queryByText('开发环境登录')).toBeNull();
  });
});

describe('the profile page, signed out in the mini-program', () => {
  it('logs in with wx.login on 微信一键登录', async () => {
    vi.stubEnv('TARO_ENV', 'weapp');
    login.mockResolvedValueOnce({ code: 'wx-code', errMsg: 'login:ok' });
    answerRequests({
      'GET /api/health': live,
      'POST /api/shopper/login': loggedIn,
      'GET /api/shopper/me': { statusCode: 200, data: { shopper: { ...shopper, nickname: '阿花' } } },
    });
    render(<ProfilePage />);
    expect(screen.queryByText('网页版暂不支持登录')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: '微信一键登录' }));
    expect(await screen.findByText('阿花')).toBeTruthy();
    expect(request).toHaveBeenCalledWith(expect.objectContaining({ url: 'http://api.test/api/shopper/login', data: { code: 'wx-code' } }));
  });

  it('explains a refused code and offers the development login beside it on the sandbox', async () => {
    vi.stubEnv('TARO_ENV', 'weapp');
    login.mockResolvedValueOnce({ code: 'real-wechat-code', errMsg: 'login:ok' });
    answerRequests({
      'GET /api/health': sandboxed,
      'POST /api/shopper/login': failure(400, 'LOGIN_CODE_INVALID', '登录凭证无效或已过期，请重新登录'),
    });
    render(<ProfilePage />);
    expect(await screen.findByText('开发环境登录')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: '微信一键登录' }));
    expect((await screen.findByRole('alert')).textContent).toBe('登录凭证无效或已过期，请重新登录');
  });
});

describe('the profile page, signed in', () => {
  it('shows the avatar and nickname and opens the addresses, the guide workbench and 我的导购', async () => {
    signIn();
    answerRequests({
      'GET /api/shopper/me': {
        statusCode: 200,
        data: { shopper: { ...shopper, nickname: '小艾', avatarUrl: 'https://cdn.example.com/a.png' } },
      },
    });
    const { container } = render(<ProfilePage />);
    expect(screen.getByText('正在加载…')).toBeTruthy();
    expect(await screen.findByText('小艾')).toBeTruthy();
    expect(container.querySelector('img')?.getAttribute('src')).toBe('https://cdn.example.com/a.png');
    fireEvent.click(screen.getByText('收货地址'));
    expect(navigateTo).toHaveBeenCalledWith({ url: '/pages/address/list/index' });
    fireEvent.click(screen.getByText('导购工作台'));
    expect(navigateTo).toHaveBeenLastCalledWith({ url: '/packages/guide/workbench/index' });
    fireEvent.click(screen.getByText('我的导购'));
    expect(navigateTo).toHaveBeenLastCalledWith({ url: '/pages/my-guide/index' });
  });

  it('opens my orders, all of them or by status', async () => {
    signIn();
    answerRequests({ 'GET /api/shopper/me': { statusCode: 200, data: { shopper } } });
    render(<ProfilePage />);
    await screen.findByText('微信用户');
    fireEvent.click(screen.getByText('全部订单 ›'));
    expect(navigateTo).toHaveBeenLastCalledWith({ url: '/pages/orders/list/index' });
    fireEvent.click(screen.getByText('待付款'));
    expect(navigateTo).toHaveBeenLastCalledWith({ url: '/pages/orders/list/index?status=pending_payment' });
    fireEvent.click(screen.getByText('退款'));
    expect(navigateTo).toHaveBeenLastCalledWith({ url: '/pages/orders/list/index?status=refund' });
  });

  it('logs out after confirming, ending the session on the API too', async () => {
    vi.stubEnv('TARO_ENV', 'h5');
    signIn();
    answerRequests({
      'GET /api/shopper/me': { statusCode: 200, data: { shopper } },
      'POST /api/shopper/logout': { statusCode: 204, data: '' },
      'GET /api/health': sandboxed,
    });
    render(<ProfilePage />);
    await screen.findByText('微信用户');

    fireEvent.click(screen.getByRole('button', { name: '退出登录' }));
    await vi.waitFor(() => expect(showModal).toHaveBeenCalled());
    expect(requested()).not.toContain('POST /api/shopper/logout');

    showModal.mockResolvedValueOnce({ confirm: true, cancel: false });
    fireEvent.click(screen.getByRole('button', { name: '退出登录' }));
    expect(await screen.findByText('开发环境登录')).toBeTruthy();
    expect(requested()).toContain('POST /api/shopper/logout');
    expect(storage.has('mall.shopper-session')).toBe(false);
  });

  it('returns to the login when the API refuses the held token', async () => {
    vi.stubEnv('TARO_ENV', 'h5');
    signIn();
    answerRequests({
      'GET /api/shopper/me': failure(401, 'UNAUTHENTICATED', '请先登录，或登录已过期'),
      'GET /api/health': sandboxed,
    });
    render(<ProfilePage />);
    expect(await screen.findByText('开发环境登录')).toBeTruthy();
    expect(storage.has('mall.shopper-session')).toBe(false);
  });
});
