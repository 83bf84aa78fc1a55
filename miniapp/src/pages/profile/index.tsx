import { View } from '@tarojs/components';
import { StatusView } from '../../components/status-view';

/** 我的: arrives with the member and ordering issues. */
export default function ProfilePage() {
  return (
    <View>
      <StatusView state="empty" title="个人中心即将开放" description="微信登录、我的订单、优惠券和你的专属导购随会员与下单功能上线。" />
    </View>
  );
}
