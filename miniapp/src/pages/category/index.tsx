import { ScrollView, Text, View } from '@tarojs/components';
import { useMemo, useState } from 'react';
import type { ProductSearchQuery, StorefrontCategory } from '@mall/shared';
import { apiClient } from '../../api/client';
import { useApiData } from '../../api/use-api-data';
import { useProductPages } from '../../catalog/use-product-pages';
import { ProductPagesView } from '../../components/product-card';
import { StatusView } from '../../components/status-view';

import './index.scss';

const loadCategories = () => apiClient.categories();

/** The right pane: the selected category's children as filters (全部 first) and its products. */
function CategoryProducts({ category }: { category: StorefrontCategory }) {
  const [childId, setChildId] = useState<string | undefined>();
  // A new object only when the selection changes: the product list starts again from page 1.
  const query = useMemo<ProductSearchQuery>(() => ({ categoryId: childId ?? category.id }), [childId, category.id]);
  const products = useProductPages(query);
  return (
    <View className="category-products">
      {category.children.length > 0 && (
        <View className="category-children">
          {[{ id: undefined, name: '全部' }, ...category.children].map((child) => (
            <Text
              key={child.id ?? 'all'}
              className={`category-children__item${child.id === childId ? ' category-children__item--active' : ''}`}
              onClick={() => setChildId(child.id)}
            >
              {child.name}
            </Text>
          ))}
        </View>
      )}
      <ProductPagesView pages={products} layout="rows" empty={{ title: '这个分类下还没有在售商品', description: '看看其他分类吧。' }} />
    </View>
  );
}

/** 分类: top-level categories on the left rail, the selected one's products on the right. */
export default function CategoryPage() {
  const categories = useApiData(loadCategories);
  const [selectedId, setSelectedId] = useState<string | undefined>();

  switch (categories.state) {
    case 'loading':
      return <StatusView state="loading" label="正在加载分类…" />;
    case 'failed':
      return <StatusView state="error" message={categories.error.message} onRetry={categories.reload} />;
    case 'loaded': {
      const items = categories.data.items;
      if (items.length === 0) {
        return <StatusView state="empty" title="还没有商品分类" description="商家添加分类和商品后，可以在这里按分类浏览。" />;
      }
      const selected = items.find((category) => category.id === selectedId) ?? items[0]!;
      return (
        <View className="category-page">
          <ScrollView className="category-rail" scrollY>
            {items.map((category) => (
              <View
                key={category.id}
                className={`category-rail__item${category.id === selected.id ? ' category-rail__item--active' : ''}`}
                onClick={() => setSelectedId(category.id)}
              >
                {category.name}
              </View>
            ))}
          </ScrollView>
          <ScrollView className="category-pane" scrollY>
            <CategoryProducts key={selected.id} category={selected} />
          </ScrollView>
        </View>
      );
    }
  }
}
