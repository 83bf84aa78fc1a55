import { Button, Text, View } from '@tarojs/components';
import Taro, { useDidShow, useRouter } from '@tarojs/taro';
import { useEffect, useRef } from 'react';
import { asApiError, type Address } from '@mall/shared';
import { apiClient } from '../../../api/client';
import { useApiData } from '../../../api/use-api-data';
import { flag } from '../../../components/attribute';
import { StatusView } from '../../../components/status-view';
import { ensureSignedIn } from '../../../session';
import { announceChosenAddress } from '../selection';
import { AddressSummary } from '../../../components/address-summary';

import './index.scss';

const loadAddresses = async () => {
  await ensureSignedIn();
  return apiClient.addresses();
};

const EDIT_PAGE = '/pages/address/edit/index';

function showFailure(caught: unknown) {
  void Taro.showToast({ title: asApiError(caught).message, icon: 'none' });
}

/** `onChoose`: in selection mode (checkout choosing where to deliver), tapping the address chooses it. */
function AddressCard({ address, onChanged, onChoose }: { address: Address; onChanged: () => void; onChoose?: () => void }) {
  async function makeDefault() {
    try {
      await apiClient.setDefaultAddress(address.id);
      onChanged();
    } catch (caught) {
      showFailure(caught);
    }
  }

  async function remove() {
    const { confirm } = await Taro.showModal({ title: '删除收货地址', content: `确定删除「${address.recipientName}」的这个地址吗？` });
    if (!confirm) return;
    try {
      await apiClient.deleteAddress(address.id);
      onChanged();
    } catch (caught) {
      showFailure(caught);
    }
  }

  return (
    <View className="address-card">
      <View className="address-card__info" role={onChoose ? 'button' : undefined} onClick={onChoose}>
        <AddressSummary address={address} badge={address.isDefault && <Text className="address-card__default">默认</Text>} />
      </View>
      <View className="address-card__actions">
        {!address.isDefault && (
          <Button className="address-card__action" size="mini" onClick={makeDefault}>
            设为默认
          </Button>
        )}
        <Button className="address-card__action" size="mini" onClick={() => Taro.navigateTo({ url: `${EDIT_PAGE}?id=${address.id}` })}>
          编辑
        </Button>
        <Button className="address-card__action" size="mini" onClick={remove}>
          删除
        </Button>
      </View>
    </View>
  );
}

/**
 * 收货地址: the shopper's addresses, the default first; add, edit, delete, choose the default. With `?select=1`
 * (opened by checkout) tapping an address chooses it for the order and goes back.
 */
export default function AddressListPage() {
  const selecting = useRouter().params.select === '1';
  const addresses = useApiData(loadAddresses);
  useEffect(() => {
    if (selecting) void Taro.setNavigationBarTitle({ title: '选择收货地址' });
  }, [selecting]);

  function choose(address: Address) {
    announceChosenAddress(address.id);
    void Taro.navigateBack();
  }

  // The list is loaded on mount; coming back from the edit page shows it again, changed.
  const shownBefore = useRef(false);
  useDidShow(() => {
    if (shownBefore.current) addresses.reload();
    shownBefore.current = true;
  });

  switch (addresses.state) {
    case 'loading':
      return <StatusView state="loading" label="正在加载收货地址…" />;
    case 'failed':
      return <StatusView state="error" message={addresses.error.message} onRetry={addresses.reload} />;
    case 'loaded': {
      const { items, limit } = addresses.data;
      const full = items.length >= limit;
      return (
        <View className="address-list">
          {selecting && items.length > 0 && <Text className="address-list__hint">点击地址即可选用</Text>}
          {items.length === 0 ? (
            <StatusView state="empty" title="还没有收货地址" description="添加一个收货地址，下单时直接选用。" />
          ) : (
            items.map((address) => (
              <AddressCard
                key={address.id}
                address={address}
                onChanged={addresses.reload}
                onChoose={selecting ? () => choose(address) : undefined}
              />
            ))
          )}
          <View className="address-list__footer">
            {full && <Text className="address-list__full">最多保存 {limit} 个收货地址，请先删除不用的地址</Text>}
            <Button type="primary" disabled={flag(full)} onClick={() => Taro.navigateTo({ url: EDIT_PAGE })}>
              新增收货地址
            </Button>
          </View>
        </View>
      );
    }
  }
}
