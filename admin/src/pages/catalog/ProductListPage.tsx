import { App, Button, Card, Image, Input, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import { useCallback, useMemo, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { productStatuses, type AdminProductListQuery, type AdminProductSummary, type ProductStatus } from '@mall/shared';
import { asApiError, type ApiClient } from '../../api/client.ts';
import { useApi } from '../../api/context.tsx';
import { LoadFailedAlert } from '../../api/LoadFailedAlert.tsx';
import { useApiData } from '../../api/use-api-data.ts';
import { formatShanghaiDateTime } from '../../format.ts';
import { categoryPaths, formatPriceRange, productStatusColors, productStatusLabels } from './catalog-format.ts';
import { useCatalogWriter } from './use-catalog-writer.ts';

const PAGE_SIZE = 20;
const loadTree = (api: ApiClient) => api.categoryTree();

/** 商品列表: search by name, filter by category and status, paged; status and delete actions for writers. */
export function ProductListPage() {
  const api = useApi();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const mayWrite = useCatalogWriter();
  const [query, setQuery] = useState<AdminProductListQuery>({ page: 1, pageSize: PAGE_SIZE });
  const loadProducts = useCallback((client: ApiClient) => client.listProducts(query), [query]);
  const products = useApiData(loadProducts);
  const tree = useApiData(loadTree);
  const categoryOptions = useMemo(() => {
    if (tree.status !== 'loaded') return [];
    return [...categoryPaths(tree.data)].map(([value, label]) => ({ value, label }));
  }, [tree]);
  const categoryNames = useMemo(() => new Map(categoryOptions.map((option) => [option.value, option.label])), [categoryOptions]);
  const [busyId, setBusyId] = useState<string | null>(null);

  async function act(product: AdminProductSummary, action: () => Promise<unknown>, done: string) {
    setBusyId(product.id);
    try {
      await action();
      void message.success(done);
      products.reload();
    } catch (caught) {
      void message.error(asApiError(caught).message);
    } finally {
      setBusyId(null);
    }
  }

  const filter = (changes: Partial<AdminProductListQuery>) => setQuery((current) => ({ ...current, ...changes, page: 1 }));

  return (
    <Card
      title="商品"
      extra={
        mayWrite && (
          <Button type="primary" onClick={() => navigate('/products/new')}>
            新建商品
          </Button>
        )
      }
    >
      <Space wrap style={{ marginBottom: 16 }}>
        <Input.Search
          placeholder="搜索商品名称"
          aria-label="搜索商品名称"
          allowClear
          onSearch={(value) => filter({ keyword: value.trim() || undefined })}
          style={{ width: 240 }}
        />
        <Select
          aria-label="按分类筛选"
          placeholder="全部分类"
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          options={categoryOptions}
          onChange={(value: string | undefined) => filter({ categoryId: value })}
          style={{ width: 200 }}
        />
        <Select
          aria-label="按状态筛选"
          placeholder="全部状态"
          allowClear
          options={productStatuses.map((status) => ({ value: status, label: productStatusLabels[status] }))}
          onChange={(value: ProductStatus | undefined) => filter({ status: value })}
          style={{ width: 140 }}
        />
      </Space>
      {products.status === 'failed' ? (
        <LoadFailedAlert title="无法获取商品列表" failed={products} />
      ) : (
        <Table<AdminProductSummary>
          rowKey="id"
          loading={products.status === 'loading'}
          dataSource={products.status === 'loaded' ? products.data.items : []}
          locale={{ emptyText: query.keyword || query.categoryId || query.status ? '没有符合条件的商品' : '还没有商品' }}
          pagination={{
            current: query.page ?? 1,
            pageSize: PAGE_SIZE,
            total: products.status === 'loaded' ? products.data.total : 0,
            showSizeChanger: false,
            showTotal: (total) => `共 ${total} 件商品`,
            onChange: (page) => setQuery((current) => ({ ...current, page })),
          }}
          columns={[
            {
              title: '商品',
              render: (_value, product) => (
                <Space>
                  {product.image === null ? (
                    <div style={{ width: 48, height: 48, background: '#f5f5f5' }} aria-label="无商品图" />
                  ) : (
                    <Image src={api.imageSrc(product.image)} width={48} height={48} alt={product.title} preview={false} />
                  )}
                  <Typography.Link onClick={() => navigate(`/products/${product.id}`)}>{product.title}</Typography.Link>
                </Space>
              ),
            },
            { title: '分类', render: (_value, product) => categoryNames.get(product.categoryId) ?? '—' },
            { title: '价格', render: (_value, product) => formatPriceRange(product.priceMin, product.priceMax) },
            { title: '库存', dataIndex: 'stock' },
            { title: '销量', dataIndex: 'salesCount' },
            {
              title: '状态',
              dataIndex: 'status',
              render: (status: ProductStatus) => <Tag color={productStatusColors[status]}>{productStatusLabels[status]}</Tag>,
            },
            { title: '更新时间', dataIndex: 'updatedAt', render: (updatedAt: string) => formatShanghaiDateTime(updatedAt) },
            {
              title: '操作',
              render: (_value, product) => (
                <Space size="small">
                  <Button size="small" onClick={() => navigate(`/products/${product.id}`)}>
                    {mayWrite ? '编辑' : '查看'}
                  </Button>
                  {mayWrite && product.status !== 'on_sale' && (
                    <Button
                      size="small"
                      loading={busyId === product.id}
                      onClick={() => void act(product, () => api.changeProductStatus(product.id, 'on_sale'), `「${product.title}」已上架`)}
                    >
                      上架
                    </Button>
                  )}
                  {mayWrite && product.status === 'on_sale' && (
                    <Button
                      size="small"
                      loading={busyId === product.id}
                      onClick={() => void act(product, () => api.changeProductStatus(product.id, 'off_sale'), `「${product.title}」已下架`)}
                    >
                      下架
                    </Button>
                  )}
                  {mayWrite && product.status === 'draft' && (
                    <Popconfirm
                      title={`删除草稿「${product.title}」？`}
                      okText="删除"
                      cancelText="取消"
                      onConfirm={() => void act(product, () => api.deleteProduct(product.id), `已删除「${product.title}」`)}
                    >
                      <Button size="small" danger>
                        删除
                      </Button>
                    </Popconfirm>
                  )}
                </Space>
              ),
            },
          ]}
        />
      )}
    </Card>
  );
}
