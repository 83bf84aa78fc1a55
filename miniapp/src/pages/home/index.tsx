import { Text, View } from '@tarojs/components';
import type { HealthReply } from '@mall/shared';
import { apiClient } from '../../api/client';
import { useApiData } from '../../api/use-api-data';
import { StatusView } from '../../components/status-view';

import './index.scss';

const loadHealth = () => apiClient.health();

const databaseModeLabels: Record<HealthReply['db']['mode'], string> = {
  embedded: '内置开发数据库',
  mongodb: 'MongoDB',
};

function ServiceStatus() {
  const health = useApiData(loadHealth);
  switch (health.state) {
    case 'loading':
      return <StatusView state="loading" label="正在连接服务…" />;
    case 'failed':
      return <StatusView state="error" message={health.error.message} onRetry={health.reload} />;
    case 'loaded':
      return (
        <View className="home-status">
          <Text className="home-status__headline">服务正常</Text>
          <Text className="home-status__detail">
            版本 {health.data.version} · {databaseModeLabels[health.data.db.mode]}
            {health.data.sandbox ? ' · 沙箱环境（微信支付与企业微信为本地模拟）' : ''}
          </Text>
        </View>
      );
  }
}

/** 首页: the shop's header, the service's status, and the catalog (which arrives with the shopping issue). */
export default function HomePage() {
  return (
    <View className="home">
      <View className="home-header">
        <Text className="home-header__name">导购商城</Text>
        <Text className="home-header__tagline">你的专属导购，随时为你服务</Text>
      </View>
      <View className="home-section">
        <Text className="home-section__title">服务状态</Text>
        <ServiceStatus />
      </View>
      <View className="home-section">
        <Text className="home-section__title">商品</Text>
        <StatusView state="empty" title="商品即将上架" description="商品浏览、搜索与下单随购物功能上线。" />
      </View>
    </View>
  );
}
