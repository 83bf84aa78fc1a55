import { Button, Card, Descriptions, Space, Statistic, Table, Tag, Typography } from 'antd';
import { useCallback, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import {
  handoverModeLabels,
  handoverSkipReasonLabels,
  transferStatusLabels,
  type HandoverCustomer,
  type HandoverReply,
} from '@mall/shared';
import type { ApiClient } from '../../../api/client.ts';
import { LoadFailedAlert } from '../../../api/LoadFailedAlert.tsx';
import { formatShanghaiDateTime } from '../../../format.ts';
import {
  HANDOVER_REFRESH_MS,
  handoverGuideText,
  handoverIsOpen,
  handoverModeColors,
  handoversPath,
  transferProblem,
  transferStatusColors,
} from './handover-format.ts';
import { TransferCounts } from './HandoverRecords.tsx';
import { useRefreshingData } from './use-refreshing-data.ts';

const PAGE_SIZE = 50;
const stillOpen = (reply: HandoverReply) => handoverIsOpen(reply.handover);

function TransferCell({ customer }: { customer: HandoverCustomer }) {
  const { transfer } = customer;
  if (transfer === null) return <Typography.Text type="secondary">{customer.outcome === 'moved' ? '未添加企业微信' : '—'}</Typography.Text>;
  const problem = transferProblem(transfer);
  return (
    <Space orientation="vertical" size={0}>
      <Tag color={transferStatusColors[transfer.status]}>{transferStatusLabels[transfer.status]}</Tag>
      {problem !== null && <Typography.Text type="danger">{problem}</Typography.Text>}
    </Space>
  );
}

function Summary({ reply }: { reply: HandoverReply }) {
  const { handover } = reply;
  return (
    <Card
      size="small"
      title={
        <Space>
          <span>客户转移</span>
          <Tag color={handoverModeColors[handover.mode]}>{handoverModeLabels[handover.mode]}</Tag>
        </Space>
      }
    >
      <Space align="start" size="large" wrap>
        <Descriptions
          size="small"
          column={1}
          items={[
            { key: 'from', label: '原导购', children: handoverGuideText(handover.from) },
            { key: 'to', label: '接收导购', children: handoverGuideText(handover.to) },
            { key: 'selection', label: '范围', children: handover.selection === 'all' ? '全部客户' : '选择的客户' },
            ...(handover.transferMessage === null ? [] : [{ key: 'message', label: '转接提示语', children: handover.transferMessage }]),
            { key: 'by', label: '操作人', children: handover.by ?? '—' },
            { key: 'created', label: '转移时间', children: formatShanghaiDateTime(handover.createdAt) },
          ]}
        />
        <Space size="large" wrap>
          <Statistic title="已转移" value={handover.counts.moved} />
          <Statistic title="已跳过" value={handover.counts.skipped} />
        </Space>
        <Space orientation="vertical" size={4}>
          <Typography.Text type="secondary">企业微信转接</Typography.Text>
          <TransferCounts handover={handover} />
        </Space>
      </Space>
      <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
        客户的专属导购已立即变更（绑定记录中可查看）；已添加原导购企业微信的客户由企业微信转接，客户 24 小时内未拒绝即完成，结果会自动更新。
        订单保留下单时的导购，之后的新订单归属接收导购。
      </Typography.Paragraph>
    </Card>
  );
}

/** One handover (/guides/handovers/:handoverId): who to whom, the counts, and every customer's outcome with their WeCom transfer. */
export function HandoverDetailPage() {
  const { handoverId = '' } = useParams();
  const navigate = useNavigate();
  const [page, setPage] = useState(1);
  const load = useCallback((client: ApiClient) => client.getHandover(handoverId, { page, pageSize: PAGE_SIZE }), [handoverId, page]);
  const detail = useRefreshingData(load, HANDOVER_REFRESH_MS, stillOpen);
  const reply = detail.data;
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Space>
        <Button onClick={() => navigate(handoversPath())}>返回转移记录</Button>
        <Button onClick={detail.reload}>刷新</Button>
      </Space>
      {detail.failed !== null && <LoadFailedAlert title="无法获取转移详情" failed={detail.failed} />}
      {reply === null && detail.loading && <Card loading size="small" />}
      {reply !== null && <Summary reply={reply} />}
      {reply !== null && (
        <Card size="small" title="客户">
          <Table<HandoverCustomer>
            rowKey={(item) => item.customer.id}
            dataSource={reply.customers.items}
            locale={{ emptyText: '没有要转移的客户' }}
            pagination={{
              current: page,
              pageSize: PAGE_SIZE,
              total: reply.customers.total,
              showSizeChanger: false,
              showTotal: (total) => `共 ${total} 位客户`,
              onChange: setPage,
            }}
            columns={[
              {
                title: '客户',
                render: (_value: unknown, item: HandoverCustomer) => (
                  <Space orientation="vertical" size={0}>
                    {item.skipReason === 'unknown-customer' ? (
                      <Typography.Text>{item.customer.id}</Typography.Text>
                    ) : (
                      <Link to={`/customers/${item.customer.id}`}>{item.customer.nickname ?? '未设置昵称'}</Link>
                    )}
                    {item.customer.phone !== null && <Typography.Text type="secondary">{item.customer.phone}</Typography.Text>}
                  </Space>
                ),
              },
              {
                title: '结果',
                render: (_value: unknown, item: HandoverCustomer) =>
                  item.outcome === 'moved' ? (
                    <Tag color="green">已转移</Tag>
                  ) : (
                    <Space orientation="vertical" size={0}>
                      <Tag>已跳过</Tag>
                      {item.skipReason !== null && (
                        <Typography.Text type="secondary">{handoverSkipReasonLabels[item.skipReason]}</Typography.Text>
                      )}
                    </Space>
                  ),
              },
              { title: '企业微信转接', render: (_value: unknown, item: HandoverCustomer) => <TransferCell customer={item} /> },
              { title: '处理时间', dataIndex: 'at', render: (at: string) => formatShanghaiDateTime(at) },
            ]}
          />
        </Card>
      )}
    </Space>
  );
}
