import { Text, View } from '@tarojs/components';
import { useCallback } from 'react';
import { apiClient } from '../../api/client';
import { FailureView } from '../../components/failure-view';
import { contactSurface, GuideContact, useGuideContactData } from '../../components/guide-contact';
import { StatusView } from '../../components/status-view';
import { ensureSignedIn } from '../../session';

import './index.scss';

async function loadMyGuide() {
  await ensureSignedIn();
  const [contact, mine] = await Promise.all([apiClient.myGuideContact(contactSurface()), apiClient.myGuide()]);
  return { contact, explanation: mine.binding?.explanation ?? null };
}

/** 我的导购 (from 我的): the shopper's guide, why they are theirs, and how to add them on WeCom (or that they did). */
export default function MyGuidePage() {
  const load = useCallback(loadMyGuide, []);
  const data = useGuideContactData(load);
  switch (data.state) {
    case 'loading':
      return <StatusView state="loading" label="正在加载我的导购…" />;
    case 'failed':
      return <FailureView error={data.error} onRetry={data.reload} />;
    case 'loaded': {
      const { contact, explanation } = data.data;
      if (contact.guide === null) {
        return (
          <StatusView
            state="empty"
            title="你还没有专属导购"
            description="通过导购分享的链接、海报或小程序码进店，或下单付款后，就会有专属导购为你服务。"
          />
        );
      }
      return (
        <View className="my-guide">
          <GuideContact title="我的专属导购" reply={{ ...contact, guide: contact.guide }} />
          {explanation !== null && <Text className="my-guide__explanation">{explanation}</Text>}
        </View>
      );
    }
  }
}
