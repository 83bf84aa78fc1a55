import { Image, Text, View } from '@tarojs/components';
import { useDidHide, useDidShow } from '@tarojs/taro';
import { useRef, useState } from 'react';
import {
  contactUnavailableReasonLabels,
  type ContactSurface,
  type GuideCard,
  type GuideContactReply,
  type GuideContactWay,
} from '@mall/shared';
import { apiClient } from '../../api/client';
import { useRemoteData } from '../../api/use-remote-data';
import { GuideAvatar } from '../guide-avatar';

import './index.scss';

/** What the page asks the API for: the mini-program shows WeCom's contact plugin (with the QR as fallback), H5 the QR. */
export function contactSurface(): ContactSurface {
  return process.env.TARO_ENV === 'weapp' ? 'weapp' : 'h5';
}

/**
 * Loads the guide contact, and again whenever the page is shown after being hidden: back from WeCom after adding the
 * guide, the page says 已添加 (once WeCom's callback arrived). Hidden-then-shown rather than "shown again", since
 * the component may mount after the page was first shown (the payment result). `load` must be stable.
 */
export function useGuideContactData<T>(load: () => Promise<T>) {
  const data = useRemoteData(load);
  const hidden = useRef(false);
  useDidHide(() => {
    hidden.current = true;
  });
  useDidShow(() => {
    if (!hidden.current) return;
    hidden.current = false;
    data.reload();
  });
  return data;
}

const QR_HINT = '长按识别二维码或用微信扫一扫，添加导购的企业微信';

function QrCode({ contact, guide }: { contact: GuideContactWay; guide: GuideCard }) {
  return (
    <View className="guide-contact__qr">
      <Image
        className="guide-contact__qr-image"
        src={apiClient.imageUrl({ url: contact.qrCodeUrl })}
        mode="aspectFit"
        showMenuByLongpress
        aria-label={`${guide.name}的企业微信二维码`}
      />
      <Text className="guide-contact__hint">{QR_HINT}</Text>
    </View>
  );
}

/** The weapp's WeCom contact plugin cell (a new cell per contact way, as the plugin reads `plugid` once), with the QR on request. */
function PluginCell({ contact, guide, configId }: { contact: GuideContactWay; guide: GuideCard; configId: string }) {
  const [showQr, setShowQr] = useState(false);
  return (
    <View className="guide-contact__plugin">
      <wecom-contact-cell key={configId} plugid={configId} />
      {showQr ? (
        <QrCode contact={contact} guide={guide} />
      ) : (
        <Text className="guide-contact__fallback" onClick={() => setShowQr(true)}>
          无法添加？使用二维码
        </Text>
      )}
    </View>
  );
}

function AddAction({ contact, guide }: { contact: GuideContactWay; guide: GuideCard }) {
  if (process.env.TARO_ENV === 'weapp' && contact.configId !== null)
    return <PluginCell contact={contact} guide={guide} configId={contact.configId} />;
  return <QrCode contact={contact} guide={guide} />;
}

/**
 * The shopper's guide (avatar, name, store) and how to add them on WeCom: the contact plugin in the weapp, the
 * QR in H5; 已添加 once WeCom reported the add, or why the guide cannot be added.
 */
export function GuideContact({ title, reply }: { title: string; reply: Omit<GuideContactReply, 'guide'> & { guide: GuideCard } }) {
  const { guide, contact, added, unavailableReason } = reply;
  return (
    <View className="guide-contact">
      <Text className="guide-contact__title">{title}</Text>
      <View className="guide-contact__card">
        <GuideAvatar guide={guide} className="guide-contact__avatar" />
        <View className="guide-contact__who">
          <Text className="guide-contact__name">{guide.name}</Text>
          <Text className="guide-contact__store">{guide.storeName}</Text>
        </View>
        {added && <Text className="guide-contact__added">已添加</Text>}
      </View>
      {added && <Text className="guide-contact__note">你已添加导购的企业微信，有问题可以直接在企业微信里找 TA。</Text>}
      {!added && contact !== null && <AddAction contact={contact} guide={guide} />}
      {!added && contact === null && unavailableReason !== undefined && (
        <Text className="guide-contact__note">{contactUnavailableReasonLabels[unavailableReason]}</Text>
      )}
    </View>
  );
}
