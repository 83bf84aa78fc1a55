import { Alert, Button, Card, Input, Select, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useCallback, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import {
  MAX_PERFORMANCE_RANGE_DAYS,
  daysInRange,
  performanceSortFigure,
  performanceSortKeys,
  performanceSortLabels,
  shanghaiBusinessDay,
  type GuidePerformanceRow,
  type PerformanceSort,
} from '@mall/shared';
import type { ApiClient } from '../../api/client.ts';
import { LoadFailedAlert } from '../../api/LoadFailedAlert.tsx';
import { useApiData } from '../../api/use-api-data.ts';
import { CommissionRatesDialog } from './CommissionRatesDialog.tsx';
import { figureColumns, figureText, guidePerformancePath } from './performance-format.ts';

const loadStores = (api: ApiClient) => api.listStores();

/** Why a range cannot be asked for, or null. */
function rangeProblem(from: string, to: string): string | null {
  if (from === '' || to === '') return '请选择开始和结束日期';
  const days = daysInRange(from, to);
  if (days < 1) return '结束日期不能早于开始日期';
  if (days > MAX_PERFORMANCE_RANGE_DAYS) return `查询范围最多 ${MAX_PERFORMANCE_RANGE_DAYS} 天，请缩小日期范围`;
  return null;
}

/**
 * 导购业绩: the guides ranked over Asia/Shanghai days (this month so far unless changed), optionally one store's;
 * every figure column sorts and ranks; a guide's name opens their month.
 */
export function PerformancePage() {
  const today = shanghaiBusinessDay(new Date());
  const [draft, setDraft] = useState({ from: `${today.slice(0, 7)}-01`, to: today });
  const [query, setQuery] = useState<{ from: string; to: string; storeId?: string; sort: PerformanceSort }>({ ...draft, sort: 'netGmv' });
  const [ratesOpen, setRatesOpen] = useState(false);
  const load = useCallback((client: ApiClient) => client.guidePerformance(query), [query]);
  const report = useApiData(load);
  const stores = useApiData(loadStores);
  const problem = rangeProblem(draft.from, draft.to);

  function changeDates(changes: Partial<typeof draft>) {
    const next = { ...draft, ...changes };
    setDraft(next);
    if (rangeProblem(next.from, next.to) === null) setQuery((current) => ({ ...current, from: next.from, to: next.to }));
  }

  const columns = useMemo<ColumnsType<GuidePerformanceRow>>(
    () => [
      { title: '排名', dataIndex: 'rank', width: 72 },
      {
        title: '导购',
        key: 'guide',
        render: (_value, row) => (
          <Space size={4} wrap>
            <Link to={guidePerformancePath(row.guide.id, query.to.slice(0, 7))}>{row.guide.name}</Link>
            <Typography.Text type="secondary">{row.guide.code}</Typography.Text>
            {row.guide.status === 'left' && <Tag>已离职</Tag>}
          </Space>
        ),
      },
      { title: '门店', key: 'store', render: (_value, row) => row.guide.storeName },
      ...figureColumns.map((sort) => ({
        title: performanceSortLabels[sort],
        key: sort,
        align: 'right' as const,
        sorter: true,
        sortDirections: ['descend' as const],
        sortOrder: query.sort === sort ? ('descend' as const) : null,
        render: (_value: unknown, row: GuidePerformanceRow) => figureText(row.figures, performanceSortFigure[sort]),
      })),
    ],
    [query.sort, query.to],
  );

  return (
    <Card title="导购业绩" extra={<Button onClick={() => setRatesOpen(true)}>提成比例</Button>}>
      <Space wrap style={{ marginBottom: 16 }}>
        <Input
          type="date"
          aria-label="开始日期"
          value={draft.from}
          onChange={(event) => changeDates({ from: event.target.value })}
          style={{ width: 160 }}
        />
        <Typography.Text type="secondary">至</Typography.Text>
        <Input
          type="date"
          aria-label="结束日期"
          value={draft.to}
          onChange={(event) => changeDates({ to: event.target.value })}
          style={{ width: 160 }}
        />
        <Select
          aria-label="按门店筛选"
          placeholder="全部门店"
          allowClear
          options={stores.status === 'loaded' ? stores.data.map((store) => ({ value: store.id, label: store.name })) : []}
          onChange={(storeId: string | undefined) => setQuery((current) => ({ ...current, storeId }))}
          style={{ width: 180 }}
        />
        <Typography.Text type="secondary">按北京时间统计；退款计入退款成功的日期</Typography.Text>
      </Space>
      {problem !== null && <Alert type="warning" showIcon title={problem} style={{ marginBottom: 16 }} />}
      {report.status === 'failed' ? (
        <LoadFailedAlert title="无法获取导购业绩" failed={report} />
      ) : (
        <Table<GuidePerformanceRow>
          rowKey={(row) => row.guide.id}
          loading={report.status === 'loading'}
          dataSource={report.status === 'loaded' ? report.data.rows : []}
          columns={columns}
          pagination={false}
          locale={{ emptyText: '没有导购' }}
          onChange={(_pagination, _filters, sorter) => {
            const chosen = Array.isArray(sorter) ? sorter[0] : sorter;
            const key = performanceSortKeys.find((sort) => sort === chosen?.columnKey);
            setQuery((current) => ({ ...current, sort: chosen?.order === 'descend' && key !== undefined ? key : 'netGmv' }));
          }}
          summary={() =>
            report.status === 'loaded' && (
              <Table.Summary.Row>
                <Table.Summary.Cell index={0} colSpan={3}>
                  合计
                </Table.Summary.Cell>
                {figureColumns.map((sort, index) => (
                  <Table.Summary.Cell key={sort} index={index + 3} align="right">
                    {figureText(report.data.totals, performanceSortFigure[sort])}
                  </Table.Summary.Cell>
                ))}
              </Table.Summary.Row>
            )
          }
        />
      )}
      {ratesOpen && <CommissionRatesDialog onClose={() => setRatesOpen(false)} />}
    </Card>
  );
}
