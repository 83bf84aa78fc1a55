import { Button, Input, Text, View } from '@tarojs/components';
import Taro, { useDidShow, useRouter } from '@tarojs/taro';
import { useCallback, useEffect, useRef, useState } from 'react';
import { asApiError, MAX_ORDER_REMARK_LENGTH, type ApiError, type CheckoutPreviewReply, type PreviewLine } from '@mall/shared';
import { apiClient } from '../../api/client';
import { useRemoteData } from '../../api/use-remote-data';
import { flag } from '../../components/attribute';
import { CheckoutBar } from '../../components/checkout-bar';
import { FailureView } from '../../components/failure-view';
import { PurchaseLineView } from '../../components/order-line';
import { PriceBreakdown } from '../../components/price-breakdown';
import { StatusView } from '../../components/status-view';
import { newIdempotencyKey } from '../../checkout/idempotency-key';
import { purchaseFromQuery, type Purchase } from '../../checkout/purchase';
import { orderDetailUrl } from '../../orders/format';
import { payOrder } from '../../payment/pay-order';
import { ensureSignedIn } from '../../session';
import { ADDRESS_SELECTION_URL, useChosenAddress } from '../address/selection';
import { AddressSummary } from '../../components/address-summary';

import './index.scss';

/** What to do about lines that cannot be bought, where the purchase came from. */
function linesProblemAdvice(purchase: Purchase): string {
  if ('fromCart' in purchase) return '部分商品已下架或库存不足，请返回购物车调整后再结算';
  if ('guideCartToken' in purchase) return '部分商品已下架或库存不足，请联系导购调整后重新分享';
  return '商品已下架或库存不足，请返回商品页调整后再购买';
}

/** Why 提交订单 cannot be pressed, or null when it can. */
function blockingReason(preview: CheckoutPreviewReply, purchase: Purchase): string | null {
  if (preview.lines.some((line) => line.problem !== null)) return linesProblemAdvice(purchase);
  if (preview.address === null) return '请先添加收货地址';
  if (!preview.canSubmit) return '暂时无法提交订单，请稍后重试';
  return null;
}

/** The refusal, in words that name the product when the API says which one. */
function refusalMessage(error: ApiError, lines: readonly PreviewLine[]): string {
  const details = (error.details ?? {}) as { skuId?: unknown; skuIds?: unknown };
  const named = [details.skuId, ...(Array.isArray(details.skuIds) ? details.skuIds : [])]
    .map((skuId) => lines.find((line) => line.skuId === skuId)?.title)
    .filter((title): title is string => title !== undefined);
  if (error.code === 'OUT_OF_STOCK')
    return `${named.length > 0 ? `「${named.join('」「')}」` : '有商品'}库存不足，已刷新商品信息，请调整后再提交`;
  if (error.code === 'ITEM_UNAVAILABLE')
    return `${named.length > 0 ? `「${named.join('」「')}」` : '有商品'}已下架，已刷新商品信息，请调整后再提交`;
  return error.message;
}

/** Refusals after which the lines must be shown again as they are now. */
const REFUSALS_CHANGING_LINES = new Set(['OUT_OF_STOCK', 'ITEM_UNAVAILABLE', 'CART_EMPTY']);

function AddressCard({ address }: { address: CheckoutPreviewReply['address'] }) {
  return (
    <View className="checkout-address" onClick={() => Taro.navigateTo({ url: ADDRESS_SELECTION_URL })}>
      {address === null ? (
        <Text className="checkout-address__none">请添加收货地址</Text>
      ) : (
        <View className="checkout-address__body">
          <AddressSummary address={address} />
        </View>
      )}
      <Text className="checkout-address__change">{address === null ? '添加 ›' : '选择地址 ›'}</Text>
    </View>
  );
}

function Checkout({ purchase }: { purchase: Purchase }) {
  const [addressId, setAddressId] = useState<string | undefined>(undefined);
  const load = useCallback(async () => {
    await ensureSignedIn();
    return apiClient.checkoutPreview(addressId === undefined ? purchase : { ...purchase, addressId });
  }, [purchase, addressId]);
  const preview = useRemoteData(load);

  // Coming back to the page (from the address list, say) prices it again: stock and prices may have changed.
  // Choosing an address already does that, through `addressId`.
  const shownBefore = useRef(false);
  const addressJustChosen = useRef(false);
  useChosenAddress((chosen) => {
    addressJustChosen.current = true;
    setAddressId(chosen);
  });
  useDidShow(() => {
    if (shownBefore.current && !addressJustChosen.current) preview.reload();
    shownBefore.current = true;
    addressJustChosen.current = false;
  });

  // The chosen address was deleted meanwhile: fall back to the default one.
  const addressGone = preview.state === 'failed' && preview.error.code === 'NOT_FOUND' && addressId !== undefined;
  useEffect(() => {
    if (addressGone) setAddressId(undefined);
  }, [addressGone]);

  const [remark, setRemark] = useState('');
  const [refusal, setRefusal] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const submittingNow = useRef(false);
  // One key per checkout attempt, kept across retries: a repeated request finds the order the first one made.
  const idempotencyKey = useRef(newIdempotencyKey());

  if (preview.state === 'loading') return <StatusView state="loading" label="正在计算价格…" />;
  if (preview.state === 'failed') return <FailureView error={preview.error} onRetry={preview.reload} />;
  const { data } = preview;
  const blocked = blockingReason(data, purchase);

  async function submit() {
    if (submittingNow.current || blocked !== null || data.address === null) return;
    submittingNow.current = true;
    setSubmitting(true);
    setRefusal(null);
    let orderNo: string;
    try {
      const trimmedRemark = remark.trim();
      const { order } = await apiClient.createOrder({
        ...purchase,
        addressId: data.address.id,
        idempotencyKey: idempotencyKey.current,
        ...(trimmedRemark === '' ? {} : { remark: trimmedRemark }),
      });
      orderNo = order.orderNo;
    } catch (caught) {
      const error = asApiError(caught);
      // A 4xx refusal made no order: the next attempt is a new one. Anything else (no reply, a 5xx) may have
      // made it, so a retry keeps the key and gets that order back instead of a second one.
      if (error.status >= 400 && error.status < 500) idempotencyKey.current = newIdempotencyKey();
      setRefusal(refusalMessage(error, data.lines));
      if (REFUSALS_CHANGING_LINES.has(error.code)) preview.reload();
      submittingNow.current = false;
      setSubmitting(false);
      return;
    }
    try {
      await payOrder(orderNo, 'redirect');
    } catch (caught) {
      // The order exists; it can be paid from its page until the deadline.
      void Taro.showToast({ title: asApiError(caught).message, icon: 'none' });
      await Taro.redirectTo({ url: orderDetailUrl(orderNo) });
    }
  }

  return (
    <View className="checkout">
      <AddressCard address={data.address} />
      <View className="checkout-section">
        {data.lines.map((line) => (
          <PurchaseLineView key={line.skuId} line={line} problemClassName="checkout-line__problem" />
        ))}
      </View>
      <View className="checkout-section">
        <PriceBreakdown pricing={data.pricing} payableLabel="应付" />
      </View>
      <View className="checkout-section checkout-remark">
        <Text className="checkout-remark__label">订单备注</Text>
        <Input
          className="checkout-remark__input"
          value={remark}
          maxlength={MAX_ORDER_REMARK_LENGTH}
          placeholder="选填，给商家留言"
          onInput={(event) => setRemark(event.detail.value)}
        />
      </View>
      <CheckoutBar className="checkout-bar" notice={refusal ?? blocked} label="应付：" amountFen={data.pricing.payableFen}>
        <Button
          className="checkout-bar__submit"
          type="primary"
          loading={flag(submitting)}
          disabled={flag(blocked !== null || preview.refreshing)}
          onClick={() => void submit()}
        >
          提交订单
        </Button>
      </CheckoutBar>
    </View>
  );
}

/** 确认订单: address, lines at current prices, discounts, shipping, payable, remark; 提交订单 creates the order and pays. */
export default function CheckoutPage() {
  const { params } = useRouter();
  // The page's query never changes while it is open.
  const [purchase] = useState(() => purchaseFromQuery(params));
  if (purchase === null) {
    return <StatusView state="empty" title="没有要结算的商品" description="请在购物车选择商品，或在商品页点「立即购买」。" />;
  }
  return <Checkout purchase={purchase} />;
}
