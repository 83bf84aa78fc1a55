import { Tabs } from 'antd';
import { Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { NotFoundPage } from '../NotFoundPage.tsx';
import { GuideListPage } from './GuideListPage.tsx';
import { GuidePerformancePage } from './GuidePerformancePage.tsx';
import { GuideWecomPage } from './GuideWecomPage.tsx';
import { GuideHandoversPage } from './handovers/GuideHandoversPage.tsx';
import { HandoverDetailPage } from './handovers/HandoverDetailPage.tsx';
import { HandoverRecords } from './handovers/HandoverRecords.tsx';
import { PerformancePage } from './PerformancePage.tsx';
import { StoresPage } from './StoresPage.tsx';

/**
 * 导购: /guides (the guides, each with /guides/:guideId/wecom, 企业微信客户, and /guides/:guideId/handovers, 客户转移),
 * /guides/stores (门店), /guides/performance (导购业绩, each guide's month at /guides/performance/:guideId) and
 * /guides/handovers (转移记录, each at /guides/handovers/:handoverId), as tabs.
 */
export function GuidesSection() {
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const tab = pathname.startsWith('/guides/stores')
    ? 'stores'
    : pathname.startsWith('/guides/performance')
      ? 'performance'
      : pathname.startsWith('/guides/handovers')
        ? 'handovers'
        : 'guides';
  return (
    <>
      <Tabs
        activeKey={tab}
        onChange={(key) => navigate(key === 'guides' ? '/guides' : `/guides/${key}`)}
        items={[
          { key: 'guides', label: '导购' },
          { key: 'stores', label: '门店' },
          { key: 'performance', label: '业绩' },
          { key: 'handovers', label: '转移记录' },
        ]}
      />
      <Routes>
        <Route index element={<GuideListPage />} />
        <Route path="stores" element={<StoresPage />} />
        <Route path=":guideId/wecom" element={<GuideWecomPage />} />
        <Route path=":guideId/handovers" element={<GuideHandoversPage />} />
        <Route path="handovers" element={<HandoverRecords title="客户转移记录" />} />
        <Route path="handovers/:handoverId" element={<HandoverDetailPage />} />
        <Route path="performance" element={<PerformancePage />} />
        <Route path="performance/:guideId" element={<GuidePerformancePage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Routes>
    </>
  );
}
