import { Text, View } from '@tarojs/components';
import type { AddressFields } from '@mall/shared';
import type { ReactNode } from 'react';

import './index.scss';

export interface AddressSummaryProps {
  address: AddressFields;
  /** Beside the name and phone, e.g. the 默认 tag. */
  badge?: ReactNode;
}

/** Recipient, phone and the full address, as the address list, checkout and an order show a delivery address. */
export function AddressSummary({ address, badge }: AddressSummaryProps) {
  return (
    <View className="address-summary">
      <View className="address-summary__who">
        <Text className="address-summary__name">{address.recipientName}</Text>
        <Text className="address-summary__phone">{address.phone}</Text>
        {badge}
      </View>
      <Text className="address-summary__where">
        {address.province} {address.city} {address.district} {address.detail}
      </Text>
    </View>
  );
}
