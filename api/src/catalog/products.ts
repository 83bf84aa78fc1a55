import { Types, type ClientSession, type AnyBulkWriteOperation, type QueryFilter } from 'mongoose';
import type {
  AdminProduct,
  AdminProductListReply,
  adminProductListQuerySchema,
  createProductRequestSchema,
  ProductSearchReply,
  ProductSort,
  productSearchQuerySchema,
  SkuInput,
  Spec,
  StorefrontProduct,
  updateProductRequestSchema,
} from '@mall/shared';
import { specCombinationKey } from '@mall/shared';
import type { z } from 'zod';
import { AppError } from '../http/errors.ts';
import { categoryAndChildrenIds } from './categories.ts';
import type { ImageStorage } from './image-storage.ts';
import type { CatalogModels, CategoryRecord, ProductRecord, SkuRecord } from './models.ts';
import {
  PRODUCT_CARD_FIELDS,
  toAdminProductSummary,
  toAdminProductView,
  toProductCard,
  toStorefrontProductView,
  type ProductCardRecord,
} from './views.ts';

/** Requests as the route hands them over: parsed by the shared schemas, defaults applied. */
type ProductInput = z.output<typeof createProductRequestSchema>;
type ProductUpdate = z.output<typeof updateProductRequestSchema>;
type AdminListQuery = z.output<typeof adminProductListQuerySchema>;
type SearchQuery = z.output<typeof productSearchQuerySchema>;

const productNotFound = () => new AppError('NOT_FOUND', { message: '商品不存在' });

function priceRange(skus: readonly SkuInput[]): { priceMin: number; priceMax: number } {
  const prices = skus.map((sku) => sku.price);
  return { priceMin: Math.min(...prices), priceMax: Math.max(...prices) };
}

/** Product and detail images must be ones the storage holds (uploaded through POST /api/admin/images). */
async function assertImagesStored(images: ImageStorage, product: Pick<ProductInput, 'images' | 'detail'>): Promise<void> {
  const references = [
    ...product.images.map((id, index) => ({ id, path: ['images', index] })),
    ...product.detail.flatMap((block, index) =>
      block.type === 'image' ? [{ id: block.imageId, path: ['detail', index, 'imageId'] }] : [],
    ),
  ];
  const stored = await Promise.all(references.map((reference) => images.has(reference.id)));
  const missing = references.filter((_reference, index) => !stored[index]);
  if (missing.length > 0) {
    throw new AppError('VALIDATION_FAILED', {
      message: '图片不存在，请重新上传',
      details: missing.map((reference) => ({ in: 'body', path: reference.path, code: 'custom', message: '图片不存在，请重新上传' })),
    });
  }
}

/** Counts a product on its category, refusing a category with children (products go to leaf categories). */
async function fileProductUnder(models: CatalogModels, categoryId: Types.ObjectId, session: ClientSession): Promise<void> {
  const category = await models.Category.findOneAndUpdate(
    { _id: categoryId, childCount: 0 },
    { $inc: { productCount: 1 } },
    { session },
  ).lean<CategoryRecord>();
  if (category !== null) return;
  const exists = await models.Category.exists({ _id: categoryId }).session(session);
  if (exists === null) throw new AppError('NOT_FOUND', { message: '分类不存在', details: { field: 'categoryId' } });
  throw new AppError('CATEGORY_NOT_LEAF', { details: { field: 'categoryId' } });
}

function skuFields(sku: SkuInput) {
  return {
    price: sku.price,
    ...(sku.originalPrice !== undefined && { originalPrice: sku.originalPrice }),
    ...(sku.code !== undefined && { code: sku.code }),
  };
}

function newSkuDocument(productId: Types.ObjectId, specs: readonly Spec[], sku: SkuInput, now: Date): Omit<SkuRecord, '_id'> {
  return {
    productId,
    specValues: sku.specValues,
    combinationKey: specCombinationKey(specs, sku.specValues),
    ...skuFields(sku),
    available: sku.stock ?? 0,
    reserved: 0,
    active: true,
    createdAt: now,
  };
}

async function loadAdminProduct(models: CatalogModels, images: ImageStorage, id: Types.ObjectId | string): Promise<AdminProduct> {
  const product = await models.Product.findById(id).lean<ProductRecord>();
  if (product === null) throw productNotFound();
  const skus = await models.Sku.find({ productId: product._id, active: true }).lean<SkuRecord[]>();
  return toAdminProductView(images, product, skus);
}

export async function getAdminProduct(models: CatalogModels, images: ImageStorage, id: string): Promise<AdminProduct> {
  return loadAdminProduct(models, images, id);
}

/** A new product starts as a draft; it, its SKUs and its category's count are written in one transaction. */
export async function createProduct(models: CatalogModels, images: ImageStorage, request: ProductInput): Promise<AdminProduct> {
  await assertImagesStored(images, request);
  const productId = new Types.ObjectId();
  await models.Product.db.transaction(async (session) => {
    const categoryId = new Types.ObjectId(request.categoryId);
    await fileProductUnder(models, categoryId, session);
    const now = new Date();
    await models.Product.create(
      [
        {
          _id: productId,
          title: request.title,
          subtitle: request.subtitle,
          categoryId,
          images: request.images,
          detail: request.detail,
          status: 'draft',
          specs: request.specs,
          ...priceRange(request.skus),
          salesCount: 0,
          version: 0,
          createdAt: now,
          updatedAt: now,
        },
      ],
      { session },
    );
    await models.Sku.insertMany(
      request.skus.map((sku) => newSkuDocument(productId, request.specs, sku, now)),
      { session },
    );
  });
  return loadAdminProduct(models, images, productId);
}

function staleEdit(currentVersion: number): AppError {
  return new AppError('CONFLICT', { message: '商品已被他人修改，请刷新后重新编辑', details: { currentVersion } });
}

/**
 * Replaces the product as edited, if nobody changed it since `version`. SKUs are matched by combination:
 * surviving ones keep their id, stock and reservations (stock changes only where the edit gives one), new
 * ones are added, dropped ones deactivated. All in one transaction: a concurrent write to the product makes
 * it retry, and the retry sees the new version and refuses.
 */
export async function updateProduct(
  models: CatalogModels,
  images: ImageStorage,
  id: string,
  request: ProductUpdate,
): Promise<AdminProduct> {
  await assertImagesStored(images, request);
  await models.Product.db.transaction(async (session) => {
    const product = await models.Product.findById(id, null, { session }).lean<ProductRecord>();
    if (product === null) throw productNotFound();
    if (product.version !== request.version) throw staleEdit(product.version);
    if (product.status === 'on_sale' && request.images.length === 0) {
      throw new AppError('PRODUCT_NOT_READY', { message: '在售商品至少需要一张商品图', details: { field: 'images' } });
    }
    const categoryId = new Types.ObjectId(request.categoryId);
    if (!product.categoryId.equals(categoryId)) {
      await fileProductUnder(models, categoryId, session);
      await models.Category.updateOne({ _id: product.categoryId }, { $inc: { productCount: -1 } }, { session });
    }

    const now = new Date();
    const existing = new Map(
      (await models.Sku.find({ productId: product._id }, null, { session }).lean<SkuRecord[]>()).map((sku) => [sku.combinationKey, sku]),
    );
    const kept = new Set<string>();
    const writes: AnyBulkWriteOperation<SkuRecord>[] = request.skus.map((sku) => {
      const combinationKey = specCombinationKey(request.specs, sku.specValues);
      kept.add(combinationKey);
      const current = existing.get(combinationKey);
      if (current === undefined) return { insertOne: { document: newSkuDocument(product._id, request.specs, sku, now) } };
      const unset = {
        ...(sku.originalPrice === undefined && { originalPrice: '' as const }),
        ...(sku.code === undefined && { code: '' as const }),
      };
      return {
        updateOne: {
          filter: { _id: current._id },
          update: {
            $set: { specValues: sku.specValues, ...skuFields(sku), active: true, ...(sku.stock !== undefined && { available: sku.stock }) },
            ...(Object.keys(unset).length > 0 && { $unset: unset }),
          },
        },
      };
    });
    for (const sku of existing.values()) {
      if (sku.active && !kept.has(sku.combinationKey))
        writes.push({ updateOne: { filter: { _id: sku._id }, update: { $set: { active: false } } } });
    }
    await models.Sku.bulkWrite(writes, { session });

    const updated = await models.Product.updateOne(
      { _id: product._id, version: request.version },
      {
        $set: {
          title: request.title,
          subtitle: request.subtitle,
          categoryId,
          images: request.images,
          detail: request.detail,
          specs: request.specs,
          ...priceRange(request.skus),
          updatedAt: now,
        },
        $inc: { version: 1 },
      },
      { session },
    );
    if (updated.matchedCount !== 1) throw staleEdit(product.version);
  });
  return loadAdminProduct(models, images, id);
}

/**
 * 上架 / 下架. Going on sale needs an image (the guard sits in the update itself, so a concurrent edit that
 * removes the images cannot slip between check and write); every product always has at least one SKU
 * with a price, the edit schemas see to that. A draft has never been on sale, so it cannot be taken off.
 */
export async function changeProductStatus(
  models: CatalogModels,
  images: ImageStorage,
  id: string,
  status: 'on_sale' | 'off_sale',
): Promise<AdminProduct> {
  const guard: QueryFilter<ProductRecord> = status === 'on_sale' ? { 'images.0': { $exists: true } } : { status: { $ne: 'draft' } };
  const changed = await models.Product.findOneAndUpdate(
    { _id: id, ...guard },
    { $set: { status, updatedAt: new Date() } },
  ).lean<ProductRecord>();
  if (changed === null) {
    if ((await models.Product.exists({ _id: id })) === null) throw productNotFound();
    throw status === 'on_sale'
      ? new AppError('PRODUCT_NOT_READY', { details: { missing: ['images'] } })
      : new AppError('CONFLICT', { message: '草稿商品尚未上架，无需下架' });
  }
  return loadAdminProduct(models, images, id);
}

/** Drafts only: they were never on sale, so no order or cart can refer to them. */
export async function deleteDraftProduct(models: CatalogModels, id: string): Promise<void> {
  await models.Product.db.transaction(async (session) => {
    const deleted = await models.Product.findOneAndDelete({ _id: id, status: 'draft' }, { session }).lean<ProductRecord>();
    if (deleted === null) {
      if ((await models.Product.exists({ _id: id }).session(session)) === null) throw productNotFound();
      throw new AppError('PRODUCT_NOT_DRAFT');
    }
    await models.Sku.deleteMany({ productId: deleted._id }, { session });
    await models.Category.updateOne({ _id: deleted.categoryId }, { $inc: { productCount: -1 } }, { session });
  });
}

/** A case-insensitive match anywhere in the text, the keyword taken literally. */
function containsKeyword(keyword: string): RegExp {
  return new RegExp(keyword.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
}

export async function listAdminProducts(
  models: CatalogModels,
  images: ImageStorage,
  query: AdminListQuery,
): Promise<AdminProductListReply> {
  const filter: QueryFilter<ProductRecord> = {};
  if (query.keyword !== undefined) filter.title = containsKeyword(query.keyword);
  if (query.categoryId !== undefined) filter.categoryId = { $in: await categoryAndChildrenIds(models, query.categoryId) };
  if (query.status !== undefined) filter.status = query.status;
  const [total, products] = await Promise.all([
    models.Product.countDocuments(filter),
    models.Product.find(filter)
      .sort({ updatedAt: -1, _id: -1 })
      .skip((query.page - 1) * query.pageSize)
      .limit(query.pageSize)
      .lean<ProductRecord[]>(),
  ]);
  const skus = await models.Sku.find(
    { productId: { $in: products.map((product) => product._id) }, active: true },
    { productId: 1, available: 1 },
  ).lean<Pick<SkuRecord, 'productId' | 'available'>[]>();
  const stockOf = (product: ProductRecord) =>
    skus.filter((sku) => sku.productId.equals(product._id)).reduce((sum, sku) => sum + sku.available, 0);
  return {
    items: products.map((product) => toAdminProductSummary(images, product, stockOf(product))),
    total,
    page: query.page,
    pageSize: query.pageSize,
  };
}

const sortOrders: Record<ProductSort | 'default', Record<string, 1 | -1>> = {
  // 综合: best sellers first, newest among equals.
  default: { salesCount: -1, createdAt: -1, _id: -1 },
  sales: { salesCount: -1, _id: -1 },
  price_asc: { priceMin: 1, _id: 1 },
  price_desc: { priceMin: -1, _id: -1 },
  newest: { createdAt: -1, _id: -1 },
};

/** The storefront's search: on-sale products only; a parent category includes its children; prices compare with the "from" price. */
export async function searchProducts(models: CatalogModels, images: ImageStorage, query: SearchQuery): Promise<ProductSearchReply> {
  const filter: QueryFilter<ProductRecord> = { status: 'on_sale' };
  if (query.keyword !== undefined) {
    const pattern = containsKeyword(query.keyword);
    filter.$or = [{ title: pattern }, { subtitle: pattern }];
  }
  if (query.categoryId !== undefined) filter.categoryId = { $in: await categoryAndChildrenIds(models, query.categoryId) };
  if (query.minPrice !== undefined || query.maxPrice !== undefined) {
    filter.priceMin = {
      ...(query.minPrice !== undefined && { $gte: query.minPrice }),
      ...(query.maxPrice !== undefined && { $lte: query.maxPrice }),
    };
  }
  const [total, products] = await Promise.all([
    models.Product.countDocuments(filter),
    models.Product.find(filter)
      .sort(sortOrders[query.sort ?? 'default'])
      .skip((query.page - 1) * query.pageSize)
      .limit(query.pageSize)
      // A card needs the cover only, never the rich detail: the page is read and decoded much faster.
      .select(PRODUCT_CARD_FIELDS)
      .lean<ProductCardRecord[]>(),
  ]);
  return { items: products.map((product) => toProductCard(images, product)), total, page: query.page, pageSize: query.pageSize };
}

/** An on-sale product with its active SKUs; anything else is not there for shoppers (404). */
export async function getStorefrontProduct(models: CatalogModels, images: ImageStorage, id: string): Promise<StorefrontProduct> {
  const product = await models.Product.findOne({ _id: id, status: 'on_sale' }).lean<ProductRecord>();
  if (product === null) throw productNotFound();
  const skus = await models.Sku.find({ productId: product._id, active: true }).lean<SkuRecord[]>();
  return toStorefrontProductView(images, product, skus);
}
