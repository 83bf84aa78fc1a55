import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import type { ProductSearchQuery } from '@mall/shared';
import { apiClient } from '../../api/client';
import { useApiData } from '../../api/use-api-data';
import { searchPageUrl } from '../../catalog/links';
import { useProductPages } from '../../catalog/use-product-pages';
import { ProductPagesView } from '../../components/product-card';

import './index.scss';

const loadCategories = () => apiClient.categories();
/** 综合: the API's default order (best sellers, then newest). */
const allProducts: ProductSearchQuery = {};

/** The top-level categories as shortcuts into the search page; nothing at all while there are none. */
function CategoryShortcuts() {
  const categories = useApiData(loadCategories);
  if (categories.state !== 'loaded' || categories.data.items.length === 0) return null;
  return (
    <View className="home-categories">
      {categories.data.items.map((category) => (
        <View
          key={category.id}
          className="home-categories__item"
          onClick={() => void Taro.navigateTo({ url: searchPageUrl({ categoryId: category.id, categoryName: category.name }) })}
        >
          <Text className="home-categories__badge">{category.name.slice(0, 1)}</Text>
          <Text className="home-categories__name">{category.name}</Text>
        </View>
      ))}
    </View>
  );
}

/** 首页: the shop's header, a search bar, the categories and the products on sale. */
export default function HomePage() {
  const products = useProductPages(allProducts);
  return (
    <View className="home">
      <View className="home-header">
        <Text className="home-header__name">导购商城</Text>
        <Text className="home-header__tagline">你的专属导购，随时为你服务</Text>
        <View className="home-search" role="search" onClick={() => void Taro.navigateTo({ url: searchPageUrl() })}>
          <Text className="home-search__placeholder">搜索商品</Text>
        </View>
      </View>
      <CategoryShortcuts />
      <View className="home-section">
        <Text className="home-section__title">为你推荐</Text>
      </View>
      <ProductPagesView pages={products} empty={{ title: '还没有在售的商品', description: '商家上架商品后会显示在这里。' }} />
    </View>
  );
}
