import { Button, Input, Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { useEffect, useMemo, useState } from 'react';
import { parseYuanToFen, type ProductSearchQuery, type ProductSort } from '@mall/shared';
import { pageParam } from '../../catalog/links';
import { useProductPages } from '../../catalog/use-product-pages';
import { ProductPagesView } from '../../components/product-card';

import './index.scss';

/** 综合 / 销量 / 价格 (tapped again: the other way) / 新品. */
type SortTab = 'default' | 'sales' | 'price' | 'newest';

function sortOf(tab: SortTab, priceAscending: boolean): ProductSort | undefined {
  if (tab === 'default') return undefined;
  if (tab === 'price') return priceAscending ? 'price_asc' : 'price_desc';
  return tab;
}

/** A price bound typed in yuan: fen, undefined when empty, null when it is not an amount. */
function priceBound(text: string): number | undefined | null {
  if (text.trim() === '') return undefined;
  try {
    return parseYuanToFen(text);
  } catch {
    return null;
  }
}

/** 搜索: keyword, sort tabs, a price range, and the matching products; opened from the home search bar or a category. */
export default function SearchPage() {
  const { params } = useRouter();
  const categoryId = pageParam(params.categoryId);
  const categoryName = pageParam(params.categoryName);
  const [typed, setTyped] = useState(pageParam(params.keyword) ?? '');
  const [keyword, setKeyword] = useState(typed.trim());
  const [tab, setTab] = useState<SortTab>('default');
  const [priceAscending, setPriceAscending] = useState(true);
  const [priceText, setPriceText] = useState({ min: '', max: '' });
  const [prices, setPrices] = useState<{ min?: number; max?: number }>({});
  const [priceError, setPriceError] = useState<string | null>(null);

  useEffect(() => {
    if (categoryName) void Taro.setNavigationBarTitle({ title: categoryName });
  }, [categoryName]);

  const query = useMemo<ProductSearchQuery>(
    () => ({
      ...(keyword && { keyword }),
      ...(categoryId && { categoryId }),
      ...(prices.min !== undefined && { minPrice: prices.min }),
      ...(prices.max !== undefined && { maxPrice: prices.max }),
      ...(sortOf(tab, priceAscending) && { sort: sortOf(tab, priceAscending) }),
    }),
    [keyword, categoryId, prices, tab, priceAscending],
  );
  const products = useProductPages(query);

  function applyPrices() {
    const min = priceBound(priceText.min);
    const max = priceBound(priceText.max);
    if (min === null || max === null) {
      setPriceError('请填写金额（元），最多两位小数');
      return;
    }
    if (min !== undefined && max !== undefined && min > max) {
      setPriceError('最高价不能低于最低价');
      return;
    }
    setPriceError(null);
    setPrices({ min, max });
  }

  function chooseTab(next: SortTab) {
    if (next === 'price' && tab === 'price') setPriceAscending((ascending) => !ascending);
    else if (next === 'price') setPriceAscending(true);
    setTab(next);
  }

  const tabs: { key: SortTab; label: string }[] = [
    { key: 'default', label: '综合' },
    { key: 'sales', label: '销量' },
    { key: 'price', label: tab === 'price' ? `价格${priceAscending ? '↑' : '↓'}` : '价格' },
    { key: 'newest', label: '新品' },
  ];

  return (
    <View className="search">
      <View className="search-bar">
        <Input
          className="search-bar__input"
          placeholder={categoryName ? `在「${categoryName}」中搜索` : '搜索商品'}
          value={typed}
          maxlength={50}
          confirmType="search"
          focus={!categoryId}
          onInput={(event) => setTyped(event.detail.value)}
          onConfirm={() => setKeyword(typed.trim())}
        />
        <Button className="search-bar__submit" size="mini" onClick={() => setKeyword(typed.trim())}>
          搜索
        </Button>
      </View>
      <View className="search-sort" role="tablist">
        {tabs.map((item) => (
          <View
            key={item.key}
            role="tab"
            aria-selected={item.key === tab}
            className={`search-sort__tab${item.key === tab ? ' search-sort__tab--active' : ''}`}
            onClick={() => chooseTab(item.key)}
          >
            {item.label}
          </View>
        ))}
      </View>
      <View className="search-price">
        <Input
          className="search-price__input"
          type="digit"
          placeholder="最低价"
          value={priceText.min}
          onInput={(event) => setPriceText((current) => ({ ...current, min: event.detail.value }))}
        />
        <Text className="search-price__dash">—</Text>
        <Input
          className="search-price__input"
          type="digit"
          placeholder="最高价"
          value={priceText.max}
          onInput={(event) => setPriceText((current) => ({ ...current, max: event.detail.value }))}
        />
        <Button className="search-price__apply" size="mini" onClick={applyPrices}>
          确定
        </Button>
      </View>
      {priceError && (
        <View className="search-price__error" role="alert">
          {priceError}
        </View>
      )}
      <ProductPagesView
        pages={products}
        empty={{
          title: keyword ? `没有找到与「${keyword}」相关的商品` : '没有符合条件的商品',
          description: '换个关键词或放宽价格范围试试。',
        }}
      />
    </View>
  );
}
