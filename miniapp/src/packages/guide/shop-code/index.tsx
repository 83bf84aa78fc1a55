import { Button, Image, Text, View } from '@tarojs/components';
import Taro, { useShareAppMessage } from '@tarojs/taro';
import { useState } from 'react';
import { posterFileName, type GuideShopAssets, type PosterSurface } from '@mall/shared';
import { apiClient } from '../../../api/client';
import { useRemoteData } from '../../../api/use-remote-data';
import { FailureView } from '../../../components/failure-view';
import { StatusView } from '../../../components/status-view';
import { ensureSignedIn } from '../../../session';

import './index.scss';

/** The poster this build hands out: the mini-program code in the mini-program, a QR of the H5 shop link in a browser. */
function posterSurface(): PosterSurface {
  return process.env.TARO_ENV === 'weapp' ? 'weapp' : 'h5';
}
const SHARE_TITLE = '我的专属小店，欢迎来逛逛';

const loadAssets = async () => {
  await ensureSignedIn();
  return (await apiClient.myGuideShopAssets()).assets;
};

/** The shopper refused the photo album: WeChat asks only once, after that only the settings page can allow it. */
function albumRefused(error: unknown): boolean {
  const errMsg = (error as { errMsg?: unknown } | null)?.errMsg;
  return typeof errMsg === 'string' && /auth den(y|ied)|authorize/.test(errMsg);
}

/** Downloads the poster and saves it to the photo album (the API's host must be a downloadFile domain). */
async function saveToAlbum(url: string): Promise<void> {
  try {
    const downloaded = await Taro.downloadFile({ url });
    if (downloaded.statusCode !== 200) throw new Error(`downloadFile answered ${downloaded.statusCode}`);
    await Taro.saveImageToPhotosAlbum({ filePath: downloaded.tempFilePath });
    void Taro.showToast({ title: '已保存到相册', icon: 'success' });
  } catch (error) {
    if (!albumRefused(error)) {
      void Taro.showToast({ title: '保存失败，请稍后重试', icon: 'none' });
      return;
    }
    const { confirm } = await Taro.showModal({ title: '无法保存到相册', content: '请在设置中允许保存到相册', confirmText: '去设置' });
    if (confirm) await Taro.openSetting();
  }
}

/** In a browser the poster is a file of the page's own origin, which a link with `download` saves. */
function downloadInBrowser(url: string, fileName: string): void {
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
}

async function copyShopUrl(shopUrl: string): Promise<void> {
  try {
    await Taro.setClipboardData({ data: shopUrl });
    void Taro.showToast({ title: '店铺链接已复制', icon: 'success' });
  } catch {
    void Taro.showToast({ title: '复制失败，请稍后重试', icon: 'none' });
  }
}

function ShopCode({ assets }: { assets: GuideShopAssets }) {
  const [saving, setSaving] = useState(false);
  const surface = posterSurface();
  const posterUrl = apiClient.imageUrl(assets.posters[surface]);

  async function save() {
    if (process.env.TARO_ENV === 'weapp') {
      setSaving(true);
      try {
        await saveToAlbum(posterUrl);
      } finally {
        setSaving(false);
      }
    } else {
      downloadInBrowser(posterUrl, posterFileName(assets.code, surface));
    }
  }

  return (
    <View className="guide-shop-code">
      <View className="guide-shop-code__card">
        <Text className="guide-shop-code__title">小程序码</Text>
        <Image className="guide-shop-code__code" src={apiClient.imageUrl(assets.miniProgramCode)} mode="aspectFit" showMenuByLongpress />
        <Text className="guide-shop-code__hint">顾客微信扫码即可进入你的专属小店 · 导购码 {assets.code}</Text>
      </View>
      <View className="guide-shop-code__card">
        <Text className="guide-shop-code__title">我的海报</Text>
        <Image className="guide-shop-code__poster" src={posterUrl} mode="widthFix" showMenuByLongpress />
      </View>
      <View className="guide-shop-code__actions">
        <Button className="guide-shop-code__action" type="primary" loading={saving} onClick={() => void save()}>
          {process.env.TARO_ENV === 'weapp' ? '保存到相册' : '下载海报'}
        </Button>
        {process.env.TARO_ENV === 'weapp' ? (
          <Button className="guide-shop-code__action" openType="share">
            分享给顾客
          </Button>
        ) : (
          <Button className="guide-shop-code__action" onClick={() => void copyShopUrl(assets.shopUrl)}>
            复制店铺链接
          </Button>
        )}
      </View>
    </View>
  );
}

/** 我的店铺码: the guide's mini-program code and poster to save, and their shop to share (weapp) or its link to copy (H5). */
export default function GuideShopCodePage() {
  const assets = useRemoteData(loadAssets);
  const loaded = assets.state === 'loaded' ? assets.data : null;
  // The share menu is open before the page loads: then it sends the home page, never this workbench page.
  useShareAppMessage(() => ({ title: SHARE_TITLE, path: loaded === null ? '/pages/home/index' : `/${loaded.shopPath}` }));

  switch (assets.state) {
    case 'loading':
      return <StatusView state="loading" label="正在生成店铺码和海报…" />;
    case 'failed':
      return <FailureView error={assets.error} onRetry={assets.reload} />;
    case 'loaded':
      return <ShopCode assets={assets.data} />;
  }
}
