import { Text, View } from '@tarojs/components';
import { formatFen } from '@mall/shared';
import type { ReactNode } from 'react';
import { partClass } from '../part-class';

/**
 * The bar fixed to the bottom of 确认订单 and of a guide's shared cart: why the shopper cannot go on (when they cannot),
 * `label` and the amount, then the button (`children`). `className` is styled with the `checkout-bar` mixin
 * (styles/_checkout-bar.scss), which names the parts as partClass does.
 */
export function CheckoutBar({
  className,
  notice,
  label,
  amountFen,
  children,
}: {
  className: string;
  notice: string | null;
  label: string;
  amountFen: number;
  children: ReactNode;
}) {
  return (
    <View className={className}>
      {notice !== null && (
        <View className={partClass(className, 'notice')} role="alert">
          {notice}
        </View>
      )}
      <View className={partClass(className, 'row')}>
        <Text className={partClass(className, 'label')}>{label}</Text>
        <Text className={partClass(className, 'amount')}>{formatFen(amountFen)}</Text>
        {children}
      </View>
    </View>
  );
}
