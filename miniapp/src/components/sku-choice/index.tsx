import { Button, Text, View } from '@tarojs/components';
import type { StorefrontProduct } from '@mall/shared';
import type { Dispatch, SetStateAction } from 'react';
import { clampQuantity, toggleValue, valueAvailable, type SpecSelection } from '../../catalog/sku-picker';
import { flag } from '../attribute';
import { partClass } from '../part-class';

// Choosing a SKU and a quantity, on the product page and in a guide's 代客下单; each page styles the parts of
// the `className` it gives (see partClass).

/** Each spec's values to tap: the chosen one marked, one with no stock left beside the other choices disabled. */
export function SpecChoices({
  className,
  product,
  selection,
  onChange,
}: {
  className: string;
  product: StorefrontProduct;
  selection: SpecSelection;
  onChange: Dispatch<SetStateAction<SpecSelection>>;
}) {
  const valueClass = partClass(className, 'value');
  return product.specs.map((spec, specIndex) => (
    <View key={spec.name} className={className}>
      <Text className={partClass(className, 'name')}>{spec.name}</Text>
      <View className={partClass(className, 'values')}>
        {spec.values.map((value) => {
          const possible = valueAvailable(product, selection, specIndex, value);
          const chosen = selection[specIndex] === value;
          return (
            <View
              key={value}
              role="button"
              aria-pressed={chosen}
              aria-disabled={!possible && !chosen}
              className={`${valueClass}${chosen ? ` ${valueClass}--chosen` : ''}${!possible && !chosen ? ` ${valueClass}--disabled` : ''}`}
              onClick={() => (possible || chosen) && onChange((current) => toggleValue(current, specIndex, value))}
            >
              {value}
            </View>
          );
        })}
      </View>
    </View>
  ));
}

/** − quantity +, kept within 1 and `most`; `disabled` holds both buttons (no SKU chosen yet). */
export function QuantityStepper({
  className,
  quantity,
  most,
  disabled = false,
  onChange,
}: {
  className: string;
  quantity: number;
  most: number;
  disabled?: boolean;
  onChange(quantity: number): void;
}) {
  const buttonClass = partClass(className, 'button');
  return (
    <View className={className}>
      <Button
        className={buttonClass}
        size="mini"
        aria-label="减少数量"
        disabled={flag(disabled || quantity <= 1)}
        onClick={() => onChange(clampQuantity(quantity - 1, most))}
      >
        −
      </Button>
      <Text className={partClass(className, 'value')} aria-label="数量">
        {quantity}
      </Text>
      <Button
        className={buttonClass}
        size="mini"
        aria-label="增加数量"
        disabled={flag(disabled || quantity >= most)}
        onClick={() => onChange(clampQuantity(quantity + 1, most))}
      >
        +
      </Button>
    </View>
  );
}
