import { Alert, App, Button, Card, Form, InputNumber, Select, Typography } from 'antd';
import { useState } from 'react';
import {
  MAX_PROTECTION_DAYS,
  roleMay,
  updateAttributionSettingsRequestSchema,
  type AttributionSettings,
  type Store,
  type UpdateAttributionSettingsRequest,
} from '@mall/shared';
import { asApiError, type ApiClient, type ApiError } from '../../api/client.ts';
import { useApi } from '../../api/context.tsx';
import { LoadFailedAlert } from '../../api/LoadFailedAlert.tsx';
import { useApiData, type ApiData } from '../../api/use-api-data.ts';
import { formatShanghaiDateTime } from '../../format.ts';
import { useSignedInStaff } from '../../session/session.tsx';

const loadSettings = (api: ApiClient) => api.attributionSettings();
const loadStores = (api: ApiClient) => api.listStores();

/** The select's value for "every open store" (store ids are 24 hex digits, so it cannot be one). */
const ALL_STORES = 'all';

type SettingsField = 'protectionDays' | 'assignmentStoreId';
type FieldErrors = Partial<Record<SettingsField, string>>;

function isSettingsField(field: unknown): field is SettingsField {
  return field === 'protectionDays' || field === 'assignmentStoreId';
}

/** Issues on the two fields go next to them; anything else is the form's failure. */
function sortIssues(issues: readonly { path?: unknown; message: string }[]): { fields: FieldErrors; failure: string | null } {
  const fields: FieldErrors = {};
  let failure: string | null = null;
  for (const issue of issues) {
    const field = Array.isArray(issue.path) ? (issue.path as unknown[])[0] : undefined;
    if (isSettingsField(field)) fields[field] ??= issue.message;
    else failure ??= issue.message;
  }
  return { fields, failure };
}

/** The API's refusal: VALIDATION_FAILED issues and `details.field` land on their fields, the rest above the form. */
function refusalOf(error: ApiError): { fields: FieldErrors; failure: string | null } {
  if (error.code === 'VALIDATION_FAILED' && Array.isArray(error.details)) {
    const sorted = sortIssues(error.details as { path?: unknown; message: string }[]);
    return Object.keys(sorted.fields).length > 0 ? sorted : { fields: {}, failure: sorted.failure ?? error.message };
  }
  const field = (error.details as { field?: unknown } | undefined)?.field;
  return isSettingsField(field) ? { fields: { [field]: error.message }, failure: null } : { fields: {}, failure: error.message };
}

/** Open stores, plus the chosen one when it has closed since (so the select still names it). */
function storeOptions(stores: readonly Store[], chosenId: string | null) {
  return [
    { value: ALL_STORES, label: '全部门店' },
    ...stores
      .filter((store) => store.status === 'active' || store.id === chosenId)
      .map((store) => ({ value: store.id, label: store.status === 'active' ? store.name : `${store.name}（已关闭）` })),
  ];
}

function AttributionSettingsCard({ initial, stores }: { initial: AttributionSettings; stores: ApiData<Store[]> }) {
  const api = useApi();
  const { message } = App.useApp();
  const mayWrite = roleMay(useSignedInStaff().role, 'settings.write');
  const [saved, setSaved] = useState(initial);
  const [protectionDays, setProtectionDays] = useState<number | null>(initial.protectionDays);
  const [storeId, setStoreId] = useState(initial.assignmentStoreId ?? ALL_STORES);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const chosenStoreId = storeId === ALL_STORES ? null : storeId;
  const changed = protectionDays !== saved.protectionDays || chosenStoreId !== saved.assignmentStoreId;

  async function save() {
    setFailure(null);
    if (protectionDays === null) {
      setErrors({ protectionDays: '请填写保护期天数' });
      return;
    }
    // Only what changed: an unchanged store is not re-checked (it may have closed since).
    const request: UpdateAttributionSettingsRequest = {
      ...(protectionDays !== saved.protectionDays && { protectionDays }),
      ...(chosenStoreId !== saved.assignmentStoreId && { assignmentStoreId: chosenStoreId }),
    };
    const parsed = updateAttributionSettingsRequestSchema.safeParse(request);
    if (!parsed.success) {
      const sorted = sortIssues(parsed.error.issues);
      setErrors(sorted.fields);
      setFailure(sorted.failure);
      return;
    }
    setErrors({});
    setSaving(true);
    try {
      const settings = await api.updateAttributionSettings(parsed.data);
      setSaved(settings);
      setProtectionDays(settings.protectionDays);
      setStoreId(settings.assignmentStoreId ?? ALL_STORES);
      void message.success('归属设置已保存');
    } catch (caught) {
      const refusal = refusalOf(asApiError(caught));
      setErrors(refusal.fields);
      setFailure(refusal.failure);
    } finally {
      setSaving(false);
    }
  }

  return (
    <Card title="归属设置" style={{ maxWidth: 640 }}>
      <Typography.Paragraph type="secondary">
        顾客通过导购的店铺、分享或海报进店时绑定该导购；保护期内其他导购的链接不会改变归属，保护期结束后由下一位导购的链接重新绑定。
      </Typography.Paragraph>
      {!mayWrite && <Alert type="info" showIcon title="只读：你的角色可以查看设置，不能修改。" style={{ marginBottom: 16 }} />}
      {failure !== null && <Alert type="error" showIcon title={failure} style={{ marginBottom: 16 }} />}
      <Form layout="vertical" onFinish={() => void save()} disabled={!mayWrite}>
        <Form.Item
          label="保护期天数"
          htmlFor="protection-days"
          validateStatus={errors.protectionDays === undefined ? undefined : 'error'}
          help={errors.protectionDays ?? '0 表示永久保护；修改只影响之后新建立的绑定'}
        >
          <InputNumber
            id="protection-days"
            min={0}
            max={MAX_PROTECTION_DAYS}
            precision={0}
            suffix="天"
            value={protectionDays}
            onChange={(value) => setProtectionDays(value)}
            style={{ width: 200 }}
          />
        </Form.Item>
        <Form.Item
          label="付款时分配导购的门店"
          htmlFor="assignment-store"
          validateStatus={errors.assignmentStoreId === undefined && stores.status !== 'failed' ? undefined : 'error'}
          help={
            errors.assignmentStoreId ??
            (stores.status === 'failed'
              ? `无法获取门店：${stores.error.message}`
              : '没有在职专属导购的顾客付款时，从所选门店（全部门店：所有营业中的门店）的在职导购中轮流分配一位')
          }
        >
          <Select
            id="assignment-store"
            loading={stores.status === 'loading'}
            options={storeOptions(stores.status === 'loaded' ? stores.data : [], saved.assignmentStoreId)}
            value={storeId}
            onChange={(value: string) => setStoreId(value)}
            style={{ width: 280 }}
          />
        </Form.Item>
        {mayWrite && (
          <Button type="primary" htmlType="submit" loading={saving} disabled={!changed}>
            保存
          </Button>
        )}
      </Form>
      <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 0 }}>
        {saved.updatedAt === null ? '尚未修改过，当前为默认设置。' : `最近修改于 ${formatShanghaiDateTime(saved.updatedAt)}`}
      </Typography.Paragraph>
    </Card>
  );
}

/** 设置: the attribution settings the API has (every signed-in role reads them; owners and operators change them). */
export function SettingsPage() {
  const settings = useApiData(loadSettings);
  const stores = useApiData(loadStores);
  if (settings.status === 'failed') return <LoadFailedAlert title="无法获取归属设置" failed={settings} />;
  if (settings.status === 'loading') return <Card title="归属设置" loading style={{ maxWidth: 640 }} />;
  return <AttributionSettingsCard initial={settings.data} stores={stores} />;
}
