import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { orderChannels, orderHistoryEvents, type OrderChannel, type OrderHistoryEvent } from '@mall/shared';
import { modelOf } from '../db/model-of.ts';
import { historyEntrySchema, type HistoryRecord } from './history.ts';
import { dailyCounterModel } from './order-numbers.ts';
import type { Discount } from './pricing/chain.ts';
import { orderStatuses, type OrderStatus } from './state-machine.ts';

/** A line as bought: the catalog's title, spec, cover image and price at that moment. */
export interface OrderLineRecord {
  skuId: Types.ObjectId;
  productId: Types.ObjectId;
  title: string;
  specText: string;
  imageId?: string;
  unitPriceFen: number;
  quantity: number;
  lineTotalFen: number;
}

export type OrderHistoryRecord = HistoryRecord<OrderHistoryEvent, OrderStatus>;

/**
 * `pending` until WeChat accepted the shipment (`nextAttemptAt` says when to try, and is pushed ahead while an
 * attempt is under way), `uploaded` once it did, `failed` when the attempts ran out.
 */
export interface ShippingUploadRecord {
  state: 'pending' | 'uploaded' | 'failed';
  attempts: number;
  nextAttemptAt?: Date;
  lastError?: string;
  uploadedAt?: Date;
}

/**
 * Where the order's reserved stock went: still `reserved` while unpaid, `released` back to available by the
 * cancel that won, `sold` by the payment that won. Set in the same guarded update as the transition.
 */
export type OrderStockState = 'reserved' | 'released' | 'sold';

/**
 * Who brought the order (PRODUCT.md, order attribution): its channel and source touch, and a snapshot of the
 * guide — the shopper's bound guide at checkout, the guide whose cart was checked out (代客下单), or the one
 * assigned when payment starts (`guideSource`).
 */
export interface OrderAttributionRecord {
  channel: OrderChannel;
  /** The shopper's latest guide touch within ORDER_TOUCH_WINDOW_MS before checkout. */
  touchId?: Types.ObjectId;
  liveRoomId?: string;
  guideId?: Types.ObjectId;
  guideCode?: string;
  guideName?: string;
  storeId?: Types.ObjectId;
  storeName?: string;
  guideSource?: 'binding' | 'payment-assignment' | 'guide-order';
  /** The guide cart the order was placed from (guide-orders). */
  guideCartId?: Types.ObjectId;
  /** Set once the guide was assigned to the WeChat Pay transaction (支付即服务). */
  wechatPayGuideAssignedAt?: Date;
}

export interface OrderRecord {
  _id: Types.ObjectId;
  /** 17 digits, unique; also WeChat Pay's out_trade_no. */
  orderNo: string;
  shopperId: Types.ObjectId;
  /** The client's key for this checkout: unique per shopper, so a resent request finds this order. */
  idempotencyKey: string;
  status: OrderStatus;
  lines: OrderLineRecord[];
  itemsTotalFen: number;
  discounts: Discount[];
  discountTotalFen: number;
  shippingFeeFen: number;
  payableFen: number;
  address: { recipientName: string; phone: string; province: string; city: string; district: string; detail: string };
  remark: string;
  /** The shopper's openid when the order was placed: the payer of the JSAPI payment. */
  payerOpenid: string;
  payDeadline: Date;
  stock: OrderStockState;
  /** Set before the first prepay request: from then on WeChat Pay may know the order (query it, close it). */
  prepayRequestedAt?: Date;
  prepayId?: string;
  payment?: { transactionId: string; amountFen: number; paidAt: Date };
  shipping?: { carrier: string; trackingNo: string; shippedAt: Date };
  /** Uploading the shipment to WeChat (发货信息管理), set with the shipping; see fulfilment/shipping-upload.ts. */
  shippingUpload?: ShippingUploadRecord;
  /** The state before a refund request (the state machine's `previous`). */
  statusBeforeRefund?: OrderStatus;
  attribution: OrderAttributionRecord;
  history: OrderHistoryRecord[];
  createdAt: Date;
  updatedAt: Date;
}

const lineSchema = new Schema<OrderLineRecord>(
  {
    skuId: { type: Schema.Types.ObjectId, required: true },
    productId: { type: Schema.Types.ObjectId, required: true },
    title: { type: String, required: true },
    specText: { type: String, default: '' },
    imageId: { type: String },
    unitPriceFen: { type: Number, required: true },
    quantity: { type: Number, required: true },
    lineTotalFen: { type: Number, required: true },
  },
  { _id: false },
);

const historySchema = historyEntrySchema(orderHistoryEvents, orderStatuses);

const orderSchema = new Schema<OrderRecord>(
  {
    orderNo: { type: String, required: true, unique: true },
    shopperId: { type: Schema.Types.ObjectId, required: true },
    idempotencyKey: { type: String, required: true },
    status: { type: String, enum: orderStatuses, required: true },
    lines: { type: [lineSchema], required: true },
    itemsTotalFen: { type: Number, required: true },
    discounts: {
      type: [new Schema<Discount>({ calculator: String, reason: String, amountFen: Number }, { _id: false })],
      default: [],
    },
    discountTotalFen: { type: Number, required: true },
    shippingFeeFen: { type: Number, required: true },
    payableFen: { type: Number, required: true },
    address: {
      type: new Schema(
        { recipientName: String, phone: String, province: String, city: String, district: String, detail: String },
        { _id: false },
      ),
      required: true,
    },
    remark: { type: String, default: '' },
    payerOpenid: { type: String, required: true },
    payDeadline: { type: Date, required: true },
    stock: { type: String, enum: ['reserved', 'released', 'sold'], required: true },
    prepayRequestedAt: { type: Date },
    prepayId: { type: String },
    payment: { type: new Schema({ transactionId: String, amountFen: Number, paidAt: Date }, { _id: false }) },
    shipping: { type: new Schema({ carrier: String, trackingNo: String, shippedAt: Date }, { _id: false }) },
    shippingUpload: {
      type: new Schema(
        {
          state: { type: String, enum: ['pending', 'uploaded', 'failed'], required: true },
          attempts: { type: Number, required: true },
          nextAttemptAt: Date,
          lastError: String,
          uploadedAt: Date,
        },
        { _id: false },
      ),
    },
    statusBeforeRefund: { type: String, enum: orderStatuses },
    attribution: {
      type: new Schema<OrderAttributionRecord>(
        {
          channel: { type: String, enum: orderChannels, required: true },
          touchId: Schema.Types.ObjectId,
          liveRoomId: String,
          guideId: Schema.Types.ObjectId,
          guideCode: String,
          guideName: String,
          storeId: Schema.Types.ObjectId,
          storeName: String,
          guideSource: { type: String, enum: ['binding', 'payment-assignment', 'guide-order'] },
          guideCartId: Schema.Types.ObjectId,
          wechatPayGuideAssignedAt: Date,
        },
        { _id: false },
      ),
      required: true,
    },
    history: { type: [historySchema], required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'orders', versionKey: false },
);
// A resent checkout (same shopper, same key) can never make a second order.
orderSchema.index({ shopperId: 1, idempotencyKey: 1 }, { unique: true });
// The shopper's order list, all or by status, newest first.
orderSchema.index({ shopperId: 1, createdAt: -1 });
orderSchema.index({ shopperId: 1, status: 1, createdAt: -1 });
// The expiry sweeper (unpaid past the deadline) and the reconciliation job (unpaid, placed a while ago).
orderSchema.index({ status: 1, payDeadline: 1 });
orderSchema.index({ status: 1, createdAt: 1 });
// The merchant's order list (all, by status through the index above, by recipient), newest first.
orderSchema.index({ createdAt: -1 });
orderSchema.index({ 'address.phone': 1, createdAt: -1 });
orderSchema.index({ 'address.recipientName': 1, createdAt: -1 });
// The shipping upload retries (pending and due) and auto-completion (shipped long enough ago).
orderSchema.index({ 'shippingUpload.state': 1, 'shippingUpload.nextAttemptAt': 1 });
orderSchema.index({ status: 1, 'shipping.shippedAt': 1 });
// A guide's orders (workbench, performance recomputation).
orderSchema.index({ 'attribution.guideId': 1, createdAt: -1 });
// The orders placed from each guide cart (the guide's list of carts).
orderSchema.index(
  { 'attribution.guideCartId': 1, createdAt: -1 },
  { partialFilterExpression: { 'attribution.guideCartId': { $exists: true } } },
);

/**
 * Taken before a checkout reserves anything, one per shopper and key: of identical checkouts racing, one
 * creates the order and the others wait for it. Removed when that checkout fails, so a retry can run.
 */
export interface CheckoutClaim {
  /** `<shopperId>:<idempotencyKey>` */
  _id: string;
  claimedAt: Date;
  /**
   * The stock this checkout is about to reserve, written before it does: if the checkout dies before its
   * order is written, the abandoned-checkout sweep (abandoned-checkouts.ts) returns this stock.
   */
  stockLines?: { skuId: Types.ObjectId; quantity: number }[];
  /** Set by the sweep once it found the order these lines went into: nothing left to check. */
  settled?: boolean;
}

const checkoutClaimSchema = new Schema<CheckoutClaim>(
  {
    _id: { type: String, required: true },
    // Claims only matter for seconds (and the sweep's few minutes); the TTL index tidies them away after a day.
    claimedAt: { type: Date, required: true, expires: 24 * 60 * 60 },
    stockLines: {
      type: [
        new Schema({ skuId: { type: Schema.Types.ObjectId, required: true }, quantity: { type: Number, required: true } }, { _id: false }),
      ],
      default: undefined,
    },
    settled: { type: Boolean },
  },
  { collection: 'order_checkout_claims', versionKey: false },
);

export interface OrderModels {
  Order: Model<OrderRecord>;
  CheckoutClaim: Model<CheckoutClaim>;
  DailyCounter: ReturnType<typeof dailyCounterModel>;
}

export function orderModels(connection: Connection): OrderModels {
  return {
    Order: modelOf(connection, 'Order', orderSchema),
    CheckoutClaim: modelOf(connection, 'OrderCheckoutClaim', checkoutClaimSchema),
    DailyCounter: dailyCounterModel(connection),
  };
}

/** Resolves once every order index exists (the unique ones are what make checkout idempotent and numbers unique). */
export async function ensureOrderIndexes(models: OrderModels): Promise<void> {
  await Promise.all([models.Order.init(), models.CheckoutClaim.init(), models.DailyCounter.init()]);
}
