import { Button, Text, View } from '@tarojs/components';
import Taro, { useDidShow, usePullDownRefresh, useReachBottom, useRouter } from '@tarojs/taro';
import { useCallback, useEffect, useRef, useState } from 'react';
import {
  asApiError,
  formatFen,
  orderStatusLabels,
  orderListFilters,
  type ApiError,
  type OrderListFilter,
  type OrderListReply,
} from '@mall/shared';
import { apiClient } from '../../../api/client';
import { FailureView } from '../../../components/failure-view';
import { OrderLineView } from '../../../components/order-line';
import { StatusView } from '../../../components/status-view';
import { cancelOrderConfirmed, confirmReceiptConfirmed, payFromOrderPage } from '../../../orders/actions';
import { orderDetailUrl, orderTabs } from '../../../orders/format';
import { ensureSignedIn } from '../../../session';

import './index.scss';

export const ORDER_PAGE_SIZE = 10;

type ListedOrder = OrderListReply['items'][number];

type OrderPages =
  | { state: 'loading' }
  | { state: 'failed'; error: ApiError }
  | { state: 'loaded'; items: ListedOrder[]; total: number; page: number; loadingMore: boolean; moreError: string | null };

function isOrderListFilter(value: string | undefined): value is OrderListFilter {
  return (orderListFilters as readonly (string | undefined)[]).includes(value);
}

/** The orders with `status` (all when undefined), a page at a time, newest first. */
function useOrderPages(status: OrderListFilter | undefined) {
  const [pages, setPages] = useState<OrderPages>({ state: 'loading' });
  // Answers to an earlier tab or an earlier refresh are dropped.
  const generation = useRef(0);

  const fetchPage = useCallback(
    async (page: number) => {
      await ensureSignedIn();
      return apiClient.orders({ page, pageSize: ORDER_PAGE_SIZE, ...(status === undefined ? {} : { status }) });
    },
    [status],
  );

  /** Page 1 again; what is on screen stays there meanwhile. */
  const refresh = useCallback(async () => {
    const current = ++generation.current;
    try {
      const reply = await fetchPage(1);
      if (current === generation.current) {
        setPages({ state: 'loaded', items: reply.items, total: reply.total, page: 1, loadingMore: false, moreError: null });
      }
    } catch (caught) {
      if (current === generation.current) setPages({ state: 'failed', error: asApiError(caught) });
    }
  }, [fetchPage]);

  const reload = useCallback(() => {
    setPages({ state: 'loading' });
    void refresh();
  }, [refresh]);

  useEffect(reload, [reload]);

  const hasMore = pages.state === 'loaded' && pages.items.length < pages.total;

  async function loadMore() {
    if (pages.state !== 'loaded' || !hasMore || pages.loadingMore) return;
    const current = generation.current;
    setPages({ ...pages, loadingMore: true, moreError: null });
    try {
      const reply = await fetchPage(pages.page + 1);
      if (current !== generation.current) return;
      setPages((previous) => {
        if (previous.state !== 'loaded') return previous;
        // Orders placed meanwhile push older ones down a page: skip any already shown.
        const shown = new Set(previous.items.map((order) => order.orderNo));
        const items = [...previous.items, ...reply.items.filter((order) => !shown.has(order.orderNo))];
        return { state: 'loaded', items, total: reply.total, page: reply.page, loadingMore: false, moreError: null };
      });
    } catch (caught) {
      if (current !== generation.current) return;
      const message = asApiError(caught).message;
      setPages((previous) => (previous.state === 'loaded' ? { ...previous, loadingMore: false, moreError: message } : previous));
    }
  }

  /** An order changed on this page (cancelled): shown changed, or dropped when the tab no longer lists it. */
  function update(order: ListedOrder) {
    setPages((previous) => {
      if (previous.state !== 'loaded') return previous;
      if (status !== undefined && order.status !== status) {
        return { ...previous, items: previous.items.filter((item) => item.orderNo !== order.orderNo), total: previous.total - 1 };
      }
      return { ...previous, items: previous.items.map((item) => (item.orderNo === order.orderNo ? order : item)) };
    });
  }

  return { pages, hasMore, refresh, reload, loadMore, update };
}

function OrderCard({ order, onChanged }: { order: ListedOrder; onChanged: (order: ListedOrder) => void }) {
  const count = order.lines.reduce((sum, line) => sum + line.quantity, 0);
  const openDetail = () => Taro.navigateTo({ url: orderDetailUrl(order.orderNo) });

  async function cancel() {
    const cancelled = await cancelOrderConfirmed(order.orderNo);
    if (cancelled !== null) onChanged(cancelled);
  }

  async function confirmReceipt() {
    const completed = await confirmReceiptConfirmed(order.orderNo);
    if (completed !== null) onChanged(completed);
  }

  return (
    <View className="order-card">
      <View className="order-card__head" onClick={openDetail}>
        <Text className="order-card__no">订单号 {order.orderNo}</Text>
        <Text className="order-card__status">{orderStatusLabels[order.status]}</Text>
      </View>
      <View onClick={openDetail}>
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
      </View>
      <View className="order-card__sum">
        <Text>
          共 {count} 件，{order.status === 'pending_payment' ? '应付' : '实付'}
        </Text>
        <Text className="order-card__payable">{formatFen(order.pricing.payableFen)}</Text>
      </View>
      {order.status === 'pending_payment' && (
        <View className="order-card__actions">
          <Button className="order-card__action" size="mini" onClick={() => void cancel()}>
            取消订单
          </Button>
          <Button className="order-card__action" size="mini" type="primary" onClick={() => void payFromOrderPage(order.orderNo)}>
            去支付
          </Button>
        </View>
      )}
      {order.status === 'shipped' && (
        <View className="order-card__actions">
          <Button className="order-card__action" size="mini" type="primary" onClick={() => void confirmReceipt()}>
            确认收货
          </Button>
        </View>
      )}
    </View>
  );
}

/** 我的订单 (`?status=` opens a tab): the shopper's orders by status, pull down to refresh, more at the bottom. */
export default function OrderListPage() {
  const { params } = useRouter();
  const [status, setStatus] = useState<OrderListFilter | undefined>(() => (isOrderListFilter(params.status) ? params.status : undefined));
  const { pages, hasMore, refresh, reload, loadMore, update } = useOrderPages(status);

  usePullDownRefresh(() => {
    void refresh().finally(() => Taro.stopPullDownRefresh());
  });
  useReachBottom(() => void loadMore());
  // Back from an order (paid, cancelled there): the list as it is now.
  const shownBefore = useRef(false);
  useDidShow(() => {
    if (shownBefore.current) void refresh();
    shownBefore.current = true;
  });

  return (
    <View className="order-list">
      <View className="order-tabs" role="tablist">
        {orderTabs.map((tab) => (
          <View
            key={tab.label}
            role="tab"
            aria-selected={tab.status === status}
            className={`order-tabs__tab${tab.status === status ? ' order-tabs__tab--active' : ''}`}
            onClick={() => setStatus(tab.status)}
          >
            {tab.label}
          </View>
        ))}
      </View>
      {pages.state === 'loading' && <StatusView state="loading" label="正在加载订单…" />}
      {pages.state === 'failed' && <FailureView error={pages.error} onRetry={reload} />}
      {pages.state === 'loaded' && pages.items.length === 0 && (
        <StatusView state="empty" title="暂无订单" description="下单后可在这里查看订单和支付状态。" />
      )}
      {pages.state === 'loaded' && pages.items.length > 0 && (
        <View>
          {pages.items.map((order) => (
            <OrderCard key={order.orderNo} order={order} onChanged={update} />
          ))}
          <View className="order-list__footer">
            {pages.moreError !== null && <Text className="order-list__more-error">{pages.moreError}</Text>}
            {pages.loadingMore && <Text>正在加载…</Text>}
            {!pages.loadingMore && hasMore && (
              <Button size="mini" onClick={() => void loadMore()}>
                加载更多
              </Button>
            )}
            {!hasMore && <Text>没有更多订单了</Text>}
          </View>
        </View>
      )}
    </View>
  );
}
