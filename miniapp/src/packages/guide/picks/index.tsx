import { Button, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';
import { asApiError, MAX_GUIDE_PICKS, type ProductCard } from '@mall/shared';
import { apiClient } from '../../../api/client';
import { useRemoteData } from '../../../api/use-remote-data';
import { flag } from '../../../components/attribute';
import { StatusView } from '../../../components/status-view';
import { ensureSignedIn } from '../../../session';
import { GuideFailureView } from '../guide-failure-view';
import { ProductRow, ProductSearchBar, useProductSearch } from '../product-search';

import './index.scss';

const loadPicks = async () => {
  await ensureSignedIn();
  return (await apiClient.myGuidePicks()).items;
};

/** Search on-sale products by keyword and offer each one not picked yet. */
function ProductSearch({
  pickedIds,
  full,
  saving,
  onPick,
}: {
  pickedIds: Set<string>;
  full: boolean;
  saving: boolean;
  onPick(product: ProductCard): void;
}) {
  const search = useProductSearch();
  const { results } = search;

  return (
    <View className="guide-picks__search">
      <Text className="guide-picks__heading">添加商品</Text>
      <ProductSearchBar block="guide-picks" submitClassName="guide-picks__search-submit" search={search} />
      {results.state === 'done' &&
        results.items.map((product) => (
          <ProductRow key={product.id} block="guide-picks" product={product}>
            <Button
              className="guide-picks__action"
              size="mini"
              disabled={flag(pickedIds.has(product.id) || full || saving)}
              onClick={() => onPick(product)}
            >
              {pickedIds.has(product.id) ? '已推荐' : '推荐'}
            </Button>
          </ProductRow>
        ))}
    </View>
  );
}

/**
 * 我的推荐: the guide's picks (主推), shown first in their shop, in this order. Each change (add, move, remove) is saved
 * at once as the whole list; the reply is what the shop shows.
 */
export default function GuidePicksPage() {
  const picks = useRemoteData(loadPicks);
  const [saving, setSaving] = useState(false);

  if (picks.state === 'loading') return <StatusView state="loading" label="正在加载我的推荐…" />;
  if (picks.state === 'failed') return <GuideFailureView error={picks.error} onRetry={picks.reload} purpose="设置推荐商品" />;

  const items = picks.data;
  const pickedIds = new Set(items.map((item) => item.id));

  async function save(productIds: string[]) {
    setSaving(true);
    try {
      picks.replace((await apiClient.setMyGuidePicks(productIds)).items);
    } catch (caught) {
      void Taro.showToast({ title: asApiError(caught).message, icon: 'none' });
    } finally {
      setSaving(false);
    }
  }

  const ids = items.map((item) => item.id);
  const move = (index: number, offset: -1 | 1) => {
    const next = [...ids];
    [next[index], next[index + offset]] = [next[index + offset]!, next[index]!];
    void save(next);
  };

  return (
    <View className="guide-picks">
      <Text className="guide-picks__heading">{`我的推荐（${items.length}/${MAX_GUIDE_PICKS}）`}</Text>
      <Text className="guide-picks__hint">顾客打开你的小店时，会先看到这些商品，顺序与这里一致。</Text>
      {items.length === 0 && <StatusView state="empty" title="还没有推荐商品" description="在下方搜索商品，点「推荐」加入。" />}
      {items.map((item, index) => (
        <ProductRow
          key={item.id}
          block="guide-picks"
          product={item}
          label={item.title}
          details={!item.onSale && <Text className="guide-picks__off-sale">已下架，顾客暂时看不到</Text>}
        >
          <View className="guide-picks__actions">
            <Button
              className="guide-picks__action"
              size="mini"
              aria-label="上移"
              disabled={flag(index === 0 || saving)}
              onClick={() => move(index, -1)}
            >
              ↑
            </Button>
            <Button
              className="guide-picks__action"
              size="mini"
              aria-label="下移"
              disabled={flag(index === items.length - 1 || saving)}
              onClick={() => move(index, 1)}
            >
              ↓
            </Button>
            <Button
              className="guide-picks__action"
              size="mini"
              disabled={flag(saving)}
              onClick={() => void save(ids.filter((id) => id !== item.id))}
            >
              移除
            </Button>
          </View>
        </ProductRow>
      ))}
      {items.length >= MAX_GUIDE_PICKS && (
        <Text className="guide-picks__hint">{`最多推荐 ${MAX_GUIDE_PICKS} 件商品，移除后可再添加。`}</Text>
      )}
      <ProductSearch
        pickedIds={pickedIds}
        full={items.length >= MAX_GUIDE_PICKS}
        saving={saving}
        onPick={(product) => void save([...ids, product.id])}
      />
    </View>
  );
}
