import { App, Button, Card, Form, Input, Popconfirm, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { useFormFields } from '../../layout/use-form-fields.ts';
import { createStoreRequestSchema, type Store } from '@mall/shared';
import { asApiError, type ApiClient } from '../../api/client.ts';
import { useApi } from '../../api/context.tsx';
import { LoadFailedAlert } from '../../api/LoadFailedAlert.tsx';
import { useApiData } from '../../api/use-api-data.ts';
import { useSubmit } from '../../api/use-submit.ts';
import { SaveDialog } from '../../layout/SaveDialog.tsx';
import { firstIssue, storeStatusLabels } from './guide-format.ts';
import { useGuidesWriter } from './use-guides-writer.ts';

const loadStores = (api: ApiClient) => api.listStores();

/** The typed WeChat Pay store id: none when blank, a number when all digits, else the text (the schema refuses it with its message). */
function wechatPayStoreIdOf(text: string): number | string | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  return /^\d+$/.test(trimmed) ? Number(trimmed) : trimmed;
}

/** New store (null) or the store being edited. */
function StoreDialog({ store, onClose, onDone }: { store: Store | null; onClose(): void; onDone(): void }) {
  const api = useApi();
  const { message } = App.useApp();
  const { fields, bind } = useFormFields({
    name: store?.name ?? '',
    address: store?.address ?? '',
    phone: store?.phone ?? '',
    wechatPayStoreId: store?.wechatPayStoreId?.toString() ?? '',
  });
  const { submitting, error, setError, submit } = useSubmit();

  async function save() {
    const wechatPayStoreId = wechatPayStoreIdOf(fields.wechatPayStoreId);
    // A new store without one leaves it out; an edited store sends null to clear it.
    const parsed = createStoreRequestSchema.safeParse({
      ...fields,
      wechatPayStoreId: wechatPayStoreId ?? (store === null ? undefined : null),
    });
    if (!parsed.success) {
      setError(firstIssue(parsed.error, '门店信息不正确'));
      return;
    }
    await submit(async () => {
      if (store === null) await api.createStore(parsed.data);
      else await api.updateStore(store.id, parsed.data);
      void message.success(store === null ? `已新建门店「${parsed.data.name}」` : '已保存');
      onDone();
    });
  }

  return (
    <SaveDialog
      title={store === null ? '新建门店' : `编辑门店「${store.name}」`}
      okText="保存"
      saving={submitting}
      failure={error}
      onSave={save}
      onClose={onClose}
    >
      <Form layout="vertical" onFinish={() => void save()}>
        <Form.Item label="门店名称" htmlFor="store-name" help="最多 30 个字，门店不能重名">
          <Input id="store-name" maxLength={30} autoFocus {...bind('name')} />
        </Form.Item>
        <Form.Item label="地址" htmlFor="store-address">
          <Input id="store-address" maxLength={100} {...bind('address')} />
        </Form.Item>
        <Form.Item label="电话" htmlFor="store-phone">
          <Input id="store-phone" maxLength={20} {...bind('phone')} />
        </Form.Item>
        <Form.Item
          label="微信支付门店 ID"
          htmlFor="store-wechat-pay-id"
          help="微信支付商户平台中该门店的门店 ID（数字），可不填；填写后可为本店导购注册支付即服务，更换后本店导购需重新注册"
        >
          <Input id="store-wechat-pay-id" inputMode="numeric" maxLength={16} {...bind('wechatPayStoreId')} />
        </Form.Item>
      </Form>
    </SaveDialog>
  );
}

/** 门店: every store with its active guides; adding, editing, closing and reopening for writers. */
export function StoresPage() {
  const api = useApi();
  const { message } = App.useApp();
  const mayWrite = useGuidesWriter();
  const stores = useApiData(loadStores);
  const [dialog, setDialog] = useState<{ store: Store | null } | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);

  async function setStatus(store: Store, status: Store['status']) {
    setBusyId(store.id);
    try {
      await api.updateStore(store.id, { status });
      void message.success(status === 'closed' ? `已关闭门店「${store.name}」` : `已重新开放门店「${store.name}」`);
      stores.reload();
    } catch (caught) {
      void message.error(asApiError(caught).message);
    } finally {
      setBusyId(null);
    }
  }

  if (stores.status === 'failed') return <LoadFailedAlert title="无法获取门店列表" failed={stores} />;

  return (
    <Card
      title="门店"
      extra={
        mayWrite && (
          <Button type="primary" onClick={() => setDialog({ store: null })}>
            新建门店
          </Button>
        )
      }
    >
      <Table<Store>
        rowKey="id"
        loading={stores.status === 'loading'}
        dataSource={stores.status === 'loaded' ? stores.data : []}
        pagination={false}
        locale={{ emptyText: mayWrite ? '还没有门店，先新建一个门店' : '还没有门店' }}
        columns={[
          { title: '门店名称', dataIndex: 'name' },
          { title: '地址', dataIndex: 'address', render: (address: string) => address || '—' },
          { title: '电话', dataIndex: 'phone', render: (phone: string) => phone || '—' },
          { title: '在职导购', dataIndex: 'activeGuideCount' },
          {
            title: '微信支付门店 ID',
            dataIndex: 'wechatPayStoreId',
            render: (wechatPayStoreId: number | null) => wechatPayStoreId ?? '未填写',
          },
          {
            title: '状态',
            dataIndex: 'status',
            render: (status: Store['status']) => <Tag color={status === 'active' ? 'green' : 'default'}>{storeStatusLabels[status]}</Tag>,
          },
          ...(mayWrite
            ? [
                {
                  title: '操作',
                  render: (_value: unknown, store: Store) => (
                    <Space size="small">
                      <Button size="small" onClick={() => setDialog({ store })}>
                        编辑
                      </Button>
                      {store.status === 'active' ? (
                        <Popconfirm
                          title={`关闭门店「${store.name}」？`}
                          description="关闭后不能再向该门店添加导购，已有导购不受影响。"
                          okText="关闭"
                          cancelText="取消"
                          onConfirm={() => setStatus(store, 'closed')}
                        >
                          <Button size="small" danger loading={busyId === store.id}>
                            关闭
                          </Button>
                        </Popconfirm>
                      ) : (
                        <Button size="small" loading={busyId === store.id} onClick={() => void setStatus(store, 'active')}>
                          重新开放
                        </Button>
                      )}
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      {dialog !== null && (
        <StoreDialog
          store={dialog.store}
          onClose={() => setDialog(null)}
          onDone={() => {
            setDialog(null);
            stores.reload();
          }}
        />
      )}
    </Card>
  );
}
