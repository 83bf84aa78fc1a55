import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { modelOf } from '../db/model-of.ts';

/** One line of a guide cart; title, spec and product are as the catalog had them then, for a SKU that later disappears. */
export interface GuideCartItem {
  skuId: Types.ObjectId;
  quantity: number;
  productId: Types.ObjectId;
  title: string;
  specText: string;
}

/**
 * A cart a guide built and shares (导购推荐购物车, 代客下单). Its token is the share: anyone holding it may check the
 * lines out — only `customerId` when set — until the guide withdraws it or it expires. Orders placed from it name it
 * in their attribution (`attribution.guideCartId`); the cart itself never changes at checkout, so any number of
 * shoppers can check it out at once.
 */
export interface GuideCartRecord {
  _id: Types.ObjectId;
  /** Random, unique: the share link's key. */
  token: string;
  guideId: Types.ObjectId;
  items: GuideCartItem[];
  note?: string;
  customerId?: Types.ObjectId;
  createdAt: Date;
  expiresAt: Date;
  /** Set once, when the guide withdraws the cart. */
  withdrawnAt?: Date;
}

const itemSchema = new Schema<GuideCartItem>(
  {
    skuId: { type: Schema.Types.ObjectId, required: true },
    quantity: { type: Number, required: true },
    productId: { type: Schema.Types.ObjectId, required: true },
    title: { type: String, required: true },
    specText: { type: String, default: '' },
  },
  { _id: false },
);

const guideCartSchema = new Schema<GuideCartRecord>(
  {
    token: { type: String, required: true, unique: true },
    guideId: { type: Schema.Types.ObjectId, required: true },
    items: { type: [itemSchema], required: true },
    note: { type: String },
    customerId: { type: Schema.Types.ObjectId },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    withdrawnAt: { type: Date },
  },
  { collection: 'guide_carts', versionKey: false },
);
// The guide's list, newest first.
guideCartSchema.index({ guideId: 1, createdAt: -1, _id: -1 });

export type GuideCartModel = Model<GuideCartRecord>;

export function guideCartModel(connection: Connection): GuideCartModel {
  return modelOf(connection, 'GuideCart', guideCartSchema);
}

/** Resolves once the indexes exist: the unique token index makes a drawn token that is already taken fail rather than share a link. */
export async function ensureGuideCartIndexes(model: GuideCartModel): Promise<void> {
  await model.init();
}
