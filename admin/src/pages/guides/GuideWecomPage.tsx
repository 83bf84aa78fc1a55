import { Button, Card, Descriptions, Image, Segmented, Space, Statistic, Table, Tag, Typography } from 'antd';
import { useCallback, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import {
  guideContactWayStatusLabels,
  wecomRelationEnderLabels,
  wecomRelationStatusLabels,
  welcomeOutcomeLabels,
  type GuideContactWayStatus,
  type GuideWecomReply,
  type WecomRelation,
  type WecomRelationListQuery,
  type WecomRelationStatus,
} from '@mall/shared';
import type { ApiClient } from '../../api/client.ts';
import { useApi } from '../../api/context.tsx';
import { LoadFailedAlert } from '../../api/LoadFailedAlert.tsx';
import { useApiData } from '../../api/use-api-data.ts';
import { formatShanghaiDateTime } from '../../format.ts';
import { contactWayStatusColors } from './guide-format.ts';

const PAGE_SIZE = 20;

function ContactWayCard({ reply }: { reply: GuideWecomReply }) {
  const api = useApi();
  const { guide, contactWay, customers, pendingShopperContactWays } = reply;
  return (
    <Card title={`「${guide.name}」的企业微信`} size="small">
      <Space align="start" size="large" wrap>
        <Descriptions
          size="small"
          column={1}
          items={[
            { key: 'code', label: '导购码', children: <Typography.Text code>{guide.code}</Typography.Text> },
            { key: 'store', label: '门店', children: guide.storeName },
            { key: 'wecom', label: '企业微信账号', children: guide.wecomUserId ?? '未关联' },
            { key: 'status', label: '联系我', children: <ContactWayTag status={contactWay.status} /> },
            ...(contactWay.createdAt === null
              ? []
              : [{ key: 'created', label: '创建时间', children: formatShanghaiDateTime(contactWay.createdAt) }]),
          ]}
        />
        {contactWay.qrCodeUrl !== null && (
          <Space orientation="vertical" size={4} align="center">
            <Image src={api.imageSrc({ url: contactWay.qrCodeUrl })} alt={`${guide.name}的企业微信二维码`} width={140} />
            <Typography.Text type="secondary">导购小店「加企业微信」的二维码</Typography.Text>
          </Space>
        )}
        <Space size="large">
          <Statistic title="已添加的客户" value={customers.added} />
          <Statistic title="已删除" value={customers.deleted} />
          <Statistic title="待使用的顾客专属联系方式" value={pendingShopperContactWays} />
        </Space>
      </Space>
      {contactWay.status === 'not_created' && (
        <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
          顾客第一次在导购小店看到「加企业微信」时自动创建。付款结果页和「我的导购」为每位顾客单独创建联系方式，顾客添加后即删除。
        </Typography.Paragraph>
      )}
    </Card>
  );
}

export function ContactWayTag({ status }: { status: GuideContactWayStatus }) {
  return <Tag color={contactWayStatusColors[status]}>{guideContactWayStatusLabels[status]}</Tag>;
}

function customerName(relation: WecomRelation): string {
  return relation.shopper?.nickname ?? relation.customerName ?? relation.externalUserId;
}

function CustomersCard({ guideId }: { guideId: string }) {
  const [query, setQuery] = useState<WecomRelationListQuery>({ page: 1, pageSize: PAGE_SIZE });
  const load = useCallback((client: ApiClient) => client.guideWecomCustomers(guideId, query), [guideId, query]);
  const relations = useApiData(load);
  const filters: { value: WecomRelationStatus | 'all'; label: string }[] = [
    { value: 'all', label: '全部' },
    { value: 'added', label: wecomRelationStatusLabels.added },
    { value: 'deleted', label: wecomRelationStatusLabels.deleted },
  ];
  return (
    <Card
      title="企业微信客户"
      size="small"
      extra={
        <Segmented<WecomRelationStatus | 'all'>
          aria-label="按状态筛选"
          options={filters}
          value={query.status ?? 'all'}
          onChange={(value) => setQuery({ page: 1, pageSize: PAGE_SIZE, ...(value !== 'all' && { status: value }) })}
        />
      }
    >
      {relations.status === 'failed' ? (
        <LoadFailedAlert title="无法获取企业微信客户" failed={relations} />
      ) : (
        <Table<WecomRelation>
          rowKey="id"
          loading={relations.status === 'loading'}
          dataSource={relations.status === 'loaded' ? relations.data.items : []}
          locale={{ emptyText: query.status === undefined ? '还没有客户添加这位导购' : '没有符合条件的客户' }}
          pagination={{
            current: query.page ?? 1,
            pageSize: PAGE_SIZE,
            total: relations.status === 'loaded' ? relations.data.total : 0,
            showSizeChanger: false,
            showTotal: (total) => `共 ${total} 位客户`,
            onChange: (page) => setQuery((current) => ({ ...current, page })),
          }}
          columns={[
            {
              title: '客户',
              render: (_value: unknown, relation: WecomRelation) => (
                <Space orientation="vertical" size={0}>
                  {relation.shopper === null ? (
                    <Typography.Text>{customerName(relation)}</Typography.Text>
                  ) : (
                    <Link to={`/customers/${relation.shopper.id}`}>{customerName(relation)}</Link>
                  )}
                  <Typography.Text type="secondary">{relation.shopper === null ? '未关联商城顾客' : '商城顾客'}</Typography.Text>
                </Space>
              ),
            },
            { title: '添加时间', dataIndex: 'addedAt', render: (addedAt: string) => formatShanghaiDateTime(addedAt) },
            {
              title: '状态',
              render: (_value: unknown, relation: WecomRelation) =>
                relation.status === 'added' ? (
                  <Tag color="green">{wecomRelationStatusLabels.added}</Tag>
                ) : (
                  <Space orientation="vertical" size={0}>
                    <Tag>{wecomRelationStatusLabels.deleted}</Tag>
                    <Typography.Text type="secondary">
                      {relation.deletedBy === null ? '' : wecomRelationEnderLabels[relation.deletedBy]}
                      {relation.deletedAt === null ? '' : ` · ${formatShanghaiDateTime(relation.deletedAt)}`}
                    </Typography.Text>
                  </Space>
                ),
            },
            { title: '欢迎语', dataIndex: 'welcome', render: (welcome: WecomRelation['welcome']) => welcomeOutcomeLabels[welcome] },
            {
              title: '转接',
              dataIndex: 'transferFailure',
              render: (failure: WecomRelation['transferFailure']) =>
                failure === null ? '—' : `转接失败（${failure.reason}）· ${formatShanghaiDateTime(failure.at)}`,
            },
          ]}
        />
      )}
    </Card>
  );
}

/** 企业微信客户 of one guide (/guides/:guideId/wecom): the contact way's status with its QR, then the customers WeCom reported. */
export function GuideWecomPage() {
  const { guideId = '' } = useParams();
  const navigate = useNavigate();
  const load = useCallback((client: ApiClient) => client.guideWecom(guideId), [guideId]);
  const wecom = useApiData(load);
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Button onClick={() => navigate('/guides')}>返回导购列表</Button>
      {wecom.status === 'failed' && <LoadFailedAlert title="无法获取导购的企业微信信息" failed={wecom} />}
      {wecom.status === 'loading' && <Card loading size="small" />}
      {wecom.status === 'loaded' && <ContactWayCard reply={wecom.data} />}
      <CustomersCard guideId={guideId} />
    </Space>
  );
}
