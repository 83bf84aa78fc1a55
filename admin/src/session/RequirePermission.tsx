import { Result } from 'antd';
import type { ReactNode } from 'react';
import { roleLabels } from '../staff/roles.ts';
import { roleMay, type Permission } from '@mall/shared';
import { useSignedInStaff } from './session.tsx';

/** For a section opened by address although the navigation hides it from this role. */
export function RequirePermission({ permission, children }: { permission: Permission; children: ReactNode }) {
  const staff = useSignedInStaff();
  if (roleMay(staff.role, permission)) return children;
  return <Result status="403" title="没有权限" subTitle={`「${roleLabels[staff.role]}」角色不能查看此页面，如需使用请联系所有者。`} />;
}
