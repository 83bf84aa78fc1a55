import { Button, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { useCallback, useRef } from 'react';
import { apiClient } from '../api/client';
import { useApiData } from '../api/use-api-data';
import { afterSaleDetailUrl, afterSaleRequestUrl } from './format';

import './entry.scss';

/**
 * The order detail's after-sales buttons: 申请售后 while the API says a request can be made, 查看售后 for the
 * order's latest request. Nothing while loading or when it cannot be read (the order page itself still works).
 */
export function AfterSaleEntry({ orderNo }: { orderNo: string }) {
  const load = useCallback(() => apiClient.orderAfterSales(orderNo), [orderNo]);
  const afterSales = useApiData(load);
  // Back from the request page: a request may have been made.
  const shownBefore = useRef(false);
  useDidShow(() => {
    if (shownBefore.current) afterSales.reload();
    shownBefore.current = true;
  });
  if (afterSales.state !== 'loaded') return null;
  const { blockedBy, items } = afterSales.data;
  const [latest] = items;
  if (blockedBy !== null && latest === undefined) return null;
  return (
    <View className="after-sale-entry">
      {latest !== undefined && (
        <Button
          className="after-sale-entry__button"
          size="mini"
          onClick={() => void Taro.navigateTo({ url: afterSaleDetailUrl(latest.afterSaleNo) })}
        >
          查看售后
        </Button>
      )}
      {blockedBy === null && (
        <Button
          className="after-sale-entry__button"
          size="mini"
          onClick={() => void Taro.navigateTo({ url: afterSaleRequestUrl(orderNo) })}
        >
          申请售后
        </Button>
      )}
    </View>
  );
}
