import type { StaffRole } from '@mall/shared';

export const roleLabels: Record<StaffRole, string> = {
  owner: '所有者',
  operator: '运营',
  store_manager: '店长',
  viewer: '只读成员',
};
