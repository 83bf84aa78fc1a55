import { Space, Typography } from 'antd';
import { useCallback, useMemo } from 'react';
import { Link } from 'react-router-dom';
import type { Guide, GuideWecomSummary } from '@mall/shared';
import type { ApiClient } from '../../api/client.ts';
import { useApiData } from '../../api/use-api-data.ts';
import { ContactWayTag } from './GuideWecomPage.tsx';

/** The WeCom summaries of the listed guides, by guide id (empty while loading, or when they cannot be had: the list still shows). */
export function useGuideWecomSummaries(guides: readonly Guide[] | null): Map<string, GuideWecomSummary> {
  const ids = guides === null ? '' : guides.map((guide) => guide.id).join(',');
  const load = useCallback((client: ApiClient) => (ids === '' ? Promise.resolve([]) : client.guideWecomSummaries(ids.split(','))), [ids]);
  const summaries = useApiData(load);
  return useMemo(
    () => new Map(summaries.status === 'loaded' ? summaries.data.map((summary) => [summary.guideId, summary]) : []),
    [summaries],
  );
}

/** 企业微信 in the guide list: the userid, the contact way's status, and the guide's WeCom customers. */
export function GuideWecomCell({ guide, summary }: { guide: Guide; summary: GuideWecomSummary | undefined }) {
  return (
    <Space orientation="vertical" size={2}>
      <Typography.Text>{guide.wecomUserId ?? '未关联'}</Typography.Text>
      {summary !== undefined && <ContactWayTag status={summary.contactWay} />}
      <Link to={`/guides/${guide.id}/wecom`}>企业微信客户{summary === undefined ? '' : ` ${summary.addedCustomers}`}</Link>
    </Space>
  );
}
