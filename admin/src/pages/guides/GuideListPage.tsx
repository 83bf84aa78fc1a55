import { App, Button, Card, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import { useCallback, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { useFormFields } from '../../layout/use-form-fields.ts';
import {
  createGuideRequestSchema,
  guideStatuses,
  type Guide,
  type GuideInvitation,
  type GuideListQuery,
  type GuideStatus,
  type Store,
  type UpdateGuideRequest,
} from '@mall/shared';
import { asApiError, type ApiClient } from '../../api/client.ts';
import { useApi } from '../../api/context.tsx';
import { LoadFailedAlert } from '../../api/LoadFailedAlert.tsx';
import { useApiData } from '../../api/use-api-data.ts';
import { useSubmit } from '../../api/use-submit.ts';
import { formatShanghaiDateTime } from '../../format.ts';
import { ImageUploadButton } from '../../layout/ImageUploadButton.tsx';
import { SaveDialog } from '../../layout/SaveDialog.tsx';
import { firstIssue, guideStatusColors, guideStatusLabels } from './guide-format.ts';
import { GuidePicksDialog } from './GuidePicksDialog.tsx';
import { guideHandoversPath } from './handovers/handover-format.ts';
import { GuideWecomCell, useGuideWecomSummaries } from './GuideWecomCell.tsx';
import { GuideAvatar, ShopEntryDialog } from './ShopEntryDialog.tsx';
import { useGuidesWriter } from './use-guides-writer.ts';
import { WechatPayGuideCell } from './WechatPayGuideCell.tsx';

const PAGE_SIZE = 20;
const loadStores = (api: ApiClient) => api.listStores();

/** Only what changed: an unchanged store is not re-checked (it may have closed since), an emptied WeCom userid unlinks it. */
function changesOf(
  guide: Guide,
  fields: { name: string; storeId: string; wecomUserId?: string | undefined; phone?: string | undefined },
): UpdateGuideRequest {
  const wecomUserId = fields.wecomUserId ?? null;
  return {
    ...(fields.name !== guide.name && { name: fields.name }),
    ...(fields.storeId !== guide.storeId && { storeId: fields.storeId }),
    ...(wecomUserId !== guide.wecomUserId && { wecomUserId }),
    ...((fields.phone ?? '') !== guide.phone && { phone: fields.phone ?? '' }),
  };
}

/** New guide (null) or the guide being edited. New guides join open stores only; a new photo is saved at once. */
function GuideDialog({
  guide,
  stores,
  onClose,
  onDone,
  onAvatarChanged,
}: {
  guide: Guide | null;
  stores: readonly Store[];
  onClose(): void;
  onDone(): void;
  onAvatarChanged(): void;
}) {
  const api = useApi();
  const { message } = App.useApp();
  const { fields, set, bind } = useFormFields({
    name: guide?.name ?? '',
    storeId: guide?.storeId,
    wecomUserId: guide?.wecomUserId ?? '',
    phone: guide?.phone ?? '',
  });
  const { submitting, error, setError, submit } = useSubmit();
  const [avatarUrl, setAvatarUrl] = useState(guide?.avatarUrl ?? null);
  const storeOptions = stores
    .filter((store) => store.status === 'active' || store.id === guide?.storeId)
    .map((store) => ({ value: store.id, label: store.name }));

  async function save() {
    if (fields.storeId === undefined) {
      setError('请选择门店');
      return;
    }
    const parsed = createGuideRequestSchema.safeParse({
      name: fields.name,
      storeId: fields.storeId,
      ...(fields.wecomUserId.trim() !== '' && { wecomUserId: fields.wecomUserId }),
      phone: fields.phone,
    });
    if (!parsed.success) {
      setError(firstIssue(parsed.error, '导购信息不正确'));
      return;
    }
    await submit(async () => {
      if (guide === null) {
        const created = await api.createGuide(parsed.data);
        void message.success(`已添加导购「${created.name}」，导购码 ${created.code}`);
      } else {
        const changes = changesOf(guide, parsed.data);
        if (Object.keys(changes).length > 0) await api.updateGuide(guide.id, changes);
        void message.success('已保存');
      }
      onDone();
    });
  }

  return (
    <SaveDialog
      title={guide === null ? '添加导购' : `编辑导购「${guide.name}」`}
      okText="保存"
      saving={submitting}
      failure={error}
      onSave={save}
      onClose={onClose}
    >
      <Form layout="vertical" onFinish={() => void save()}>
        {guide !== null && (
          <Form.Item label="头像" help="顾客在导购小店、付款结果页和海报上看到的照片">
            <Space>
              <GuideAvatar guide={{ name: guide.name, avatarUrl }} size={64} />
              <ImageUploadButton
                label="上传头像"
                upload={(file) => api.changeGuideAvatar(guide.id, file)}
                onUploaded={(changed) => {
                  setAvatarUrl(changed.avatarUrl);
                  void message.success('头像已更新');
                  onAvatarChanged();
                }}
              />
            </Space>
          </Form.Item>
        )}
        <Form.Item label="姓名" htmlFor="guide-name">
          <Input id="guide-name" maxLength={20} autoFocus {...bind('name')} />
        </Form.Item>
        <Form.Item label="门店" htmlFor="guide-store">
          <Select
            id="guide-store"
            placeholder="选择门店"
            options={storeOptions}
            value={fields.storeId}
            onChange={(storeId: string) => set('storeId', storeId)}
          />
        </Form.Item>
        <Form.Item label="企业微信账号" htmlFor="guide-wecom" help="企业微信通讯录中的成员账号（userid），可稍后填写">
          <Input id="guide-wecom" maxLength={64} {...bind('wecomUserId')} />
        </Form.Item>
        <Form.Item label="电话" htmlFor="guide-phone">
          <Input id="guide-phone" maxLength={20} {...bind('phone')} />
        </Form.Item>
      </Form>
    </SaveDialog>
  );
}

function InvitationDialog({ guide, invitation, onClose }: { guide: Guide; invitation: GuideInvitation; onClose(): void }) {
  return (
    <Modal
      open
      title={`「${guide.name}」的邀请码`}
      onCancel={onClose}
      footer={
        <Button type="primary" onClick={onClose}>
          知道了
        </Button>
      }
    >
      <Typography.Title level={2} copyable style={{ letterSpacing: 4, textAlign: 'center' }}>
        {invitation.code}
      </Typography.Title>
      <Typography.Paragraph>
        有效期至 {formatShanghaiDateTime(invitation.expiresAt)}，只能使用一次。请导购在小程序「导购工作台」输入此邀请码，绑定自己的微信。
      </Typography.Paragraph>
    </Modal>
  );
}

/** 导购列表: filter by store, status and keyword, paged; shop codes and posters for everyone; adding, editing (photo too), invitation codes and departures for writers. */
export function GuideListPage() {
  const api = useApi();
  const { message } = App.useApp();
  const mayWrite = useGuidesWriter();
  const [query, setQuery] = useState<GuideListQuery>({ page: 1, pageSize: PAGE_SIZE });
  const loadGuides = useCallback((client: ApiClient) => client.listGuides(query), [query]);
  const guides = useApiData(loadGuides);
  const wecomSummaries = useGuideWecomSummaries(guides.status === 'loaded' ? guides.data.items : null);
  const stores = useApiData(loadStores);
  const storeList = useMemo(() => (stores.status === 'loaded' ? stores.data : []), [stores]);
  const [dialog, setDialog] = useState<{ guide: Guide | null } | null>(null);
  const [invitation, setInvitation] = useState<{ guide: Guide; invitation: GuideInvitation } | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  const [picksOf, setPicksOf] = useState<Guide | null>(null);
  const [shopEntryOf, setShopEntryOf] = useState<Guide | null>(null);

  async function act(guide: Guide, action: () => Promise<void>) {
    setBusyId(guide.id);
    try {
      await action();
    } catch (caught) {
      void message.error(asApiError(caught).message);
    } finally {
      setBusyId(null);
    }
  }

  const invite = (guide: Guide) => act(guide, async () => setInvitation({ guide, invitation: await api.issueGuideInvitation(guide.id) }));
  const markLeft = (guide: Guide) =>
    act(guide, async () => {
      await api.markGuideLeft(guide.id);
      void message.success(`「${guide.name}」已离职`);
      guides.reload();
    });

  const filter = (changes: Partial<GuideListQuery>) => setQuery((current) => ({ ...current, ...changes, page: 1 }));

  return (
    <Card
      title="导购"
      extra={
        mayWrite && (
          <Button type="primary" onClick={() => setDialog({ guide: null })}>
            添加导购
          </Button>
        )
      }
    >
      <Space wrap style={{ marginBottom: 16 }}>
        <Input.Search
          placeholder="姓名、导购码、电话或企业微信账号"
          aria-label="搜索导购"
          allowClear
          onSearch={(value) => filter({ keyword: value.trim() || undefined })}
          style={{ width: 280 }}
        />
        <Select
          aria-label="按门店筛选"
          placeholder="全部门店"
          allowClear
          options={storeList.map((store) => ({ value: store.id, label: store.name }))}
          onChange={(storeId: string | undefined) => filter({ storeId })}
          style={{ width: 180 }}
        />
        <Select
          aria-label="按状态筛选"
          placeholder="全部状态"
          allowClear
          options={guideStatuses.map((status) => ({ value: status, label: guideStatusLabels[status] }))}
          onChange={(status: GuideStatus | undefined) => filter({ status })}
          style={{ width: 120 }}
        />
      </Space>
      {guides.status === 'failed' ? (
        <LoadFailedAlert title="无法获取导购列表" failed={guides} />
      ) : (
        <Table<Guide>
          rowKey="id"
          loading={guides.status === 'loading'}
          dataSource={guides.status === 'loaded' ? guides.data.items : []}
          locale={{ emptyText: query.keyword || query.storeId || query.status ? '没有符合条件的导购' : '还没有导购' }}
          pagination={{
            current: query.page ?? 1,
            pageSize: PAGE_SIZE,
            total: guides.status === 'loaded' ? guides.data.total : 0,
            showSizeChanger: false,
            showTotal: (total) => `共 ${total} 名导购`,
            onChange: (page) => setQuery((current) => ({ ...current, page })),
          }}
          columns={[
            { title: '头像', dataIndex: 'avatarUrl', render: (_avatarUrl: string | null, guide: Guide) => <GuideAvatar guide={guide} /> },
            { title: '姓名', dataIndex: 'name' },
            { title: '导购码', dataIndex: 'code', render: (code: string) => <Typography.Text code>{code}</Typography.Text> },
            { title: '门店', dataIndex: 'storeName' },
            {
              title: '企业微信',
              dataIndex: 'wecomUserId',
              render: (_wecomUserId: string | null, guide: Guide) => (
                <GuideWecomCell guide={guide} summary={wecomSummaries.get(guide.id)} />
              ),
            },
            { title: '电话', dataIndex: 'phone', render: (phone: string) => phone || '—' },
            { title: '微信', dataIndex: 'bound', render: (bound: boolean) => (bound ? '已绑定' : '未绑定') },
            {
              title: '支付即服务',
              dataIndex: 'wechatPayGuideId',
              render: (_id: string | null, guide: Guide) => <WechatPayGuideCell guide={guide} onRegistered={guides.reload} />,
            },
            {
              title: '状态',
              dataIndex: 'status',
              render: (status: GuideStatus) => <Tag color={guideStatusColors[status]}>{guideStatusLabels[status]}</Tag>,
            },
            {
              title: '操作',
              render: (_value: unknown, guide: Guide) => (
                <Space size="small" wrap>
                  {guide.status === 'active' && (
                    <Button size="small" onClick={() => setShopEntryOf(guide)}>
                      店铺码/海报
                    </Button>
                  )}
                  {mayWrite && guide.status === 'active' && (
                    <>
                      <Button size="small" onClick={() => setDialog({ guide })}>
                        编辑
                      </Button>
                      <Button size="small" onClick={() => setPicksOf(guide)}>
                        推荐商品
                      </Button>
                      {!guide.bound && (
                        <Button size="small" loading={busyId === guide.id} onClick={() => void invite(guide)}>
                          生成邀请码
                        </Button>
                      )}
                      <Popconfirm
                        title={`确认「${guide.name}」离职？`}
                        description="离职后其微信解除绑定，未使用的邀请码失效。"
                        okText="离职"
                        cancelText="取消"
                        onConfirm={() => markLeft(guide)}
                      >
                        <Button size="small" danger>
                          离职
                        </Button>
                      </Popconfirm>
                    </>
                  )}
                  {/* A departed guide's customers are handed over too (离职继承); readers see the records. */}
                  <Link to={guideHandoversPath(guide.id)}>{mayWrite ? '客户转移' : '转移记录'}</Link>
                </Space>
              ),
            },
          ]}
        />
      )}
      {dialog !== null && (
        <GuideDialog
          guide={dialog.guide}
          stores={storeList}
          onClose={() => setDialog(null)}
          onDone={() => {
            setDialog(null);
            guides.reload();
          }}
          onAvatarChanged={guides.reload}
        />
      )}
      {invitation !== null && <InvitationDialog {...invitation} onClose={() => setInvitation(null)} />}
      {picksOf !== null && <GuidePicksDialog guide={picksOf} onClose={() => setPicksOf(null)} />}
      {shopEntryOf !== null && <ShopEntryDialog guide={shopEntryOf} onClose={() => setShopEntryOf(null)} />}
    </Card>
  );
}
