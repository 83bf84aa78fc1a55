import { Alert, Avatar, Button, Card, Descriptions, Empty, Space, Table, Tag, Timeline, Typography } from 'antd';
import { useCallback } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import {
  bindingReasonLabels,
  orderChannelLabels,
  wecomRelationStatusLabels,
  MAX_LISTED_TOUCHES,
  type BindingChange,
  type BindingExplanation,
  type CustomerBindingReply,
  type CustomerTouch,
  type CustomerWecomRelation,
  type TouchChannel,
  type TouchEffect,
} from '@mall/shared';
import type { ApiClient } from '../../api/client.ts';
import { useApi } from '../../api/context.tsx';
import { LoadFailedAlert } from '../../api/LoadFailedAlert.tsx';
import { useApiData } from '../../api/use-api-data.ts';
import { formatShanghaiDateTime } from '../../format.ts';
import { guideText, protectionStatus, touchEffectLabels, type CustomerGuide } from './attribution-format.ts';

function BindingCard({ binding }: { binding: BindingExplanation | null }) {
  const api = useApi();
  if (binding === null) {
    return (
      <Card title="专属导购" size="small">
        <Empty description="尚未绑定导购：这位顾客还没有通过导购进店，也没有被分配导购。" />
      </Card>
    );
  }
  const { guide } = binding;
  const protection = protectionStatus(binding);
  return (
    <Card title="专属导购" size="small">
      <Alert type="info" showIcon title={<Typography.Text strong>{binding.explanation}</Typography.Text>} style={{ marginBottom: 16 }} />
      <Space align="start" size="large" wrap>
        <Space>
          <Avatar size={48} src={guide.avatarUrl === null ? undefined : api.imageSrc({ url: guide.avatarUrl })} alt={guide.name}>
            {guide.name.slice(0, 1)}
          </Avatar>
          <Space orientation="vertical" size={0}>
            <Typography.Text strong>{guideText(guide)}</Typography.Text>
            <Typography.Text type="secondary">{guide.storeName}</Typography.Text>
          </Space>
        </Space>
        <Descriptions
          size="small"
          column={1}
          items={[
            { key: 'protection', label: '保护状态', children: <Tag color={protection.color}>{protection.text}</Tag> },
            { key: 'since', label: '绑定时间', children: formatShanghaiDateTime(binding.since) },
            {
              key: 'until',
              label: '保护至',
              children: binding.protectedUntil === null ? '永久' : formatShanghaiDateTime(binding.protectedUntil),
            },
            { key: 'reason', label: '绑定原因', children: bindingReasonLabels[binding.reason] },
          ]}
        />
      </Space>
    </Card>
  );
}

function HistoryCard({ history }: { history: BindingChange[] }) {
  return (
    <Card title="绑定记录" size="small">
      {history.length === 0 ? (
        <Typography.Text type="secondary">没有绑定记录</Typography.Text>
      ) : (
        <Timeline
          items={history.map((change, index) => ({
            key: `${change.at}-${index}`,
            color: index === 0 ? 'green' : 'gray',
            content: (
              <>
                <div>
                  <strong>{bindingReasonLabels[change.reason]}</strong>{' '}
                  <Typography.Text>
                    {change.from === null ? '无导购' : guideText(change.from)} → {guideText(change.to)}
                  </Typography.Text>
                </div>
                <Typography.Text type="secondary">
                  {formatShanghaiDateTime(change.at)}
                  {change.channel === null ? '' : ` · ${orderChannelLabels[change.channel]}`}
                  {change.by === null ? '' : ` · 操作人 ${change.by}`}
                </Typography.Text>
              </>
            ),
          }))}
        />
      )}
    </Card>
  );
}

function TouchesCard({ touches }: { touches: CustomerTouch[] }) {
  return (
    <Card title={`最近进店记录（最多 ${MAX_LISTED_TOUCHES} 条）`} size="small">
      <Table<CustomerTouch>
        rowKey={(touch) => `${touch.at}-${touch.guide.id}-${touch.channel}`}
        pagination={false}
        dataSource={touches}
        locale={{ emptyText: '没有通过导购进店的记录' }}
        columns={[
          { title: '时间', dataIndex: 'at', render: (at: string) => formatShanghaiDateTime(at) },
          { title: '导购', dataIndex: 'guide', render: (guide: CustomerGuide) => `${guideText(guide)} · ${guide.storeName}` },
          { title: '渠道', dataIndex: 'channel', render: (channel: TouchChannel) => orderChannelLabels[channel] },
          {
            title: '效果',
            dataIndex: 'effect',
            render: (effect: TouchEffect) => <Tag color={touchEffectLabels[effect].color}>{touchEffectLabels[effect].text}</Tag>,
          },
        ]}
      />
    </Card>
  );
}

function WecomCard({ relations }: { relations: CustomerWecomRelation[] }) {
  return (
    <Card title="企业微信" size="small">
      <Table<CustomerWecomRelation>
        rowKey={(relation) => `${relation.guide.id}-${relation.addedAt}`}
        pagination={false}
        dataSource={relations}
        locale={{ emptyText: '还没有添加任何导购的企业微信' }}
        columns={[
          { title: '导购', dataIndex: 'guide', render: (guide: CustomerGuide) => `${guideText(guide)} · ${guide.storeName}` },
          {
            title: '状态',
            dataIndex: 'status',
            render: (status: CustomerWecomRelation['status']) => (
              <Tag color={status === 'added' ? 'green' : 'default'}>{wecomRelationStatusLabels[status]}</Tag>
            ),
          },
          { title: '添加时间', dataIndex: 'addedAt', render: (at: string) => formatShanghaiDateTime(at) },
          { title: '删除时间', dataIndex: 'deletedAt', render: (at: string | null) => (at === null ? '—' : formatShanghaiDateTime(at)) },
        ]}
      />
    </Card>
  );
}

function CustomerBinding({ reply }: { reply: CustomerBindingReply }) {
  const { customer } = reply;
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Card title={customer.nickname ?? '未设置昵称'}>
        <Descriptions
          size="small"
          column={2}
          items={[
            { key: 'phone', label: '手机', children: customer.phone ?? '—' },
            { key: 'createdAt', label: '首次登录', children: formatShanghaiDateTime(customer.createdAt) },
          ]}
        />
      </Card>
      <BindingCard binding={reply.binding} />
      <HistoryCard history={reply.history} />
      <WecomCard relations={reply.wecom} />
      <TouchesCard touches={reply.touches} />
    </Space>
  );
}

/** 客户详情 (`/customers/:id`): why the customer is bound to their guide, every change of the binding, the latest touches. */
export function CustomerBindingPage() {
  const { customerId = '' } = useParams();
  const navigate = useNavigate();
  const load = useCallback((client: ApiClient) => client.getCustomerBinding(customerId), [customerId]);
  const loaded = useApiData(load);

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Button onClick={() => navigate('/customers')}>返回客户列表</Button>
      {loaded.status === 'loading' && <Card loading />}
      {loaded.status === 'failed' &&
        (loaded.error.code === 'NOT_FOUND' || loaded.error.code === 'VALIDATION_FAILED' ? (
          <Alert type="warning" showIcon title="顾客不存在" description="找不到这位顾客，可能链接有误。" />
        ) : (
          <LoadFailedAlert title="无法获取客户信息" failed={loaded} />
        ))}
      {loaded.status === 'loaded' && <CustomerBinding reply={loaded.data} />}
    </Space>
  );
}
