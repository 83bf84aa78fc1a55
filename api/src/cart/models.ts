import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { modelOf } from '../db/model-of.ts';

/** One cart line: a SKU and how many. Title and spec are as the catalog had them when added, for a SKU that later disappears. */
export interface CartItem {
  skuId: Types.ObjectId;
  quantity: number;
  productId: Types.ObjectId;
  title: string;
  specText: string;
  addedAt: Date;
}

/**
 * A shopper's cart, one document keyed by the shopper's id, so every change (the line limit, merging a
 * SKU added twice) is one atomic write guarded by `version`; a change that lost a race is redone on a
 * fresh read.
 */
export interface Cart {
  /** The shopper's id. */
  _id: Types.ObjectId;
  items: CartItem[];
  version: number;
  updatedAt: Date;
}

const cartItemSchema = new Schema<CartItem>(
  {
    skuId: { type: Schema.Types.ObjectId, required: true },
    quantity: { type: Number, required: true },
    productId: { type: Schema.Types.ObjectId, required: true },
    title: { type: String, required: true },
    specText: { type: String, default: '' },
    addedAt: { type: Date, required: true },
  },
  { _id: false },
);

const cartSchema = new Schema<Cart>(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    items: { type: [cartItemSchema], required: true },
    version: { type: Number, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'shopper_carts', versionKey: false },
);

export function cartModel(connection: Connection): Model<Cart> {
  return modelOf(connection, 'ShopperCart', cartSchema);
}
