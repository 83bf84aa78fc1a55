import { Button, Image, Input, Text, View } from '@tarojs/components';
import { useState, type ReactNode } from 'react';
import { asApiError, type ProductCard } from '@mall/shared';
import { apiClient } from '../../api/client';
import { fromPriceText } from '../../catalog/links';
import { flag } from '../../components/attribute';

// A guide finding products on sale and listing them (我的推荐, 代客下单). Each page passes its block; its stylesheet
// styles the parts with the `product-search` mixin (styles/_product-search.scss).

/** How many search results to offer at once: enough to find a product by name. */
const SEARCH_PAGE_SIZE = 20;

type SearchResults =
  { state: 'idle' } | { state: 'searching' } | { state: 'done'; items: ProductCard[] } | { state: 'failed'; message: string };

/** A keyword search of the products on sale. */
export function useProductSearch() {
  const [keyword, setKeyword] = useState('');
  const [results, setResults] = useState<SearchResults>({ state: 'idle' });

  async function search() {
    const trimmed = keyword.trim();
    setResults({ state: 'searching' });
    try {
      const reply = await apiClient.searchProducts({ ...(trimmed !== '' && { keyword: trimmed }), page: 1, pageSize: SEARCH_PAGE_SIZE });
      setResults({ state: 'done', items: reply.items });
    } catch (caught) {
      setResults({ state: 'failed', message: asApiError(caught).message });
    }
  }

  return { keyword, setKeyword, results, search };
}

export type ProductSearch = ReturnType<typeof useProductSearch>;

/**
 * The keyword field and 搜索 (its button styled by `submitClassName`), then why the search failed or that it found
 * nothing. `onSearch` runs as each search starts.
 */
export function ProductSearchBar({
  block,
  submitClassName,
  search,
  onSearch,
}: {
  block: string;
  submitClassName: string;
  search: ProductSearch;
  onSearch?: () => void;
}) {
  const { keyword, setKeyword, results } = search;
  function start() {
    onSearch?.();
    void search.search();
  }

  return (
    <>
      <View className={`${block}__search-bar`}>
        <Input
          className={`${block}__search-input`}
          placeholder="搜索在售商品"
          value={keyword}
          maxlength={50}
          confirmType="search"
          onInput={(event) => setKeyword(event.detail.value)}
          onConfirm={start}
        />
        <Button className={submitClassName} size="mini" loading={flag(results.state === 'searching')} onClick={start}>
          搜索
        </Button>
      </View>
      {results.state === 'failed' && (
        <View className={`${block}__error`} role="alert">
          {results.message}
        </View>
      )}
      {results.state === 'done' && results.items.length === 0 && <Text className={`${block}__hint`}>没有找到相关的在售商品</Text>}
    </>
  );
}

/** A product in a guide's list: its cover, title and price, `details` under them, then `children` (what to do with it). */
export function ProductRow({
  block,
  product,
  label,
  details,
  children,
}: {
  block: string;
  product: ProductCard;
  label?: string;
  details?: ReactNode;
  children: ReactNode;
}) {
  return (
    <View className={`${block}__row`} aria-label={label}>
      {product.image === null ? (
        <View className={`${block}__cover ${block}__cover--none`}>暂无图片</View>
      ) : (
        <Image className={`${block}__cover`} src={apiClient.imageUrl(product.image)} mode="aspectFill" />
      )}
      <View className={`${block}__body`}>
        <Text className={`${block}__title`}>{product.title}</Text>
        <Text className={`${block}__price`}>{fromPriceText(product.priceMin, product.priceMax)}</Text>
        {details}
      </View>
      {children}
    </View>
  );
}
