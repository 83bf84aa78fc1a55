import { Route, Routes } from 'react-router-dom';
import { NotFoundPage } from '../NotFoundPage.tsx';
import { AfterSaleDetailPage } from './AfterSaleDetailPage.tsx';
import { AfterSaleQueuePage } from './AfterSaleQueuePage.tsx';

/** 售后: /after-sales (the queue), /after-sales/:afterSaleNo (one request). */
export function AfterSalesSection() {
  return (
    <Routes>
      <Route index element={<AfterSaleQueuePage />} />
      <Route path=":afterSaleNo" element={<AfterSaleDetailPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
