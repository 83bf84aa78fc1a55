import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { asApiError } from '../api/client.ts';
import { formatRetryAfter } from '../format.ts';
import type { SignInRedirect } from '../session/RequireStaff.tsx';
import { useSession } from '../session/session.tsx';

interface LoginValues {
  username: string;
  password: string;
}

export function LoginPage() {
  const { state, signIn } = useSession();
  const location = useLocation();
  const [submitting, setSubmitting] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  if (state.status === 'signed-in') {
    const from = (location.state as SignInRedirect | null)?.from ?? '/';
    return <Navigate to={from} replace />;
  }

  async function submit(values: LoginValues) {
    setSubmitting(true);
    setFailure(null);
    try {
      await signIn(values);
    } catch (caught) {
      const error = asApiError(caught);
      setFailure(error.retryAfterSeconds === undefined ? error.message : `${error.message}，${formatRetryAfter(error.retryAfterSeconds)}`);
      setSubmitting(false);
    }
  }

  return (
    <main style={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center', background: '#f0f2f5' }}>
      <Card style={{ width: 380 }}>
        <Typography.Title level={3} style={{ textAlign: 'center' }}>
          导购商城管理后台
        </Typography.Title>
        {state.status === 'signed-out' && state.expired && failure === null && (
          <Alert type="info" showIcon title="登录已过期，请重新登录" style={{ marginBottom: 16 }} />
        )}
        {failure !== null && <Alert type="error" showIcon title={failure} style={{ marginBottom: 16 }} />}
        <Form<LoginValues> layout="vertical" onFinish={submit} aria-label="登录" requiredMark={false}>
          <Form.Item name="username" label="用户名" rules={[{ required: true, whitespace: true, message: '请输入用户名' }]}>
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item name="password" label="密码" rules={[{ required: true, message: '请输入密码' }]}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={submitting}>
            登录
          </Button>
        </Form>
      </Card>
    </main>
  );
}
