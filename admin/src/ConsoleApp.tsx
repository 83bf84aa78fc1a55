import { App as AntApp, ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import { Route, Routes } from 'react-router-dom';
import type { ApiClient } from './api/client.ts';
import { ApiProvider } from './api/context.tsx';
import { AdminLayout } from './layout/AdminLayout.tsx';
import { consoleSections, isReady, type ConsoleSection } from './layout/sections.tsx';
import { LoginPage } from './pages/LoginPage.tsx';
import { NotFoundPage } from './pages/NotFoundPage.tsx';
import { UpcomingSectionPage } from './pages/UpcomingSectionPage.tsx';
import { RequirePermission } from './session/RequirePermission.tsx';
import { RequireStaff } from './session/RequireStaff.tsx';
import { SessionProvider } from './session/session.tsx';

function sectionPage(section: ConsoleSection) {
  if (!isReady(section)) return <UpcomingSectionPage section={section} />;
  const Page = section.page;
  return section.permission === undefined ? (
    <Page />
  ) : (
    <RequirePermission permission={section.permission}>
      <Page />
    </RequirePermission>
  );
}

/** The whole console under a router the caller provides (the browser's in main.tsx, a memory router in tests). */
export function ConsoleApp({ api }: { api: ApiClient }) {
  return (
    <ConfigProvider locale={zhCN}>
      <AntApp>
        <ApiProvider client={api}>
          <SessionProvider>
            <Routes>
              <Route path="/login" element={<LoginPage />} />
              <Route
                element={
                  <RequireStaff>
                    <AdminLayout />
                  </RequireStaff>
                }
              >
                {consoleSections.map((section) =>
                  section.path === '' ? (
                    <Route key="dashboard" index element={sectionPage(section)} />
                  ) : (
                    <Route
                      key={section.path}
                      path={isReady(section) && section.nested ? `${section.path}/*` : section.path}
                      element={sectionPage(section)}
                    />
                  ),
                )}
                <Route path="*" element={<NotFoundPage />} />
              </Route>
            </Routes>
          </SessionProvider>
        </ApiProvider>
      </AntApp>
    </ConfigProvider>
  );
}
