import { App, Button, Card, Input, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useCallback, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import {
  ORDER_EXPORT_MAX_ROWS,
  formatFen,
  orderChannelLabels,
  orderStatusLabels,
  roleMay,
  type AdminOrderFilter,
  type AdminOrderListQuery,
  type AdminOrderSummary,
  type OrderStatusValue,
} from '@mall/shared';
import { asApiError, type ApiClient } from '../../api/client.ts';
import { useApi } from '../../api/context.tsx';
import { LoadFailedAlert } from '../../api/LoadFailedAlert.tsx';
import { useApiData } from '../../api/use-api-data.ts';
import { downloadFile } from '../../download.ts';
import { formatShanghaiDateTime } from '../../format.ts';
import { useSignedInStaff } from '../../session/session.tsx';
import { guideText } from '../customers/attribution-format.ts';
import { orderDetailPath, orderStatusColors, orderTabs } from './order-format.ts';
import { ShipOrderDialog } from './ShipOrderDialog.tsx';

const PAGE_SIZE = 20;

/** `纯棉T恤 等 3 件`. */
function linesSummary(order: AdminOrderSummary): string {
  const units = order.lines.reduce((sum, line) => sum + line.quantity, 0);
  const first = order.lines[0]?.title ?? '';
  return units > 1 ? `${first} 等 ${units} 件` : first;
}

/** 订单: status tabs, search by order number / phone / recipient, Asia/Shanghai date range, paging, CSV export, 发货. */
export function OrderListPage() {
  const api = useApi();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const mayShip = roleMay(useSignedInStaff().role, 'orders.write');
  const [query, setQuery] = useState<AdminOrderListQuery>({ page: 1, pageSize: PAGE_SIZE });
  const loadOrders = useCallback((client: ApiClient) => client.listOrders(query), [query]);
  const orders = useApiData(loadOrders);
  const [shipping, setShipping] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);

  const filter = (changes: Partial<AdminOrderListQuery>) => setQuery((current) => ({ ...current, ...changes, page: 1 }));
  const activeTab = orderTabs.find((tab) => tab.status === query.status)?.key ?? 'all';
  const filtered =
    query.status !== undefined || query.keyword !== undefined || query.createdFrom !== undefined || query.createdTo !== undefined;

  async function exportCsv() {
    const { status, keyword, createdFrom, createdTo } = query;
    const selection: Partial<AdminOrderFilter> = { status, keyword, createdFrom, createdTo };
    setExporting(true);
    try {
      downloadFile(await api.exportOrders(selection), `订单-${new Date().toISOString().slice(0, 10)}.csv`);
    } catch (caught) {
      void message.error(asApiError(caught).message);
    } finally {
      setExporting(false);
    }
  }

  return (
    <Card
      title="订单"
      extra={
        <Button onClick={() => void exportCsv()} loading={exporting} title={`按当前筛选导出，最多 ${ORDER_EXPORT_MAX_ROWS} 条`}>
          导出 CSV
        </Button>
      }
    >
      <Tabs
        activeKey={activeTab}
        onChange={(key) => filter({ status: orderTabs.find((tab) => tab.key === key)?.status })}
        items={orderTabs.map((tab) => ({ key: tab.key, label: tab.label }))}
      />
      <Space wrap style={{ marginBottom: 16 }}>
        <Input.Search
          placeholder="订单号 / 收货人手机号 / 收货人姓名"
          aria-label="搜索订单"
          allowClear
          onSearch={(value) => filter({ keyword: value.trim() || undefined })}
          style={{ width: 300 }}
        />
        <Input
          type="date"
          aria-label="下单开始日期"
          onChange={(event) => filter({ createdFrom: event.target.value || undefined })}
          style={{ width: 160 }}
        />
        <Typography.Text type="secondary">至</Typography.Text>
        <Input
          type="date"
          aria-label="下单结束日期"
          onChange={(event) => filter({ createdTo: event.target.value || undefined })}
          style={{ width: 160 }}
        />
      </Space>
      {orders.status === 'failed' ? (
        <LoadFailedAlert title="无法获取订单列表" failed={orders} />
      ) : (
        <Table<AdminOrderSummary>
          rowKey="orderNo"
          loading={orders.status === 'loading'}
          dataSource={orders.status === 'loaded' ? orders.data.items : []}
          locale={{ emptyText: filtered ? '没有符合条件的订单' : '还没有订单' }}
          pagination={{
            current: query.page ?? 1,
            pageSize: PAGE_SIZE,
            total: orders.status === 'loaded' ? orders.data.total : 0,
            showSizeChanger: false,
            showTotal: (total) => `共 ${total} 个订单`,
            onChange: (page) => setQuery((current) => ({ ...current, page })),
          }}
          columns={[
            {
              title: '订单号',
              dataIndex: 'orderNo',
              render: (orderNo: string) => <Typography.Link onClick={() => navigate(orderDetailPath(orderNo))}>{orderNo}</Typography.Link>,
            },
            { title: '下单时间', dataIndex: 'createdAt', render: (createdAt: string) => formatShanghaiDateTime(createdAt) },
            { title: '商品', render: (_value, order) => linesSummary(order) },
            { title: '收货人', render: (_value, order) => `${order.address.recipientName} ${order.address.phone}` },
            { title: '实付', render: (_value, order) => formatFen(order.pricing.payableFen) },
            {
              title: '导购/渠道',
              render: (_value, { attribution }) => (
                <Space orientation="vertical" size={0}>
                  <span>{attribution.guide === null ? '无导购' : guideText(attribution.guide)}</span>
                  <Typography.Text type="secondary">{orderChannelLabels[attribution.channel]}</Typography.Text>
                </Space>
              ),
            },
            {
              title: '状态',
              dataIndex: 'status',
              render: (status: OrderStatusValue) => <Tag color={orderStatusColors[status]}>{orderStatusLabels[status]}</Tag>,
            },
            {
              title: '操作',
              render: (_value, order) => (
                <Space size="small">
                  <Button size="small" onClick={() => navigate(orderDetailPath(order.orderNo))}>
                    查看
                  </Button>
                  {mayShip && order.status === 'paid' && (
                    <Button size="small" type="primary" onClick={() => setShipping(order.orderNo)}>
                      发货
                    </Button>
                  )}
                </Space>
              ),
            },
          ]}
        />
      )}
      {shipping !== null && (
        <ShipOrderDialog
          orderNo={shipping}
          open
          onClose={() => setShipping(null)}
          onShipped={(reply) => {
            setShipping(null);
            void message.success(`订单 ${reply.order.orderNo} 已发货`);
            orders.reload();
          }}
        />
      )}
    </Card>
  );
}
