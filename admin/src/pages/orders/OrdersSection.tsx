import { Route, Routes } from 'react-router-dom';
import { NotFoundPage } from '../NotFoundPage.tsx';
import { OrderDetailPage } from './OrderDetailPage.tsx';
import { OrderListPage } from './OrderListPage.tsx';

/** 订单: /orders (list), /orders/:orderNo (detail). */
export function OrdersSection() {
  return (
    <Routes>
      <Route index element={<OrderListPage />} />
      <Route path=":orderNo" element={<OrderDetailPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
