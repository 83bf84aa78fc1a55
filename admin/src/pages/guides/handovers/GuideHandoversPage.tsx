import { Alert, App, Button, Card, Descriptions, Form, Input, Popconfirm, Radio, Select, Space, Table, Tag, Typography } from 'antd';
import { useCallback, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import {
  MAX_GUIDE_PAGE_SIZE,
  MAX_HANDOVER_CUSTOMERS,
  MAX_TRANSFER_MESSAGE_CHARS,
  createHandoverRequestSchema,
  handoverModeLabels,
  newIdempotencyKey,
  type CustomerListItem,
  type Guide,
} from '@mall/shared';
import { asApiError, type ApiClient } from '../../../api/client.ts';
import { useApi } from '../../../api/context.tsx';
import { LoadFailedAlert } from '../../../api/LoadFailedAlert.tsx';
import { useApiData } from '../../../api/use-api-data.ts';
import { useSubmit } from '../../../api/use-submit.ts';
import { formatShanghaiDateTime } from '../../../format.ts';
import { firstIssue, guideStatusColors, guideStatusLabels } from '../guide-format.ts';
import { useGuidesWriter } from '../use-guides-writer.ts';
import { handoverModeColors, handoverPath } from './handover-format.ts';
import { HandoverRecords } from './HandoverRecords.tsx';

const CUSTOMER_PAGE_SIZE = 20;

function targetLabel(guide: Guide): string {
  return `${guide.name}（${guide.code}）· ${guide.storeName}${guide.wecomUserId === null ? '（未关联企业微信）' : ''}`;
}

/** The guides on duty the customers may go to, searched as typed; the chosen one stays among the options. */
function TargetGuideSelect({
  sourceId,
  value,
  onChange,
}: {
  sourceId: string;
  value: string | undefined;
  onChange(guideId: string): void;
}) {
  const [search, setSearch] = useState('');
  const [chosen, setChosen] = useState<{ value: string; label: string } | null>(null);
  const load = useCallback(
    (client: ApiClient) => client.listGuides({ keyword: search.trim() || undefined, status: 'active', pageSize: MAX_GUIDE_PAGE_SIZE }),
    [search],
  );
  const guides = useApiData(load);
  const found =
    guides.status === 'loaded'
      ? guides.data.items.filter((guide) => guide.id !== sourceId).map((guide) => ({ value: guide.id, label: targetLabel(guide) }))
      : [];
  const options = chosen === null || found.some((option) => option.value === chosen.value) ? found : [chosen, ...found];
  return (
    <Select
      id="handover-target"
      aria-label="接收导购"
      placeholder="搜索在职导购的姓名、导购码或电话"
      value={value}
      loading={guides.status === 'loading'}
      notFoundContent={
        guides.status === 'failed'
          ? `无法获取导购：${guides.error.message}`
          : guides.status === 'loading'
            ? '正在查找…'
            : '没有找到在职导购'
      }
      showSearch={{ filterOption: false, onSearch: setSearch }}
      options={options}
      onChange={(guideId: string) => {
        setChosen(options.find((option) => option.value === guideId) ?? null);
        setSearch('');
        onChange(guideId);
      }}
      style={{ width: 360 }}
    />
  );
}

/** The guide's customers, paged and searchable, with the rows picked kept across pages. */
function CustomerPicker({ guideId, selected, onChange }: { guideId: string; selected: string[]; onChange(ids: string[]): void }) {
  const [query, setQuery] = useState<{ page: number; keyword?: string }>({ page: 1 });
  const load = useCallback(
    (client: ApiClient) => client.listCustomers({ guideId, page: query.page, pageSize: CUSTOMER_PAGE_SIZE, keyword: query.keyword }),
    [guideId, query],
  );
  const customers = useApiData(load);
  return (
    <Space orientation="vertical" size="small" style={{ width: '100%' }}>
      <Space wrap>
        <Input.Search
          placeholder="昵称或手机号"
          aria-label="搜索客户"
          allowClear
          onSearch={(value) => setQuery({ page: 1, keyword: value.trim() || undefined })}
          style={{ width: 240 }}
        />
        <Typography.Text>已选择 {selected.length} 位客户</Typography.Text>
        {selected.length > 0 && (
          <Button size="small" onClick={() => onChange([])}>
            清空选择
          </Button>
        )}
      </Space>
      {customers.status === 'failed' ? (
        <LoadFailedAlert title="无法获取该导购的客户" failed={customers} />
      ) : (
        <Table<CustomerListItem>
          rowKey="id"
          size="small"
          loading={customers.status === 'loading'}
          dataSource={customers.status === 'loaded' ? customers.data.items : []}
          locale={{ emptyText: query.keyword === undefined ? '该导购还没有客户' : '没有符合条件的客户' }}
          rowSelection={{
            selectedRowKeys: selected,
            preserveSelectedRowKeys: true,
            onChange: (keys) => onChange(keys.map(String)),
          }}
          pagination={{
            current: query.page,
            pageSize: CUSTOMER_PAGE_SIZE,
            total: customers.status === 'loaded' ? customers.data.total : 0,
            showSizeChanger: false,
            showTotal: (total) => `共 ${total} 位客户`,
            onChange: (page) => setQuery((current) => ({ ...current, page })),
          }}
          columns={[
            { title: '顾客', dataIndex: 'nickname', render: (nickname: string | null) => nickname ?? '未设置昵称' },
            { title: '手机', dataIndex: 'phone', render: (phone: string | null) => phone ?? '—' },
            {
              title: '绑定时间',
              dataIndex: 'boundSince',
              render: (boundSince: string | null) => (boundSince === null ? '—' : formatShanghaiDateTime(boundSince)),
            },
            {
              title: '企业微信',
              dataIndex: 'wecomLinked',
              render: (linked: boolean) => (linked ? <Tag color="green">已添加导购</Tag> : <Tag>未添加</Tag>),
            },
          ]}
        />
      )}
    </Space>
  );
}

/**
 * 客户转移 of one guide: to whom, all customers or the ones picked, and (on duty) what WeCom tells the customers. The
 * request carries one idempotency key per attempt: sent again after a lost reply it finds the handover already made.
 */
function HandoverForm({ guide }: { guide: Guide }) {
  const api = useApi();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const onDuty = guide.status === 'active';
  const mode = onDuty ? 'on-duty' : 'resigned';
  const [toGuideId, setToGuideId] = useState<string>();
  const [scope, setScope] = useState<'all' | 'selected'>('all');
  const [selected, setSelected] = useState<string[]>([]);
  const [transferMessage, setTransferMessage] = useState('');
  const [idempotencyKey, setIdempotencyKey] = useState(newIdempotencyKey);
  const { submitting, error, setError, submit } = useSubmit();
  const loadCount = useCallback((client: ApiClient) => client.listCustomers({ guideId: guide.id, page: 1, pageSize: 1 }), [guide.id]);
  const counted = useApiData(loadCount);
  const total = counted.status === 'loaded' ? counted.data.total : null;
  const count = scope === 'all' ? total : selected.length;

  const problem =
    toGuideId === undefined
      ? '请选择接收导购'
      : scope === 'selected' && selected.length === 0
        ? '请选择要转移的客户'
        : scope === 'selected' && selected.length > MAX_HANDOVER_CUSTOMERS
          ? `一次最多选择 ${MAX_HANDOVER_CUSTOMERS} 位客户，更多请选择「全部客户」`
          : scope === 'all' && total === 0
            ? '该导购没有客户'
            : null;

  async function handOver() {
    const parsed = createHandoverRequestSchema.safeParse({
      toGuideId,
      ...(scope === 'selected' && { customerIds: selected }),
      ...(onDuty && transferMessage.trim() !== '' && { transferMessage }),
    });
    if (!parsed.success) {
      setError(firstIssue(parsed.error, '转移信息不正确'));
      return;
    }
    setError(null);
    await submit(async () => {
      try {
        const reply = await api.createHandover(guide.id, parsed.data, idempotencyKey);
        setIdempotencyKey(newIdempotencyKey());
        void message.success(`已转移 ${reply.handover.counts.moved} 位客户`);
        navigate(handoverPath(reply.handover.id));
      } catch (caught) {
        // A refused request made nothing: the next attempt is a new request. Anything else may have made the handover.
        const status = asApiError(caught).status;
        if (status >= 400 && status < 500) setIdempotencyKey(newIdempotencyKey());
        throw caught;
      }
    });
  }

  return (
    <Card
      size="small"
      title={
        <Space>
          <span>转移「{guide.name}」的客户</span>
          <Tag color={handoverModeColors[mode]}>{handoverModeLabels[mode]}</Tag>
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">
        {onDuty
          ? '客户的专属导购立即变为接收导购。已添加该导购企业微信的客户由企业微信转接：客户收到提示语，24 小时内未拒绝即完成。'
          : '该导购已离职：客户的专属导购立即变为接收导购，已添加其企业微信的客户由企业微信离职继承转接。'}
        订单保留下单时的导购，之后的新订单归属接收导购。
      </Typography.Paragraph>
      <Form layout="vertical">
        <Form.Item label="接收导购" htmlFor="handover-target">
          <TargetGuideSelect sourceId={guide.id} value={toGuideId} onChange={setToGuideId} />
        </Form.Item>
        <Form.Item label="转移哪些客户">
          <Radio.Group
            value={scope}
            onChange={(event) => setScope(event.target.value as 'all' | 'selected')}
            options={[
              { value: 'all', label: total === null ? '全部客户' : `全部客户（${total} 位）` },
              { value: 'selected', label: '选择客户' },
            ]}
          />
        </Form.Item>
        {scope === 'selected' && (
          <Form.Item>
            <CustomerPicker guideId={guide.id} selected={selected} onChange={setSelected} />
          </Form.Item>
        )}
        {onDuty && (
          <Form.Item label="转接提示语（选填）" htmlFor="handover-message" help="转接成功后企业微信发给客户；不填则使用企业微信的默认提示">
            <Input.TextArea
              id="handover-message"
              rows={2}
              maxLength={MAX_TRANSFER_MESSAGE_CHARS}
              showCount
              value={transferMessage}
              onChange={(event) => setTransferMessage(event.target.value)}
            />
          </Form.Item>
        )}
        {error !== null && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
        <Popconfirm
          title="确认转移客户？"
          description={`${count === null ? '' : `${count} 位`}客户将转给所选导购，转移后不能撤销。`}
          okText="转移"
          cancelText="取消"
          disabled={problem !== null}
          onConfirm={() => handOver()}
        >
          <Button type="primary" loading={submitting} disabled={problem !== null}>
            转移客户
          </Button>
        </Popconfirm>
        {problem !== null && (
          <Typography.Text type="secondary" style={{ marginLeft: 12 }}>
            {problem}
          </Typography.Text>
        )}
      </Form>
    </Card>
  );
}

/** 客户转移 of one guide (/guides/:guideId/handovers): the handover form for writers, and the guide's handover records for everyone. */
export function GuideHandoversPage() {
  const { guideId = '' } = useParams();
  const navigate = useNavigate();
  const mayWrite = useGuidesWriter();
  const load = useCallback((client: ApiClient) => client.getGuide(guideId), [guideId]);
  const guide = useApiData(load);
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Button onClick={() => navigate('/guides')}>返回导购列表</Button>
      {guide.status === 'failed' && <LoadFailedAlert title="无法获取导购" failed={guide} />}
      {guide.status === 'loading' && <Card loading size="small" />}
      {guide.status === 'loaded' && (
        <Card size="small">
          <Descriptions
            size="small"
            column={4}
            items={[
              { key: 'name', label: '导购', children: guide.data.name },
              { key: 'store', label: '门店', children: guide.data.storeName },
              { key: 'wecom', label: '企业微信账号', children: guide.data.wecomUserId ?? '未关联' },
              {
                key: 'status',
                label: '状态',
                children: <Tag color={guideStatusColors[guide.data.status]}>{guideStatusLabels[guide.data.status]}</Tag>,
              },
            ]}
          />
        </Card>
      )}
      {guide.status === 'loaded' &&
        (mayWrite ? (
          <HandoverForm guide={guide.data} />
        ) : (
          <Alert type="info" showIcon title="只有所有者和运营可以转移客户，你可以查看转移记录。" />
        ))}
      <HandoverRecords guideId={guideId} title={guide.status === 'loaded' ? `「${guide.data.name}」的转移记录` : '转移记录'} />
    </Space>
  );
}
