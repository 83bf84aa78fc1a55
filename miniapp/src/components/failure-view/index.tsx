import { Button, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import type { ApiError } from '@mall/shared';
import { StatusView } from '../status-view';

import './index.scss';

const PROFILE_TAB = '/pages/profile/index';

/**
 * A failed load: signed out (H5 has no silent login) shows the way to the 我的 page's login instead of a
 * retry that cannot help; anything else is the error with 重试.
 */
export function FailureView({ error, onRetry }: { error: ApiError; onRetry: () => void }) {
  if (error.code !== 'UNAUTHENTICATED') return <StatusView state="error" message={error.message} onRetry={onRetry} />;
  return (
    <View className="failure-view">
      <StatusView state="empty" title="请先登录" description={error.message} />
      <Button className="failure-view__login" size="mini" type="primary" onClick={() => Taro.switchTab({ url: PROFILE_TAB })}>
        去登录
      </Button>
    </View>
  );
}
