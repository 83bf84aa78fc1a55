import type { GuideContactWayStatus, GuideStatus, StoreStatus } from '@mall/shared';

export const storeStatusLabels: Record<StoreStatus, string> = { active: '营业中', closed: '已关闭' };
export const guideStatusLabels: Record<GuideStatus, string> = { active: '在职', left: '已离职' };
export const guideStatusColors: Record<GuideStatus, string> = { active: 'green', left: 'default' };
export const contactWayStatusColors: Record<GuideContactWayStatus, string> = {
  ready: 'green',
  not_created: 'blue',
  guide_without_wecom: 'orange',
  guide_left: 'default',
};

/** The first message of a failed parse, for the dialog's error line. */
export function firstIssue(error: { issues: readonly { message: string }[] }, fallback: string): string {
  return error.issues[0]?.message ?? fallback;
}
