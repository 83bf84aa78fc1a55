import { Button, Text, View } from '@tarojs/components';
import Taro, { useDidShow, useRouter } from '@tarojs/taro';
import { useCallback, useEffect, useRef, useState } from 'react';
import { formatFen, orderStatusLabels, refundStatusLabels, type Order, type OrderRefund, type OrderStatusValue } from '@mall/shared';
import { AfterSaleEntry } from '../../../after-sales/entry';
import { apiClient } from '../../../api/client';
import { useRemoteData } from '../../../api/use-remote-data';
import { flag } from '../../../components/attribute';
import { FailureView } from '../../../components/failure-view';
import { OrderLineView } from '../../../components/order-line';
import { PriceBreakdown } from '../../../components/price-breakdown';
import { StatusView } from '../../../components/status-view';
import { cancelOrderConfirmed, confirmReceiptConfirmed, payFromOrderPage } from '../../../orders/actions';
import { ShipmentSection } from '../../../components/shipment';
import { formatCountdown, formatShanghaiTime, historyEventLabels, orderListUrl } from '../../../orders/format';
import { ensureSignedIn } from '../../../session';
import { AddressSummary } from '../../../components/address-summary';

import './index.scss';

/** What the banner says under the status, for states without a countdown. */
const statusNotes: Record<Exclude<OrderStatusValue, 'pending_payment'>, string> = {
  paid: '已付款，商家正在备货',
  shipped: '商家已发货，请留意收货',
  completed: '交易已完成，感谢你的购买',
  cancelled: '订单已取消',
  refunding: '退款处理中',
  refunded: '退款已完成',
};

/** The current time, ticking every second while `active`. */
function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

function StatusBanner({ order, onDeadlinePassed }: { order: Order; onDeadlinePassed: () => void }) {
  const pending = order.status === 'pending_payment';
  const now = useNow(pending);
  const remaining = Date.parse(order.payDeadline) - now;
  const overdue = pending && remaining <= 0;
  // Once the deadline passes the API cancels the order: load it again to show that.
  useEffect(() => {
    if (overdue) onDeadlinePassed();
  }, [overdue, onDeadlinePassed]);

  return (
    <View className="order-banner">
      <Text className="order-banner__status">{orderStatusLabels[order.status]}</Text>
      <Text className="order-banner__note">
        {order.status !== 'pending_payment'
          ? statusNotes[order.status]
          : overdue
            ? '支付已超时，订单即将自动取消'
            : `请在 ${formatCountdown(remaining)} 内完成支付，超时订单将自动取消`}
      </Text>
    </View>
  );
}

/** 退款记录: every refund of the order; for a cancelled order, a payment that arrived after the cancellation went back. */
function RefundsSection({ order, refunds }: { order: Order; refunds: readonly OrderRefund[] }) {
  return (
    <View className="order-section order-info">
      <Text className="order-section__title">退款记录</Text>
      {order.status === 'cancelled' && <Text className="order-refunds__note">订单取消后收到的付款已原路退回</Text>}
      {refunds.map((refund) => (
        <View className="order-info__row" key={refund.outRefundNo}>
          <Text>
            {formatFen(refund.refundFen)} · {refundStatusLabels[refund.status]}
          </Text>
          <Text>{formatShanghaiTime(refund.succeededAt ?? refund.createdAt)}</Text>
        </View>
      ))}
    </View>
  );
}

function OrderDetail({
  order,
  refunds,
  onChanged,
  onDeadlinePassed,
}: {
  order: Order;
  refunds: readonly OrderRefund[];
  onChanged: (order: Order) => void;
  onDeadlinePassed: () => void;
}) {
  const [cancelling, setCancelling] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const count = order.lines.reduce((sum, line) => sum + line.quantity, 0);
  const { address } = order;

  async function cancel() {
    setCancelling(true);
    const cancelled = await cancelOrderConfirmed(order.orderNo);
    setCancelling(false);
    if (cancelled !== null) onChanged(cancelled);
  }

  async function confirmReceipt() {
    setConfirming(true);
    const completed = await confirmReceiptConfirmed(order.orderNo);
    setConfirming(false);
    if (completed !== null) onChanged(completed);
  }

  return (
    <View className="order-detail">
      <StatusBanner order={order} onDeadlinePassed={onDeadlinePassed} />
      <View className="order-section">
        <AddressSummary address={address} />
      </View>
      {order.shipping !== null && (
        <View className="order-section">
          <ShipmentSection orderNo={order.orderNo} shipping={order.shipping} />
        </View>
      )}
      <View className="order-section">
        {order.lines.map((line) => (
          <OrderLineView
            key={line.skuId}
            title={line.title}
            specText={line.specText}
            image={line.image}
            unitPriceFen={line.unitPriceFen}
            quantity={line.quantity}
          />
        ))}
        <Text className="order-section__count">共 {count} 件</Text>
      </View>
      <View className="order-section">
        <PriceBreakdown pricing={order.pricing} payableLabel={order.payment === null ? '应付' : '实付'} />
      </View>
      {order.payment !== null && <AfterSaleEntry orderNo={order.orderNo} />}
      {refunds.length > 0 && <RefundsSection order={order} refunds={refunds} />}
      <View className="order-section order-info">
        <View className="order-info__row">
          <Text>订单号</Text>
          <Text>{order.orderNo}</Text>
        </View>
        <View className="order-info__row">
          <Text>下单时间</Text>
          <Text>{formatShanghaiTime(order.createdAt)}</Text>
        </View>
        {order.payment !== null && (
          <View className="order-info__row">
            <Text>支付时间</Text>
            <Text>{formatShanghaiTime(order.payment.paidAt)}（微信支付）</Text>
          </View>
        )}
        {order.remark !== '' && (
          <View className="order-info__row">
            <Text>订单备注</Text>
            <Text className="order-info__remark">{order.remark}</Text>
          </View>
        )}
      </View>
      <View className="order-section">
        <Text className="order-section__title">订单记录</Text>
        <View className="order-history">
          {[...order.history].reverse().map((entry, index) => (
            <View
              className={`order-history__entry${index === 0 ? ' order-history__entry--latest' : ''}`}
              key={`${entry.event}-${entry.at}`}
            >
              <Text className="order-history__event">{historyEventLabels[entry.event]}</Text>
              {entry.reason !== undefined && <Text className="order-history__reason">{entry.reason}</Text>}
              <Text className="order-history__time">{formatShanghaiTime(entry.at)}</Text>
            </View>
          ))}
        </View>
      </View>
      {order.status === 'shipped' && (
        <View className="order-detail__bar">
          <Button
            className="order-detail__action"
            size="mini"
            type="primary"
            loading={flag(confirming)}
            onClick={() => void confirmReceipt()}
          >
            确认收货
          </Button>
        </View>
      )}
      {order.status === 'pending_payment' && (
        <View className="order-detail__bar">
          <Button className="order-detail__action" size="mini" loading={flag(cancelling)} onClick={() => void cancel()}>
            取消订单
          </Button>
          <Button className="order-detail__action" size="mini" type="primary" onClick={() => void payFromOrderPage(order.orderNo)}>
            去支付
          </Button>
        </View>
      )}
    </View>
  );
}

function OrderDetailLoader({ orderNo }: { orderNo: string }) {
  const load = useCallback(async () => {
    await ensureSignedIn();
    return apiClient.order(orderNo);
  }, [orderNo]);
  const order = useRemoteData(load);
  // Back from paying: the order as it is now.
  const shownBefore = useRef(false);
  useDidShow(() => {
    if (shownBefore.current) order.reload();
    shownBefore.current = true;
  });

  switch (order.state) {
    case 'loading':
      return <StatusView state="loading" label="正在加载订单…" />;
    case 'failed':
      // Another shopper's order is not found either.
      if (order.error.code === 'NOT_FOUND')
        return <StatusView state="empty" title="找不到这个订单" description="订单不存在，或不属于当前登录的账号。" />;
      return <FailureView error={order.error} onRetry={order.reload} />;
    case 'loaded':
      return (
        <OrderDetail
          order={order.data.order}
          refunds={order.data.refunds}
          onChanged={(changed) => order.replace({ ...order.data, order: changed })}
          onDeadlinePassed={order.reload}
        />
      );
  }
}

/**
 * 订单详情 (`?orderNo=`): status with the payment countdown, address, shipping with the logistics trace, lines, amounts,
 * history; pay or cancel while unpaid, 确认收货 once shipped.
 */
export default function OrderDetailPage() {
  const { params } = useRouter();
  const orderNo = params.orderNo ?? '';
  if (!/^\d{17}$/.test(orderNo)) {
    return (
      <View>
        <StatusView state="empty" title="找不到这个订单" description="订单号不正确，请从「我的订单」进入。" />
        <Button size="mini" onClick={() => Taro.redirectTo({ url: orderListUrl() })}>
          我的订单
        </Button>
      </View>
    );
  }
  return <OrderDetailLoader orderNo={orderNo} />;
}
