// Ant Design's own baseline (margins, box-sizing); its components style themselves.
import 'antd/dist/reset.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { createApiClient } from './api/client.ts';
import { ConsoleApp } from './ConsoleApp.tsx';

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root element');

const api = createApiClient({ baseUrl: import.meta.env.VITE_API_BASE_URL ?? '', storage: window.localStorage });

createRoot(root).render(
  <StrictMode>
    {/* BASE_URL is Vite's `base` (/admin/); the router wants it without the trailing slash. */}
    <BrowserRouter basename={import.meta.env.BASE_URL.replace(/\/$/, '')}>
      <ConsoleApp api={api} />
    </BrowserRouter>
  </StrictMode>,
);
