import { Text, View } from '@tarojs/components';
import { formatFen, type OrderPricing } from '@mall/shared';

import './index.scss';

/** Items total, each discount with its reason, shipping fee and the amount to pay, as the server priced them. */
export function PriceBreakdown({ pricing, payableLabel }: { pricing: OrderPricing; payableLabel: string }) {
  return (
    <View className="price-breakdown">
      <View className="price-breakdown__row">
        <Text>商品金额</Text>
        <Text>{formatFen(pricing.itemsTotalFen)}</Text>
      </View>
      {pricing.discounts.map((discount, index) => (
        <View className="price-breakdown__row price-breakdown__row--discount" key={`${discount.calculator}-${index}`}>
          <Text>{discount.reason}</Text>
          <Text>-{formatFen(discount.amountFen)}</Text>
        </View>
      ))}
      <View className="price-breakdown__row">
        <Text>运费</Text>
        <Text>{pricing.shippingFeeFen === 0 ? '免运费' : formatFen(pricing.shippingFeeFen)}</Text>
      </View>
      <View className="price-breakdown__row price-breakdown__row--payable">
        <Text>{payableLabel}</Text>
        <Text className="price-breakdown__payable">{formatFen(pricing.payableFen)}</Text>
      </View>
    </View>
  );
}
