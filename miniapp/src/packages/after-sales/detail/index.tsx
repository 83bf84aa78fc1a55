import { Button, Image, Input, Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { useCallback, useState } from 'react';
import {
  afterSaleKindLabels,
  afterSaleStatusLabels,
  asApiError,
  formatFen,
  refundStatusLabels,
  returnShipmentRequestSchema,
  type AfterSale,
  type AfterSaleStatus,
} from '@mall/shared';
import { flag } from '../../../components/attribute';
import { apiClient } from '../../../api/client';
import { useRemoteData } from '../../../api/use-remote-data';
import { afterSaleHistoryLabels, afterSaleListUrl } from '../../../after-sales/format';
import { FailureView } from '../../../components/failure-view';
import { StatusView } from '../../../components/status-view';
import { formatShanghaiTime, orderDetailUrl } from '../../../orders/format';
import { ensureSignedIn } from '../../../session';

import './index.scss';

const statusNotes: Record<AfterSaleStatus, string> = {
  requested: '申请已提交，等待商家审核',
  awaiting_return: '商家已同意退货，请寄回商品并填写快递单号',
  return_shipped: '商品已寄回，等待商家确认收货',
  refunding: '商家已同意，退款处理中',
  refund_failed: '退款暂未成功，商家将重新处理',
  refunded: '退款已原路退回',
  rejected: '商家拒绝了申请',
  cancelled: '你已撤销这次申请',
};

function ReturnShipmentForm({ afterSale, onChanged }: { afterSale: AfterSale; onChanged: (afterSale: AfterSale) => void }) {
  const [carrier, setCarrier] = useState('');
  const [trackingNo, setTrackingNo] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  async function submit() {
    const parsed = returnShipmentRequestSchema.safeParse({ carrier, trackingNo });
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? '请检查快递信息');
      return;
    }
    setError(null);
    setSaving(true);
    try {
      onChanged((await apiClient.shipAfterSaleReturn(afterSale.afterSaleNo, parsed.data)).afterSale);
      void Taro.showToast({ title: '已提交快递信息', icon: 'none' });
    } catch (caught) {
      setError(asApiError(caught).message);
    } finally {
      setSaving(false);
    }
  }

  return (
    <View className="after-sale-section">
      <Text className="after-sale-section__title">填写退货快递</Text>
      <Input
        className="after-sale-return__input"
        placeholder="快递公司，如 顺丰速运"
        value={carrier}
        maxlength={20}
        onInput={(event) => setCarrier(event.detail.value)}
      />
      <Input
        className="after-sale-return__input"
        placeholder="快递单号"
        value={trackingNo}
        maxlength={40}
        onInput={(event) => setTrackingNo(event.detail.value)}
      />
      {error !== null && (
        <View className="after-sale-return__error" role="alert">
          {error}
        </View>
      )}
      <Button size="mini" type="primary" loading={flag(saving)} onClick={() => void submit()}>
        提交快递信息
      </Button>
    </View>
  );
}

function AfterSaleDetail({ afterSale, onChanged }: { afterSale: AfterSale; onChanged: (afterSale: AfterSale) => void }) {
  const [cancelling, setCancelling] = useState(false);

  async function cancel() {
    const { confirm } = await Taro.showModal({ title: '撤销申请', content: '确定撤销这次售后申请吗？' });
    if (!confirm) return;
    setCancelling(true);
    try {
      onChanged((await apiClient.cancelAfterSale(afterSale.afterSaleNo)).afterSale);
      void Taro.showToast({ title: '已撤销申请', icon: 'none' });
    } catch (caught) {
      void Taro.showToast({ title: asApiError(caught).message, icon: 'none' });
    } finally {
      setCancelling(false);
    }
  }

  const { refund } = afterSale;
  return (
    <View className="after-sale-detail">
      <View className="after-sale-banner">
        <Text className="after-sale-banner__status">{afterSaleStatusLabels[afterSale.status]}</Text>
        <Text className="after-sale-banner__note">
          {afterSale.status === 'rejected' && afterSale.rejectReason !== null
            ? `拒绝原因：${afterSale.rejectReason}`
            : statusNotes[afterSale.status]}
        </Text>
      </View>
      {refund !== null && (
        <View className="after-sale-section">
          <Text className="after-sale-section__title">退款进度</Text>
          <View className="after-sale-row">
            <Text>退款金额</Text>
            <Text>{formatFen(refund.refundFen)}</Text>
          </View>
          <View className="after-sale-row">
            <Text>退款状态</Text>
            <Text>{refundStatusLabels[refund.status]}</Text>
          </View>
          {refund.succeededAt !== null && (
            <View className="after-sale-row">
              <Text>到账时间</Text>
              <Text>{formatShanghaiTime(refund.succeededAt)}</Text>
            </View>
          )}
        </View>
      )}
      {afterSale.status === 'awaiting_return' && <ReturnShipmentForm afterSale={afterSale} onChanged={onChanged} />}
      <View className="after-sale-section">
        <View className="after-sale-row">
          <Text>售后单号</Text>
          <Text>{afterSale.afterSaleNo}</Text>
        </View>
        <View className="after-sale-row">
          <Text>售后类型</Text>
          <Text>{afterSaleKindLabels[afterSale.kind]}</Text>
        </View>
        <View className="after-sale-row">
          <Text>售后原因</Text>
          <Text>{afterSale.reason}</Text>
        </View>
        <View className="after-sale-row">
          <Text>申请金额</Text>
          <Text>{formatFen(afterSale.requestedFen)}</Text>
        </View>
        {afterSale.approvedFen !== null && (
          <View className="after-sale-row">
            <Text>同意退款</Text>
            <Text>{formatFen(afterSale.approvedFen)}</Text>
          </View>
        )}
        {afterSale.lines.map((line) => (
          <View className="after-sale-row" key={line.skuId}>
            <Text>
              {line.title}
              {line.specText ? ` ${line.specText}` : ''}
            </Text>
            <Text>×{line.quantity}</Text>
          </View>
        ))}
        {afterSale.returnShipment !== null && (
          <View className="after-sale-row">
            <Text>退货快递</Text>
            <Text>
              {afterSale.returnShipment.carrier} {afterSale.returnShipment.trackingNo}
            </Text>
          </View>
        )}
        {afterSale.description !== '' && <Text className="after-sale-detail__description">{afterSale.description}</Text>}
        {afterSale.images.length > 0 && (
          <View className="after-sale-detail__images">
            {afterSale.images.map((image) => (
              <Image key={image.id} className="after-sale-detail__image" src={apiClient.imageUrl(image)} mode="aspectFill" />
            ))}
          </View>
        )}
      </View>
      <View className="after-sale-section">
        <Text className="after-sale-section__title">处理记录</Text>
        {[...afterSale.history].reverse().map((entry) => (
          <View className="after-sale-history" key={`${entry.event}-${entry.at}`}>
            <Text className="after-sale-history__event">{afterSaleHistoryLabels[entry.event]}</Text>
            {entry.reason !== undefined && entry.actor.type !== 'staff' && (
              <Text className="after-sale-history__reason">{entry.reason}</Text>
            )}
            <Text className="after-sale-history__time">{formatShanghaiTime(entry.at)}</Text>
          </View>
        ))}
      </View>
      <View className="after-sale-detail__bar">
        <Button
          className="after-sale-detail__action"
          size="mini"
          onClick={() => void Taro.navigateTo({ url: orderDetailUrl(afterSale.orderNo) })}
        >
          查看订单
        </Button>
        <Button className="after-sale-detail__action" size="mini" onClick={() => void Taro.navigateTo({ url: afterSaleListUrl() })}>
          全部售后
        </Button>
        {(afterSale.status === 'requested' || afterSale.status === 'awaiting_return') && (
          <Button className="after-sale-detail__action" size="mini" loading={flag(cancelling)} onClick={() => void cancel()}>
            撤销申请
          </Button>
        )}
      </View>
    </View>
  );
}

function AfterSaleLoader({ afterSaleNo }: { afterSaleNo: string }) {
  const load = useCallback(async () => {
    await ensureSignedIn();
    return (await apiClient.afterSale(afterSaleNo)).afterSale;
  }, [afterSaleNo]);
  const afterSale = useRemoteData(load);
  switch (afterSale.state) {
    case 'loading':
      return <StatusView state="loading" label="正在加载售后详情…" />;
    case 'failed':
      if (afterSale.error.code === 'NOT_FOUND')
        return <StatusView state="empty" title="找不到这个售后单" description="售后单不存在，或不属于当前登录的账号。" />;
      return <FailureView error={afterSale.error} onRetry={afterSale.reload} />;
    case 'loaded':
      return <AfterSaleDetail afterSale={afterSale.data} onChanged={afterSale.replace} />;
  }
}

/** 售后详情 (`?afterSaleNo=`): status, refund progress, the return form while goods are to be sent back, cancel, history. */
export default function AfterSaleDetailPage() {
  const { params } = useRouter();
  const afterSaleNo = params.afterSaleNo ?? '';
  if (!/^\d{17}-\d{1,2}$/.test(afterSaleNo))
    return <StatusView state="empty" title="找不到这个售后单" description="请从订单或「我的售后」进入。" />;
  return <AfterSaleLoader afterSaleNo={afterSaleNo} />;
}
