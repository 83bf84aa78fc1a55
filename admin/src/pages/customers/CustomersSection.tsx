import { Route, Routes } from 'react-router-dom';
import { NotFoundPage } from '../NotFoundPage.tsx';
import { CustomerBindingPage } from './CustomerBindingPage.tsx';
import { CustomerListPage } from './CustomerListPage.tsx';

/** 客户: /customers (list), /customers/:customerId (the binding with its explanation, history and touches). */
export function CustomersSection() {
  return (
    <Routes>
      <Route index element={<CustomerListPage />} />
      <Route path=":customerId" element={<CustomerBindingPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
