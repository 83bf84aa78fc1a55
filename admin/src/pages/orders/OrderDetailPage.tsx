import { App, Alert, Button, Card, Descriptions, Image, Space, Table, Tag, Timeline, Typography } from 'antd';
import { useCallback, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import {
  carrierName,
  formatFen,
  logisticsStateLabels,
  orderChannelLabels,
  orderStatusLabels,
  roleMay,
  type AdminOrder,
  type AdminOrderReply,
  type OrderLine,
} from '@mall/shared';
import type { ApiClient } from '../../api/client.ts';
import { useApi } from '../../api/context.tsx';
import { LoadFailedAlert } from '../../api/LoadFailedAlert.tsx';
import { useApiData } from '../../api/use-api-data.ts';
import { formatShanghaiDateTime } from '../../format.ts';
import { useSignedInStaff } from '../../session/session.tsx';
import { guideSourceLabels, guideText } from '../customers/attribution-format.ts';
import { actorLabel, historyEventLabels, orderStatusColors, shippingUploadLabels } from './order-format.ts';
import { ShipOrderDialog } from './ShipOrderDialog.tsx';

/** The parcel's trace from the provider (asked by the API at most every few minutes). */
function LogisticsTraceCard({ orderNo }: { orderNo: string }) {
  const load = useCallback((client: ApiClient) => client.orderLogistics(orderNo), [orderNo]);
  const trace = useApiData(load);
  return (
    <Card title="物流轨迹" size="small" loading={trace.status === 'loading'}>
      {trace.status === 'failed' && <LoadFailedAlert title="无法获取物流轨迹" failed={trace} />}
      {trace.status === 'loaded' && (
        <>
          <Typography.Paragraph>
            <Tag color={trace.data.state === 'signed' ? 'success' : 'processing'}>{logisticsStateLabels[trace.data.state]}</Tag>
            <Typography.Text type="secondary">查询于 {formatShanghaiDateTime(trace.data.queriedAt)}</Typography.Text>
          </Typography.Paragraph>
          {trace.data.events.length === 0 ? (
            <Typography.Text type="secondary">快递公司暂未返回物流信息</Typography.Text>
          ) : (
            <Timeline
              items={trace.data.events.map((event, index) => ({
                key: `${event.at}-${index}`,
                color: index === 0 ? 'green' : 'gray',
                content: (
                  <>
                    <div>{event.description}</div>
                    <Typography.Text type="secondary">
                      {formatShanghaiDateTime(event.at)}
                      {event.location === undefined ? '' : ` · ${event.location}`}
                    </Typography.Text>
                  </>
                ),
              }))}
            />
          )}
        </>
      )}
    </Card>
  );
}

function ShippingCard({ order }: { order: AdminOrder }) {
  const { shipping, shippingUpload } = order;
  if (shipping === null) return null;
  return (
    <Card title="物流信息" size="small">
      <Descriptions
        size="small"
        column={2}
        items={[
          { key: 'carrier', label: '快递公司', children: carrierName(shipping.carrier) },
          { key: 'trackingNo', label: '快递单号', children: shipping.trackingNo },
          { key: 'shippedAt', label: '发货时间', children: formatShanghaiDateTime(shipping.shippedAt) },
          {
            key: 'upload',
            label: '微信发货信息',
            children:
              shippingUpload === null ? (
                '—'
              ) : (
                <Space orientation="vertical" size={0}>
                  <Tag color={shippingUploadLabels[shippingUpload.state].color}>{shippingUploadLabels[shippingUpload.state].text}</Tag>
                  {shippingUpload.state !== 'uploaded' && shippingUpload.lastError !== undefined && (
                    <Typography.Text type="secondary">
                      已尝试 {shippingUpload.attempts} 次：{shippingUpload.lastError}
                    </Typography.Text>
                  )}
                </Space>
              ),
          },
        ]}
      />
    </Card>
  );
}

/** 归属: the channel the order came through and the guide it counts for, with whether WeChat Pay's 支付即服务 has that guide. */
function AttributionCard({ order }: { order: AdminOrder }) {
  const { channel, guide, guideSource, wechatPayGuideAssigned } = order.attribution;
  return (
    <Card title="归属" size="small">
      <Descriptions
        size="small"
        column={2}
        items={[
          { key: 'channel', label: '渠道', children: orderChannelLabels[channel] },
          { key: 'guide', label: '导购', children: guide === null ? '无导购' : `${guideText(guide)} · ${guide.storeName}` },
          { key: 'source', label: '来源', children: guideSource === null ? '—' : guideSourceLabels[guideSource] },
          {
            key: 'smartGuide',
            label: '支付即服务',
            children: guide === null ? '—' : wechatPayGuideAssigned ? <Tag color="success">已同步</Tag> : <Tag color="default">未同步</Tag>,
          },
        ]}
      />
    </Card>
  );
}

function OrderDetail({ reply, onChanged }: { reply: AdminOrderReply; onChanged(reply: AdminOrderReply): void }) {
  const api = useApi();
  const { message } = App.useApp();
  const mayShip = roleMay(useSignedInStaff().role, 'orders.write');
  const [shipOpen, setShipOpen] = useState(false);
  const { order, staffNames } = reply;
  const { address, pricing } = order;

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Card
        title={
          <Space>
            <span>订单 {order.orderNo}</span>
            <Tag color={orderStatusColors[order.status]}>{orderStatusLabels[order.status]}</Tag>
          </Space>
        }
        extra={
          mayShip &&
          order.status === 'paid' && (
            <Button type="primary" onClick={() => setShipOpen(true)}>
              发货
            </Button>
          )
        }
      >
        <Descriptions
          size="small"
          column={2}
          items={[
            { key: 'createdAt', label: '下单时间', children: formatShanghaiDateTime(order.createdAt) },
            { key: 'remark', label: '买家备注', children: order.remark || '—' },
            {
              key: 'recipient',
              label: '收货人',
              children: `${address.recipientName} ${address.phone}`,
            },
            {
              key: 'address',
              label: '收货地址',
              children: `${address.province}${address.city}${address.district}${address.detail}`,
            },
            {
              key: 'payment',
              label: '支付',
              children:
                order.payment === null
                  ? '未支付'
                  : `微信支付 ${formatFen(order.payment.amountFen)}，${formatShanghaiDateTime(order.payment.paidAt)}`,
            },
            { key: 'transaction', label: '微信支付单号', children: order.payment?.transactionId ?? '—' },
          ]}
        />
      </Card>
      <Card title="商品" size="small">
        <Table<OrderLine>
          rowKey="skuId"
          pagination={false}
          dataSource={order.lines}
          columns={[
            {
              title: '商品',
              render: (_value, line) => (
                <Space>
                  {line.image !== null && <Image src={api.imageSrc(line.image)} width={40} height={40} alt={line.title} preview={false} />}
                  <span>{line.title}</span>
                </Space>
              ),
            },
            { title: '规格', dataIndex: 'specText', render: (specText: string) => specText || '—' },
            { title: '单价', dataIndex: 'unitPriceFen', render: (fen: number) => formatFen(fen) },
            { title: '数量', dataIndex: 'quantity' },
            { title: '小计', dataIndex: 'lineTotalFen', render: (fen: number) => formatFen(fen) },
          ]}
        />
        <Descriptions
          size="small"
          column={1}
          style={{ marginTop: 16, maxWidth: 360, marginLeft: 'auto' }}
          items={[
            { key: 'items', label: '商品金额', children: formatFen(pricing.itemsTotalFen) },
            ...pricing.discounts.map((discount, index) => ({
              key: `discount-${index}`,
              label: discount.reason,
              children: `-${formatFen(discount.amountFen)}`,
            })),
            { key: 'shipping', label: '运费', children: formatFen(pricing.shippingFeeFen) },
            { key: 'payable', label: order.payment === null ? '应付' : '实付', children: <strong>{formatFen(pricing.payableFen)}</strong> },
          ]}
        />
      </Card>
      <AttributionCard order={order} />
      <ShippingCard order={order} />
      {order.shipping !== null && <LogisticsTraceCard orderNo={order.orderNo} />}
      <Card title="订单记录" size="small">
        <Timeline
          items={[...order.history].reverse().map((entry, index) => ({
            key: `${entry.event}-${entry.at}-${index}`,
            content: (
              <>
                <div>
                  <strong>{historyEventLabels[entry.event]}</strong>
                  {entry.from !== null && (
                    <Typography.Text type="secondary">
                      {' '}
                      {orderStatusLabels[entry.from]} → {orderStatusLabels[entry.to]}
                    </Typography.Text>
                  )}
                </div>
                <Typography.Text type="secondary">
                  {formatShanghaiDateTime(entry.at)} · {actorLabel(entry.actor, staffNames)}
                  {entry.reason === undefined ? '' : ` · ${entry.reason}`}
                </Typography.Text>
              </>
            ),
          }))}
        />
      </Card>
      {shipOpen && (
        <ShipOrderDialog
          orderNo={order.orderNo}
          open
          onClose={() => setShipOpen(false)}
          onShipped={(shipped) => {
            setShipOpen(false);
            void message.success('已发货');
            onChanged(shipped);
          }}
        />
      )}
    </Space>
  );
}

/** 订单详情 (`/orders/:orderNo`): lines, amounts, address, payment, shipping with the trace, history; 发货 for writers. */
export function OrderDetailPage() {
  const { orderNo = '' } = useParams();
  const navigate = useNavigate();
  const load = useCallback((client: ApiClient) => client.getOrder(orderNo), [orderNo]);
  const loaded = useApiData(load);
  const [changed, setChanged] = useState<AdminOrderReply | null>(null);

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Button onClick={() => navigate('/orders')}>返回订单列表</Button>
      {loaded.status === 'loading' && <Card loading />}
      {loaded.status === 'failed' &&
        (loaded.error.code === 'NOT_FOUND' || loaded.error.code === 'VALIDATION_FAILED' ? (
          <Alert type="warning" showIcon title="订单不存在" description={`找不到订单 ${orderNo}`} />
        ) : (
          <LoadFailedAlert title="无法获取订单" failed={loaded} />
        ))}
      {loaded.status === 'loaded' && (
        <OrderDetail key={(changed ?? loaded.data).order.status} reply={changed ?? loaded.data} onChanged={setChanged} />
      )}
    </Space>
  );
}
