import { Button, Image, Input, InputNumber, Radio, Space, Table, Tag, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import { MAX_PRODUCT_IMAGES, MAX_SPEC_VALUES, MAX_SPECS, MAX_STOCK, type AdminSku, type StoredImage } from '@mall/shared';
import { useApi } from '../../api/context.tsx';
import { useSubmit } from '../../api/use-submit.ts';
import { ImageUploadButton } from '../../layout/ImageUploadButton.tsx';
import { SaveDialog } from '../../layout/SaveDialog.tsx';
import { blockKey, emptyRow, type EditorBlock, type FieldErrors, type SkuRowDraft, type SpecDraft } from './product-form.ts';

/** A field's message under it, in the colour of an error. */
export function FieldError({ message }: { message: string | undefined }) {
  return message === undefined ? null : (
    <Typography.Text type="danger" style={{ display: 'block', fontSize: 12 }}>
      {message}
    </Typography.Text>
  );
}

function moved<T>(items: readonly T[], from: number, to: number): T[] {
  const copy = [...items];
  const [item] = copy.splice(from, 1);
  copy.splice(to, 0, item!);
  return copy;
}

/** 商品图: up to nine, the first is the cover; reordered with 左移 / 右移. */
export function ProductImagesEditor({
  images,
  onChange,
  readOnly,
}: {
  images: StoredImage[];
  onChange(images: StoredImage[]): void;
  readOnly: boolean;
}) {
  const api = useApi();
  return (
    <Space orientation="vertical">
      <Space wrap align="start">
        {images.map((image, index) => (
          <Space key={image.id} orientation="vertical" size={4} align="center" aria-label={`商品图 ${index + 1}`}>
            <Image src={api.imageSrc(image)} width={96} height={96} alt={`商品图 ${index + 1}`} style={{ objectFit: 'cover' }} />
            {index === 0 && <Typography.Text type="secondary">封面</Typography.Text>}
            {!readOnly && (
              <Space size={2}>
                <Button
                  size="small"
                  disabled={index === 0}
                  onClick={() => onChange(moved(images, index, index - 1))}
                  aria-label={`左移商品图 ${index + 1}`}
                >
                  ←
                </Button>
                <Button
                  size="small"
                  disabled={index === images.length - 1}
                  onClick={() => onChange(moved(images, index, index + 1))}
                  aria-label={`右移商品图 ${index + 1}`}
                >
                  →
                </Button>
                <Button
                  size="small"
                  danger
                  onClick={() => onChange(images.filter((_, other) => other !== index))}
                  aria-label={`删除商品图 ${index + 1}`}
                >
                  删除
                </Button>
              </Space>
            )}
          </Space>
        ))}
      </Space>
      {!readOnly && (
        <ImageUploadButton
          label="上传商品图"
          upload={api.uploadImage}
          multiple
          disabled={images.length >= MAX_PRODUCT_IMAGES}
          onUploaded={(image) =>
            onChange(images.some((other) => other.id === image.id) ? images : [...images, image].slice(0, MAX_PRODUCT_IMAGES))
          }
        />
      )}
    </Space>
  );
}

/** 图文详情: text paragraphs and images in order, no markup. */
export function DetailEditor({
  blocks,
  onChange,
  errors,
  readOnly,
}: {
  blocks: EditorBlock[];
  onChange(blocks: EditorBlock[]): void;
  errors: FieldErrors;
  readOnly: boolean;
}) {
  const api = useApi();
  const replace = (index: number, block: EditorBlock) => onChange(blocks.map((other, at) => (at === index ? block : other)));
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      {blocks.length === 0 && <Typography.Text type="secondary">还没有详情内容</Typography.Text>}
      {blocks.map((block, index) => (
        <div key={block.key} style={{ display: 'flex', gap: 8, alignItems: 'flex-start' }}>
          <div style={{ flex: 1 }}>
            {block.type === 'text' ? (
              <Input.TextArea
                aria-label={`详情第 ${index + 1} 段文字`}
                value={block.text}
                autoSize={{ minRows: 2 }}
                maxLength={2000}
                disabled={readOnly}
                status={errors[`detail.${index}.text`] ? 'error' : undefined}
                onChange={(event) => replace(index, { ...block, text: event.target.value })}
              />
            ) : (
              <Image src={api.imageSrc(block.image)} width={160} alt={`详情第 ${index + 1} 段图片`} />
            )}
            <FieldError message={errors[`detail.${index}.text`] ?? errors[`detail.${index}.imageId`] ?? errors[`detail.${index}`]} />
          </div>
          {!readOnly && (
            <Space size={2}>
              <Button
                size="small"
                disabled={index === 0}
                onClick={() => onChange(moved(blocks, index, index - 1))}
                aria-label={`上移详情第 ${index + 1} 段`}
              >
                ↑
              </Button>
              <Button
                size="small"
                disabled={index === blocks.length - 1}
                onClick={() => onChange(moved(blocks, index, index + 1))}
                aria-label={`下移详情第 ${index + 1} 段`}
              >
                ↓
              </Button>
              <Button
                size="small"
                danger
                onClick={() => onChange(blocks.filter((_, other) => other !== index))}
                aria-label={`删除详情第 ${index + 1} 段`}
              >
                删除
              </Button>
            </Space>
          )}
        </div>
      ))}
      {!readOnly && (
        <Space>
          <Button onClick={() => onChange([...blocks, { key: blockKey(), type: 'text', text: '' }])}>添加文字</Button>
          <ImageUploadButton
            label="添加详情图片"
            upload={api.uploadImage}
            multiple
            onUploaded={(image) => onChange([...blocks, { key: blockKey(), type: 'image', image }])}
          />
        </Space>
      )}
    </Space>
  );
}

/** A spec's values as tags: typed and added with Enter, removed with their ×. */
function SpecValuesInput({
  label,
  values,
  onChange,
  readOnly,
  invalid,
}: {
  label: string;
  values: string[];
  onChange(values: string[]): void;
  readOnly: boolean;
  invalid: boolean;
}) {
  const [text, setText] = useState('');
  function add() {
    const value = text.trim();
    if (value !== '' && !values.includes(value) && values.length < MAX_SPEC_VALUES) onChange([...values, value]);
    setText('');
  }
  // A plain flex row: Space would key its items by position and remount the input (losing focus) as tags are added.
  return (
    <div style={{ display: 'flex', flexWrap: 'wrap', gap: 4, alignItems: 'center' }}>
      {values.map((value) => (
        <Tag
          key={value}
          closable={!readOnly}
          closeIcon={<span aria-label={`删除规格值 ${value}`}>×</span>}
          onClose={() => onChange(values.filter((other) => other !== value))}
        >
          {value}
        </Tag>
      ))}
      {!readOnly && (
        <Input
          size="small"
          aria-label={label}
          placeholder={values.length >= MAX_SPEC_VALUES ? `最多 ${MAX_SPEC_VALUES} 个值` : '输入规格值后按回车'}
          value={text}
          maxLength={20}
          disabled={values.length >= MAX_SPEC_VALUES}
          status={invalid ? 'error' : undefined}
          style={{ width: 180 }}
          onChange={(event) => setText(event.target.value)}
          onPressEnter={(event) => {
            event.preventDefault();
            add();
          }}
          onBlur={add}
        />
      )}
    </div>
  );
}

/** 规格: up to three, each with up to twenty values (typed and confirmed with Enter). */
export function SpecsEditor({
  specs,
  onChange,
  errors,
  readOnly,
}: {
  specs: SpecDraft[];
  onChange(specs: SpecDraft[]): void;
  errors: FieldErrors;
  readOnly: boolean;
}) {
  const replace = (index: number, spec: SpecDraft) => onChange(specs.map((other, at) => (at === index ? spec : other)));
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      {specs.length === 0 && <Typography.Text type="secondary">没有规格：商品只有一个 SKU</Typography.Text>}
      {specs.map((spec, index) => (
        <div key={index} style={{ display: 'flex', gap: 8, alignItems: 'flex-start' }}>
          <div style={{ width: 160 }}>
            <Input
              aria-label={`规格 ${index + 1} 名称`}
              placeholder="规格名，如 颜色"
              value={spec.name}
              maxLength={10}
              disabled={readOnly}
              status={errors[`specs.${index}.name`] ? 'error' : undefined}
              onChange={(event) => replace(index, { ...spec, name: event.target.value.trim() })}
            />
            <FieldError message={errors[`specs.${index}.name`]} />
          </div>
          <div style={{ flex: 1 }}>
            <SpecValuesInput
              label={`规格 ${index + 1} 的值`}
              values={spec.values}
              readOnly={readOnly}
              invalid={errors[`specs.${index}.values`] !== undefined}
              onChange={(values) => replace(index, { ...spec, values })}
            />
            <FieldError message={errors[`specs.${index}.values`] ?? errors[`specs.${index}`]} />
          </div>
          {!readOnly && (
            <Button danger onClick={() => onChange(specs.filter((_, other) => other !== index))} aria-label={`删除规格 ${index + 1}`}>
              删除
            </Button>
          )}
        </div>
      ))}
      <FieldError message={errors.specs} />
      {!readOnly && (
        <Button disabled={specs.length >= MAX_SPECS} onClick={() => onChange([...specs, { name: '', values: [] }])}>
          添加规格
        </Button>
      )}
    </Space>
  );
}

interface SkuTableRow {
  key: string;
  index: number;
  specValues: string[];
  existing: AdminSku | undefined;
}

/** The SKU matrix: one row per combination with price, struck-through price, stock and merchant code. */
export function SkuTable({
  specs,
  rows,
  drafts,
  onChange,
  errors,
  readOnly,
  onAdjustStock,
}: {
  specs: SpecDraft[];
  rows: { key: string; specValues: string[]; existing: AdminSku | undefined }[];
  drafts: Record<string, SkuRowDraft>;
  onChange(key: string, row: SkuRowDraft): void;
  errors: FieldErrors;
  readOnly: boolean;
  /** Existing SKUs only: their stock moves with orders, so it is adjusted, never overwritten by a save. */
  onAdjustStock?(sku: AdminSku): void;
}) {
  const cell = (row: SkuTableRow, field: keyof SkuRowDraft, label: string, placeholder?: string): ReactNode => {
    const draft = drafts[row.key] ?? emptyRow;
    const error = errors[`skus.${row.index}.${field}`];
    const name = row.specValues.length > 0 ? row.specValues.join(' / ') : '默认规格';
    return (
      <>
        <Input
          aria-label={`${name} ${label}`}
          value={draft[field]}
          placeholder={placeholder}
          disabled={readOnly}
          status={error ? 'error' : undefined}
          onChange={(event) => onChange(row.key, { ...draft, [field]: event.target.value })}
        />
        <FieldError message={error} />
      </>
    );
  };
  return (
    <Table<SkuTableRow>
      rowKey="key"
      size="small"
      pagination={false}
      dataSource={rows.map((row, index) => ({ ...row, index }))}
      columns={[
        ...(specs.length === 0
          ? [{ title: '规格', render: () => '默认规格' }]
          : specs.map((spec, specIndex) => ({
              title: spec.name || `规格 ${specIndex + 1}`,
              render: (_: unknown, row: SkuTableRow) => row.specValues[specIndex],
            }))),
        { title: '售价（元）', render: (_, row) => cell(row, 'price', '售价', '0.00') },
        { title: '划线价（元）', render: (_, row) => cell(row, 'originalPrice', '划线价', '选填') },
        {
          title: '库存',
          render: (_, row) =>
            row.existing === undefined ? (
              cell(row, 'stock', '初始库存')
            ) : (
              <Space size="small">
                <span aria-label={`${row.specValues.join(' / ') || '默认规格'} 库存`}>
                  可售 {row.existing.available}
                  {row.existing.reserved > 0 && `（待付款占用 ${row.existing.reserved}）`}
                </span>
                {onAdjustStock && (
                  <Button size="small" onClick={() => onAdjustStock(row.existing!)}>
                    调整
                  </Button>
                )}
              </Space>
            ),
        },
        { title: '商家编码', render: (_, row) => cell(row, 'code', '商家编码', '选填') },
      ]}
    />
  );
}

type StockChange = 'add' | 'remove' | 'set';

/** 调整库存: add, remove (atomic on the server, never below 0) or set after a stocktake. */
export function StockAdjustDialog({
  productId,
  sku,
  onClose,
  onDone,
}: {
  productId: string;
  sku: AdminSku;
  onClose(): void;
  onDone(sku: AdminSku): void;
}) {
  const api = useApi();
  const [change, setChange] = useState<StockChange>('add');
  const [amount, setAmount] = useState<number | null>(null);
  const { submitting, error, setError, submit } = useSubmit();
  const name = sku.specValues.join(' / ') || '默认规格';

  async function save() {
    if (amount === null || !Number.isInteger(amount) || amount < 0 || amount > MAX_STOCK || (change !== 'set' && amount === 0)) {
      setError(change === 'set' ? '请填写 0 到 9,999,999 之间的整数' : '请填写大于 0 的整数');
      return;
    }
    await submit(async () => {
      const updated =
        change === 'set'
          ? await api.setSkuStock(productId, sku.id, amount)
          : await api.adjustSkuStock(productId, sku.id, change === 'add' ? amount : -amount);
      onDone(updated);
    });
  }

  return (
    <SaveDialog title={`调整库存：${name}`} okText="确定" saving={submitting} onSave={save} onClose={onClose}>
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Typography.Text>
          当前可售 {sku.available}，待付款占用 {sku.reserved}
        </Typography.Text>
        <Radio.Group
          optionType="button"
          value={change}
          onChange={(event) => setChange(event.target.value as StockChange)}
          options={[
            { value: 'add', label: '增加' },
            { value: 'remove', label: '减少' },
            { value: 'set', label: '盘点设为' },
          ]}
        />
        <InputNumber
          aria-label="数量"
          min={0}
          max={MAX_STOCK}
          precision={0}
          value={amount}
          onChange={(value) => setAmount(value)}
          style={{ width: 200 }}
        />
        <FieldError message={error ?? undefined} />
      </Space>
    </SaveDialog>
  );
}
