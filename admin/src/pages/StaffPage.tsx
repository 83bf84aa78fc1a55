import { Alert, App, Button, Card, Form, Input, Radio, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { createStaffRequestSchema, staffRoles, type Staff, type StaffRole } from '@mall/shared';
import { asApiError, type ApiClient } from '../api/client.ts';
import { useApi } from '../api/context.tsx';
import { LoadFailedAlert } from '../api/LoadFailedAlert.tsx';
import { useApiData } from '../api/use-api-data.ts';
import { formatShanghaiDateTime } from '../format.ts';
import { roleMay } from '@mall/shared';
import { useSignedInStaff } from '../session/session.tsx';
import { roleLabels } from '../staff/roles.ts';

const loadStaff = (api: ApiClient) => api.listStaff();

interface StaffFormValues {
  username?: string;
  password?: string;
  role?: StaffRole;
  storeId?: string;
}

type StaffField = keyof StaffFormValues;

/** The shared schema decides what is valid; these say it in Chinese, one hint per field. */
const fieldHints: Record<StaffField, string> = {
  username: '用户名为 3–32 位字母、数字或 _ . -，以字母或数字开头（不区分大小写）',
  password: '密码为 10–128 个字符',
  role: '请选择角色',
  storeId: '店长需要填写所属门店编号（最多 64 个字符）',
};

function isStaffField(key: unknown): key is StaffField {
  return typeof key === 'string' && key in fieldHints;
}

function CreateStaffForm({ onCreated }: { onCreated(staff: Staff): void }) {
  const api = useApi();
  const { message } = App.useApp();
  const [form] = Form.useForm<StaffFormValues>();
  const role = Form.useWatch('role', form);
  const [submitting, setSubmitting] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  async function submit(values: StaffFormValues) {
    setFailure(null);
    const parsed = createStaffRequestSchema.safeParse({ ...values, storeId: values.role === 'store_manager' ? values.storeId : undefined });
    if (!parsed.success) {
      const fields = new Set(parsed.error.issues.map((issue) => issue.path[0]).filter(isStaffField));
      form.setFields([...fields].map((name) => ({ name, errors: [fieldHints[name]] })));
      return;
    }
    setSubmitting(true);
    try {
      const staff = await api.createStaff(parsed.data);
      form.resetFields();
      void message.success(`已创建员工账号 ${staff.username}`);
      onCreated(staff);
    } catch (caught) {
      const error = asApiError(caught);
      const details = error.details as { field?: unknown } | undefined;
      if (error.code === 'CONFLICT' && isStaffField(details?.field)) form.setFields([{ name: details.field, errors: [error.message] }]);
      else setFailure(error.message);
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <Form form={form} layout="vertical" onFinish={submit} style={{ maxWidth: 480 }} aria-label="新建员工账号">
      {failure !== null && <Alert type="error" showIcon title={failure} style={{ marginBottom: 16 }} />}
      <Form.Item name="username" label="用户名" required>
        <Input autoComplete="off" />
      </Form.Item>
      <Form.Item name="password" label="初始密码" required extra="请通过安全的方式告知对方。">
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Form.Item name="role" label="角色" required>
        <Radio.Group optionType="button" options={staffRoles.map((value) => ({ value, label: roleLabels[value] }))} />
      </Form.Item>
      {role === 'store_manager' && (
        <Form.Item name="storeId" label="所属门店编号" required>
          <Input />
        </Form.Item>
      )}
      <Button type="primary" htmlType="submit" loading={submitting}>
        创建账号
      </Button>
    </Form>
  );
}

export function StaffPage() {
  const staff = useSignedInStaff();
  const list = useApiData(loadStaff);
  const mayCreate = roleMay(staff.role, 'staff.create');

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      {mayCreate ? (
        <Card title="新建员工账号">
          <CreateStaffForm onCreated={list.reload} />
        </Card>
      ) : (
        <Typography.Text type="secondary">只有所有者可以新建员工账号。</Typography.Text>
      )}
      <Card title="员工账号">
        {list.status === 'failed' ? (
          <LoadFailedAlert title="无法获取员工列表" failed={list} />
        ) : (
          <Table<Staff>
            rowKey="id"
            loading={list.status === 'loading'}
            dataSource={list.status === 'loaded' ? list.data : []}
            pagination={false}
            columns={[
              { title: '用户名', dataIndex: 'username' },
              { title: '角色', dataIndex: 'role', render: (role: StaffRole) => roleLabels[role] },
              { title: '所属门店', dataIndex: 'storeId', render: (storeId: string | undefined) => storeId ?? '—' },
              {
                title: '状态',
                dataIndex: 'active',
                render: (active: boolean) => (active ? <Tag color="success">启用</Tag> : <Tag>停用</Tag>),
              },
              { title: '创建时间', dataIndex: 'createdAt', render: (createdAt: string) => formatShanghaiDateTime(createdAt) },
            ]}
          />
        )}
      </Card>
    </Space>
  );
}
