import { Button } from '@tarojs/components';
import Taro, { useShareAppMessage, useShareTimeline } from '@tarojs/taro';
import { sharedPageQuery, useShareGuideCode } from '../../guide/share';

import './index.scss';

/**
 * Shares the page with the right guide code (see useShareGuideCode): in the mini-program the share menu and a
 * 分享给好友 button send the page (friends and 朋友圈) with `g=CODE`; in H5, 复制链接 copies its address with it.
 * The page's config must enable both shares (`enableShareAppMessage`, `enableShareTimeline`).
 */
export function GuideShare({ title, page, query }: { title: string; page: string; query: Readonly<Record<string, string>> }) {
  const guideCode = useShareGuideCode();
  const shared = sharedPageQuery(query, guideCode);
  useShareAppMessage(() => ({ title, path: `/${page}${shared === '' ? '' : `?${shared}`}` }));
  useShareTimeline(() => ({ title, query: shared }));

  if (process.env.TARO_ENV === 'weapp') {
    return (
      <Button className="guide-share" size="mini" openType="share">
        分享给好友
      </Button>
    );
  }

  async function copyLink() {
    // The H5 router uses real paths: this page's address with the shared query opens the same page.
    const link = `${window.location.origin}${window.location.pathname}${shared === '' ? '' : `?${shared}`}`;
    try {
      await Taro.setClipboardData({ data: link });
      void Taro.showToast({ title: '链接已复制', icon: 'success' });
    } catch {
      void Taro.showToast({ title: '复制失败，请稍后重试', icon: 'none' });
    }
  }

  return (
    <Button className="guide-share" size="mini" onClick={() => void copyLink()}>
      复制分享链接
    </Button>
  );
}
