import { Button, Input, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useCallback, useState } from 'react';
import { asApiError, formatFen, shanghaiBusinessDay, type GuideCustomer } from '@mall/shared';
import { apiClient } from '../../../api/client';
import { useRemoteData } from '../../../api/use-remote-data';
import { flag } from '../../../components/attribute';
import { LoadMoreButton } from '../../../components/load-more';
import { StatusView } from '../../../components/status-view';
import { ensureSignedIn } from '../../../session';
import { GuideFailureView } from '../guide-failure-view';

import './index.scss';

const PAGE_SIZE = 20;

const dayOf = (instant: string) => shanghaiBusinessDay(new Date(instant));

function CustomerRow({ customer }: { customer: GuideCustomer }) {
  const { lastPurchase } = customer;
  return (
    <View className="guide-customers__item">
      <View className="guide-customers__line">
        <Text className="guide-customers__name">{customer.nickname ?? '未设置昵称'}</Text>
        <Text className="guide-customers__phone">{customer.phone ?? '未绑定手机号'}</Text>
      </View>
      <View className="guide-customers__line guide-customers__muted">
        <Text>绑定于 {dayOf(customer.boundSince)}</Text>
        <Text>{customer.protectedUntil === null ? '永久保护' : `保护至 ${dayOf(customer.protectedUntil)}`}</Text>
      </View>
      <View className="guide-customers__line">
        <Text>{lastPurchase === null ? '暂无购买' : `最近购买 ${dayOf(lastPurchase.paidAt)} ${formatFen(lastPurchase.payableFen)}`}</Text>
        <Text className={customer.wecomAdded ? 'guide-customers__wecom--added' : 'guide-customers__muted'}>
          企业微信 {customer.wecomAdded ? '已添加' : '未添加'}
        </Text>
      </View>
    </View>
  );
}

/** 我的客户: the customers bound to the guide, newest binding first, found by nickname or phone, twenty at a time. */
export default function GuideCustomersPage() {
  const [draft, setDraft] = useState('');
  // The keyword of the list shown: a new search starts the list again from its first page.
  const [keyword, setKeyword] = useState<string | undefined>(undefined);
  const load = useCallback(async () => {
    await ensureSignedIn();
    return apiClient.myGuideCustomers({ keyword, page: 1, pageSize: PAGE_SIZE });
  }, [keyword]);
  const customers = useRemoteData(load);
  const [loadingMore, setLoadingMore] = useState(false);

  function search() {
    const trimmed = draft.trim();
    setKeyword(trimmed === '' ? undefined : trimmed);
  }

  if (customers.state === 'loading') return <StatusView state="loading" label="正在加载我的客户…" />;
  if (customers.state === 'failed') return <GuideFailureView error={customers.error} onRetry={customers.reload} purpose="查看客户" />;
  const { items, total, page } = customers.data;

  async function loadMore() {
    setLoadingMore(true);
    try {
      const next = await apiClient.myGuideCustomers({ keyword, page: page + 1, pageSize: PAGE_SIZE });
      customers.replace({ ...next, items: [...items, ...next.items] });
    } catch (caught) {
      void Taro.showToast({ title: asApiError(caught).message, icon: 'none' });
    } finally {
      setLoadingMore(false);
    }
  }

  return (
    <View className="guide-customers">
      <View className="guide-customers__search-bar">
        <Input
          className="guide-customers__search-input"
          placeholder="搜索昵称或手机号"
          value={draft}
          maxlength={50}
          confirmType="search"
          onInput={(event) => setDraft(event.detail.value)}
          onConfirm={search}
        />
        <Button size="mini" loading={flag(customers.refreshing)} onClick={search}>
          搜索
        </Button>
      </View>
      <Text className="guide-customers__heading">我的客户（{total}）</Text>
      {items.length === 0 ? (
        keyword === undefined ? (
          <StatusView state="empty" title="还没有客户" description="顾客通过你的小店、分享或海报进店，或添加你的企业微信后会显示在这里。" />
        ) : (
          <StatusView state="empty" title="没有找到相关客户" description="换个昵称或手机号试试。" />
        )
      ) : (
        items.map((customer) => <CustomerRow key={customer.id} customer={customer} />)
      )}
      {items.length < total && <LoadMoreButton className="guide-customers__more" loading={loadingMore} onLoad={loadMore} />}
    </View>
  );
}
