import type { GuideStatus } from '@mall/shared';

/** 我的导购: the shopper's own guide and how to add them on WeCom (main package: it shows the WeCom contact plugin). */
export function myGuideUrl(): string {
  return '/pages/my-guide/index';
}

/** The guide workbench lives in the `packages/guide` subpackage (loaded when first opened). */
export function guideWorkbenchUrl(): string {
  return '/packages/guide/workbench/index';
}

/** 我的推荐: the guide's picks, shown first in their shop. */
export function guidePicksUrl(): string {
  return '/packages/guide/picks/index';
}

/** 我的店铺码: the guide's mini-program code and poster. */
export function guideShopCodeUrl(): string {
  return '/packages/guide/shop-code/index';
}

/** 代客下单: the guide builds a cart for a customer and shares it. */
export function guideOrderUrl(): string {
  return '/packages/guide/guide-order/index';
}

/** 我的业绩: the guide's month, rank and orders. */
export function guidePerformanceUrl(): string {
  return '/packages/guide/performance/index';
}

/** 我的客户: the customers bound to the guide. */
export function guideCustomersUrl(): string {
  return '/packages/guide/customers/index';
}

/** 绑定导购身份; a guide's invitation link carries `?code=`. */
export function guideRedeemUrl(): string {
  return '/packages/guide/redeem/index';
}

export const guideStatusLabels: Record<GuideStatus, string> = { active: '在职', left: '已离职' };
