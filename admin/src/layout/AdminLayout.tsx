import { LogoutOutlined } from '@ant-design/icons';
import { App, Button, Layout, Menu, Space, Tag, Typography } from 'antd';
import type { StaffRole } from '@mall/shared';
import { Outlet, useLocation, useNavigate } from 'react-router-dom';
import { asApiError } from '../api/client.ts';
import { roleMay } from '@mall/shared';
import { useSession, useSignedInStaff } from '../session/session.tsx';
import { roleLabels } from '../staff/roles.ts';
import { consoleSections, isReady, type ConsoleSection } from './sections.tsx';

/** The sections a role sees in the navigation: everything except ready sections its role may not open. */
function visibleSections(role: StaffRole): ConsoleSection[] {
  return consoleSections.filter((section) => !isReady(section) || section.permission === undefined || roleMay(role, section.permission));
}

/** The console frame: side navigation, the signed-in staff member with sign-out, and the current section. */
export function AdminLayout() {
  const staff = useSignedInStaff();
  const { signOut } = useSession();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const location = useLocation();
  const currentPath = location.pathname.split('/')[1] ?? '';
  const current = consoleSections.find((section) => section.path === currentPath);

  function handleSignOut() {
    signOut().catch((error: unknown) => {
      void message.warning(`已在本机退出登录，但服务器未确认：${asApiError(error).message}`);
    });
  }

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider width={208} breakpoint="lg" collapsedWidth={0}>
        <Typography.Title level={5} style={{ color: '#fff', margin: 0, padding: '20px 24px' }}>
          导购商城管理后台
        </Typography.Title>
        <nav aria-label="功能导航">
          <Menu
            theme="dark"
            mode="inline"
            selectedKeys={[currentPath]}
            items={visibleSections(staff.role).map((section) => ({ key: section.path, icon: section.icon, label: section.label }))}
            onClick={({ key }) => navigate(`/${key}`)}
          />
        </nav>
      </Layout.Sider>
      <Layout>
        <Layout.Header style={{ background: '#fff', padding: '0 24px', display: 'flex', justifyContent: 'flex-end' }}>
          <Space size="middle">
            <span aria-label="当前账号">
              {staff.username} <Tag color="blue">{roleLabels[staff.role]}</Tag>
            </span>
            <Button icon={<LogoutOutlined />} onClick={handleSignOut}>
              退出登录
            </Button>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ margin: 24 }}>
          {current && <Typography.Title level={3}>{current.label}</Typography.Title>}
          <Outlet />
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
