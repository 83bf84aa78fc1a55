import { Button, Image, Input, Text, Textarea, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { useCallback, useState } from 'react';
import {
  afterSaleKindLabels,
  afterSaleReasons,
  asApiError,
  createAfterSaleRequestSchema,
  formatFen,
  MAX_AFTER_SALE_DESCRIPTION_LENGTH,
  MAX_AFTER_SALE_IMAGES,
  parseYuanToFen,
  type AfterSaleKind,
  type OrderAfterSalesReply,
  type StoredImage,
} from '@mall/shared';
import { flag } from '../../../components/attribute';
import { apiClient } from '../../../api/client';
import { useApiData } from '../../../api/use-api-data';
import { afterSaleDetailUrl } from '../../../after-sales/format';
import { FailureView } from '../../../components/failure-view';
import { StatusView } from '../../../components/status-view';
import { ensureSignedIn } from '../../../session';

import './index.scss';

const blockerTexts: Record<NonNullable<OrderAfterSalesReply['blockedBy']>, string> = {
  open_request: '这个订单已有进行中的售后申请，请在售后详情中查看进度。',
  order_status: '只有已付款、已发货或已完成的订单可以申请售后。',
  nothing_refundable: '这个订单已没有可退的金额。',
  limit_reached: '这个订单的售后申请次数已达上限，请联系客服。',
};

/** `12900` → `'129.00'`: the amount field's starting text. */
function yuanText(fen: number): string {
  return formatFen(fen).slice(1);
}

function RequestForm({ eligibility }: { eligibility: OrderAfterSalesReply }) {
  // A return makes sense once the goods were sent.
  const kinds: AfterSaleKind[] = eligibility.orderStatus === 'paid' ? ['refund_only'] : ['refund_only', 'return_and_refund'];
  const [kind, setKind] = useState<AfterSaleKind>('refund_only');
  const [reason, setReason] = useState<string | null>(null);
  const [amount, setAmount] = useState(yuanText(eligibility.refundableFen));
  const [description, setDescription] = useState('');
  const [images, setImages] = useState<StoredImage[]>([]);
  const [quantities, setQuantities] = useState<Record<string, number>>({});
  const [uploading, setUploading] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function addImages() {
    let chosen: string[];
    try {
      chosen = (await Taro.chooseImage({ count: MAX_AFTER_SALE_IMAGES - images.length, sizeType: ['compressed'] })).tempFilePaths;
    } catch {
      // Closed the picker without choosing.
      return;
    }
    setUploading(true);
    try {
      for (const path of chosen.slice(0, MAX_AFTER_SALE_IMAGES - images.length)) {
        const image = await apiClient.uploadShopperImage(path);
        setImages((current) => (current.some((each) => each.id === image.id) ? current : [...current, image]));
      }
    } catch (caught) {
      void Taro.showToast({ title: asApiError(caught).message, icon: 'none' });
    } finally {
      setUploading(false);
    }
  }

  function changeQuantity(skuId: string, bought: number, delta: number) {
    setQuantities((current) => ({ ...current, [skuId]: Math.min(bought, Math.max(0, (current[skuId] ?? 0) + delta)) }));
  }

  async function submit() {
    let refundFen: number;
    try {
      refundFen = parseYuanToFen(amount);
    } catch {
      setError('请填写退款金额（元），最多两位小数');
      return;
    }
    if (refundFen > eligibility.refundableFen) {
      setError(`最多可退 ${formatFen(eligibility.refundableFen)}`);
      return;
    }
    const lines = eligibility.lines
      .filter((line) => (quantities[line.skuId] ?? 0) > 0)
      .map((line) => ({ skuId: line.skuId, quantity: quantities[line.skuId] ?? 0 }));
    const parsed = createAfterSaleRequestSchema.safeParse({
      orderNo: eligibility.orderNo,
      kind,
      reason,
      refundFen,
      ...(description.trim() !== '' && { description }),
      ...(images.length > 0 && { imageIds: images.map((image) => image.id) }),
      ...(lines.length > 0 && { lines }),
    });
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? '请检查填写的内容');
      return;
    }
    setError(null);
    setSubmitting(true);
    try {
      const { afterSale } = await apiClient.createAfterSale(parsed.data);
      void Taro.showToast({ title: '已提交，请等待商家处理', icon: 'none' });
      void Taro.redirectTo({ url: afterSaleDetailUrl(afterSale.afterSaleNo) });
    } catch (caught) {
      setError(asApiError(caught).message);
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <View className="after-sale-form">
      <View className="after-sale-form__section">
        <Text className="after-sale-form__label">售后类型</Text>
        <View className="after-sale-form__choices">
          {kinds.map((each) => (
            <Text
              key={each}
              className={`after-sale-form__choice${kind === each ? ' after-sale-form__choice--active' : ''}`}
              onClick={() => setKind(each)}
            >
              {afterSaleKindLabels[each]}
            </Text>
          ))}
        </View>
      </View>
      <View className="after-sale-form__section">
        <Text className="after-sale-form__label">售后原因</Text>
        <View className="after-sale-form__choices">
          {afterSaleReasons.map((each) => (
            <Text
              key={each}
              className={`after-sale-form__choice${reason === each ? ' after-sale-form__choice--active' : ''}`}
              onClick={() => setReason(each)}
            >
              {each}
            </Text>
          ))}
        </View>
      </View>
      <View className="after-sale-form__section">
        <Text className="after-sale-form__label">退款金额（元）</Text>
        <Input className="after-sale-form__input" type="digit" value={amount} onInput={(event) => setAmount(event.detail.value)} />
        <Text className="after-sale-form__hint">最多可退 {formatFen(eligibility.refundableFen)}，含运费</Text>
      </View>
      <View className="after-sale-form__section">
        <Text className="after-sale-form__label">{kind === 'return_and_refund' ? '退回的商品' : '涉及的商品（选填）'}</Text>
        {eligibility.lines.map((line) => (
          <View className="after-sale-form__line" key={line.skuId}>
            <Text className="after-sale-form__line-title">
              {line.title}
              {line.specText ? ` ${line.specText}` : ''}（购买 {line.quantity} 件）
            </Text>
            <View className="after-sale-form__stepper">
              <Text className="after-sale-form__step" onClick={() => changeQuantity(line.skuId, line.quantity, -1)}>
                −
              </Text>
              <Text aria-label={`${line.title} 数量`}>{quantities[line.skuId] ?? 0}</Text>
              <Text className="after-sale-form__step" onClick={() => changeQuantity(line.skuId, line.quantity, 1)}>
                +
              </Text>
            </View>
          </View>
        ))}
      </View>
      <View className="after-sale-form__section">
        <Text className="after-sale-form__label">问题描述（选填）</Text>
        <Textarea
          className="after-sale-form__textarea"
          value={description}
          maxlength={MAX_AFTER_SALE_DESCRIPTION_LENGTH}
          placeholder="请描述遇到的问题"
          onInput={(event) => setDescription(event.detail.value)}
        />
      </View>
      <View className="after-sale-form__section">
        <Text className="after-sale-form__label">上传凭证（选填，最多 {MAX_AFTER_SALE_IMAGES} 张）</Text>
        <View className="after-sale-form__images">
          {images.map((image) => (
            <View className="after-sale-form__image" key={image.id}>
              <Image className="after-sale-form__thumb" src={apiClient.imageUrl(image)} mode="aspectFill" />
              <Text
                className="after-sale-form__remove"
                onClick={() => setImages((current) => current.filter((each) => each.id !== image.id))}
              >
                删除
              </Text>
            </View>
          ))}
          {images.length < MAX_AFTER_SALE_IMAGES && (
            <Button className="after-sale-form__add" size="mini" loading={flag(uploading)} onClick={() => void addImages()}>
              添加图片
            </Button>
          )}
        </View>
      </View>
      {error !== null && (
        <View className="after-sale-form__error" role="alert">
          {error}
        </View>
      )}
      <Button className="after-sale-form__submit" type="primary" loading={flag(submitting)} onClick={() => void submit()}>
        提交申请
      </Button>
    </View>
  );
}

function RequestLoader({ orderNo }: { orderNo: string }) {
  const load = useCallback(async () => {
    await ensureSignedIn();
    return apiClient.orderAfterSales(orderNo);
  }, [orderNo]);
  const eligibility = useApiData(load);
  switch (eligibility.state) {
    case 'loading':
      return <StatusView state="loading" label="正在加载…" />;
    case 'failed':
      if (eligibility.error.code === 'NOT_FOUND')
        return <StatusView state="empty" title="找不到这个订单" description="订单不存在，或不属于当前登录的账号。" />;
      return <FailureView error={eligibility.error} onRetry={eligibility.reload} />;
    case 'loaded':
      if (eligibility.data.blockedBy !== null)
        return <StatusView state="empty" title="暂时不能申请售后" description={blockerTexts[eligibility.data.blockedBy]} />;
      return <RequestForm eligibility={eligibility.data} />;
  }
}

/** 申请售后 (`?orderNo=`): kind, reason, amount (prefilled with what is refundable), goods, description, photos. */
export default function AfterSaleRequestPage() {
  const { params } = useRouter();
  const orderNo = params.orderNo ?? '';
  if (!/^\d{17}$/.test(orderNo)) return <StatusView state="empty" title="找不到这个订单" description="请从订单详情进入申请售后。" />;
  return <RequestLoader orderNo={orderNo} />;
}
