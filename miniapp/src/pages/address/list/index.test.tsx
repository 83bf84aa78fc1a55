import { fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { saveShopperSession } from '../../../session/store';
import { answerRequests, requested } from '../../../testing/api';
import { navigateTo, showModal, showPageAgain } from '../../../testing/taro';
import AddressListPage from './index';

function address(id: string, recipientName: string, isDefault: boolean) {
  return {
    id: id.padStart(24, '0'),
    recipientName,
    phone: '13812345678',
    province: '上海市',
    city: '上海市',
    district: '浦东新区',
    detail: `${recipientName}的家`,
    isDefault,
    createdAt: '2026-11-23T00:00:00.000Z',
    updatedAt: '2026-11-23T00:00:00.000Z',
  };
}

const home = address('a1', '王小明', true);
const office = address('a2', '李雷', false);

function signIn(): void {
  saveShopperSession({ token: 'held-token', expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
}

function cardOf(name: string): HTMLElement {
  return screen.getByText(name).closest('.address-card') as HTMLElement;
}

describe('the address list', () => {
  it('shows the addresses with the default marked, and makes another the default', async () => {
    signIn();
    let items = [home, office];
    answerRequests({
      'GET /api/shopper/addresses': () => ({ statusCode: 200, data: { items, limit: 20 } }),
      [`POST /api/shopper/addresses/${office.id}/default`]: () => {
        items = [
          { ...office, isDefault: true },
          { ...home, isDefault: false },
        ];
        return { statusCode: 200, data: { address: items[0] } };
      },
    });
    render(<AddressListPage />);
    expect(await screen.findByText('王小明')).toBeTruthy();
    expect(within(cardOf('王小明')).getByText('默认')).toBeTruthy();
    expect(within(cardOf('王小明')).queryByRole('button', { name: '设为默认' })).toBeNull();

    fireEvent.click(within(cardOf('李雷')).getByRole('button', { name: '设为默认' }));
    await vi.waitFor(() => expect(within(cardOf('李雷')).queryByText('默认')).toBeTruthy());
    expect(within(cardOf('王小明')).queryByText('默认')).toBeNull();
  });

  it('deletes an address after confirming, and opens the form to edit or add', async () => {
    signIn();
    answerRequests({
      'GET /api/shopper/addresses': { statusCode: 200, data: { items: [home, office], limit: 20 } },
      [`DELETE /api/shopper/addresses/${office.id}`]: { statusCode: 204, data: '' },
    });
    render(<AddressListPage />);
    await screen.findByText('李雷');

    fireEvent.click(within(cardOf('李雷')).getByRole('button', { name: '编辑' }));
    expect(navigateTo).toHaveBeenCalledWith({ url: `/pages/address/edit/index?id=${office.id}` });
    fireEvent.click(screen.getByRole('button', { name: '新增收货地址' }));
    expect(navigateTo).toHaveBeenLastCalledWith({ url: '/pages/address/edit/index' });

    showModal.mockResolvedValueOnce({ confirm: true, cancel: false });
    fireEvent.click(within(cardOf('李雷')).getByRole('button', { name: '删除' }));
    await vi.waitFor(() => expect(requested()).toContain(`DELETE /api/shopper/addresses/${office.id}`));
    await vi.waitFor(() => expect(requested().filter((call) => call === 'GET /api/shopper/addresses')).toHaveLength(2));
  });

  it('loads again when shown again (back from the form)', async () => {
    signIn();
    answerRequests({ 'GET /api/shopper/addresses': { statusCode: 200, data: { items: [], limit: 20 } } });
    render(<AddressListPage />);
    expect(await screen.findByText('还没有收货地址')).toBeTruthy();
    showPageAgain();
    await vi.waitFor(() => expect(requested()).toEqual(['GET /api/shopper/addresses', 'GET /api/shopper/addresses']));
  });

  it('stops adding at the limit', async () => {
    signIn();
    answerRequests({ 'GET /api/shopper/addresses': { statusCode: 200, data: { items: [home, office], limit: 2 } } });
    render(<AddressListPage />);
    expect(await screen.findByText('最多保存 2 个收货地址，请先删除不用的地址')).toBeTruthy();
    expect((screen.getByRole('button', { name: '新增收货地址' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('asks an H5 shopper who is signed out to log in first', async () => {
    vi.stubEnv('TARO_ENV', 'h5');
    render(<AddressListPage />);
    expect(await screen.findByText('请先在「我的」页登录')).toBeTruthy();
    expect(requested()).toEqual([]);
  });
});
