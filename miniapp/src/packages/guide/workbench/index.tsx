import { Button, Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { useRef } from 'react';
import type { Guide } from '@mall/shared';
import { apiClient } from '../../../api/client';
import { useRemoteData } from '../../../api/use-remote-data';
import { FailureView } from '../../../components/failure-view';
import { StatusView } from '../../../components/status-view';
import { guideRedeemUrl, guideStatusLabels } from '../../../guide/format';
import { ensureSignedIn } from '../../../session';

import './index.scss';

function GuideCard({ guide }: { guide: Guide }) {
  return (
    <View className="guide-card">
      <Text className="guide-card__name">{guide.name}</Text>
      <Text className="guide-card__store">{guide.storeName}</Text>
      <View className="guide-card__row">
        <Text>导购码</Text>
        <Text className="guide-card__code">{guide.code}</Text>
      </View>
      <View className="guide-card__row">
        <Text>状态</Text>
        <Text>{guideStatusLabels[guide.status]}</Text>
      </View>
    </View>
  );
}

function NotAGuide() {
  return (
    <View className="guide-workbench__empty">
      <StatusView state="empty" title="你还不是导购" description="输入门店发给你的邀请码，绑定导购身份后即可使用工作台。" />
      {/* Redirect, not navigate: after redeeming, the redeem page redirects back here, so the stack stays one deep. */}
      <Button className="guide-workbench__redeem" type="primary" onClick={() => void Taro.redirectTo({ url: guideRedeemUrl() })}>
        输入邀请码
      </Button>
    </View>
  );
}

const loadGuide = async () => {
  await ensureSignedIn();
  return (await apiClient.guideMe()).guide;
};

/** 导购工作台: the signed-in shopper's guide profile, or the way to redeem an invitation when they are not a guide. */
export default function GuideWorkbenchPage() {
  const guide = useRemoteData(loadGuide);

  // Loaded on mount; shown again (back from elsewhere, or after an admin marked the guide as left) it loads again.
  const shownBefore = useRef(false);
  useDidShow(() => {
    if (shownBefore.current) guide.reload();
    shownBefore.current = true;
  });

  switch (guide.state) {
    case 'loading':
      return <StatusView state="loading" label="正在加载导购信息…" />;
    case 'failed':
      if (guide.error.code === 'NOT_FOUND') return <NotAGuide />;
      return <FailureView error={guide.error} onRetry={guide.reload} />;
    case 'loaded':
      return (
        <View className="guide-workbench">
          <GuideCard guide={guide.data} />
        </View>
      );
  }
}
