// Cart, checkout and order replies for page tests, shaped by the shared schemas (parsed by the client as the API's would be).
import type { CartLine, CheckoutPreviewReply, Order, OrderListReply, PaymentStatusReply, PrepayReply, PreviewLine } from '@mall/shared';
import { saveShopperSession } from '../session/store';

export const image = { id: `${'e'.repeat(64)}.png`, url: `/api/images/${'e'.repeat(64)}.png` };

export function skuId(index: number): string {
  return `b${String(index).padStart(23, '0')}`;
}

export function orderNo(index: number): string {
  return `2026112300000${String(index).padStart(4, '0')}`;
}

export function signIn(): void {
  saveShopperSession({ token: 'held-token', expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
}

export function cartLine(index: number, fields: Partial<CartLine> = {}): CartLine {
  return {
    skuId: skuId(index),
    productId: `a${String(index).padStart(23, '0')}`,
    title: `商品 ${index}`,
    specText: '红 / M',
    image,
    unitPriceFen: 1000 * index,
    quantity: 1,
    available: 10,
    problem: null,
    addedAt: '2026-11-23T00:00:00.000Z',
    ...fields,
  };
}

export function cartReply(items: CartLine[]) {
  const itemCount = items.filter((line) => line.problem === null).reduce((sum, line) => sum + line.quantity, 0);
  return { statusCode: 200, data: { items, itemCount, maxLines: 50 } };
}

export const address = {
  id: 'd00000000000000000000001',
  recipientName: '王小明',
  phone: '13812345678',
  province: '上海市',
  city: '上海市',
  district: '浦东新区',
  detail: '世纪大道 100 号',
};

/** `address` as the address API returns it: the shopper's default, with its timestamps. */
export const storedAddress = {
  ...address,
  isDefault: true,
  createdAt: '2026-11-23T00:00:00.000Z',
  updatedAt: '2026-11-23T00:00:00.000Z',
};

export function previewLine(index: number, fields: Partial<PreviewLine> = {}): PreviewLine {
  const { addedAt: _addedAt, ...line } = cartLine(index, fields);
  return { ...line, lineTotalFen: line.unitPriceFen * line.quantity };
}

export function preview(lines: PreviewLine[], fields: Partial<CheckoutPreviewReply> = {}): CheckoutPreviewReply {
  const buyable = lines.filter((line) => line.problem === null);
  const itemsTotalFen = buyable.reduce((sum, line) => sum + line.lineTotalFen, 0);
  const shippingFeeFen = itemsTotalFen >= 9900 ? 0 : 1000;
  return {
    lines,
    pricing: { itemsTotalFen, discounts: [], discountTotalFen: 0, shippingFeeFen, payableFen: itemsTotalFen + shippingFeeFen },
    address,
    canSubmit: buyable.length === lines.length,
    ...fields,
  };
}

const inHalfAnHour = () => new Date(Date.now() + 30 * 60_000).toISOString();

export function order(index: number, fields: Partial<Order> = {}): Order {
  const line = previewLine(index, { quantity: 2 });
  return {
    orderNo: orderNo(index),
    status: 'pending_payment',
    lines: [
      {
        skuId: line.skuId,
        productId: line.productId,
        title: line.title,
        specText: line.specText,
        image: line.image,
        unitPriceFen: line.unitPriceFen,
        quantity: line.quantity,
        lineTotalFen: line.lineTotalFen,
      },
    ],
    pricing: {
      itemsTotalFen: line.lineTotalFen,
      discounts: [],
      discountTotalFen: 0,
      shippingFeeFen: 1000,
      payableFen: line.lineTotalFen + 1000,
    },
    address: {
      recipientName: address.recipientName,
      phone: address.phone,
      province: '上海市',
      city: '上海市',
      district: '浦东新区',
      detail: address.detail,
    },
    remark: '',
    createdAt: '2026-11-23T10:00:00.000Z',
    payDeadline: inHalfAnHour(),
    payment: null,
    shipping: null,
    history: [{ event: 'created', from: null, to: 'pending_payment', at: '2026-11-23T10:00:00.000Z', actor: { type: 'shopper' } }],
    ...fields,
  };
}

export function listed(orders: Order[], total = orders.length, page = 1): { statusCode: number; data: OrderListReply } {
  return {
    statusCode: 200,
    data: { items: orders.map(({ history: _history, address: _address, ...rest }) => rest), total, page, pageSize: 10 },
  };
}

export const requestPaymentParams = {
  timeStamp: '1790000000',
  nonceStr: 'nonce',
  package: 'prepay_id=wx123',
  signType: 'RSA' as const,
  paySign: 'signed',
};

export function prepay(number: string, cashierUrl?: string): { statusCode: number; data: PrepayReply } {
  return {
    statusCode: 200,
    data: {
      orderNo: number,
      payableFen: 3000,
      payDeadline: inHalfAnHour(),
      requestPayment: requestPaymentParams,
      ...(cashierUrl ? { cashierUrl } : {}),
    },
  };
}

export function paymentStatus(number: string, paid: boolean, fields: Partial<PaymentStatusReply> = {}): PaymentStatusReply {
  return {
    orderNo: number,
    status: paid ? 'paid' : 'pending_payment',
    paid,
    payableFen: 3000,
    payDeadline: inHalfAnHour(),
    payment: paid
      ? { method: 'wechatpay', transactionId: '4200000000000000001', amountFen: 3000, paidAt: '2026-11-23T10:05:00.000Z' }
      : null,
    ...fields,
  };
}
