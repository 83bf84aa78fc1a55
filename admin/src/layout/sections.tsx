import {
  AppstoreOutlined,
  AuditOutlined,
  CustomerServiceOutlined,
  DashboardOutlined,
  DatabaseOutlined,
  IdcardOutlined,
  ProfileOutlined,
  SafetyCertificateOutlined,
  SettingOutlined,
  TagOutlined,
  TeamOutlined,
  ThunderboltOutlined,
  UserOutlined,
  VideoCameraOutlined,
} from '@ant-design/icons';
import type { ComponentType, ReactNode } from 'react';
import { AfterSalesSection } from '../pages/after-sales/AfterSalesSection.tsx';
import { CatalogSection } from '../pages/catalog/CatalogSection.tsx';
import { CustomersSection } from '../pages/customers/CustomersSection.tsx';
import { DashboardPage } from '../pages/DashboardPage.tsx';
import { GuidesSection } from '../pages/guides/GuidesSection.tsx';
import { OrdersSection } from '../pages/orders/OrdersSection.tsx';
import { SettingsPage } from '../pages/settings/SettingsPage.tsx';
import { StaffPage } from '../pages/StaffPage.tsx';
import type { Permission } from '@mall/shared';

interface SectionBase {
  /** The section's path under the console root ('' is the dashboard). */
  path: string;
  label: string;
  icon: ReactNode;
}

/** A section whose feature has landed. */
export interface ReadySection extends SectionBase {
  page: ComponentType;
  /** Shown only to roles holding it. */
  permission?: Permission;
  /** The page routes the paths below its own (`products/new`, `products/:id`). */
  nested?: boolean;
}

/** A section whose feature has not landed yet: it says what it will hold (from the product spec), nothing more. */
export interface UpcomingSection extends SectionBase {
  arrivesWith: string;
}

export type ConsoleSection = ReadySection | UpcomingSection;

/** The admin console's sections, in navigation order (PRODUCT.md, "Admin console"). */
export const consoleSections: readonly ConsoleSection[] = [
  { path: '', label: '概览', icon: <DashboardOutlined />, page: DashboardPage },
  { path: 'products', label: '商品与分类', icon: <AppstoreOutlined />, page: CatalogSection, permission: 'catalog.read', nested: true },
  { path: 'inventory', label: '库存', icon: <DatabaseOutlined />, arrivesWith: '按规格（SKU）查看与调整库存。' },
  { path: 'orders', label: '订单', icon: <ProfileOutlined />, page: OrdersSection, permission: 'orders.read', nested: true },
  {
    path: 'after-sales',
    label: '售后',
    icon: <CustomerServiceOutlined />,
    page: AfterSalesSection,
    permission: 'after_sales.read',
    nested: true,
  },
  {
    path: 'coupons',
    label: '优惠券',
    icon: <TagOutlined />,
    arrivesWith: '满减、折扣、无门槛券的发放与领取，领券中心、直播间发券、导购发券、新客礼。',
  },
  { path: 'group-buys', label: '拼团', icon: <TeamOutlined />, arrivesWith: '拼团活动：拼团价、成团人数、成团时限、每人限购与活动库存。' },
  { path: 'flash-sales', label: '秒杀', icon: <ThunderboltOutlined />, arrivesWith: '限时限量的秒杀价与每人限购，可在直播间投放。' },
  {
    path: 'live-rooms',
    label: '直播间',
    icon: <VideoCameraOutlined />,
    arrivesWith: '创建直播间，直播中控（置顶讲解商品、发券、管理评论）与直播数据。',
  },
  { path: 'guides', label: '导购', icon: <IdcardOutlined />, page: GuidesSection, permission: 'guides.read', nested: true },
  { path: 'customers', label: '客户', icon: <UserOutlined />, page: CustomersSection, permission: 'customers.read', nested: true },
  { path: 'settings', label: '设置', icon: <SettingOutlined />, page: SettingsPage },
  { path: 'staff', label: '员工与角色', icon: <SafetyCertificateOutlined />, page: StaffPage, permission: 'staff.list' },
  { path: 'audit-log', label: '操作日志', icon: <AuditOutlined />, arrivesWith: '后台操作记录：谁在何时做了什么。' },
];

export function isReady(section: ConsoleSection): section is ReadySection {
  return 'page' in section;
}
