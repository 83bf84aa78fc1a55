import { Alert, App, Button, Card, Form, Input, Result, Select, Space, Spin, Tag, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import type { AdminCategoryNode, AdminProduct, AdminSku } from '@mall/shared';
import { asApiError, type ApiClient, type ApiError } from '../../api/client.ts';
import { useApi } from '../../api/context.tsx';
import { LoadFailedAlert } from '../../api/LoadFailedAlert.tsx';
import { useApiData } from '../../api/use-api-data.ts';
import { leafCategoryOptions, productStatusColors, productStatusLabels } from './catalog-format.ts';
import { DetailEditor, FieldError, ProductImagesEditor, SkuTable, SpecsEditor, StockAdjustDialog } from './editor-parts.tsx';
import {
  addIssues,
  buildRequest,
  draftOf,
  emptyDraft,
  existingSkus,
  skuRowsOf,
  type FieldErrors,
  type ProductDraft,
  type SkuRowDraft,
} from './product-form.ts';
import { useCatalogWriter } from './use-catalog-writer.ts';

const loadTree = (api: ApiClient) => api.categoryTree();

/** The API's answer to a save, as messages on the fields it names. */
function errorsFromApi(error: ApiError): FieldErrors {
  const errors: FieldErrors = {};
  if (error.code === 'VALIDATION_FAILED' && Array.isArray(error.details)) {
    addIssues(
      errors,
      (error.details as { path?: unknown; message?: unknown }[]).flatMap((issue) =>
        Array.isArray(issue.path) && typeof issue.message === 'string'
          ? [{ path: issue.path as PropertyKey[], message: issue.message }]
          : [],
      ),
    );
  }
  const field = (error.details as { field?: unknown } | undefined)?.field;
  if (typeof field === 'string') errors[field] = error.message;
  return errors;
}

function ProductEditor({
  product,
  tree,
  onSaved,
  onReload,
}: {
  product: AdminProduct | undefined;
  tree: AdminCategoryNode[];
  onSaved(product: AdminProduct): void;
  /** Drops the edits and loads the product as it is now. */
  onReload(): void;
}) {
  const api = useApi();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const mayWrite = useCatalogWriter();
  const readOnly = !mayWrite;
  const [draft, setDraft] = useState<ProductDraft>(() => (product ? draftOf(product) : emptyDraft()));
  const [skus, setSkus] = useState(() => existingSkus(product));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [stale, setStale] = useState(false);
  const [saving, setSaving] = useState(false);
  const [status, setStatus] = useState(product?.status);
  const [adjusting, setAdjusting] = useState<AdminSku | null>(null);
  const categoryOptions = useMemo(() => leafCategoryOptions(tree), [tree]);
  const rows = skuRowsOf(draft).map((row) => ({ ...row, existing: skus.get(row.key) }));

  const change = (changes: Partial<ProductDraft>) => setDraft((current) => ({ ...current, ...changes }));
  const changeRow = (key: string, row: SkuRowDraft) => setDraft((current) => ({ ...current, rows: { ...current.rows, [key]: row } }));

  async function save() {
    setFailure(null);
    const built = buildRequest(draft, skus);
    if ('errors' in built) {
      setErrors(built.errors);
      void message.error('请按提示修改后再保存');
      return;
    }
    setErrors({});
    setSaving(true);
    try {
      if (product === undefined) {
        const created = await api.createProduct(built.request);
        void message.success('商品已创建（草稿），上传商品图后即可上架');
        navigate(`/products/${created.id}`, { replace: true });
      } else {
        const saved = await api.updateProduct(product.id, { ...built.request, version: product.version });
        void message.success('已保存');
        onSaved(saved);
      }
    } catch (caught) {
      const error = asApiError(caught);
      if (error.code === 'CONFLICT' && product !== undefined) {
        setStale(true);
        return;
      }
      const fieldErrors = errorsFromApi(error);
      setErrors(fieldErrors);
      if (Object.keys(fieldErrors).length === 0) setFailure(error.message);
      else void message.error(error.message);
    } finally {
      setSaving(false);
    }
  }

  async function changeStatus(target: 'on_sale' | 'off_sale') {
    if (product === undefined) return;
    try {
      const changed = await api.changeProductStatus(product.id, target);
      setStatus(changed.status);
      void message.success(target === 'on_sale' ? '已上架' : '已下架');
    } catch (caught) {
      void message.error(asApiError(caught).message);
    }
  }

  const formItem = (path: string) => ({ validateStatus: errors[path] ? ('error' as const) : undefined, help: errors[path] });

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Space wrap>
        <Button onClick={() => navigate('/products')}>返回商品列表</Button>
        {status !== undefined && <Tag color={productStatusColors[status]}>{productStatusLabels[status]}</Tag>}
        {mayWrite && product !== undefined && status !== 'on_sale' && (
          <Button onClick={() => void changeStatus('on_sale')} disabled={stale}>
            上架
          </Button>
        )}
        {mayWrite && product !== undefined && status === 'on_sale' && (
          <Button onClick={() => void changeStatus('off_sale')} disabled={stale}>
            下架
          </Button>
        )}
      </Space>
      {readOnly && <Alert type="info" showIcon title="只读：你的角色可以查看商品，不能修改。" />}
      {stale && (
        <Alert
          type="warning"
          showIcon
          title="商品已被他人修改"
          description="你编辑期间，这个商品已被保存过。请重新加载最新内容后再修改（当前未保存的修改将丢弃）。"
          action={
            <Button size="small" onClick={onReload}>
              重新加载
            </Button>
          }
        />
      )}
      {failure !== null && <Alert type="error" showIcon title={failure} />}
      <Card title="基本信息">
        <Form layout="vertical" style={{ maxWidth: 640 }} disabled={readOnly}>
          <Form.Item label="商品名称" htmlFor="product-title" required {...formItem('title')}>
            <Input
              id="product-title"
              value={draft.title}
              maxLength={60}
              showCount
              onChange={(event) => change({ title: event.target.value })}
            />
          </Form.Item>
          <Form.Item label="副标题" htmlFor="product-subtitle" {...formItem('subtitle')}>
            <Input
              id="product-subtitle"
              value={draft.subtitle}
              maxLength={120}
              onChange={(event) => change({ subtitle: event.target.value })}
            />
          </Form.Item>
          <Form.Item
            label="分类"
            htmlFor="product-category"
            required
            {...formItem('categoryId')}
            extra={categoryOptions.length === 0 ? '还没有可用的分类，请先在「分类」中新建' : undefined}
          >
            <Select
              id="product-category"
              placeholder="选择末级分类"
              showSearch={{ optionFilterProp: 'label' }}
              options={categoryOptions}
              value={draft.categoryId}
              onChange={(categoryId: string) => change({ categoryId })}
            />
          </Form.Item>
        </Form>
      </Card>
      <Card title="商品图" extra={<Typography.Text type="secondary">最多 9 张，第一张为封面；上架需要至少一张</Typography.Text>}>
        <ProductImagesEditor images={draft.images} onChange={(images) => change({ images })} readOnly={readOnly} />
        <FieldError message={errors.images ?? Object.entries(errors).find(([path]) => path.startsWith('images.'))?.[1]} />
      </Card>
      <Card title="规格与价格">
        <SpecsEditor specs={draft.specs} onChange={(specs) => change({ specs })} errors={errors} readOnly={readOnly} />
        <div style={{ marginTop: 16 }}>
          <SkuTable
            specs={draft.specs}
            rows={rows}
            drafts={draft.rows}
            onChange={changeRow}
            errors={errors}
            readOnly={readOnly}
            onAdjustStock={mayWrite && product !== undefined ? setAdjusting : undefined}
          />
          <FieldError message={errors.skus} />
        </div>
      </Card>
      <Card title="图文详情">
        <DetailEditor blocks={draft.detail} onChange={(detail) => change({ detail })} errors={errors} readOnly={readOnly} />
      </Card>
      {errors.form !== undefined && <Alert type="error" showIcon title={errors.form} />}
      {mayWrite && (
        <Button type="primary" size="large" loading={saving} disabled={stale} onClick={() => void save()}>
          {product === undefined ? '创建商品' : '保存'}
        </Button>
      )}
      {adjusting !== null && product !== undefined && (
        <StockAdjustDialog
          productId={product.id}
          sku={adjusting}
          onClose={() => setAdjusting(null)}
          onDone={(sku) => {
            setAdjusting(null);
            setSkus((current) => new Map([...current].map(([key, other]) => [key, other.id === sku.id ? sku : other])));
            void message.success(`库存已更新：可售 ${sku.available}`);
          }}
        />
      )}
    </Space>
  );
}

/** 新建商品 / 编辑商品 (read-only for roles that may not write). */
export function ProductEditorPage() {
  const { productId } = useParams();
  const tree = useApiData(loadTree);
  const loadProduct = useCallback(
    (api: ApiClient) => (productId === undefined ? Promise.resolve(undefined) : api.getProduct(productId)),
    [productId],
  );
  const product = useApiData(loadProduct);
  // A save or a reload gives the editor a new product: it starts again from it (new version, SKU ids).
  const [generation, setGeneration] = useState(0);
  const [saved, setSaved] = useState<AdminProduct | undefined>();
  useEffect(() => setSaved(undefined), [productId]);

  const failed = tree.status === 'failed' ? tree : product.status === 'failed' ? product : undefined;
  if (failed !== undefined) {
    if (failed.error.code === 'NOT_FOUND') return <Result status="404" title="商品不存在" subTitle="它可能已被删除。" />;
    return <LoadFailedAlert title="无法获取商品" failed={failed} />;
  }
  if (tree.status !== 'loaded' || product.status !== 'loaded') return <Spin description="正在加载…" />;
  const current = saved ?? product.data;
  return (
    <ProductEditor
      key={`${productId ?? 'new'}-${generation}`}
      product={current}
      tree={tree.data}
      onSaved={(next) => {
        setSaved(next);
        setGeneration((value) => value + 1);
      }}
      onReload={() => {
        setSaved(undefined);
        setGeneration((value) => value + 1);
        product.reload();
      }}
    />
  );
}
