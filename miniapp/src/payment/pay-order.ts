import Taro from '@tarojs/taro';
import { ApiError } from '@mall/shared';
import { apiClient } from '../api/client';
import { openExternalPage } from './external-page';

/** How the shopper left WeChat Pay's sheet: `cancel` tells the result page not to wait for a payment. */
export type PayOutcome = 'success' | 'cancel';

export function payResultUrl(orderNo: string, outcome?: PayOutcome): string {
  return `/pages/pay-result/index?orderNo=${orderNo}${outcome === undefined ? '' : `&result=${outcome}`}`;
}

/**
 * Pays a pending order. The mini-program opens WeChat Pay's sheet (`wx.requestPayment`) and then shows the
 * result page; the H5 build has no WeChat Pay and goes to the sandbox's cashier page instead (offered only
 * while the API runs on the sandbox), which sends the shopper back to the result page. `leave`: `redirect`
 * from pages that make no sense to return to (checkout, the result page itself), `navigate` from the orders.
 */
export async function payOrder(orderNo: string, leave: 'redirect' | 'navigate'): Promise<void> {
  const prepay = await apiClient.payOrder(orderNo);
  if (process.env.TARO_ENV === 'weapp') {
    let outcome: PayOutcome;
    try {
      await Taro.requestPayment(prepay.requestPayment);
      outcome = 'success';
    } catch {
      // Cancelled or failed in WeChat's sheet: the result page checks the order either way.
      outcome = 'cancel';
    }
    const url = payResultUrl(orderNo, outcome);
    await (leave === 'redirect' ? Taro.redirectTo({ url }) : Taro.navigateTo({ url }));
    return;
  }
  if (prepay.cashierUrl === undefined) {
    throw new ApiError('PLATFORM_NOT_CONFIGURED', '网页版暂不支持微信支付，请在微信小程序中打开订单支付');
  }
  openExternalPage(prepay.cashierUrl);
}
