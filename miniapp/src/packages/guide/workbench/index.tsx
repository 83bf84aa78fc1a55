import { Button, Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { useRef, useState } from 'react';
import { asApiError, type Guide } from '@mall/shared';
import { apiClient } from '../../../api/client';
import { useRemoteData } from '../../../api/use-remote-data';
import { FailureView } from '../../../components/failure-view';
import { GuideAvatar } from '../../../components/guide-avatar';
import { StatusView } from '../../../components/status-view';
import {
  guideCustomersUrl,
  guideOrderUrl,
  guidePerformanceUrl,
  guidePicksUrl,
  guideRedeemUrl,
  guideShopCodeUrl,
  guideStatusLabels,
} from '../../../guide/format';
import { ensureSignedIn } from '../../../session';

import './index.scss';

/** Picks one photo (album or camera; a file input in H5) and uploads it as the guide's avatar; null when they cancelled. */
async function chooseAvatar(): Promise<string | null> {
  try {
    const chosen = await Taro.chooseMedia({ count: 1, mediaType: ['image'], sizeType: ['compressed'] });
    return chosen.tempFiles[0]?.tempFilePath ?? null;
  } catch {
    return null;
  }
}

function GuideCard({ guide, onChanged }: { guide: Guide; onChanged(guide: Guide): void }) {
  const [uploading, setUploading] = useState(false);

  async function changeAvatar() {
    const filePath = await chooseAvatar();
    if (filePath === null) return;
    setUploading(true);
    try {
      onChanged((await apiClient.changeMyGuideAvatar(filePath)).guide);
      void Taro.showToast({ title: '头像已更新', icon: 'success' });
    } catch (caught) {
      void Taro.showToast({ title: asApiError(caught).message, icon: 'none' });
    } finally {
      setUploading(false);
    }
  }

  return (
    <View className="guide-card">
      <View className="guide-card__header">
        <GuideAvatar guide={guide} className="guide-card__avatar" />
        <View className="guide-card__identity">
          <Text className="guide-card__name">{guide.name}</Text>
          <Text className="guide-card__store">{guide.storeName}</Text>
        </View>
        <Button className="guide-card__avatar-change" size="mini" loading={uploading} onClick={() => void changeAvatar()}>
          更换头像
        </Button>
      </View>
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
          <GuideCard guide={guide.data} onChanged={guide.replace} />
          <View className="guide-workbench__link" role="link" onClick={() => void Taro.navigateTo({ url: guideShopCodeUrl() })}>
            <Text>我的店铺码</Text>
            <Text className="guide-workbench__link-hint">小程序码和海报，保存或分享给顾客 ›</Text>
          </View>
          <View className="guide-workbench__link" role="link" onClick={() => void Taro.navigateTo({ url: guidePicksUrl() })}>
            <Text>我的推荐</Text>
            <Text className="guide-workbench__link-hint">设置小店里优先展示的商品 ›</Text>
          </View>
          <View className="guide-workbench__link" role="link" onClick={() => void Taro.navigateTo({ url: guideOrderUrl() })}>
            <Text>代客下单</Text>
            <Text className="guide-workbench__link-hint">为顾客挑好商品，分享后顾客直接结算 ›</Text>
          </View>
          <View className="guide-workbench__link" role="link" onClick={() => void Taro.navigateTo({ url: guidePerformanceUrl() })}>
            <Text>我的业绩</Text>
            <Text className="guide-workbench__link-hint">本月销售额、排名和我的订单 ›</Text>
          </View>
          <View className="guide-workbench__link" role="link" onClick={() => void Taro.navigateTo({ url: guideCustomersUrl() })}>
            <Text>我的客户</Text>
            <Text className="guide-workbench__link-hint">绑定的顾客、最近购买和企业微信 ›</Text>
          </View>
        </View>
      );
  }
}
