import {
  openTransferStatuses,
  transferErrcodeLabels,
  transferFailureLabels,
  type Handover,
  type HandoverGuide,
  type HandoverMode,
  type HandoverTransfer,
  type TransferStatus,
} from '@mall/shared';

export const handoverModeColors: Record<HandoverMode, string> = { 'on-duty': 'blue', resigned: 'purple' };

export const transferStatusColors: Record<TransferStatus, string> = {
  pending: 'default',
  requested: 'blue',
  waiting: 'cyan',
  done: 'green',
  refused: 'orange',
  limit: 'orange',
  failed: 'red',
};

/** `/guides/handovers` (every handover), `/guides/handovers/:id` (one), `/guides/:guideId/handovers` (a guide's: hand over, and their records). */
export function handoversPath(): string {
  return '/guides/handovers';
}

export function handoverPath(handoverId: string): string {
  return `/guides/handovers/${handoverId}`;
}

export function guideHandoversPath(guideId: string): string {
  return `/guides/${guideId}/handovers`;
}

/** `李娜（K7QX2M）· 徐汇店`. */
export function handoverGuideText(guide: HandoverGuide): string {
  return `${guide.name}（${guide.code}）· ${guide.storeName}`;
}

/** Why a transfer failed, as staff read it: `企业微信拒绝转接：该客户正在转接中（40129）`. */
export function transferProblem(transfer: Pick<HandoverTransfer, 'failure' | 'errcode'>): string | null {
  if (transfer.failure === null) return null;
  const code = transfer.errcode === null ? '' : `${transferErrcodeLabels[transfer.errcode] ?? '错误码'}（${transfer.errcode}）`;
  return code === '' ? transferFailureLabels[transfer.failure] : `${transferFailureLabels[transfer.failure]}：${code}`;
}

/** Whether the handover may still change: bindings being moved, or WeCom transfers not final yet. */
export function handoverIsOpen(handover: Handover): boolean {
  return handover.status === 'moving' || openTransferStatuses.some((status) => handover.counts.transfers[status] > 0);
}

/** While something on the page may still change, it is loaded again this often. */
export const HANDOVER_REFRESH_MS = 15_000;
