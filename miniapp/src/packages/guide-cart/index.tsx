import { Button, Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { useCallback, useState } from 'react';
import { guideCartTokenSchema, type GuideCartStatus, type SharedGuideCartReply } from '@mall/shared';
import { apiClient } from '../../api/client';
import { useApiData } from '../../api/use-api-data';
import { guideCartCheckoutUrl } from '../../checkout/purchase';
import { flag } from '../../components/attribute';
import { CheckoutBar } from '../../components/checkout-bar';
import { FailureView } from '../../components/failure-view';
import { GuideBanner } from '../../components/guide-banner';
import { PurchaseLineView } from '../../components/order-line';
import { StatusView } from '../../components/status-view';
import { ensureSignedIn } from '../../session';

import './index.scss';

/** Why a cart can no longer be checked out, in the customer's words. */
const closedNotices: Record<Exclude<GuideCartStatus, 'open'>, string> = {
  withdrawn: '导购已撤回这份推荐，如需购买请联系导购重新分享。',
  expired: '这份推荐已过期，如需购买请联系导购重新分享。',
  'guide-left': '推荐你的导购已离职，这份推荐已失效。',
};

/** Refusals that mean this link shows nothing to this shopper: said plainly, without a retry that cannot help. */
const DEAD_LINKS = new Set(['GUIDE_CART_NOT_FOUND', 'GUIDE_CART_NOT_YOURS', 'VALIDATION_FAILED']);

function SharedCart({ cart, token }: { cart: SharedGuideCartReply; token: string }) {
  const hasProblem = cart.lines.some((line) => line.problem !== null);
  const blocked =
    cart.status !== 'open' ? closedNotices[cart.status] : hasProblem ? '部分商品已下架或库存不足，请联系导购调整后重新分享。' : null;
  return (
    <View className="guide-cart">
      <GuideBanner className="guide-cart-banner" guide={cart.guide} title={`${cart.guide.name} 为你挑选了这些商品`} />
      {cart.note !== null && (
        <View className="guide-cart__note">
          <Text className="guide-cart__note-label">导购留言</Text>
          <Text className="guide-cart__note-text">{cart.note}</Text>
        </View>
      )}
      {cart.status !== 'open' && (
        <View className="guide-cart__closed" role="status">
          {closedNotices[cart.status]}
        </View>
      )}
      <View className="guide-cart__lines">
        {cart.lines.map((line) => (
          <PurchaseLineView key={line.skuId} line={line} problemClassName="guide-cart__problem" />
        ))}
      </View>
      <CheckoutBar
        className="guide-cart__bar"
        notice={cart.status === 'open' ? blocked : null}
        label="合计："
        amountFen={cart.itemsTotalFen}
      >
        <Button
          className="guide-cart__checkout"
          type="primary"
          disabled={flag(blocked !== null)}
          onClick={() => void Taro.navigateTo({ url: guideCartCheckoutUrl(token) })}
        >
          去结算
        </Button>
      </CheckoutBar>
    </View>
  );
}

function GuideCartView({ token }: { token: string }) {
  const load = useCallback(async () => {
    await ensureSignedIn();
    return apiClient.guideCart(token);
  }, [token]);
  const cart = useApiData(load);

  switch (cart.state) {
    case 'loading':
      return <StatusView state="loading" label="正在打开导购的推荐…" />;
    case 'failed':
      if (DEAD_LINKS.has(cart.error.code)) return <StatusView state="empty" title="无法查看这份推荐" description={cart.error.message} />;
      return <FailureView error={cart.error} onRetry={cart.reload} />;
    case 'loaded':
      return <SharedCart cart={cart.data} token={token} />;
  }
}

/**
 * 导购推荐 (`?t=TOKEN`, the share of a cart a guide built — 代客下单): the guide, their note, the lines at today's prices
 * and 去结算, which checks the cart out for that guide. Opening it is the guide's touch (the API records it). A cart
 * withdrawn, expired or whose guide left says so and cannot be checked out.
 */
export default function GuideCartPage() {
  const { params } = useRouter();
  // The page's query never changes while it is open.
  const [token] = useState(() => {
    const parsed = guideCartTokenSchema.safeParse(params.t);
    return parsed.success ? parsed.data : null;
  });
  if (token === null) return <StatusView state="empty" title="推荐链接无效" description="链接不完整，请让导购重新分享。" />;
  return <GuideCartView token={token} />;
}
