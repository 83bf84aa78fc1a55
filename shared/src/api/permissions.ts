import { staffRoles, type StaffRole } from './staff.ts';

/**
 * The role matrix: which staff roles hold each permission. Routes name a permission (or `public` /
 * `signed-in`), never roles directly, so this table is the one place that decides who may do what.
 *
 * | permission   | owner | operator | store_manager | viewer |
 * | ------------ | ----- | -------- | ------------- | ------ |
 * | staff.list   |  yes  |   yes    |      no       |   no   |
 * | staff.create |  yes  |    no    |      no       |   no   |
 *
 * Any signed-in role may read its own account (`GET /api/staff/me`) and sign out.
 */
export const rolesByPermission = {
  'staff.list': ['owner', 'operator'],
  'staff.create': ['owner'],
} as const satisfies Record<string, readonly StaffRole[]>;

export type Permission = keyof typeof rolesByPermission;

/** What a route requires of its caller. */
export type Access = 'public' | 'signed-in' | Permission;

/** The roles that may call a route with this access; null when no sign-in is needed. */
export function allowedRoles(access: Access): readonly StaffRole[] | null {
  if (access === 'public') return null;
  if (access === 'signed-in') return staffRoles;
  return rolesByPermission[access];
}

/** Whether a role holds a permission (the console hides what the API would refuse anyway). */
export function roleMay(role: StaffRole, permission: Permission): boolean {
  const roles: readonly StaffRole[] = rolesByPermission[permission];
  return roles.includes(role);
}
