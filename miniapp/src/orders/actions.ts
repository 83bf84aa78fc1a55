import Taro from '@tarojs/taro';
import { asApiError, type Order } from '@mall/shared';
import { apiClient } from '../api/client';
import { payOrder } from '../payment/pay-order';

/** 取消订单 after the shopper confirms: the cancelled order, or null when they changed their mind or it failed (said in a toast). */
export async function cancelOrderConfirmed(orderNo: string): Promise<Order | null> {
  const { confirm } = await Taro.showModal({ title: '取消订单', content: '确定要取消这个订单吗？取消后需重新下单。' });
  if (!confirm) return null;
  try {
    const { order } = await apiClient.cancelOrder(orderNo);
    void Taro.showToast({ title: '订单已取消', icon: 'none' });
    return order;
  } catch (caught) {
    void Taro.showToast({ title: asApiError(caught).message, icon: 'none' });
    return null;
  }
}

/** 确认收货 after the shopper confirms: the completed order, or null when they changed their mind or it failed (said in a toast). */
export async function confirmReceiptConfirmed(orderNo: string): Promise<Order | null> {
  const { confirm } = await Taro.showModal({ title: '确认收货', content: '请确认已收到全部商品。确认后订单将完成。' });
  if (!confirm) return null;
  try {
    const { order } = await apiClient.confirmReceipt(orderNo);
    void Taro.showToast({ title: '已确认收货', icon: 'none' });
    return order;
  } catch (caught) {
    void Taro.showToast({ title: asApiError(caught).message, icon: 'none' });
    return null;
  }
}

/** 去支付 from the order pages; a failure to start paying is said in a toast. */
export async function payFromOrderPage(orderNo: string): Promise<void> {
  try {
    await payOrder(orderNo, 'navigate');
  } catch (caught) {
    void Taro.showToast({ title: asApiError(caught).message, icon: 'none' });
  }
}
