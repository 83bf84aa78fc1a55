import { Button, Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { useCallback, useEffect, useState } from 'react';
import { asApiError, formatFen, orderStatusLabels, type ApiError, type PaymentStatusReply } from '@mall/shared';
import { apiClient } from '../../api/client';
import { flag } from '../../components/attribute';
import { FailureView } from '../../components/failure-view';
import { contactSurface, GuideContact, useGuideContactData } from '../../components/guide-contact';
import { StatusView } from '../../components/status-view';
import { formatShanghaiTime, orderDetailUrl, orderListUrl } from '../../orders/format';
import { payOrder } from '../../payment/pay-order';
import { ensureSignedIn } from '../../session';

import './index.scss';

/** How often and how long the page asks: WeChat Pay's notification (or the API's own query) settles most payments in seconds. */
export const POLL_INTERVAL_MS = 1500;
export const POLL_LIMIT_MS = 30_000;

type Check = { state: 'checking' } | { state: 'failed'; error: ApiError } | { state: 'settled'; payment: PaymentStatusReply };

/**
 * Asks the API for the order's payment until it is paid or no longer awaiting payment, for up to
 * POLL_LIMIT_MS. When the shopper left the payment sheet without paying (`cancelled`) one answer is enough.
 */
function usePaymentStatus(orderNo: string, cancelled: boolean) {
  const [check, setCheck] = useState<Check>({ state: 'checking' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const startedAt = Date.now();
    setCheck({ state: 'checking' });

    async function ask() {
      try {
        await ensureSignedIn();
        const payment = await apiClient.paymentStatus(orderNo);
        if (stopped) return;
        const awaiting = !payment.paid && payment.status === 'pending_payment';
        const outOfTime = Date.now() - startedAt + POLL_INTERVAL_MS >= POLL_LIMIT_MS;
        if (awaiting && !cancelled && !outOfTime) timer = setTimeout(() => void ask(), POLL_INTERVAL_MS);
        else setCheck({ state: 'settled', payment });
      } catch (caught) {
        if (!stopped) setCheck({ state: 'failed', error: asApiError(caught) });
      }
    }

    void ask();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [orderNo, cancelled, attempt]);

  return { check, retry: () => setAttempt((count) => count + 1) };
}

/** 付款即服务: the order's guide and how to add them on WeCom; nothing when the order has no guide. */
function OrderGuideContact({ orderNo }: { orderNo: string }) {
  const load = useCallback(() => apiClient.orderGuideContact(orderNo, contactSurface()), [orderNo]);
  const contact = useGuideContactData(load);
  switch (contact.state) {
    case 'loading':
      return <StatusView state="loading" label="正在加载专属导购…" />;
    case 'failed':
      return <StatusView state="error" message={contact.error.message} onRetry={contact.reload} />;
    case 'loaded': {
      const { guide } = contact.data;
      return guide === null ? null : <GuideContact title="添加专属导购，售后与新品随时问" reply={{ ...contact.data, guide }} />;
    }
  }
}

function Paid({ payment }: { payment: PaymentStatusReply }) {
  return (
    <View>
      <View className="pay-result">
        <Text className="pay-result__icon pay-result__icon--paid">✓</Text>
        <Text className="pay-result__title">支付成功</Text>
        <Text className="pay-result__amount">{formatFen(payment.payment?.amountFen ?? payment.payableFen)}</Text>
        <Text className="pay-result__detail">订单号 {payment.orderNo}</Text>
        {payment.payment !== null && <Text className="pay-result__detail">支付时间 {formatShanghaiTime(payment.payment.paidAt)}</Text>}
        <View className="pay-result__actions">
          <Button className="pay-result__action" type="primary" onClick={() => Taro.redirectTo({ url: orderDetailUrl(payment.orderNo) })}>
            查看订单
          </Button>
          <Button className="pay-result__action" onClick={() => Taro.switchTab({ url: '/pages/home/index' })}>
            继续逛逛
          </Button>
        </View>
      </View>
      <OrderGuideContact orderNo={payment.orderNo} />
    </View>
  );
}

function NotPaid({ payment }: { payment: PaymentStatusReply }) {
  const [paying, setPaying] = useState(false);
  const payable = payment.status === 'pending_payment' && Date.parse(payment.payDeadline) > Date.now();

  async function payAgain() {
    setPaying(true);
    try {
      await payOrder(payment.orderNo, 'redirect');
    } catch (caught) {
      void Taro.showToast({ title: asApiError(caught).message, icon: 'none' });
      setPaying(false);
    }
  }

  return (
    <View className="pay-result">
      <Text className="pay-result__icon">!</Text>
      <Text className="pay-result__title">支付未完成</Text>
      <Text className="pay-result__amount">{formatFen(payment.payableFen)}</Text>
      <Text className="pay-result__detail">订单号 {payment.orderNo}</Text>
      <Text className="pay-result__detail">
        {payable
          ? `订单已保留，请在 ${formatShanghaiTime(payment.payDeadline)} 前完成支付，超时将自动取消`
          : `订单状态：${orderStatusLabels[payment.status]}`}
      </Text>
      <View className="pay-result__actions">
        {payable && (
          <Button className="pay-result__action" type="primary" loading={flag(paying)} onClick={() => void payAgain()}>
            重新支付
          </Button>
        )}
        <Button className="pay-result__action" onClick={() => Taro.redirectTo({ url: orderDetailUrl(payment.orderNo) })}>
          查看订单
        </Button>
      </View>
    </View>
  );
}

function PayResult({ orderNo, cancelled }: { orderNo: string; cancelled: boolean }) {
  const { check, retry } = usePaymentStatus(orderNo, cancelled);
  switch (check.state) {
    case 'checking':
      return <StatusView state="loading" label="正在确认支付结果…" />;
    case 'failed':
      return <FailureView error={check.error} onRetry={retry} />;
    case 'settled':
      return check.payment.paid ? <Paid payment={check.payment} /> : <NotPaid payment={check.payment} />;
  }
}

/**
 * 支付结果 (`?orderNo=`, and `result=cancel` when the shopper left the payment sheet without paying): reached
 * from the mini-program's payment sheet and from the sandbox cashier, which returns here.
 */
export default function PayResultPage() {
  const { params } = useRouter();
  const orderNo = params.orderNo ?? '';
  if (!/^\d{17}$/.test(orderNo)) {
    return (
      <View className="pay-result">
        <StatusView state="empty" title="找不到这笔订单" description="请在「我的订单」中查看订单和支付状态。" />
        <Button className="pay-result__action" onClick={() => Taro.redirectTo({ url: orderListUrl() })}>
          我的订单
        </Button>
      </View>
    );
  }
  return <PayResult orderNo={orderNo} cancelled={params.result === 'cancel'} />;
}
