import { Tabs } from 'antd';
import { Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { NotFoundPage } from '../NotFoundPage.tsx';
import { CategoriesPage } from './CategoriesPage.tsx';
import { ProductEditorPage } from './ProductEditorPage.tsx';
import { ProductListPage } from './ProductListPage.tsx';

/** 商品 and 分类 as tabs over the list pages; the editor has the page to itself. */
function CatalogTabs({ active }: { active: 'list' | 'categories' }) {
  const navigate = useNavigate();
  return (
    <Tabs
      activeKey={active}
      onChange={(key) => navigate(key === 'categories' ? '/products/categories' : '/products')}
      items={[
        { key: 'list', label: '商品' },
        { key: 'categories', label: '分类' },
      ]}
    />
  );
}

/** 商品与分类: /products (list), /products/categories, /products/new, /products/:productId. */
export function CatalogSection() {
  const { pathname } = useLocation();
  const onList = pathname === '/products' || pathname === '/products/';
  const onCategories = pathname.startsWith('/products/categories');
  return (
    <>
      {(onList || onCategories) && <CatalogTabs active={onCategories ? 'categories' : 'list'} />}
      <Routes>
        <Route index element={<ProductListPage />} />
        <Route path="categories" element={<CategoriesPage />} />
        <Route path="new" element={<ProductEditorPage />} />
        <Route path=":productId" element={<ProductEditorPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Routes>
    </>
  );
}
