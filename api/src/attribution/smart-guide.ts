import type { Logger } from 'pino';
import type { GuideRecord } from '../guides/models.ts';
import type { CommerceDependencies } from '../orders/dependencies.ts';
import type { OrderRecord } from '../orders/models.ts';

/**
 * 支付即服务: assigns the order's guide to its WeChat Pay transaction, after the prepay placed it there and before
 * the shopper can complete it, so WeChat's own payment result page shows the guide. Only guides the merchant has
 * registered with WeChat Pay can be assigned. A failure is logged and never stands in the way of paying: the
 * mall's own result page shows the guide either way.
 */
export async function assignSmartGuide(deps: CommerceDependencies, order: OrderRecord, log: Logger): Promise<void> {
  const { guideId, wechatPayGuideAssignedAt } = order.attribution;
  if (guideId === undefined || wechatPayGuideAssignedAt !== undefined) return;
  const guide = await deps.guides.Guide.findById(guideId, { wechatPayGuideId: 1 }).lean<Pick<GuideRecord, 'wechatPayGuideId'>>();
  if (guide?.wechatPayGuideId === undefined) {
    log.info(
      { orderNo: order.orderNo, guideId: guideId.toHexString() },
      'guide not registered with WeChat Pay smart guides: not assigned there',
    );
    return;
  }
  try {
    await deps.wechatPay.assignGuide(guide.wechatPayGuideId, order.orderNo);
    await deps.orders.Order.updateOne({ _id: order._id }, { $set: { 'attribution.wechatPayGuideAssignedAt': deps.now() } });
  } catch (error) {
    log.warn({ err: error, orderNo: order.orderNo }, 'could not assign the guide to the WeChat Pay transaction');
  }
}
