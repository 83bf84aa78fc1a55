import { fireEvent, render, screen } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { saveShopperSession } from '../../../session/store';
import { answerRequests, failure, requested } from '../../../testing/api';
import { storedAddress } from '../../../testing/orders';
import { navigateBack, request, router, setNavigationBarTitle, showModal } from '../../../testing/taro';
import AddressEditPage from './index';

const saved = storedAddress;

beforeEach(() => {
  saveShopperSession({ token: 'held-token', expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
});

function fill(placeholder: string, value: string): void {
  fireEvent.change(screen.getByPlaceholderText(placeholder), { target: { value } });
}

function fillAll(): void {
  fill('收货人姓名', ' 李雷 ');
  fill('11 位手机号', '15900001111');
  fill('如：广东省', '广东省');
  fill('如：深圳市', '深圳市');
  fill('如：南山区', '南山区');
  fill('街道、楼栋、门牌号', '科技园 1 号');
}

describe('the new address form', () => {
  it('says in Chinese what each empty field needs, sending nothing', async () => {
    render(<AddressEditPage />);
    expect(setNavigationBarTitle).toHaveBeenCalledWith({ title: '新增收货地址' });
    fireEvent.click(screen.getByRole('button', { name: '保存' }));
    for (const message of ['请填写收货人', '请填写正确的 11 位手机号', '请填写省份', '请填写城市', '请填写区县', '请填写详细地址']) {
      expect(screen.getByText(message)).toBeTruthy();
    }
    expect(request).not.toHaveBeenCalled();
  });

  it.each([
    ['a landline', '02112345678'],
    ['ten digits', '1381234567'],
    ['a number starting 12', '12812345678'],
  ])('refuses %s as the phone', async (_case, phone) => {
    render(<AddressEditPage />);
    fillAll();
    fill('11 位手机号', phone);
    fireEvent.click(screen.getByRole('button', { name: '保存' }));
    expect(screen.getByText('请填写正确的 11 位手机号')).toBeTruthy();
    expect(screen.queryByText('请填写收货人')).toBeNull();
    expect(request).not.toHaveBeenCalled();
  });

  it('creates the address, as the default when switched on, and goes back', async () => {
    answerRequests({ 'POST /api/shopper/addresses': { statusCode: 201, data: { address: { ...saved, isDefault: true } } } });
    render(<AddressEditPage />);
    fillAll();
    fireEvent.click(screen.getByRole('switch'));
    fireEvent.click(screen.getByRole('button', { name: '保存' }));
    await vi.waitFor(() => expect(navigateBack).toHaveBeenCalled());
    expect(request.mock.calls[0]?.[0].data).toEqual({
      recipientName: ' 李雷 ',
      phone: '15900001111',
      province: '广东省',
      city: '深圳市',
      district: '南山区',
      detail: '科技园 1 号',
      isDefault: true,
    });
  });

  it("shows the API's message when it refuses, staying on the form", async () => {
    answerRequests({
      'POST /api/shopper/addresses': failure(409, 'ADDRESS_LIMIT_REACHED', '收货地址最多保存 20 个，请先删除不用的地址'),
    });
    render(<AddressEditPage />);
    fillAll();
    fireEvent.click(screen.getByRole('button', { name: '保存' }));
    expect((await screen.findByRole('alert')).textContent).toBe('收货地址最多保存 20 个，请先删除不用的地址');
    expect(navigateBack).not.toHaveBeenCalled();
    expect((screen.getByRole('button', { name: '保存' }) as HTMLButtonElement).disabled).toBe(false);
  });
});

describe('editing an address', () => {
  beforeEach(() => {
    router.params = { id: saved.id };
  });

  it('loads it into the form; the default cannot be switched off here', async () => {
    answerRequests({
      [`GET /api/shopper/addresses/${saved.id}`]: { statusCode: 200, data: { address: saved } },
      [`PUT /api/shopper/addresses/${saved.id}`]: (option) => ({
        statusCode: 200,
        data: { address: { ...saved, ...(option.data as object) } },
      }),
    });
    render(<AddressEditPage />);
    expect(setNavigationBarTitle).toHaveBeenCalledWith({ title: '编辑收货地址' });
    expect(((await screen.findByPlaceholderText('收货人姓名')) as HTMLInputElement).value).toBe('王小明');
    const toggle = screen.getByRole('switch') as HTMLInputElement;
    expect(toggle.checked).toBe(true);
    expect(toggle.disabled).toBe(true);
    expect(screen.getByText('这是默认地址；将其他地址设为默认即可更换。')).toBeTruthy();

    fill('街道、楼栋、门牌号', '张江路 1 号');
    fireEvent.click(screen.getByRole('button', { name: '保存' }));
    await vi.waitFor(() => expect(navigateBack).toHaveBeenCalled());
    expect(request.mock.calls[1]?.[0]).toMatchObject({
      method: 'PUT',
      data: expect.objectContaining({ detail: '张江路 1 号', isDefault: true }),
    });
  });

  it('deletes it only after the shopper confirms', async () => {
    answerRequests({
      [`GET /api/shopper/addresses/${saved.id}`]: { statusCode: 200, data: { address: saved } },
      [`DELETE /api/shopper/addresses/${saved.id}`]: { statusCode: 204, data: '' },
    });
    render(<AddressEditPage />);
    fireEvent.click(await screen.findByRole('button', { name: '删除地址' }));
    await vi.waitFor(() => expect(showModal).toHaveBeenCalledTimes(1));
    expect(requested()).not.toContain(`DELETE /api/shopper/addresses/${saved.id}`);

    showModal.mockResolvedValueOnce({ confirm: true, cancel: false });
    fireEvent.click(screen.getByRole('button', { name: '删除地址' }));
    await vi.waitFor(() => expect(navigateBack).toHaveBeenCalled());
    expect(requested()).toContain(`DELETE /api/shopper/addresses/${saved.id}`);
  });

  it("says so when the address is not the shopper's (or gone)", async () => {
    answerRequests({ [`GET /api/shopper/addresses/${saved.id}`]: failure(404, 'NOT_FOUND', '收货地址不存在') });
    render(<AddressEditPage />);
    expect(await screen.findByText('收货地址不存在')).toBeTruthy();
    expect(screen.queryByRole('button', { name: '保存' })).toBeNull();
  });
});
