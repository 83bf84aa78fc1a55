import { Alert, App, Button, Card, Descriptions, Image, Space, Table, Tag, Timeline, Typography } from 'antd';
import { useCallback, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import {
  carrierName,
  afterSaleKindLabels,
  afterSaleStatusLabels,
  formatFen,
  orderStatusLabels,
  refundStatusLabels,
  roleMay,
  type AdminAfterSaleReply,
  type OrderRefund,
  type OrderLine,
} from '@mall/shared';
import { asApiError, type ApiClient } from '../../api/client.ts';
import { useApi } from '../../api/context.tsx';
import { LoadFailedAlert } from '../../api/LoadFailedAlert.tsx';
import { useApiData } from '../../api/use-api-data.ts';
import { formatShanghaiDateTime } from '../../format.ts';
import { useSignedInStaff } from '../../session/session.tsx';
import { actorLabels, afterSaleStatusColors, refundStatusColors } from './after-sale-format.ts';
import { ApproveDialog, RejectDialog } from './AfterSaleDialogs.tsx';

const refundColumns = [
  { title: '退款单号', dataIndex: 'outRefundNo' },
  { title: '金额', dataIndex: 'refundFen', render: (fen: number) => formatFen(fen) },
  {
    title: '状态',
    dataIndex: 'status',
    render: (status: OrderRefund['status']) => <Tag color={refundStatusColors[status]}>{refundStatusLabels[status]}</Tag>,
  },
  { title: '发起时间', dataIndex: 'createdAt', render: (at: string) => formatShanghaiDateTime(at) },
  { title: '到账时间', dataIndex: 'succeededAt', render: (at: string | null) => (at === null ? '—' : formatShanghaiDateTime(at)) },
];

/** One request: what the shopper asked, the order it is about, its refunds and history, and the merchant's decisions. */
export function AfterSaleDetailPage() {
  const { afterSaleNo = '' } = useParams();
  const api = useApi();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const mayWrite = roleMay(useSignedInStaff().role, 'after_sales.write');
  const load = useCallback((client: ApiClient) => client.getAfterSale(afterSaleNo), [afterSaleNo]);
  const loaded = useApiData(load);
  const [updated, setUpdated] = useState<AdminAfterSaleReply | null>(null);
  const [dialog, setDialog] = useState<'approve' | 'reject' | null>(null);
  const [busy, setBusy] = useState(false);

  if (loaded.status === 'failed') return <LoadFailedAlert title="无法获取售后详情" failed={loaded} />;
  if (loaded.status === 'loading') return <Card loading title="售后详情" />;
  const detail = updated?.afterSale.afterSaleNo === afterSaleNo ? updated : loaded.data;
  const { afterSale, order, refunds } = detail;

  async function act(action: () => Promise<AdminAfterSaleReply>, done: string) {
    setBusy(true);
    try {
      setUpdated(await action());
      void message.success(done);
    } catch (caught) {
      void message.error(asApiError(caught).message);
      loaded.reload();
    } finally {
      setBusy(false);
    }
  }
  const closeWith = (reply: AdminAfterSaleReply) => {
    setUpdated(reply);
    setDialog(null);
  };

  const status = afterSale.status;
  // WeChat Pay has taken the money of an abnormal refund already: it is redirected in the merchant platform under
  // the same number, never requested again.
  const abnormalRefund = status === 'refund_failed' && afterSale.refund?.status === 'abnormal';
  const actions = mayWrite && (
    <Space>
      {status === 'requested' && (
        <Button type="primary" onClick={() => setDialog('approve')}>
          同意
        </Button>
      )}
      {(status === 'requested' || status === 'awaiting_return' || status === 'return_shipped') && (
        <Button danger onClick={() => setDialog('reject')}>
          拒绝
        </Button>
      )}
      {status === 'return_shipped' && (
        <Button
          type="primary"
          loading={busy}
          onClick={() => void act(() => api.confirmAfterSaleReturn(afterSaleNo), '已确认收货，退款已提交微信支付')}
        >
          确认收到退货
        </Button>
      )}
      {status === 'refund_failed' && !abnormalRefund && (
        <Button type="primary" loading={busy} onClick={() => void act(() => api.retryAfterSaleRefund(afterSaleNo), '已重新发起退款')}>
          重新退款
        </Button>
      )}
    </Space>
  );

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Card
        title={
          <Space>
            <Typography.Link onClick={() => navigate('/after-sales')}>售后</Typography.Link>
            <span>/</span>
            <span>{afterSale.afterSaleNo}</span>
            <Tag color={afterSaleStatusColors[status]}>{afterSaleStatusLabels[status]}</Tag>
          </Space>
        }
        extra={actions}
      >
        {abnormalRefund && (
          <Alert
            type="warning"
            showIcon
            style={{ marginBottom: 16 }}
            title="退款异常：款项已从商户号扣出，但未能退到买家账户"
            description="请在微信支付商户平台按原退款单号处理异常退款（退回买家其他账户或由商户转账），处理结果会自动同步到这里。"
          />
        )}
        <Descriptions column={2} size="small" bordered>
          <Descriptions.Item label="类型">{afterSaleKindLabels[afterSale.kind]}</Descriptions.Item>
          <Descriptions.Item label="原因">{afterSale.reason}</Descriptions.Item>
          <Descriptions.Item label="申请金额">{formatFen(afterSale.requestedFen)}</Descriptions.Item>
          <Descriptions.Item label="同意金额">{afterSale.approvedFen === null ? '—' : formatFen(afterSale.approvedFen)}</Descriptions.Item>
          <Descriptions.Item label="退回库存">
            {afterSale.restock === null ? '—' : afterSale.restock ? (afterSale.restocked ? '是（已入库）' : '是（退款成功后入库）') : '否'}
          </Descriptions.Item>
          <Descriptions.Item label="退款">
            {afterSale.refund === null ? (
              '—'
            ) : (
              <Tag color={refundStatusColors[afterSale.refund.status]}>{refundStatusLabels[afterSale.refund.status]}</Tag>
            )}
          </Descriptions.Item>
          <Descriptions.Item label="问题描述" span={2}>
            {afterSale.description || '—'}
          </Descriptions.Item>
          {afterSale.returnShipment !== null && (
            <Descriptions.Item label="退货物流" span={2}>
              {afterSale.returnShipment.carrier} {afterSale.returnShipment.trackingNo}（
              {formatShanghaiDateTime(afterSale.returnShipment.shippedAt)}）
            </Descriptions.Item>
          )}
          {afterSale.rejectReason !== null && (
            <Descriptions.Item label="拒绝原因" span={2}>
              {afterSale.rejectReason}
            </Descriptions.Item>
          )}
          <Descriptions.Item label="申请商品" span={2}>
            {afterSale.lines.length === 0
              ? '整单'
              : afterSale.lines.map((line) => `${line.title}${line.specText ? ` ${line.specText}` : ''} × ${line.quantity}`).join('；')}
          </Descriptions.Item>
        </Descriptions>
        <Typography.Title level={5} style={{ marginTop: 16 }}>
          凭证图片
        </Typography.Title>
        {afterSale.images.length === 0 ? (
          <Typography.Text type="secondary">买家未上传图片</Typography.Text>
        ) : (
          <Image.PreviewGroup>
            <Space wrap>
              {afterSale.images.map((image, index) => (
                <Image key={image.id} src={api.imageSrc(image)} width={96} height={96} alt={`凭证图片 ${index + 1}`} />
              ))}
            </Space>
          </Image.PreviewGroup>
        )}
      </Card>

      <Card title={`订单 ${order.orderNo}`} size="small">
        <Descriptions column={3} size="small">
          <Descriptions.Item label="订单状态">{orderStatusLabels[order.status]}</Descriptions.Item>
          <Descriptions.Item label="实付">{formatFen(order.payableFen)}</Descriptions.Item>
          <Descriptions.Item label="已退">{formatFen(order.refundedFen)}</Descriptions.Item>
          <Descriptions.Item label="可退">{formatFen(order.refundableFen)}</Descriptions.Item>
          <Descriptions.Item label="支付时间">{order.paidAt === null ? '—' : formatShanghaiDateTime(order.paidAt)}</Descriptions.Item>
          <Descriptions.Item label="收货人">
            {order.recipientName} {order.phone}
          </Descriptions.Item>
          {order.shipping !== null && (
            <Descriptions.Item label="发货物流" span={3}>
              {carrierName(order.shipping.carrier)} {order.shipping.trackingNo}
            </Descriptions.Item>
          )}
        </Descriptions>
        <Table<OrderLine>
          rowKey="skuId"
          size="small"
          pagination={false}
          dataSource={order.lines}
          columns={[
            { title: '商品', render: (_value, line) => `${line.title}${line.specText ? ` ${line.specText}` : ''}` },
            { title: '单价', dataIndex: 'unitPriceFen', render: (fen: number) => formatFen(fen) },
            { title: '数量', dataIndex: 'quantity' },
            { title: '小计', dataIndex: 'lineTotalFen', render: (fen: number) => formatFen(fen) },
          ]}
        />
      </Card>

      <Card title="退款记录" size="small">
        <Table<OrderRefund>
          rowKey="outRefundNo"
          size="small"
          pagination={false}
          dataSource={refunds}
          columns={refundColumns}
          locale={{ emptyText: '尚未发起退款' }}
        />
      </Card>

      <Card title="处理记录" size="small">
        <Timeline
          items={afterSale.history.map((entry) => ({
            content: (
              <span>
                {formatShanghaiDateTime(entry.at)} · {actorLabels[entry.actor.type]} · {afterSaleStatusLabels[entry.to]}
                {entry.reason ? `（${entry.reason}）` : ''}
              </span>
            ),
          }))}
        />
      </Card>

      {dialog === 'approve' && <ApproveDialog detail={detail} onClose={() => setDialog(null)} onDone={closeWith} />}
      {dialog === 'reject' && <RejectDialog detail={detail} onClose={() => setDialog(null)} onDone={closeWith} />}
    </Space>
  );
}
