import { App, Button, Select, Space, Spin, Table, Tag, Typography } from 'antd';
import { useCallback, useState } from 'react';
import { MAX_GUIDE_PICKS, type AdminProductSummary, type Guide } from '@mall/shared';
import type { ApiClient } from '../../api/client.ts';
import { useApi } from '../../api/context.tsx';
import { LoadFailedAlert } from '../../api/LoadFailedAlert.tsx';
import { useApiData } from '../../api/use-api-data.ts';
import { useSubmit } from '../../api/use-submit.ts';
import { SaveDialog } from '../../layout/SaveDialog.tsx';
import { productStatusLabels } from '../catalog/catalog-format.ts';

/** A pick as the editor lists it. */
interface PickRow {
  id: string;
  title: string;
  onSale: boolean;
}

/** How many products one search offers: enough to find one by its title. */
const SEARCH_PAGE_SIZE = 20;

/** Products found by title (any status: one off sale now shows again once it is back on sale), those picked already disabled. */
function ProductPicker({ picked, disabled, onPick }: { picked: ReadonlySet<string>; disabled: boolean; onPick(product: PickRow): void }) {
  const [search, setSearch] = useState('');
  const loadProducts = useCallback(
    (client: ApiClient) => client.listProducts({ keyword: search.trim() || undefined, page: 1, pageSize: SEARCH_PAGE_SIZE }),
    [search],
  );
  const products = useApiData(loadProducts);
  const found: AdminProductSummary[] = products.status === 'loaded' ? products.data.items : [];

  return (
    <Select<string>
      aria-label="添加推荐商品"
      placeholder={disabled ? `最多推荐 ${MAX_GUIDE_PICKS} 件商品` : '搜索商品标题，选择后加入推荐'}
      disabled={disabled}
      value={null}
      loading={products.status === 'loading'}
      notFoundContent={products.status === 'failed' ? `无法获取商品：${products.error.message}` : '没有找到商品'}
      showSearch={{ filterOption: false, onSearch: setSearch }}
      options={found.map((product) => ({
        value: product.id,
        label: `${product.title}（${productStatusLabels[product.status]}）`,
        disabled: picked.has(product.id),
      }))}
      onChange={(productId) => {
        const product = found.find((item) => item.id === productId);
        if (product !== undefined) onPick({ id: product.id, title: product.title, onSale: product.status === 'on_sale' });
        setSearch('');
      }}
      style={{ width: '100%' }}
    />
  );
}

/**
 * 推荐商品 of a guide on duty: the products their shop shows first, in this order (at most MAX_GUIDE_PICKS). Saved as the
 * whole list; products not on sale stay picked but are not shown to shoppers.
 */
export function GuidePicksDialog({ guide, onClose }: { guide: Guide; onClose(): void }) {
  const api = useApi();
  const { message } = App.useApp();
  const loadPicks = useCallback((client: ApiClient) => client.guidePicks(guide.id), [guide.id]);
  const picks = useApiData(loadPicks);
  const [edited, setEdited] = useState<PickRow[] | null>(null);
  const rows = edited ?? (picks.status === 'loaded' ? picks.data.map(({ id, title, onSale }) => ({ id, title, onSale })) : null);
  const { submitting, error, submit } = useSubmit();

  const move = (index: number, offset: -1 | 1) => {
    if (rows === null) return;
    const next = [...rows];
    [next[index], next[index + offset]] = [next[index + offset]!, next[index]!];
    setEdited(next);
  };

  async function save() {
    if (rows === null) return;
    await submit(async () => {
      await api.setGuidePicks(
        guide.id,
        rows.map((row) => row.id),
      );
      void message.success(`已保存「${guide.name}」的推荐商品`);
      onClose();
    });
  }

  return (
    <SaveDialog title={`「${guide.name}」的推荐商品`} okText="保存" saving={submitting} failure={error} onSave={save} onClose={onClose}>
      {picks.status === 'failed' && <LoadFailedAlert title="无法获取推荐商品" failed={picks} />}
      {picks.status === 'loading' && <Spin description="正在加载推荐商品…" />}
      {rows !== null && (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Typography.Text type="secondary">
            顾客打开该导购的小店时先看到这些商品（{rows.length}/{MAX_GUIDE_PICKS}），未在售的商品暂不展示。
          </Typography.Text>
          <Table<PickRow>
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={rows}
            locale={{ emptyText: '还没有推荐商品' }}
            columns={[
              { title: '商品', dataIndex: 'title' },
              {
                title: '状态',
                dataIndex: 'onSale',
                render: (onSale: boolean) => (onSale ? <Tag color="success">展示中</Tag> : <Tag>未在售，不展示</Tag>),
              },
              {
                title: '操作',
                render: (_value: unknown, row: PickRow, index: number) => (
                  <Space size="small">
                    <Button size="small" aria-label={`上移「${row.title}」`} disabled={index === 0} onClick={() => move(index, -1)}>
                      ↑
                    </Button>
                    <Button
                      size="small"
                      aria-label={`下移「${row.title}」`}
                      disabled={index === rows.length - 1}
                      onClick={() => move(index, 1)}
                    >
                      ↓
                    </Button>
                    <Button
                      size="small"
                      aria-label={`移除「${row.title}」`}
                      onClick={() => setEdited(rows.filter((other) => other.id !== row.id))}
                    >
                      移除
                    </Button>
                  </Space>
                ),
              },
            ]}
          />
          <ProductPicker
            picked={new Set(rows.map((row) => row.id))}
            disabled={rows.length >= MAX_GUIDE_PICKS}
            onPick={(product) => setEdited([...rows, product])}
          />
        </Space>
      )}
    </SaveDialog>
  );
}
