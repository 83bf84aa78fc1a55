import { Button, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useCallback, useEffect } from 'react';
import { errorCatalogue, type GuideCard, type GuideShopReply, type ProductSearchQuery } from '@mall/shared';
import { apiClient } from '../../api/client';
import { useApiData } from '../../api/use-api-data';
import { useProductPages } from '../../catalog/use-product-pages';
import { GuideBanner } from '../../components/guide-banner';
import { GuideShare } from '../../components/guide-share';
import { ProductGrid, ProductPagesView } from '../../components/product-card';
import { StatusView } from '../../components/status-view';
import { myGuideUrl } from '../../guide/format';
import { useGuideEntry } from '../../guide/touches';

import './index.scss';

const SHOP_PAGE = 'pages/shop/index';
/** Neutral on purpose: the share may carry the sharer's guide rather than this page's (see useShareGuideCode). */
const SHARE_TITLE = '专属导购为你推荐好物';
/** 综合: the API's default order (best sellers, then newest), as on 首页. */
const allProducts: ProductSearchQuery = {};

function ShopBanner({ guide }: { guide: GuideCard }) {
  return (
    <GuideBanner className="shop-banner" guide={guide} title={guide.name}>
      {/* 我的导购 shows the shopper's own guide — the one this entry's touch just bound, unless another guide's protection holds. */}
      <Button className="shop-banner__wecom" size="mini" onClick={() => void Taro.navigateTo({ url: myGuideUrl() })}>
        加企业微信
      </Button>
    </GuideBanner>
  );
}

/** The guide's banner and picks (导购推荐), or why there are none; the catalog below shows either way. */
function GuideSection({ guideCode }: { guideCode: string }) {
  const load = useCallback(() => apiClient.guideShop(guideCode), [guideCode]);
  const shop = useApiData<GuideShopReply>(load);

  const guideName = shop.state === 'loaded' ? shop.data.guide.name : undefined;
  useEffect(() => {
    if (guideName !== undefined) void Taro.setNavigationBarTitle({ title: `${guideName}的小店` });
  }, [guideName]);

  switch (shop.state) {
    case 'loading':
      return <StatusView state="loading" label="正在加载导购小店…" />;
    case 'failed':
      if (shop.error.code === 'GUIDE_NOT_FOUND' || shop.error.code === 'GUIDE_LEFT' || shop.error.code === 'VALIDATION_FAILED') {
        return (
          <ShopNotice message={shop.error.code === 'VALIDATION_FAILED' ? errorCatalogue.GUIDE_NOT_FOUND.message : shop.error.message} />
        );
      }
      return <StatusView state="error" message={shop.error.message} onRetry={shop.reload} />;
    case 'loaded':
      return (
        <View>
          <ShopBanner guide={shop.data.guide} />
          {shop.data.picks.length > 0 && (
            <View>
              <View className="shop-section">
                <Text className="shop-section__title">导购推荐</Text>
              </View>
              <ProductGrid products={shop.data.picks} />
            </View>
          )}
        </View>
      );
  }
}

function ShopNotice({ message }: { message: string }) {
  return (
    <View className="shop-notice" role="status">
      {message}
    </View>
  );
}

/**
 * 导购小店 (`?g=CODE`, or the guide's mini-program code with `scene=g%3DCODE`): the guide's banner and picks first, then
 * the whole catalog. Opening it records the guide's touch. A code that leads to no guide on duty still shows the mall,
 * saying why.
 */
export default function ShopPage() {
  const entry = useGuideEntry('shop-link');
  const products = useProductPages(allProducts);

  return (
    <View className="shop">
      {entry.kind === 'guide' && <GuideSection guideCode={entry.guideCode} />}
      {entry.kind === 'invalid' && <ShopNotice message={errorCatalogue.GUIDE_NOT_FOUND.message} />}
      <View className="shop-section shop-section--all">
        <Text className="shop-section__title">全部商品</Text>
        <GuideShare title={SHARE_TITLE} page={SHOP_PAGE} query={{}} />
      </View>
      <ProductPagesView pages={products} empty={{ title: '还没有在售的商品', description: '商家上架商品后会显示在这里。' }} />
    </View>
  );
}
