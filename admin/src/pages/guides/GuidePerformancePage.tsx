import { Button, Card, Form, Input, Space, Statistic, Table, Tag, Typography } from 'antd';
import { useCallback, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import {
  formatFen,
  formatRateBps,
  monthLabel,
  orderStatusLabels,
  parsePercentToBps,
  performanceMonthSchema,
  performanceSortFigure,
  performanceSortLabels,
  shanghaiBusinessDay,
  shiftMonth,
  type GuideMonthPerformanceReply,
  type GuideOrder,
  type OrderStatusValue,
  type PerformanceFigures,
} from '@mall/shared';
import type { ApiClient } from '../../api/client.ts';
import { useApi } from '../../api/context.tsx';
import { LoadFailedAlert } from '../../api/LoadFailedAlert.tsx';
import { useApiData } from '../../api/use-api-data.ts';
import { useSubmit } from '../../api/use-submit.ts';
import { formatShanghaiDateTime } from '../../format.ts';
import { SaveDialog } from '../../layout/SaveDialog.tsx';
import { orderDetailPath, orderStatusColors } from '../orders/order-format.ts';
import { figureColumns, figureText, guidePerformancePath } from './performance-format.ts';
import { useGuidesWriter } from './use-guides-writer.ts';

const PAGE_SIZE = 20;

/** The guide's own rate: a percentage with at most two decimals, or empty to remove it. */
function GuideRateDialog({
  guideId,
  rateBps,
  onClose,
  onDone,
}: {
  guideId: string;
  rateBps: number | null;
  onClose(): void;
  onDone(): void;
}) {
  const api = useApi();
  const [percent, setPercent] = useState(rateBps === null ? '' : formatRateBps(rateBps).slice(0, -1));
  const { submitting, error, setError, submit } = useSubmit();

  async function save() {
    let next: number | null = null;
    if (percent.trim() !== '') {
      try {
        next = parsePercentToBps(percent);
      } catch {
        setError('提成比例须为 0 到 100 之间的数，最多两位小数');
        return;
      }
    }
    await submit(async () => {
      await api.setGuideCommissionRate(guideId, next);
      onDone();
    });
  }

  return (
    <SaveDialog title="导购提成比例" okText="保存" saving={submitting} failure={error} onSave={save} onClose={onClose}>
      <Form layout="vertical" onFinish={() => void save()}>
        <Form.Item
          label="提成比例"
          htmlFor="guide-rate"
          help="留空则不设置：商品按品类比例提成，品类也未设置时没有提成。只影响之后支付的订单。"
        >
          <Input id="guide-rate" suffix="%" value={percent} onChange={(event) => setPercent(event.target.value)} autoFocus />
        </Form.Item>
      </Form>
    </SaveDialog>
  );
}

function FiguresCard({ reply }: { reply: GuideMonthPerformanceReply }) {
  return (
    <Space size="large" wrap style={{ marginBottom: 16 }}>
      {figureColumns.map((sort) => (
        <Statistic key={sort} title={performanceSortLabels[sort]} value={figureText(reply.figures, performanceSortFigure[sort])} />
      ))}
    </Space>
  );
}

const dayColumns = figureColumns.map((sort) => ({
  title: performanceSortLabels[sort],
  key: sort,
  align: 'right' as const,
  render: (_value: unknown, entry: { figures: PerformanceFigures }) => figureText(entry.figures, performanceSortFigure[sort]),
}));

/**
 * One guide's month in 导购业绩: the figures, every day of the month, and the orders paid in it with the commission
 * each earned (net of refunds); writers set the guide's own commission rate here.
 */
export function GuidePerformancePage() {
  const { guideId = '' } = useParams();
  const navigate = useNavigate();
  const mayWrite = useGuidesWriter();
  const [searchParams] = useSearchParams();
  const thisMonth = shanghaiBusinessDay(new Date()).slice(0, 7);
  const asked = performanceMonthSchema.safeParse(searchParams.get('month'));
  const month = asked.success ? asked.data : thisMonth;
  const [page, setPage] = useState(1);
  const [editingRate, setEditingRate] = useState(false);
  const load = useCallback(
    (client: ApiClient) => client.guideMonthPerformance(guideId, { month, page, pageSize: PAGE_SIZE }),
    [guideId, month, page],
  );
  const performance = useApiData(load);

  function showMonth(next: string) {
    setPage(1);
    navigate(guidePerformancePath(guideId, next));
  }

  if (performance.status === 'failed') return <LoadFailedAlert title="无法获取导购业绩" failed={performance} />;
  const reply = performance.status === 'loaded' ? performance.data : null;

  return (
    <Card
      title={reply === null ? '导购业绩' : `「${reply.guide.name}」的业绩`}
      loading={reply === null}
      extra={<Link to="/guides/performance">返回排名</Link>}
    >
      {reply !== null && (
        <>
          <Space wrap style={{ marginBottom: 16 }}>
            <Button onClick={() => showMonth(shiftMonth(month, -1))}>上个月</Button>
            <Typography.Text strong>{monthLabel(month)}</Typography.Text>
            <Button disabled={month >= thisMonth} onClick={() => showMonth(shiftMonth(month, 1))}>
              下个月
            </Button>
            <Typography.Text type="secondary">
              {reply.guide.storeName} · 导购码 {reply.guide.code}
              {reply.guide.status === 'left' && ' · 已离职'}
            </Typography.Text>
          </Space>
          <FiguresCard reply={reply} />
          <Space style={{ marginBottom: 16 }}>
            <Typography.Text>
              导购提成比例：{reply.commissionRateBps === null ? '未设置' : formatRateBps(reply.commissionRateBps)}
            </Typography.Text>
            {mayWrite && (
              <Button size="small" onClick={() => setEditingRate(true)}>
                修改
              </Button>
            )}
          </Space>
          <Typography.Title level={5}>每日业绩</Typography.Title>
          <Table<GuideMonthPerformanceReply['days'][number]>
            rowKey="day"
            size="small"
            dataSource={reply.days}
            pagination={false}
            scroll={{ x: 'max-content', y: 360 }}
            columns={[{ title: '日期', dataIndex: 'day' }, ...dayColumns]}
          />
          <Typography.Title level={5} style={{ marginTop: 24 }}>
            本月支付的订单
          </Typography.Title>
          <Table<GuideOrder>
            rowKey="orderNo"
            size="small"
            dataSource={reply.orders.items}
            locale={{ emptyText: '本月没有支付的订单' }}
            scroll={{ x: 'max-content' }}
            pagination={{
              current: page,
              pageSize: PAGE_SIZE,
              total: reply.orders.total,
              showSizeChanger: false,
              showTotal: (total) => `共 ${total} 个订单`,
              onChange: setPage,
            }}
            columns={[
              {
                title: '订单号',
                dataIndex: 'orderNo',
                render: (orderNo: string) => <Link to={orderDetailPath(orderNo)}>{orderNo}</Link>,
              },
              {
                title: '支付时间',
                dataIndex: 'paidAt',
                render: (paidAt: string | null) => (paidAt === null ? '—' : formatShanghaiDateTime(paidAt)),
              },
              {
                title: '顾客',
                key: 'customer',
                render: (_value, order) => (
                  <Space size={4}>
                    {order.customerName}
                    {order.newCustomer && <Tag color="gold">新客</Tag>}
                  </Space>
                ),
              },
              { title: '商品', dataIndex: 'itemSummary' },
              { title: '实付', dataIndex: 'payableFen', align: 'right', render: (fen: number) => formatFen(fen) },
              { title: '已退款', dataIndex: 'refundedFen', align: 'right', render: (fen: number) => (fen === 0 ? '—' : formatFen(fen)) },
              {
                title: '提成',
                dataIndex: 'commissionFen',
                align: 'right',
                render: (fen: number | null) => (fen === null ? '—' : formatFen(fen)),
              },
              {
                title: '状态',
                dataIndex: 'status',
                render: (status: OrderStatusValue) => <Tag color={orderStatusColors[status]}>{orderStatusLabels[status]}</Tag>,
              },
            ]}
          />
          {editingRate && (
            <GuideRateDialog
              guideId={guideId}
              rateBps={reply.commissionRateBps}
              onClose={() => setEditingRate(false)}
              onDone={() => {
                setEditingRate(false);
                performance.reload();
              }}
            />
          )}
        </>
      )}
    </Card>
  );
}
