import { Image, Text, View } from '@tarojs/components';
import { formatFen, type PreviewLine, type StoredImage } from '@mall/shared';
import type { ReactNode } from 'react';
import { apiClient } from '../../api/client';
import { lineProblemText } from '../../checkout/line-problem';

import './index.scss';

export interface OrderLineViewProps {
  title: string;
  specText: string;
  image: StoredImage | null;
  unitPriceFen: number;
  quantity: number;
  /** Greys the line out: it cannot be bought as it is. */
  unavailable?: boolean;
  /** Tapping the image or the title: e.g. open the product. */
  onOpen?: () => void;
  /** Below the price: why the line cannot be bought, a stepper, … */
  children?: ReactNode;
}

/** One product line (image, title, spec, price × quantity) as checkout and the orders show it. */
export function OrderLineView({
  title,
  specText,
  image,
  unitPriceFen,
  quantity,
  unavailable = false,
  onOpen,
  children,
}: OrderLineViewProps) {
  return (
    <View className={`order-line${unavailable ? ' order-line--unavailable' : ''}`}>
      {image ? (
        <Image className="order-line__image" src={apiClient.imageUrl(image)} mode="aspectFill" onClick={onOpen} />
      ) : (
        <View className="order-line__image order-line__image--none" onClick={onOpen} />
      )}
      <View className="order-line__body">
        <Text className="order-line__title" onClick={onOpen}>
          {title}
        </Text>
        {specText !== '' && <Text className="order-line__spec">{specText}</Text>}
        <View className="order-line__price-row">
          <Text className="order-line__price">{formatFen(unitPriceFen)}</Text>
          <Text className="order-line__quantity">×{quantity}</Text>
        </View>
        {children}
      </View>
    </View>
  );
}

/** A line priced for buying it now (确认订单, a guide's shared cart): greyed out, saying why, when it cannot be bought. */
export function PurchaseLineView({ line, problemClassName }: { line: PreviewLine; problemClassName: string }) {
  const problem = lineProblemText(line);
  return (
    <OrderLineView
      title={line.title}
      specText={line.specText}
      image={line.image}
      unitPriceFen={line.unitPriceFen}
      quantity={line.quantity}
      unavailable={problem !== null}
    >
      {problem !== null && <Text className={problemClassName}>{problem}</Text>}
    </OrderLineView>
  );
}
