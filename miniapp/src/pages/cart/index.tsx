import { View } from '@tarojs/components';
import { StatusView } from '../../components/status-view';

/** 购物车: arrives with the shopping and ordering issues. */
export default function CartPage() {
  return (
    <View>
      <StatusView state="empty" title="购物车即将开放" description="加入购物车、结算和微信支付随购物与下单功能上线。" />
    </View>
  );
}
