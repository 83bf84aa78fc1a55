import { Button, Text, View } from '@tarojs/components';
import { useCallback } from 'react';
import { carrierName, logisticsStateLabels, type OrderShipping } from '@mall/shared';
import { apiClient } from '../../api/client';
import { useRemoteData } from '../../api/use-remote-data';
import { formatShanghaiTime } from '../../orders/format';

import './index.scss';

/** The parcel's trace as a timeline, newest first; loads once and on 刷新. */
function LogisticsTrace({ orderNo }: { orderNo: string }) {
  const load = useCallback(async () => (await apiClient.orderLogistics(orderNo)).trace, [orderNo]);
  const trace = useRemoteData(load);
  if (trace.state === 'loading') return <Text className="shipment__note">正在查询物流…</Text>;
  if (trace.state === 'failed') {
    return (
      <View className="shipment__failed" role="alert">
        <Text className="shipment__note">{trace.error.message}</Text>
        <Button className="shipment__retry" size="mini" onClick={trace.reload}>
          重试
        </Button>
      </View>
    );
  }
  const { state, events } = trace.data;
  return (
    <View className="shipment__trace">
      <Text className="shipment__state">{logisticsStateLabels[state]}</Text>
      {events.length === 0 && <Text className="shipment__note">快递公司暂未返回物流信息，请稍后再看</Text>}
      {events.map((event, index) => (
        <View className={`shipment__event${index === 0 ? ' shipment__event--latest' : ''}`} key={`${event.at}-${index}`}>
          <Text className="shipment__description">{event.description}</Text>
          <Text className="shipment__time">{formatShanghaiTime(event.at)}</Text>
        </View>
      ))}
    </View>
  );
}

/** 物流信息: carrier, tracking number and shipping time, then the logistics trace (a shipped or later order). */
export function ShipmentSection({ orderNo, shipping }: { orderNo: string; shipping: OrderShipping }) {
  return (
    <View className="shipment">
      <Text className="shipment__title">物流信息</Text>
      <View className="shipment__row">
        <Text>{carrierName(shipping.carrier)}</Text>
        <Text selectable>{shipping.trackingNo}</Text>
      </View>
      <View className="shipment__row">
        <Text>发货时间</Text>
        <Text>{formatShanghaiTime(shipping.shippedAt)}</Text>
      </View>
      <LogisticsTrace orderNo={orderNo} />
    </View>
  );
}
