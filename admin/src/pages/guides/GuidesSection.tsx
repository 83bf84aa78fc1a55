import { Tabs } from 'antd';
import { Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { NotFoundPage } from '../NotFoundPage.tsx';
import { GuideListPage } from './GuideListPage.tsx';
import { StoresPage } from './StoresPage.tsx';

/** 导购: /guides (the guides) and /guides/stores (门店), as tabs. */
export function GuidesSection() {
  const navigate = useNavigate();
  const onStores = useLocation().pathname.startsWith('/guides/stores');
  return (
    <>
      <Tabs
        activeKey={onStores ? 'stores' : 'guides'}
        onChange={(key) => navigate(key === 'stores' ? '/guides/stores' : '/guides')}
        items={[
          { key: 'guides', label: '导购' },
          { key: 'stores', label: '门店' },
        ]}
      />
      <Routes>
        <Route index element={<GuideListPage />} />
        <Route path="stores" element={<StoresPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Routes>
    </>
  );
}
