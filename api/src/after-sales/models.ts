import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { afterSaleHistoryEvents, afterSaleKinds, afterSaleStatuses, type AfterSaleKind, type AfterSaleStatus } from '@mall/shared';
import { modelOf } from '../db/model-of.ts';
import { historyEntrySchema, type HistoryRecord } from '../orders/history.ts';

export type AfterSaleHistoryEvent = (typeof afterSaleHistoryEvents)[number];

export type AfterSaleHistoryRecord = HistoryRecord<AfterSaleHistoryEvent, AfterSaleStatus>;

/** A line of the order the request is about, copied from the order (title, spec, image as bought). */
export interface AfterSaleLineRecord {
  skuId: Types.ObjectId;
  productId: Types.ObjectId;
  title: string;
  specText: string;
  imageId?: string;
  quantity: number;
}

export interface AfterSaleRecord {
  _id: Types.ObjectId;
  /** `<orderNo>-<sequence>`: unique, readable, and the base of the refund numbers. */
  afterSaleNo: string;
  orderId: Types.ObjectId;
  orderNo: string;
  shopperId: Types.ObjectId;
  /** 1, 2, … per order. */
  sequence: number;
  kind: AfterSaleKind;
  status: AfterSaleStatus;
  /**
   * True from the request until the order has been moved back out of `refunding` after it closed (a unique
   * partial index allows one open request per order). It outlives the open statuses by the moment the order
   * takes to follow, so no new request can start while the order still belongs to this one.
   */
  open: boolean;
  reason: string;
  description: string;
  imageIds: string[];
  requestedFen: number;
  approvedFen?: number;
  lines: AfterSaleLineRecord[];
  /** The merchant's choice at approval, and the SKUs and quantities it returns to stock. */
  restock?: boolean;
  restockLines: { skuId: Types.ObjectId; quantity: number }[];
  /** Set by the one caller that returns the goods to stock. */
  restockedAt?: Date;
  returnShipment?: { carrier: string; trackingNo: string; shippedAt: Date };
  rejectReason?: string;
  /** Refund attempts so far (a closed or abnormal refund may be retried under a new number). */
  refundAttempts: number;
  /** The current attempt's WeChat Pay refund number (see refundNumber). */
  outRefundNo?: string;
  refundedAt?: Date;
  history: AfterSaleHistoryRecord[];
  createdAt: Date;
  updatedAt: Date;
}

const historySchema = historyEntrySchema(afterSaleHistoryEvents, afterSaleStatuses);

const lineSchema = new Schema<AfterSaleLineRecord>(
  {
    skuId: { type: Schema.Types.ObjectId, required: true },
    productId: { type: Schema.Types.ObjectId, required: true },
    title: { type: String, required: true },
    specText: { type: String, default: '' },
    imageId: { type: String },
    quantity: { type: Number, required: true },
  },
  { _id: false },
);

const afterSaleSchema = new Schema<AfterSaleRecord>(
  {
    afterSaleNo: { type: String, required: true, unique: true },
    orderId: { type: Schema.Types.ObjectId, required: true },
    orderNo: { type: String, required: true },
    shopperId: { type: Schema.Types.ObjectId, required: true },
    sequence: { type: Number, required: true },
    kind: { type: String, enum: afterSaleKinds, required: true },
    status: { type: String, enum: afterSaleStatuses, required: true },
    open: { type: Boolean, required: true },
    reason: { type: String, required: true },
    description: { type: String, default: '' },
    imageIds: { type: [String], default: [] },
    requestedFen: { type: Number, required: true },
    approvedFen: { type: Number },
    lines: { type: [lineSchema], default: [] },
    restock: { type: Boolean },
    restockLines: {
      type: [
        new Schema({ skuId: { type: Schema.Types.ObjectId, required: true }, quantity: { type: Number, required: true } }, { _id: false }),
      ],
      default: [],
    },
    restockedAt: { type: Date },
    returnShipment: { type: new Schema({ carrier: String, trackingNo: String, shippedAt: Date }, { _id: false }) },
    rejectReason: { type: String },
    refundAttempts: { type: Number, required: true },
    outRefundNo: { type: String },
    refundedAt: { type: Date },
    history: { type: [historySchema], required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'after_sales', versionKey: false },
);
// One open request per order, however many shoppers' taps race.
afterSaleSchema.index({ orderId: 1 }, { unique: true, partialFilterExpression: { open: true }, name: 'one_open_per_order' });
// Sequence numbers (and so refund numbers) never repeat on an order.
afterSaleSchema.index({ orderId: 1, sequence: 1 }, { unique: true });
// The shopper's list (all or by status), the merchant's queue (all, by status, by kind), search by order number.
afterSaleSchema.index({ shopperId: 1, createdAt: -1 });
afterSaleSchema.index({ shopperId: 1, status: 1, createdAt: -1 });
afterSaleSchema.index({ createdAt: -1 });
afterSaleSchema.index({ status: 1, createdAt: -1 });
afterSaleSchema.index({ kind: 1, status: 1, createdAt: -1 });
afterSaleSchema.index({ orderNo: 1 });
// The repair job: requests that closed but whose order has not followed yet, and refunds under way.
afterSaleSchema.index({ open: 1, status: 1, updatedAt: 1 });

export type AfterSaleModel = Model<AfterSaleRecord>;

export function afterSaleModel(connection: Connection): AfterSaleModel {
  return modelOf(connection, 'AfterSale', afterSaleSchema);
}
