import { Card, Input, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { useCallback, useState, type MouseEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { MAX_GUIDE_PAGE_SIZE, type CustomerListItem, type CustomerListQuery, type Guide } from '@mall/shared';
import type { ApiClient } from '../../api/client.ts';
import { LoadFailedAlert } from '../../api/LoadFailedAlert.tsx';
import { useApiData } from '../../api/use-api-data.ts';
import { formatShanghaiDateTime } from '../../format.ts';
import { guideStatusLabels } from '../guides/guide-format.ts';
import { guideText, type CustomerGuide } from './attribution-format.ts';

const PAGE_SIZE = 20;

export function customerPath(customerId: string): string {
  return `/customers/${customerId}`;
}

/** `李娜（K7QX2M）· 徐汇店`, and `（已离职）` for a guide who left (their customers stay bound until handed over). */
function guideOptionLabel(guide: Guide): string {
  return `${guideText(guide)} · ${guide.storeName}${guide.status === 'left' ? `（${guideStatusLabels.left}）` : ''}`;
}

/**
 * The guide filter: the guides the API finds for what is typed (a page of them, so a large team is searched rather
 * than listed whole); the chosen guide stays in the options while another search runs.
 */
function GuideFilter({
  value,
  disabled,
  onChange,
}: {
  value: string | undefined;
  disabled: boolean;
  onChange(guideId: string | undefined): void;
}) {
  const [search, setSearch] = useState('');
  const [chosen, setChosen] = useState<{ value: string; label: string } | null>(null);
  const loadGuides = useCallback(
    (client: ApiClient) => client.listGuides({ keyword: search.trim() || undefined, pageSize: MAX_GUIDE_PAGE_SIZE }),
    [search],
  );
  const guides = useApiData(loadGuides);
  const found = guides.status === 'loaded' ? guides.data.items.map((guide) => ({ value: guide.id, label: guideOptionLabel(guide) })) : [];
  const options =
    chosen === null || chosen.value !== value || found.some((option) => option.value === chosen.value) ? found : [chosen, ...found];

  return (
    <Select
      aria-label="按导购筛选"
      placeholder="全部导购"
      allowClear
      disabled={disabled}
      value={value}
      loading={guides.status === 'loading'}
      notFoundContent={
        guides.status === 'failed' ? `无法获取导购：${guides.error.message}` : guides.status === 'loading' ? '正在查找…' : '没有找到导购'
      }
      showSearch={{ filterOption: false, onSearch: setSearch }}
      options={options}
      onChange={(guideId: string | undefined) => {
        setChosen(options.find((option) => option.value === guideId) ?? null);
        setSearch('');
        onChange(guideId);
      }}
      style={{ width: 280 }}
    />
  );
}

function ProtectedUntil({ customer }: { customer: CustomerListItem }) {
  if (customer.guide === null) return '—';
  if (customer.protectedUntil === null) return '永久';
  const lapsed = new Date(customer.protectedUntil).getTime() <= Date.now();
  return (
    <>
      {formatShanghaiDateTime(customer.protectedUntil)}
      {lapsed && <Typography.Text type="secondary">（已过期）</Typography.Text>}
    </>
  );
}

/** 客户: customers newest first with their guide; by guide, unbound only or keyword; a row opens the customer's binding. */
export function CustomerListPage() {
  const navigate = useNavigate();
  const [query, setQuery] = useState<CustomerListQuery>({ page: 1, pageSize: PAGE_SIZE });
  const loadCustomers = useCallback((client: ApiClient) => client.listCustomers(query), [query]);
  const customers = useApiData(loadCustomers);

  const filter = (changes: Partial<CustomerListQuery>) => setQuery((current) => ({ ...current, ...changes, page: 1 }));
  const filtered = query.guideId !== undefined || query.unbound !== undefined || query.keyword !== undefined;
  const open = (customer: CustomerListItem) => navigate(customerPath(customer.id));

  return (
    <Card title="客户">
      <Space wrap style={{ marginBottom: 16 }}>
        <Input.Search
          placeholder="昵称或手机号"
          aria-label="搜索客户"
          allowClear
          onSearch={(value) => filter({ keyword: value.trim() || undefined })}
          style={{ width: 240 }}
        />
        <GuideFilter value={query.guideId} disabled={query.unbound !== undefined} onChange={(guideId) => filter({ guideId })} />
        <Space size="small">
          <Switch
            id="customers-unbound"
            aria-label="仅未绑定"
            checked={query.unbound !== undefined}
            onChange={(unbound) => filter(unbound ? { unbound: 'true', guideId: undefined } : { unbound: undefined })}
          />
          <label htmlFor="customers-unbound">仅未绑定导购</label>
        </Space>
      </Space>
      {customers.status === 'failed' ? (
        <LoadFailedAlert title="无法获取客户列表" failed={customers} />
      ) : (
        <Table<CustomerListItem>
          rowKey="id"
          loading={customers.status === 'loading'}
          dataSource={customers.status === 'loaded' ? customers.data.items : []}
          locale={{ emptyText: filtered ? '没有符合条件的客户' : '还没有客户' }}
          onRow={(customer) => ({ onClick: () => open(customer), style: { cursor: 'pointer' } })}
          pagination={{
            current: query.page ?? 1,
            pageSize: PAGE_SIZE,
            total: customers.status === 'loaded' ? customers.data.total : 0,
            showSizeChanger: false,
            showTotal: (total) => `共 ${total} 位客户`,
            onChange: (page) => setQuery((current) => ({ ...current, page })),
          }}
          columns={[
            {
              title: '顾客',
              render: (_value, customer) => (
                <Typography.Link
                  onClick={(event: MouseEvent) => {
                    event.stopPropagation();
                    open(customer);
                  }}
                >
                  {customer.nickname ?? '未设置昵称'}
                </Typography.Link>
              ),
            },
            { title: '手机', dataIndex: 'phone', render: (phone: string | null) => phone ?? '—' },
            {
              title: '专属导购',
              dataIndex: 'guide',
              render: (guide: CustomerGuide | null) =>
                guide === null ? (
                  <Tag>未绑定</Tag>
                ) : (
                  <Space orientation="vertical" size={0}>
                    <span>{guideText(guide)}</span>
                    <Typography.Text type="secondary">{guide.storeName}</Typography.Text>
                  </Space>
                ),
            },
            {
              title: '绑定时间',
              dataIndex: 'boundSince',
              render: (boundSince: string | null) => (boundSince === null ? '—' : formatShanghaiDateTime(boundSince)),
            },
            { title: '保护至', render: (_value, customer) => <ProtectedUntil customer={customer} /> },
            {
              title: '企业微信',
              dataIndex: 'wecomLinked',
              render: (linked: boolean, customer) =>
                customer.guide === null ? '—' : linked ? <Tag color="green">已添加导购</Tag> : <Tag>未添加</Tag>,
            },
          ]}
        />
      )}
    </Card>
  );
}
