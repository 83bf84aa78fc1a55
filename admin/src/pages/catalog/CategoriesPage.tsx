import { App, Button, Card, Form, Input, Popconfirm, Space, Table, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { categoryNameSchema, type AdminCategoryNode, type Category } from '@mall/shared';
import { asApiError, type ApiClient } from '../../api/client.ts';
import { useApi } from '../../api/context.tsx';
import { LoadFailedAlert } from '../../api/LoadFailedAlert.tsx';
import { useApiData } from '../../api/use-api-data.ts';
import { useSubmit } from '../../api/use-submit.ts';
import { SaveDialog } from '../../layout/SaveDialog.tsx';
import { useCatalogWriter } from './use-catalog-writer.ts';

const loadTree = (api: ApiClient) => api.categoryTree();

/** One table row: a top-level category followed by its children. */
interface CategoryRow {
  category: Category;
  /** Its siblings in order, for moving it up or down. */
  siblings: readonly Category[];
  hasChildren: boolean;
}

function rowsOf(tree: readonly AdminCategoryNode[]): CategoryRow[] {
  return tree.flatMap((parent) => [
    { category: parent, siblings: tree, hasChildren: parent.children.length > 0 },
    ...parent.children.map((child) => ({ category: child, siblings: parent.children, hasChildren: false })),
  ]);
}

/** What the name dialog is for: a new top-level category, a new child, or a new name. */
type NameDialog = { kind: 'create'; parent: Category | null } | { kind: 'rename'; category: Category };

function CategoryNameDialog({ dialog, onClose, onDone }: { dialog: NameDialog; onClose(): void; onDone(): void }) {
  const api = useApi();
  const { message } = App.useApp();
  const [name, setName] = useState(dialog.kind === 'rename' ? dialog.category.name : '');
  const { submitting, error, setError, submit } = useSubmit();
  const title =
    dialog.kind === 'rename'
      ? `重命名「${dialog.category.name}」`
      : dialog.parent === null
        ? '新建一级分类'
        : `在「${dialog.parent.name}」下新建子分类`;

  async function save() {
    const parsed = categoryNameSchema.safeParse(name);
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? '分类名称不正确');
      return;
    }
    await submit(async () => {
      if (dialog.kind === 'rename') await api.renameCategory(dialog.category.id, parsed.data);
      else await api.createCategory({ name: parsed.data, parentId: dialog.parent?.id ?? null });
      void message.success(dialog.kind === 'rename' ? '已重命名' : `已新建分类「${parsed.data}」`);
      onDone();
    });
  }

  return (
    <SaveDialog title={title} okText="保存" saving={submitting} onSave={save} onClose={onClose}>
      <Form layout="vertical" onFinish={() => void save()}>
        <Form.Item
          label="分类名称"
          htmlFor="category-name"
          validateStatus={error === null ? undefined : 'error'}
          help={error ?? '最多 20 个字，同级分类不能重名'}
        >
          <Input id="category-name" value={name} onChange={(event) => setName(event.target.value)} maxLength={20} autoFocus />
        </Form.Item>
      </Form>
    </SaveDialog>
  );
}

/** 商品分类: the two-level tree with adding, renaming, ordering and deleting (writers only). */
export function CategoriesPage() {
  const api = useApi();
  const { message } = App.useApp();
  const mayWrite = useCatalogWriter();
  const loaded = useApiData(loadTree);
  const [tree, setTree] = useState<AdminCategoryNode[]>([]);
  const [dialog, setDialog] = useState<NameDialog | null>(null);
  const [busy, setBusy] = useState(false);

  const loadedTree = loaded.status === 'loaded' ? loaded.data : undefined;
  useEffect(() => {
    if (loadedTree !== undefined) setTree(loadedTree);
  }, [loadedTree]);

  async function act(action: () => Promise<void>) {
    setBusy(true);
    try {
      await action();
    } catch (caught) {
      const error = asApiError(caught);
      void message.error(error.message);
      if (error.code === 'CONFLICT') loaded.reload();
    } finally {
      setBusy(false);
    }
  }

  function move(row: CategoryRow, offset: -1 | 1) {
    const ids = row.siblings.map((sibling) => sibling.id);
    const from = ids.indexOf(row.category.id);
    const to = from + offset;
    [ids[from], ids[to]] = [ids[to]!, ids[from]!];
    void act(async () => setTree(await api.reorderCategories({ parentId: row.category.parentId, ids })));
  }

  function remove(category: Category) {
    void act(async () => {
      await api.deleteCategory(category.id);
      void message.success(`已删除分类「${category.name}」`);
      loaded.reload();
    });
  }

  if (loaded.status === 'failed') {
    return <LoadFailedAlert title="无法获取商品分类" failed={loaded} />;
  }

  return (
    <Card
      title="商品分类"
      extra={
        mayWrite && (
          <Button type="primary" onClick={() => setDialog({ kind: 'create', parent: null })}>
            新建一级分类
          </Button>
        )
      }
    >
      <Typography.Paragraph type="secondary">
        分类最多两级。商品放在末级分类中：有子分类的分类不能直接放商品，已有商品的分类不能再添加子分类；只有没有子分类和商品的分类可以删除。
      </Typography.Paragraph>
      <Table<CategoryRow>
        rowKey={(row) => row.category.id}
        loading={loaded.status === 'loading' || busy}
        dataSource={rowsOf(tree)}
        pagination={false}
        locale={{ emptyText: mayWrite ? '还没有分类，先新建一个一级分类' : '还没有分类' }}
        columns={[
          {
            title: '分类名称',
            render: (_value, row) =>
              row.category.parentId === null ? (
                <Typography.Text strong>{row.category.name}</Typography.Text>
              ) : (
                <span style={{ paddingLeft: 24 }}>└ {row.category.name}</span>
              ),
          },
          { title: '直属商品数', render: (_value, row) => row.category.productCount },
          ...(mayWrite
            ? [
                {
                  title: '操作',
                  render: (_value: unknown, row: CategoryRow) => {
                    const index = row.siblings.findIndex((sibling) => sibling.id === row.category.id);
                    const empty = !row.hasChildren && row.category.productCount === 0;
                    return (
                      <Space size="small" wrap>
                        <Button
                          size="small"
                          disabled={index === 0}
                          onClick={() => move(row, -1)}
                          aria-label={`上移「${row.category.name}」`}
                        >
                          上移
                        </Button>
                        <Button
                          size="small"
                          disabled={index === row.siblings.length - 1}
                          onClick={() => move(row, 1)}
                          aria-label={`下移「${row.category.name}」`}
                        >
                          下移
                        </Button>
                        {row.category.parentId === null && row.category.productCount === 0 && (
                          <Button size="small" onClick={() => setDialog({ kind: 'create', parent: row.category })}>
                            添加子分类
                          </Button>
                        )}
                        <Button size="small" onClick={() => setDialog({ kind: 'rename', category: row.category })}>
                          重命名
                        </Button>
                        <Popconfirm
                          title={`删除分类「${row.category.name}」？`}
                          description={empty ? undefined : '该分类下还有子分类或商品，删除会被拒绝'}
                          okText="删除"
                          cancelText="取消"
                          onConfirm={() => remove(row.category)}
                        >
                          <Button size="small" danger>
                            删除
                          </Button>
                        </Popconfirm>
                      </Space>
                    );
                  },
                },
              ]
            : []),
        ]}
      />
      {dialog !== null && (
        <CategoryNameDialog
          dialog={dialog}
          onClose={() => setDialog(null)}
          onDone={() => {
            setDialog(null);
            loaded.reload();
          }}
        />
      )}
    </Card>
  );
}
