import { randomUUID } from 'node:crypto';
import type { GuidePerformanceModels } from '../guide-performance/models.ts';
import type { OrderRecord } from '../orders/models.ts';
import type { RefundRecord } from '../payments/models.ts';
import type { WechatPayNotification, WechatPayTransaction } from '../platform/wechat-pay/index.ts';

/** A successful WeChat Pay transaction for the order, as a notification or a query reports it. */
export function paidTransaction(
  order: OrderRecord,
  paidAt: Date,
  transactionId = `4200${randomUUID().replaceAll('-', '').slice(0, 24)}`,
): WechatPayTransaction {
  return {
    appId: 'wx-test',
    mchId: 'mch-test',
    outTradeNo: order.orderNo,
    transactionId,
    tradeType: 'JSAPI',
    tradeState: 'SUCCESS',
    tradeStateDesc: '支付成功',
    successTime: paidAt,
    attach: undefined,
    payerOpenid: order.payerOpenid,
    amount: { totalFen: order.payableFen, payerTotalFen: order.payableFen, currency: 'CNY' },
  };
}

/** WeChat Pay's REFUND.SUCCESS notification (verified and decrypted) for a refund the API requested. */
export function refundSucceededNotification(refund: RefundRecord, successTime: Date): WechatPayNotification {
  return {
    id: randomUUID(),
    createTime: successTime,
    eventType: 'REFUND.SUCCESS',
    summary: '退款成功',
    resource: {
      mchId: 'mch-test',
      outTradeNo: refund.orderNo,
      transactionId: refund.transactionId,
      outRefundNo: refund.outRefundNo,
      refundId: `50300${refund.outRefundNo}`,
      refundStatus: 'SUCCESS',
      successTime,
      userReceivedAccount: undefined,
      amount: { totalFen: refund.totalFen, refundFen: refund.refundFen, payerTotalFen: undefined, payerRefundFen: undefined },
    },
  };
}

/**
 * Everything the rollups keep, as plain JSON in a stable order (ids as hex, times as ISO), leaving out when entries
 * were recorded: what the maintained rollups and a recomputation must agree on.
 */
export async function performanceSnapshot(models: GuidePerformanceModels) {
  const plain = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;
  const [events, days, customerDays, firstOrders] = await Promise.all([
    models.PerformanceEvent.find({}, { recordedAt: 0 }).sort({ _id: 1 }).lean(),
    models.GuideDay.find({}).sort({ _id: 1 }).lean(),
    models.GuideCustomerDay.find({}).sort({ _id: 1 }).lean(),
    models.FirstOrder.find({}).sort({ _id: 1 }).lean(),
  ]);
  return plain({ events, days, customerDays, firstOrders });
}
