import { Alert, Button, Input, Modal, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { formatRateBps, parsePercentToBps, type AdminCategoryNode, type CommissionRate } from '@mall/shared';
import type { ApiClient } from '../../api/client.ts';
import { useApi } from '../../api/context.tsx';
import { LoadFailedAlert } from '../../api/LoadFailedAlert.tsx';
import { useApiData } from '../../api/use-api-data.ts';
import { useSubmit } from '../../api/use-submit.ts';
import { useGuidesWriter } from './use-guides-writer.ts';

const loadRates = (api: ApiClient) => api.commissionRates();
const loadCategories = (api: ApiClient) => api.categoryTree();

/** Every category, a child named with its parent (`服装 / T恤`): a rate on a parent applies to its children without one. */
function categoryOptions(tree: readonly AdminCategoryNode[]): { value: string; label: string }[] {
  return tree.flatMap((parent) => [
    { value: parent.id, label: parent.name },
    ...parent.children.map((child) => ({ value: child.id, label: `${parent.name} / ${child.name}` })),
  ]);
}

/**
 * 提成比例: the category rates (set and removed here by writers) and the guides' own rates (set on a guide's month).
 * A line earns its category's rate, else its parent category's, else the guide's; with none it earns nothing.
 */
export function CommissionRatesDialog({ onClose }: { onClose(): void }) {
  const api = useApi();
  const mayWrite = useGuidesWriter();
  const rates = useApiData(loadRates);
  const categories = useApiData(loadCategories);
  const [categoryId, setCategoryId] = useState<string | undefined>();
  const [percent, setPercent] = useState('');
  const { submitting, error, setError, submit } = useSubmit();

  async function setCategoryRate() {
    if (categoryId === undefined) {
      setError('请选择品类');
      return;
    }
    let rateBps: number;
    try {
      rateBps = parsePercentToBps(percent);
    } catch {
      setError('提成比例须为 0 到 100 之间的数，最多两位小数');
      return;
    }
    setError(null);
    await submit(async () => {
      await api.setCategoryCommissionRate(categoryId, rateBps);
      setPercent('');
      setCategoryId(undefined);
      rates.reload();
    });
  }

  async function removeCategoryRate(rate: CommissionRate) {
    await submit(async () => {
      await api.setCategoryCommissionRate(rate.targetId, null);
      rates.reload();
    });
  }

  const rateColumn = { title: '提成比例', dataIndex: 'rateBps', render: (rateBps: number) => formatRateBps(rateBps) };
  return (
    <Modal
      open
      title="提成比例"
      onCancel={onClose}
      footer={
        <Button type="primary" onClick={onClose}>
          关闭
        </Button>
      }
      width={640}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">
        订单支付时按商品实付金额（分摊订单优惠后，不含运费）计算提成：商品所在品类设置了比例的按品类（子品类未设置时按上级品类），否则按导购本人的比例，都未设置则没有提成。修改只影响之后支付的订单；退款按退款金额比例冲减提成。
      </Typography.Paragraph>
      {error !== null && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      {rates.status === 'failed' ? (
        <LoadFailedAlert title="无法获取提成比例" failed={rates} />
      ) : (
        <>
          <Typography.Title level={5}>品类提成</Typography.Title>
          {mayWrite && (
            <Space wrap style={{ marginBottom: 12 }}>
              <Select
                aria-label="品类"
                placeholder="选择品类"
                value={categoryId}
                options={categories.status === 'loaded' ? categoryOptions(categories.data) : []}
                onChange={(value: string) => setCategoryId(value)}
                style={{ width: 220 }}
              />
              <Input
                aria-label="品类提成比例"
                suffix="%"
                placeholder="如 2.5"
                value={percent}
                onChange={(event) => setPercent(event.target.value)}
                style={{ width: 120 }}
              />
              <Button type="primary" loading={submitting} onClick={() => void setCategoryRate()}>
                设置
              </Button>
            </Space>
          )}
          <Table<CommissionRate>
            rowKey="targetId"
            size="small"
            loading={rates.status === 'loading'}
            dataSource={rates.status === 'loaded' ? rates.data.categories : []}
            pagination={false}
            locale={{ emptyText: '没有品类设置提成比例' }}
            columns={[
              { title: '品类', dataIndex: 'name' },
              rateColumn,
              ...(mayWrite
                ? [
                    {
                      title: '操作',
                      key: 'remove',
                      render: (_value: unknown, rate: CommissionRate) => (
                        <Button size="small" danger disabled={submitting} onClick={() => void removeCategoryRate(rate)}>
                          删除
                        </Button>
                      ),
                    },
                  ]
                : []),
            ]}
          />
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            导购提成
          </Typography.Title>
          <Table<CommissionRate>
            rowKey="targetId"
            size="small"
            loading={rates.status === 'loading'}
            dataSource={rates.status === 'loaded' ? rates.data.guides : []}
            pagination={false}
            locale={{ emptyText: '没有导购设置提成比例（在导购的业绩页设置）' }}
            columns={[{ title: '导购', dataIndex: 'name' }, rateColumn]}
          />
        </>
      )}
    </Modal>
  );
}
