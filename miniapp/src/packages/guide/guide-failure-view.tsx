import type { ApiError } from '@mall/shared';
import { FailureView } from '../../components/failure-view';
import { StatusView } from '../../components/status-view';

/**
 * A guide's page that failed to load: a shopper who is not a guide (the API finds no guide: NOT_FOUND) is told how to
 * become one to `purpose` (e.g. 查看业绩); anything else as FailureView says it.
 */
export function GuideFailureView({ error, onRetry, purpose }: { error: ApiError; onRetry: () => void; purpose: string }) {
  if (error.code === 'NOT_FOUND') {
    return <StatusView state="empty" title="你还不是导购" description={`在导购工作台输入邀请码，绑定导购身份后即可${purpose}。`} />;
  }
  return <FailureView error={error} onRetry={onRetry} />;
}
