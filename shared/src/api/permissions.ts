import { staffRoles, type StaffRole } from './staff.ts';

/**
 * The role matrix: which staff roles hold each permission. Routes name a permission (or `public` /
 * `signed-in` / `shopper`), never roles directly, so this table is the one place that decides who may do what.
 *
 * | permission    | owner | operator | store_manager | viewer |
 * | ------------- | ----- | -------- | ------------- | ------ |
 * | staff.list    |  yes  |   yes    |      no       |   no   |
 * | staff.create  |  yes  |    no    |      no       |   no   |
 * | catalog.read  |  yes  |   yes    |      yes      |  yes   |
 * | catalog.write |  yes  |   yes    |      no       |   no   |
 * | orders.read   |  yes  |   yes    |      yes      |  yes   |
 * | orders.write  |  yes  |   yes    |      yes      |   no   |
 * | after_sales.read  |  yes  |   yes    |      yes      |  yes   |
 * | after_sales.write |  yes  |   yes    |      yes      |   no   |
 * | guides.read   |  yes  |   yes    |      yes      |  yes   |
 * | guides.write  |  yes  |   yes    |      no       |   no   |
 * | customers.read |  yes |   yes    |      yes      |  yes   |
 * | settings.write |  yes |   yes    |      no       |   no   |
 *
 * Any signed-in role may read its own account (`GET /api/staff/me`) and sign out.
 */
export const rolesByPermission = {
  'staff.list': ['owner', 'operator'],
  'staff.create': ['owner'],
  /** Categories, products, SKUs and stock as the admin console shows them. */
  'catalog.read': ['owner', 'operator', 'store_manager', 'viewer'],
  /** Changing them: categories, products, status, stock, image uploads. */
  'catalog.write': ['owner', 'operator'],
  /** Orders as the admin console shows them: list, detail with history, logistics trace, CSV export. */
  'orders.read': ['owner', 'operator', 'store_manager', 'viewer'],
  /** Acting on orders: shipping. */
  'orders.write': ['owner', 'operator', 'store_manager'],
  /** After-sales requests, their order and refunds as the admin console shows them. */
  'after_sales.read': ['owner', 'operator', 'store_manager', 'viewer'],
  /** Deciding them: approve (amount, restock), reject, confirm a returned parcel, retry a failed refund. Store managers serve their shoppers. */
  'after_sales.write': ['owner', 'operator', 'store_manager'],
  /** Stores and guides as the admin console shows them, and customer handovers with their WeCom transfers. */
  'guides.read': ['owner', 'operator', 'store_manager', 'viewer'],
  /** Changing them: stores, guides, departures, invitation codes, handing a guide's customers over to another. */
  'guides.write': ['owner', 'operator'],
  /** Customers with their guide binding, its history and touches. */
  'customers.read': ['owner', 'operator', 'store_manager', 'viewer'],
  /** Merchant settings: the attribution protection period and the payment-time assignment store. */
  'settings.write': ['owner', 'operator'],
} as const satisfies Record<string, readonly StaffRole[]>;

export type Permission = keyof typeof rolesByPermission;

/** What staff sign-in decides: any signed-in staff member, or a permission of the matrix. */
export type StaffAccess = 'signed-in' | Permission;

/**
 * What a route requires of its caller: nobody (`public`), a signed-in shopper (`shopper`), or staff. Shopper
 * and staff tokens are not interchangeable: a staff token never opens a shopper route, nor the reverse.
 */
export type Access = 'public' | 'shopper' | StaffAccess;

/** The roles that may call a staff route with this access; null when no sign-in is needed. */
export function allowedRoles(access: 'public' | StaffAccess): readonly StaffRole[] | null {
  if (access === 'public') return null;
  if (access === 'signed-in') return staffRoles;
  return rolesByPermission[access];
}

/** Whether a role holds a permission (the console hides what the API would refuse anyway). */
export function roleMay(role: StaffRole, permission: Permission): boolean {
  const roles: readonly StaffRole[] = rolesByPermission[permission];
  return roles.includes(role);
}
