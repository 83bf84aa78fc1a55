import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { productStatuses, type DetailBlock, type ProductStatus, type Spec } from '@mall/shared';
import { modelOf } from '../db/model-of.ts';

/**
 * Two levels: a top-level category (parentId null) holds either child categories or products, a child
 * category holds products. `childCount` and `productCount` are kept in the same transactions that add or
 * remove children and products, and guard those writes (see categories.ts, products.ts): a category
 * with products takes no child, one with children takes no product, and only an empty one is deleted.
 */
export interface CategoryRecord {
  _id: Types.ObjectId;
  name: string;
  parentId: Types.ObjectId | null;
  sortOrder: number;
  childCount: number;
  productCount: number;
  createdAt: Date;
  updatedAt: Date;
}

/** A product (SPU). Its SKUs live in their own collection, so stock can be reserved with one guarded update per SKU. */
export interface ProductRecord {
  _id: Types.ObjectId;
  title: string;
  subtitle: string;
  categoryId: Types.ObjectId;
  /** Stored image ids, in display order. */
  images: string[];
  detail: DetailBlock[];
  status: ProductStatus;
  specs: Spec[];
  /** The lowest and highest price of its active SKUs (fen), for listing and sorting. */
  priceMin: number;
  priceMax: number;
  salesCount: number;
  /** Raised by every edit; an edit must name the version it was made on (optimistic concurrency). */
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * One purchasable combination of a product's spec values. SKUs whose combination an edit drops are
 * deactivated, not deleted: unpaid orders may still hold stock on them, and the combination may come back
 * (keeping its id and stock).
 */
export interface SkuRecord {
  _id: Types.ObjectId;
  productId: Types.ObjectId;
  /** One value per spec, in the product's spec order. */
  specValues: string[];
  /** The combination as spec name → value pairs, independent of spec order: how an edit recognises a SKU. */
  combinationKey: string;
  price: number;
  originalPrice?: number;
  /** What can still be sold; never negative (every decrement is guarded). */
  available: number;
  /** Held by unpaid orders; released on cancel, cleared on payment. */
  reserved: number;
  code?: string;
  active: boolean;
  createdAt: Date;
}

const categorySchema = new Schema<CategoryRecord>(
  {
    name: { type: String, required: true },
    parentId: { type: Schema.Types.ObjectId, default: null },
    sortOrder: { type: Number, required: true },
    childCount: { type: Number, required: true, default: 0 },
    productCount: { type: Number, required: true, default: 0 },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'catalog_categories', versionKey: false },
);
// Names are unique among siblings (top-level categories share parentId null).
categorySchema.index({ parentId: 1, name: 1 }, { unique: true });
categorySchema.index({ parentId: 1, sortOrder: 1 });

const specSchema = new Schema<Spec>({ name: { type: String, required: true }, values: { type: [String], required: true } }, { _id: false });

const productSchema = new Schema<ProductRecord>(
  {
    title: { type: String, required: true },
    subtitle: { type: String, default: '' },
    categoryId: { type: Schema.Types.ObjectId, required: true },
    images: { type: [String], required: true },
    // Validated by the shared schema before it gets here: text blocks and image blocks, nothing else.
    detail: { type: Schema.Types.Mixed, required: true },
    status: { type: String, enum: productStatuses, required: true },
    specs: { type: [specSchema], required: true },
    priceMin: { type: Number, required: true },
    priceMax: { type: Number, required: true },
    salesCount: { type: Number, required: true, default: 0 },
    version: { type: Number, required: true, default: 0 },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'catalog_products', versionKey: false },
);
// The storefront's queries: on-sale products by category and/or sorted by sales, price or age.
productSchema.index({ status: 1, categoryId: 1, salesCount: -1 });
productSchema.index({ status: 1, salesCount: -1 });
productSchema.index({ status: 1, priceMin: 1 });
productSchema.index({ status: 1, createdAt: -1 });
// The admin list: by category, newest edits first.
productSchema.index({ categoryId: 1, updatedAt: -1 });
productSchema.index({ updatedAt: -1 });

const skuSchema = new Schema<SkuRecord>(
  {
    productId: { type: Schema.Types.ObjectId, required: true },
    specValues: { type: [String], required: true },
    combinationKey: { type: String, required: true },
    price: { type: Number, required: true },
    originalPrice: { type: Number },
    available: { type: Number, required: true },
    reserved: { type: Number, required: true, default: 0 },
    code: { type: String },
    active: { type: Boolean, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'catalog_skus', versionKey: false },
);
skuSchema.index({ productId: 1, combinationKey: 1 }, { unique: true });

export interface CatalogModels {
  Category: Model<CategoryRecord>;
  Product: Model<ProductRecord>;
  Sku: Model<SkuRecord>;
}

export function catalogModels(connection: Connection): CatalogModels {
  return {
    Category: modelOf(connection, 'CatalogCategory', categorySchema),
    Product: modelOf(connection, 'CatalogProduct', productSchema),
    Sku: modelOf(connection, 'CatalogSku', skuSchema),
  };
}

/** Resolves once every catalog index exists (the unique ones keep sibling names and SKU combinations distinct). */
export async function ensureCatalogIndexes(models: CatalogModels): Promise<void> {
  await Promise.all([models.Category.init(), models.Product.init(), models.Sku.init()]);
}
