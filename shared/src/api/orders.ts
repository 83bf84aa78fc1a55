import { z } from 'zod';
import { storedImageSchema } from './catalog.ts';
import { addressFieldsSchema } from './customers.ts';
import { pageReplySchema, pagingQuery } from './paging.ts';

/**
 * Cart, checkout preview, orders and payment as the storefront sees them. Every amount is integer fen and
 * computed by the server: requests carry SKUs and quantities only, never prices. Field messages are Chinese
 * because the storefront shows them.
 */

const objectIdSchema = z.string().regex(/^[0-9a-f]{24}$/, '编号格式不正确');

/** A shopper's cart holds at most this many lines (one per SKU). */
export const MAX_CART_LINES = 50;
/** Quantity bounds of one cart or order line. */
export const MIN_LINE_QUANTITY = 1;
export const MAX_LINE_QUANTITY = 999;
/** An order lists at most this many lines (the whole cart fits in one order). */
export const MAX_ORDER_LINES = MAX_CART_LINES;
export const MAX_ORDER_REMARK_LENGTH = 200;

export const lineQuantitySchema = z
  .int({ error: '数量须为整数' })
  .min(MIN_LINE_QUANTITY, `数量至少为 ${MIN_LINE_QUANTITY}`)
  .max(MAX_LINE_QUANTITY, `数量最多为 ${MAX_LINE_QUANTITY}`);

/**
 * Why a line cannot be bought right now: `off_sale` (the product is not on sale or the SKU no longer
 * exists) or `insufficient_stock` (fewer available than the quantity; `available` says how many).
 */
export const lineProblems = ['off_sale', 'insufficient_stock'] as const;
export const lineProblemSchema = z.enum(lineProblems);
export type LineProblem = z.infer<typeof lineProblemSchema>;

/** A SKU and its quantity, as every cart, preview and order line shows it. */
const lineFields = {
  skuId: z.string(),
  productId: z.string(),
  title: z.string(),
  /** e.g. `红 / M`; empty for a product without specs. */
  specText: z.string(),
  image: storedImageSchema.nullable(),
  unitPriceFen: z.number().int(),
  quantity: z.number().int(),
};

/** A cart or preview line: read from the catalog at the moment of the request (`unitPriceFen` is the current price). */
const currentLineFields = {
  ...lineFields,
  /** The SKU's current available stock (0 when off sale). */
  available: z.number().int(),
  /** Null when the line can be bought. */
  problem: lineProblemSchema.nullable(),
};

// --- Cart ---------------------------------------------------------------------------------------

export const cartLineSchema = z.object({ ...currentLineFields, addedAt: z.iso.datetime() });
export type CartLine = z.infer<typeof cartLineSchema>;

/** `GET /api/cart` and every cart change: the whole cart, newest line first; lines with problems are flagged, never dropped. */
export const cartReplySchema = z.object({
  items: z.array(cartLineSchema),
  /** Sum of the quantities of the lines without problems. */
  itemCount: z.number().int(),
  maxLines: z.number().int(),
});
export type CartReply = z.infer<typeof cartReplySchema>;

/** Adds to the cart; a SKU already in it gets the quantities summed (capped at MAX_LINE_QUANTITY). */
export const addCartItemRequestSchema = z.strictObject({ skuId: objectIdSchema, quantity: lineQuantitySchema });
export type AddCartItemRequest = z.infer<typeof addCartItemRequestSchema>;

export const updateCartItemRequestSchema = z.strictObject({ quantity: lineQuantitySchema });
export type UpdateCartItemRequest = z.infer<typeof updateCartItemRequestSchema>;

export const cartItemParamsSchema = z.strictObject({ skuId: objectIdSchema });

// --- Checkout -----------------------------------------------------------------------------------

export const orderItemInputSchema = z.strictObject({ skuId: objectIdSchema, quantity: lineQuantitySchema });
export type OrderItemInput = z.infer<typeof orderItemInputSchema>;

/** A guide cart's share token (guide-orders.ts): random and URL-safe, the only key to the cart. */
export const GUIDE_CART_TOKEN_LENGTH = 24;
export const guideCartTokenSchema = z.string().regex(new RegExp(`^[A-Za-z0-9_-]{${GUIDE_CART_TOKEN_LENGTH}}$`), '推荐链接无效');

/**
 * What is being bought: either `items` (buy now; the cart is untouched), `fromCart: true` (the cart's lines
 * with the cart's quantities — all of them, or only `skuIds` when given; bought lines leave the cart), or
 * `guideCartToken` (the lines a guide put in a cart they shared; the order is attributed to that guide).
 */
const purchaseFields = {
  items: z
    .array(orderItemInputSchema)
    .min(1, '请选择商品')
    .max(MAX_ORDER_LINES, `一次最多购买 ${MAX_ORDER_LINES} 种商品`)
    .refine((items) => new Set(items.map((item) => item.skuId)).size === items.length, '商品重复')
    .optional(),
  fromCart: z.literal(true).optional(),
  skuIds: z
    .array(objectIdSchema)
    .min(1, '请选择商品')
    .max(MAX_CART_LINES)
    .refine((ids) => new Set(ids).size === ids.length, '商品重复')
    .optional(),
  guideCartToken: guideCartTokenSchema.optional(),
};

function checkPurchase(
  request: { items?: unknown; fromCart?: true; skuIds?: unknown; guideCartToken?: string },
  context: z.core.$RefinementCtx,
): void {
  if (request.guideCartToken !== undefined) {
    // The guide cart names its own lines.
    if (request.items !== undefined || request.fromCart !== undefined)
      context.addIssue({ code: 'custom', path: ['items'], message: '导购推荐的购物车不能再指定商品' });
  } else if ((request.items === undefined) === (request.fromCart === undefined))
    context.addIssue({ code: 'custom', path: ['items'], message: '请选择商品（立即购买或购物车结算二选一）' });
  if (request.skuIds !== undefined && request.fromCart === undefined)
    context.addIssue({ code: 'custom', path: ['skuIds'], message: 'skuIds 仅用于购物车结算' });
}

export const checkoutPreviewRequestSchema = z
  .strictObject({
    ...purchaseFields,
    /** Absent: the shopper's default address (if any). */
    addressId: objectIdSchema.optional(),
  })
  .superRefine(checkPurchase);
export type CheckoutPreviewRequest = z.infer<typeof checkoutPreviewRequestSchema>;

/** One discount with the reason the shopper sees and the calculator (promotion) that granted it. */
export const discountSchema = z.object({ calculator: z.string(), reason: z.string(), amountFen: z.number().int() });
export type Discount = z.infer<typeof discountSchema>;

/** The amounts of an order or a preview: payable = items − discounts + shipping. */
export const orderPricingSchema = z.object({
  itemsTotalFen: z.number().int(),
  discounts: z.array(discountSchema),
  discountTotalFen: z.number().int(),
  shippingFeeFen: z.number().int(),
  payableFen: z.number().int(),
});
export type OrderPricing = z.infer<typeof orderPricingSchema>;

/** A delivery address as the order keeps it (a copy: later edits of the shopper's address do not change it). */
export const addressSnapshotSchema = addressFieldsSchema;
export type AddressSnapshot = z.infer<typeof addressSnapshotSchema>;

export const previewLineSchema = z.object({ ...currentLineFields, lineTotalFen: z.number().int() });
export type PreviewLine = z.infer<typeof previewLineSchema>;

/**
 * `POST /api/checkout/preview`: the lines at current prices and stock; `pricing` covers only the lines
 * without a problem. `canSubmit` is true when every line can be bought and there is an address.
 */
export const checkoutPreviewReplySchema = z.object({
  lines: z.array(previewLineSchema),
  pricing: orderPricingSchema,
  /** The chosen address, else the shopper's default, else null. */
  address: addressSnapshotSchema.extend({ id: z.string() }).nullable(),
  canSubmit: z.boolean(),
});
export type CheckoutPreviewReply = z.infer<typeof checkoutPreviewReplySchema>;

/** `idempotencyKey`: a UUID the client makes once per checkout attempt; resending it returns the same order. */
export const createOrderRequestSchema = z
  .strictObject({
    ...purchaseFields,
    addressId: objectIdSchema,
    idempotencyKey: z.uuid({ error: 'idempotencyKey 须为 UUID' }),
    remark: z
      .string()
      .trim()
      .max(MAX_ORDER_REMARK_LENGTH, `备注最多 ${MAX_ORDER_REMARK_LENGTH} 个字`)
      .regex(/^\P{Cc}*$/u, '备注含有不支持的字符')
      .optional(),
  })
  .superRefine(checkPurchase);
export type CreateOrderRequest = z.infer<typeof createOrderRequestSchema>;

// --- Orders -------------------------------------------------------------------------------------

export const orderStatuses = ['pending_payment', 'paid', 'shipped', 'completed', 'cancelled', 'refunding', 'refunded'] as const;
export const orderStatusSchema = z.enum(orderStatuses);
export type OrderStatusValue = z.infer<typeof orderStatusSchema>;

/** What the storefront and the admin console call each state. */
export const orderStatusLabels: Record<OrderStatusValue, string> = {
  pending_payment: '待付款',
  paid: '待发货',
  shipped: '待收货',
  completed: '已完成',
  cancelled: '已取消',
  refunding: '退款中',
  refunded: '已退款',
};

/** Why an order changes state: the order state machine's events (the API's `state-machine.ts` says which states each moves between). */
export const orderEvents = [
  'pay',
  'cancel',
  'expire',
  'ship',
  'confirm_receipt',
  'auto_complete',
  'request_refund',
  'refund_rejected',
  'refund_partly',
  'refund_fully',
] as const;
export type OrderEvent = (typeof orderEvents)[number];

/** `created`, then one entry per transition. */
export const orderHistoryEvents = ['created', ...orderEvents] as const;
export const orderHistoryEventSchema = z.enum(orderHistoryEvents);
export type OrderHistoryEvent = z.infer<typeof orderHistoryEventSchema>;

/** Who caused an entry: the shopper, a staff member, WeChat Pay (a notification or query), or the system (a job). */
export const orderActorSchema = z.object({
  type: z.enum(['shopper', 'staff', 'wechatpay', 'system']),
  /** The shopper's or staff member's id; the job's name for the system. */
  id: z.string().optional(),
});
export type OrderActor = z.infer<typeof orderActorSchema>;

export const orderHistoryEntrySchema = z.object({
  event: orderHistoryEventSchema,
  /** Null for `created`. */
  from: orderStatusSchema.nullable(),
  to: orderStatusSchema,
  at: z.iso.datetime(),
  actor: orderActorSchema,
  reason: z.string().optional(),
});
export type OrderHistoryEntry = z.infer<typeof orderHistoryEntrySchema>;

/** A line as it was bought (snapshot at creation: later catalog edits do not change it). */
export const orderLineSchema = z.object({ ...lineFields, lineTotalFen: z.number().int() });
export type OrderLine = z.infer<typeof orderLineSchema>;

export const orderPaymentSchema = z.object({
  method: z.literal('wechatpay'),
  transactionId: z.string(),
  amountFen: z.number().int(),
  paidAt: z.iso.datetime(),
});
export type OrderPayment = z.infer<typeof orderPaymentSchema>;

export const orderShippingSchema = z.object({
  carrier: z.string(),
  trackingNo: z.string(),
  shippedAt: z.iso.datetime(),
});
export type OrderShipping = z.infer<typeof orderShippingSchema>;

export const orderSchema = z.object({
  orderNo: z.string(),
  status: orderStatusSchema,
  lines: z.array(orderLineSchema),
  pricing: orderPricingSchema,
  address: addressSnapshotSchema,
  remark: z.string(),
  createdAt: z.iso.datetime(),
  /** Unpaid orders are cancelled at this time. */
  payDeadline: z.iso.datetime(),
  /** Null until paid. */
  payment: orderPaymentSchema.nullable(),
  /** Null until shipped. */
  shipping: orderShippingSchema.nullable(),
  /** Oldest first. */
  history: z.array(orderHistoryEntrySchema),
});
export type Order = z.infer<typeof orderSchema>;

export const orderReplySchema = z.object({ order: orderSchema });
export type OrderReply = z.infer<typeof orderReplySchema>;

export const refundStatuses = ['pending', 'processing', 'succeeded', 'closed', 'abnormal'] as const;
export const refundStatusSchema = z.enum(refundStatuses);
export type RefundStatusValue = z.infer<typeof refundStatusSchema>;
export const refundStatusLabels: Record<RefundStatusValue, string> = {
  pending: '待提交微信支付',
  processing: '微信支付处理中',
  succeeded: '退款成功',
  closed: '退款关闭',
  abnormal: '退款异常',
};

/** One WeChat Pay refund of an order (after-sales, or a payment that arrived after the order was cancelled): its deterministic number and where it stands. */
export const orderRefundSchema = z.object({
  outRefundNo: z.string(),
  status: refundStatusSchema,
  refundFen: z.number().int(),
  createdAt: z.iso.datetime(),
  succeededAt: z.iso.datetime().nullable(),
});
export type OrderRefund = z.infer<typeof orderRefundSchema>;

/** One order as its shopper sees it, with every refund made on it. */
export const orderDetailReplySchema = z.object({ order: orderSchema, refunds: z.array(orderRefundSchema) });
export type OrderDetailReply = z.infer<typeof orderDetailReplySchema>;

/** `:orderNo` in order paths: the 17-digit order number. */
export const orderNoParamsSchema = z.strictObject({ orderNo: z.string().regex(/^\d{17}$/, '订单号格式不正确') });

export const ORDER_LIST_PAGE_SIZE_MAX = 50;

/** The order list's filters: one status, or `refund` for every order in after-sales (refunding or refunded). */
export const orderListFilters = [...orderStatuses, 'refund'] as const;
export const orderListFilterSchema = z.enum(orderListFilters);
export type OrderListFilter = z.infer<typeof orderListFilterSchema>;

/** The statuses an order list filter matches. */
export function statusesMatching(filter: OrderListFilter): OrderStatusValue[] {
  return filter === 'refund' ? ['refunding', 'refunded'] : [filter];
}

export const orderListQuerySchema = z.strictObject({
  status: orderListFilterSchema.optional(),
  ...pagingQuery(10, ORDER_LIST_PAGE_SIZE_MAX),
});
/** What clients put in the query string. */
export type OrderListQuery = Partial<z.output<typeof orderListQuerySchema>>;

/** Newest first. */
export const orderListReplySchema = pageReplySchema(orderSchema.omit({ history: true, address: true }));
export type OrderListReply = z.infer<typeof orderListReplySchema>;

// --- Payment ------------------------------------------------------------------------------------

/** What the weapp passes to `wx.requestPayment`. */
export const requestPaymentParamsSchema = z.object({
  timeStamp: z.string(),
  nonceStr: z.string(),
  package: z.string(),
  signType: z.literal('RSA'),
  paySign: z.string(),
});
export type RequestPaymentParamsView = z.infer<typeof requestPaymentParamsSchema>;

/**
 * `POST /api/orders/:orderNo/pay`. The weapp calls `wx.requestPayment(requestPayment)`. `cashierUrl` is
 * present only while the API runs against the local sandbox: the H5 build opens it instead (the sandbox
 * cashier), which returns to the H5 payment result page.
 */
export const prepayReplySchema = z.object({
  orderNo: z.string(),
  payableFen: z.number().int(),
  payDeadline: z.iso.datetime(),
  requestPayment: requestPaymentParamsSchema,
  cashierUrl: z.string().optional(),
});
export type PrepayReply = z.infer<typeof prepayReplySchema>;

/**
 * `GET /api/orders/:orderNo/payment`: the order's state after asking WeChat Pay when it is still unpaid, so
 * the result page converges even before the notification arrives.
 */
export const paymentStatusReplySchema = z.object({
  orderNo: z.string(),
  status: orderStatusSchema,
  paid: z.boolean(),
  payableFen: z.number().int(),
  payDeadline: z.iso.datetime(),
  payment: orderPaymentSchema.nullable(),
});
export type PaymentStatusReply = z.infer<typeof paymentStatusReplySchema>;
