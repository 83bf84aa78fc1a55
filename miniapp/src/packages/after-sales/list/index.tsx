import { Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { useCallback, useRef, useState } from 'react';
import { afterSaleKindLabels, afterSaleStatusLabels, asApiError, formatFen, type AfterSaleSummary } from '@mall/shared';
import { LoadMoreButton } from '../../../components/load-more';
import { apiClient } from '../../../api/client';
import { useRemoteData } from '../../../api/use-remote-data';
import { afterSaleDetailUrl } from '../../../after-sales/format';
import { FailureView } from '../../../components/failure-view';
import { StatusView } from '../../../components/status-view';
import { ensureSignedIn } from '../../../session';

import './index.scss';

export const AFTER_SALE_PAGE_SIZE = 10;

function AfterSaleCard({ afterSale }: { afterSale: AfterSaleSummary }) {
  const [first] = afterSale.lines;
  return (
    <View className="after-sale-card" onClick={() => void Taro.navigateTo({ url: afterSaleDetailUrl(afterSale.afterSaleNo) })}>
      <View className="after-sale-card__head">
        <Text>售后单 {afterSale.afterSaleNo}</Text>
        <Text className="after-sale-card__status">{afterSaleStatusLabels[afterSale.status]}</Text>
      </View>
      <Text className="after-sale-card__body">
        {afterSaleKindLabels[afterSale.kind]} · {afterSale.reason}
        {first === undefined ? '' : ` · ${first.title}${afterSale.lines.length > 1 ? ` 等${afterSale.lines.length}件` : ''}`}
      </Text>
      <Text className="after-sale-card__amount">
        {afterSale.approvedFen === null ? `申请退款 ${formatFen(afterSale.requestedFen)}` : `退款 ${formatFen(afterSale.approvedFen)}`}
      </Text>
    </View>
  );
}

/** 我的售后: the shopper's requests, newest first, 10 at a time with 加载更多. */
export default function AfterSaleListPage() {
  const load = useCallback(async () => {
    await ensureSignedIn();
    return apiClient.afterSales({ page: 1, pageSize: AFTER_SALE_PAGE_SIZE });
  }, []);
  const list = useRemoteData(load);
  const [loadingMore, setLoadingMore] = useState(false);
  const shownBefore = useRef(false);
  useDidShow(() => {
    if (shownBefore.current) list.reload();
    shownBefore.current = true;
  });

  if (list.state === 'loading') return <StatusView state="loading" label="正在加载售后记录…" />;
  if (list.state === 'failed') return <FailureView error={list.error} onRetry={list.reload} />;
  const { items, total, page } = list.data;

  async function loadMore() {
    setLoadingMore(true);
    try {
      const next = await apiClient.afterSales({ page: page + 1, pageSize: AFTER_SALE_PAGE_SIZE });
      list.replace({ ...next, items: [...items, ...next.items] });
    } catch (caught) {
      void Taro.showToast({ title: asApiError(caught).message, icon: 'none' });
    } finally {
      setLoadingMore(false);
    }
  }

  if (items.length === 0) return <StatusView state="empty" title="还没有售后记录" description="在订单详情中可以申请售后。" />;
  return (
    <View className="after-sale-list">
      {items.map((afterSale) => (
        <AfterSaleCard key={afterSale.afterSaleNo} afterSale={afterSale} />
      ))}
      {items.length < total && <LoadMoreButton className="after-sale-list__more" loading={loadingMore} onLoad={loadMore} />}
    </View>
  );
}
