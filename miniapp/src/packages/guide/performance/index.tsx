import { Button, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useCallback, useState } from 'react';
import {
  asApiError,
  formatFen,
  monthLabel,
  orderStatusLabels,
  shanghaiBusinessDay,
  shiftMonth,
  type GuideOrder,
  type GuideOrderPage,
  type MyPerformanceReply,
  type PerformanceFigures,
} from '@mall/shared';
import { apiClient } from '../../../api/client';
import { useRemoteData } from '../../../api/use-remote-data';
import { flag } from '../../../components/attribute';
import { LoadMoreButton } from '../../../components/load-more';
import { FailureView } from '../../../components/failure-view';
import { StatusView } from '../../../components/status-view';
import { ensureSignedIn } from '../../../session';
import { GuideFailureView } from '../guide-failure-view';

import './index.scss';

const ORDER_PAGE_SIZE = 10;

const smallFigures: { label: string; text: (figures: PerformanceFigures) => string }[] = [
  { label: '支付金额', text: (figures) => formatFen(figures.paidGmvFen) },
  { label: '支付订单', text: (figures) => String(figures.paidOrders) },
  { label: '退款金额', text: (figures) => formatFen(figures.refundedFen) },
  { label: '客户数', text: (figures) => String(figures.customers) },
  { label: '新客数', text: (figures) => String(figures.newCustomers) },
  { label: '企微加好友', text: (figures) => String(figures.wecomAdds) },
  { label: '提成', text: (figures) => formatFen(figures.commissionFen) },
];

function Figures({ reply }: { reply: MyPerformanceReply }) {
  const { figures, rank } = reply;
  const activeDays = reply.days.filter((day) => day.figures.paidOrders > 0 || day.figures.refundedFen > 0);
  return (
    <View className="guide-performance__card">
      <Text className="guide-performance__label">净销售额（支付 − 退款）</Text>
      <Text className="guide-performance__net">{formatFen(figures.netGmvFen)}</Text>
      <View className="guide-performance__ranks">
        <Text>
          门店排名 第 {rank.store.rank} 名 / 共 {rank.store.of} 人
        </Text>
        <Text>
          全部导购 第 {rank.all.rank} 名 / 共 {rank.all.of} 人
        </Text>
      </View>
      <View className="guide-performance__grid">
        {smallFigures.map((figure) => (
          <View key={figure.label} className="guide-performance__figure">
            <Text className="guide-performance__figure-value">{figure.text(figures)}</Text>
            <Text className="guide-performance__label">{figure.label}</Text>
          </View>
        ))}
      </View>
      {activeDays.length > 0 && (
        <View className="guide-performance__days">
          {activeDays.map((day) => (
            <View key={day.day} className="guide-performance__day">
              <Text>{day.day.slice(5)}</Text>
              <Text>{day.figures.paidOrders} 单</Text>
              <Text>{formatFen(day.figures.netGmvFen)}</Text>
            </View>
          ))}
        </View>
      )}
    </View>
  );
}

function OrderRow({ order }: { order: GuideOrder }) {
  return (
    <View className="guide-performance__order">
      <View className="guide-performance__order-head">
        <Text className="guide-performance__order-no">{order.orderNo}</Text>
        <Text className="guide-performance__order-status">{orderStatusLabels[order.status]}</Text>
      </View>
      <Text className="guide-performance__order-items">{order.itemSummary}</Text>
      <View className="guide-performance__order-foot">
        <Text>
          {order.customerName}
          {order.newCustomer && <Text className="guide-performance__new">新客</Text>}
        </Text>
        <Text>实付 {formatFen(order.payableFen)}</Text>
      </View>
      <View className="guide-performance__order-foot">
        <Text className="guide-performance__label">{order.refundedFen > 0 ? `已退款 ${formatFen(order.refundedFen)}` : ''}</Text>
        <Text className="guide-performance__commission">
          {order.commissionFen === null ? '未支付' : `提成 ${formatFen(order.commissionFen)}`}
        </Text>
      </View>
    </View>
  );
}

const loadFirstOrders = async (): Promise<GuideOrderPage> => {
  await ensureSignedIn();
  return apiClient.myGuideOrders({ page: 1, pageSize: ORDER_PAGE_SIZE });
};

/** 我的订单: orders attributed to the guide, newest first, ten at a time. */
function MyOrders() {
  const orders = useRemoteData(loadFirstOrders);
  const [loadingMore, setLoadingMore] = useState(false);

  if (orders.state === 'loading') return <StatusView state="loading" label="正在加载我的订单…" />;
  if (orders.state === 'failed') return <FailureView error={orders.error} onRetry={orders.reload} />;
  const { items, total, page } = orders.data;

  async function loadMore() {
    setLoadingMore(true);
    try {
      const next = await apiClient.myGuideOrders({ page: page + 1, pageSize: ORDER_PAGE_SIZE });
      orders.replace({ ...next, items: [...items, ...next.items] });
    } catch (caught) {
      void Taro.showToast({ title: asApiError(caught).message, icon: 'none' });
    } finally {
      setLoadingMore(false);
    }
  }

  return (
    <View className="guide-performance__orders">
      <Text className="guide-performance__heading">我的订单（{total}）</Text>
      {items.length === 0 ? (
        <StatusView state="empty" title="还没有订单" description="顾客通过你的小店、分享或海报下单后会显示在这里。" />
      ) : (
        items.map((order) => <OrderRow key={order.orderNo} order={order} />)
      )}
      {items.length < total && <LoadMoreButton className="guide-performance__more" loading={loadingMore} onLoad={loadMore} />}
    </View>
  );
}

/** 我的业绩: the guide's month (this month first) — net sales, figures, rank in the store and overall — and their orders. */
export default function GuidePerformancePage() {
  const thisMonth = shanghaiBusinessDay(new Date()).slice(0, 7);
  const [month, setMonth] = useState(thisMonth);
  const load = useCallback(async () => {
    await ensureSignedIn();
    return apiClient.myGuidePerformance(month);
  }, [month]);
  const performance = useRemoteData(load);

  if (performance.state === 'loading') return <StatusView state="loading" label="正在加载我的业绩…" />;
  if (performance.state === 'failed') return <GuideFailureView error={performance.error} onRetry={performance.reload} purpose="查看业绩" />;

  return (
    <View className="guide-performance">
      <View className="guide-performance__months">
        <Button size="mini" disabled={flag(performance.refreshing)} onClick={() => setMonth(shiftMonth(month, -1))}>
          上个月
        </Button>
        <Text className="guide-performance__month">{monthLabel(performance.data.month)}</Text>
        <Button size="mini" disabled={flag(performance.refreshing || month >= thisMonth)} onClick={() => setMonth(shiftMonth(month, 1))}>
          下个月
        </Button>
      </View>
      <Figures reply={performance.data} />
      <MyOrders />
    </View>
  );
}
