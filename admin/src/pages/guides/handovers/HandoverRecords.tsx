import { Button, Card, Space, Table, Tag, Typography } from 'antd';
import { useCallback, useState } from 'react';
import { Link } from 'react-router-dom';
import {
  handoverModeLabels,
  handoverStatusLabels,
  transferStatusLabels,
  transferStatuses,
  type Handover,
  type HandoverListReply,
} from '@mall/shared';
import type { ApiClient } from '../../../api/client.ts';
import { LoadFailedAlert } from '../../../api/LoadFailedAlert.tsx';
import { formatShanghaiDateTime } from '../../../format.ts';
import {
  HANDOVER_REFRESH_MS,
  handoverGuideText,
  handoverIsOpen,
  handoverModeColors,
  handoverPath,
  transferStatusColors,
} from './handover-format.ts';
import { useRefreshingData } from './use-refreshing-data.ts';

const PAGE_SIZE = 20;
const anyOpen = (reply: HandoverListReply) => reply.items.some(handoverIsOpen);

/** The handover's WeCom transfers by status, the ones there are. */
export function TransferCounts({ handover }: { handover: Handover }) {
  const present = transferStatuses.filter((status) => handover.counts.transfers[status] > 0);
  if (present.length === 0) return <Typography.Text type="secondary">无企业微信客户</Typography.Text>;
  return (
    <Space size={[0, 4]} wrap>
      {present.map((status) => (
        <Tag key={status} color={transferStatusColors[status]}>
          {transferStatusLabels[status]} {handover.counts.transfers[status]}
        </Tag>
      ))}
    </Space>
  );
}

/**
 * 转移记录: handovers newest first (a guide's, from or to them, when `guideId` is given), loaded again while some
 * may still change; each opens its customers' outcomes.
 */
export function HandoverRecords({ guideId, title }: { guideId?: string; title: string }) {
  const [page, setPage] = useState(1);
  const load = useCallback((client: ApiClient) => client.listHandovers({ guideId, page, pageSize: PAGE_SIZE }), [guideId, page]);
  const handovers = useRefreshingData(load, HANDOVER_REFRESH_MS, anyOpen);
  return (
    <Card
      title={title}
      size="small"
      extra={
        <Button size="small" onClick={handovers.reload}>
          刷新
        </Button>
      }
    >
      {handovers.failed !== null && <LoadFailedAlert title="无法获取转移记录" failed={handovers.failed} />}
      <Table<Handover>
        rowKey="id"
        loading={handovers.loading && handovers.data === null}
        dataSource={handovers.data?.items ?? []}
        locale={{ emptyText: '还没有客户转移记录' }}
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          total: handovers.data?.total ?? 0,
          showSizeChanger: false,
          showTotal: (total) => `共 ${total} 次转移`,
          onChange: setPage,
        }}
        columns={[
          { title: '时间', dataIndex: 'createdAt', render: (createdAt: string) => formatShanghaiDateTime(createdAt) },
          {
            title: '类型',
            dataIndex: 'mode',
            render: (mode: Handover['mode']) => <Tag color={handoverModeColors[mode]}>{handoverModeLabels[mode]}</Tag>,
          },
          {
            title: '原导购 → 接收导购',
            render: (_value: unknown, handover: Handover) => (
              <Space orientation="vertical" size={0}>
                <span>{handoverGuideText(handover.from)}</span>
                <span>→ {handoverGuideText(handover.to)}</span>
              </Space>
            ),
          },
          {
            title: '客户',
            render: (_value: unknown, handover: Handover) => (
              <Space orientation="vertical" size={0}>
                <span>{handover.selection === 'all' ? '全部客户' : '选择的客户'}</span>
                <Typography.Text type="secondary">
                  已转移 {handover.counts.moved} · 跳过 {handover.counts.skipped}
                </Typography.Text>
              </Space>
            ),
          },
          { title: '企业微信转接', render: (_value: unknown, handover: Handover) => <TransferCounts handover={handover} /> },
          { title: '操作人', dataIndex: 'by', render: (by: string | null) => by ?? '—' },
          {
            title: '状态',
            render: (_value: unknown, handover: Handover) =>
              handover.status === 'moving' ? (
                <Tag color="processing">{handoverStatusLabels.moving}</Tag>
              ) : handoverIsOpen(handover) ? (
                <Tag color="cyan">等待企业微信结果</Tag>
              ) : (
                <Tag color="green">{handoverStatusLabels.done}</Tag>
              ),
          },
          {
            title: '操作',
            render: (_value: unknown, handover: Handover) => <Link to={handoverPath(handover.id)}>查看详情</Link>,
          },
        ]}
      />
    </Card>
  );
}
