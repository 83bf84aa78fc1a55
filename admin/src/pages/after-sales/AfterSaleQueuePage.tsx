import { Card, Input, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useCallback, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import {
  afterSaleKindLabels,
  afterSaleKinds,
  afterSaleStatusLabels,
  afterSaleStatuses,
  formatFen,
  refundStatusLabels,
  type AdminAfterSaleListQuery,
  type AfterSaleKind,
  type AfterSaleListFilter,
  type AfterSaleStatus,
  type AfterSaleSummary,
} from '@mall/shared';
import type { ApiClient } from '../../api/client.ts';
import { LoadFailedAlert } from '../../api/LoadFailedAlert.tsx';
import { useApiData } from '../../api/use-api-data.ts';
import { formatShanghaiDateTime } from '../../format.ts';
import { afterSaleStatusColors, refundStatusColors } from './after-sale-format.ts';

const PAGE_SIZE = 20;
const ORDER_NO = /^\d{17}$/;

const tabs: { key: AfterSaleListFilter | 'all'; label: string }[] = [
  { key: 'open', label: '进行中' },
  ...afterSaleStatuses.map((status) => ({ key: status, label: afterSaleStatusLabels[status] })),
  { key: 'all', label: '全部' },
];

/** 售后: the queue by status tab, kind and order number, newest first. */
export function AfterSaleQueuePage() {
  const navigate = useNavigate();
  const [query, setQuery] = useState<AdminAfterSaleListQuery>({ status: 'open', page: 1, pageSize: PAGE_SIZE });
  const [orderNoError, setOrderNoError] = useState(false);
  const load = useCallback((client: ApiClient) => client.listAfterSales(query), [query]);
  const list = useApiData(load);
  const filter = (changes: Partial<AdminAfterSaleListQuery>) => setQuery((current) => ({ ...current, ...changes, page: 1 }));

  return (
    <Card title="售后">
      <Tabs
        activeKey={query.status ?? 'all'}
        onChange={(key) => filter({ status: key === 'all' ? undefined : (key as AfterSaleListFilter) })}
        items={tabs}
      />
      <Space wrap style={{ marginBottom: 16 }}>
        <Select
          aria-label="按类型筛选"
          placeholder="全部类型"
          allowClear
          options={afterSaleKinds.map((kind) => ({ value: kind, label: afterSaleKindLabels[kind] }))}
          onChange={(value: AfterSaleKind | undefined) => filter({ kind: value })}
          style={{ width: 140 }}
        />
        <Input.Search
          placeholder="订单号（17 位）"
          aria-label="按订单号查找"
          allowClear
          status={orderNoError ? 'error' : undefined}
          onSearch={(value) => {
            const orderNo = value.trim();
            const valid = orderNo === '' || ORDER_NO.test(orderNo);
            setOrderNoError(!valid);
            if (valid) filter({ orderNo: orderNo || undefined });
          }}
          style={{ width: 240 }}
        />
        {orderNoError && <Typography.Text type="danger">订单号须为 17 位数字</Typography.Text>}
      </Space>
      {list.status === 'failed' ? (
        <LoadFailedAlert title="无法获取售后列表" failed={list} />
      ) : (
        <Table<AfterSaleSummary>
          rowKey="afterSaleNo"
          loading={list.status === 'loading'}
          dataSource={list.status === 'loaded' ? list.data.items : []}
          locale={{ emptyText: '没有符合条件的售后申请' }}
          pagination={{
            current: query.page ?? 1,
            pageSize: PAGE_SIZE,
            total: list.status === 'loaded' ? list.data.total : 0,
            showSizeChanger: false,
            showTotal: (total) => `共 ${total} 条`,
            onChange: (page) => setQuery((current) => ({ ...current, page })),
          }}
          columns={[
            {
              title: '售后单号',
              dataIndex: 'afterSaleNo',
              render: (afterSaleNo: string) => (
                <Typography.Link onClick={() => navigate(`/after-sales/${afterSaleNo}`)}>{afterSaleNo}</Typography.Link>
              ),
            },
            { title: '类型', dataIndex: 'kind', render: (kind: AfterSaleKind) => afterSaleKindLabels[kind] },
            { title: '原因', dataIndex: 'reason' },
            { title: '申请金额', dataIndex: 'requestedFen', render: (fen: number) => formatFen(fen) },
            {
              title: '状态',
              dataIndex: 'status',
              render: (status: AfterSaleStatus) => <Tag color={afterSaleStatusColors[status]}>{afterSaleStatusLabels[status]}</Tag>,
            },
            {
              title: '退款',
              render: (_value, afterSale) =>
                afterSale.refund === null ? (
                  '—'
                ) : (
                  <Tag color={refundStatusColors[afterSale.refund.status]}>{refundStatusLabels[afterSale.refund.status]}</Tag>
                ),
            },
            { title: '申请时间', dataIndex: 'createdAt', render: (createdAt: string) => formatShanghaiDateTime(createdAt) },
          ]}
        />
      )}
    </Card>
  );
}
