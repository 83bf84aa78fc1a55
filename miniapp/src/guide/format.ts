import type { GuideStatus } from '@mall/shared';

/** The guide workbench lives in the `packages/guide` subpackage (loaded when first opened). */
export function guideWorkbenchUrl(): string {
  return '/packages/guide/workbench/index';
}

/** 绑定导购身份; a guide's invitation link carries `?code=`. */
export function guideRedeemUrl(): string {
  return '/packages/guide/redeem/index';
}

export const guideStatusLabels: Record<GuideStatus, string> = { active: '在职', left: '已离职' };
