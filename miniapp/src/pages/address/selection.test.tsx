import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { answerRequests } from '../../testing/api';
import { signIn } from '../../testing/orders';
import { navigateBack, router, setNavigationBarTitle } from '../../testing/taro';
import AddressListPage from './list/index';
import { useChosenAddress } from './selection';

const address = {
  id: 'd00000000000000000000002',
  recipientName: '李雷',
  phone: '13812345678',
  province: '上海市',
  city: '上海市',
  district: '浦东新区',
  detail: '张江路 1 号',
  isDefault: false,
  createdAt: '2026-11-23T00:00:00.000Z',
  updatedAt: '2026-11-23T00:00:00.000Z',
};

/** Stands in for checkout: the page listening for the chosen address while the list is open over it. */
function Listener({ onChosen }: { onChosen: (id: string) => void }) {
  useChosenAddress(onChosen);
  return null;
}

describe('choosing an address for checkout', () => {
  it('hands the tapped address to the page listening and goes back', async () => {
    signIn();
    router.params = { select: '1' };
    answerRequests({ 'GET /api/shopper/addresses': { statusCode: 200, data: { items: [address], limit: 20 } } });
    const chosen = vi.fn();
    render(
      <>
        <Listener onChosen={chosen} />
        <AddressListPage />
      </>,
    );
    expect(await screen.findByText('点击地址即可选用')).toBeTruthy();
    expect(setNavigationBarTitle).toHaveBeenCalledWith({ title: '选择收货地址' });
    fireEvent.click(screen.getByText('李雷'));
    expect(chosen).toHaveBeenCalledWith(address.id);
    expect(navigateBack).toHaveBeenCalledTimes(1);
  });

  it('does not choose in the ordinary address list', async () => {
    signIn();
    answerRequests({ 'GET /api/shopper/addresses': { statusCode: 200, data: { items: [address], limit: 20 } } });
    const chosen = vi.fn();
    render(
      <>
        <Listener onChosen={chosen} />
        <AddressListPage />
      </>,
    );
    fireEvent.click(await screen.findByText('李雷'));
    expect(screen.queryByText('点击地址即可选用')).toBeNull();
    expect(chosen).not.toHaveBeenCalled();
    expect(navigateBack).not.toHaveBeenCalled();
  });
});
