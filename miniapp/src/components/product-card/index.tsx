import { Button, Image, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import type { ProductCard as ProductCardData } from '@mall/shared';
import { apiClient } from '../../api/client';
import { fromPriceText, productPageUrl } from '../../catalog/links';
import type { useProductPages } from '../../catalog/use-product-pages';
import { flag } from '../attribute';
import { StatusView } from '../status-view';

import './index.scss';

/** One product in a two-column list: cover, title, "from" price and sales; tapping opens its page. */
export function ProductCard({ product }: { product: ProductCardData }) {
  return (
    <View className="product-card" onClick={() => void Taro.navigateTo({ url: productPageUrl(product.id) })}>
      {product.image === null ? (
        <View className="product-card__image product-card__image--none">暂无图片</View>
      ) : (
        <Image className="product-card__image" src={apiClient.imageUrl(product.image)} mode="aspectFill" />
      )}
      <Text className="product-card__title">{product.title}</Text>
      <View className="product-card__footer">
        <Text className="product-card__price">{fromPriceText(product.priceMin, product.priceMax)}</Text>
        {product.salesCount > 0 && <Text className="product-card__sales">已售 {product.salesCount}</Text>}
      </View>
    </View>
  );
}

/** One product as a row (narrow panes): cover on the left, title and price on the right. */
export function ProductRow({ product }: { product: ProductCardData }) {
  return (
    <View className="product-row" onClick={() => void Taro.navigateTo({ url: productPageUrl(product.id) })}>
      {product.image === null ? (
        <View className="product-row__image product-card__image--none">暂无图片</View>
      ) : (
        <Image className="product-row__image" src={apiClient.imageUrl(product.image)} mode="aspectFill" />
      )}
      <View className="product-row__body">
        <Text className="product-card__title">{product.title}</Text>
        <View className="product-card__footer">
          <Text className="product-card__price">{fromPriceText(product.priceMin, product.priceMax)}</Text>
          {product.salesCount > 0 && <Text className="product-card__sales">已售 {product.salesCount}</Text>}
        </View>
      </View>
    </View>
  );
}

/** Products two by two (`grid`), or one per row (`rows`). */
export function ProductGrid({ products, layout = 'grid' }: { products: readonly ProductCardData[]; layout?: 'grid' | 'rows' }) {
  return (
    <View className={layout === 'grid' ? 'product-grid' : 'product-rows'}>
      {products.map((product) =>
        layout === 'grid' ? <ProductCard key={product.id} product={product} /> : <ProductRow key={product.id} product={product} />,
      )}
    </View>
  );
}

/** A paged product list in every state: loading, failed (retry), empty (said honestly), loaded with 加载更多. */
export function ProductPagesView({
  pages,
  empty,
  layout = 'grid',
}: {
  pages: ReturnType<typeof useProductPages>;
  empty: { title: string; description: string };
  layout?: 'grid' | 'rows';
}) {
  switch (pages.state) {
    case 'loading':
      return <StatusView state="loading" label="正在加载商品…" />;
    case 'failed':
      return <StatusView state="error" message={pages.error.message} onRetry={pages.reload} />;
    case 'loaded':
      if (pages.items.length === 0) return <StatusView state="empty" title={empty.title} description={empty.description} />;
      return (
        <View>
          <ProductGrid products={pages.items} layout={layout} />
          <View className="product-pages__footer">
            {typeof pages.more === 'object' && (
              <View className="product-pages__error" role="alert">
                {pages.more.failed.message}
              </View>
            )}
            {pages.hasMore ? (
              <Button className="product-pages__more" size="mini" loading={flag(pages.more === 'loading')} onClick={pages.loadMore}>
                加载更多
              </Button>
            ) : (
              <Text className="product-pages__end">共 {pages.total} 件商品，没有更多了</Text>
            )}
          </View>
        </View>
      );
  }
}
