import type {
  AdminProduct,
  AdminProductSummary,
  AdminSku,
  Category,
  DetailBlock,
  DetailBlockView,
  ProductCard,
  StorefrontProduct,
  StorefrontSku,
  StoredImage,
} from '@mall/shared';
import type { ImageStorage } from './image-storage.ts';
import type { CategoryRecord, ProductRecord, SkuRecord } from './models.ts';

export function toCategoryView(category: CategoryRecord): Category {
  return {
    id: category._id.toHexString(),
    name: category.name,
    parentId: category.parentId?.toHexString() ?? null,
    sortOrder: category.sortOrder,
    productCount: category.productCount,
  };
}

function imageView(images: ImageStorage, id: string): StoredImage {
  return { id, url: images.urlOf(id) };
}

function detailView(images: ImageStorage, detail: DetailBlock[]): DetailBlockView[] {
  return detail.map((block) =>
    block.type === 'text' ? block : { type: 'image', imageId: block.imageId, url: images.urlOf(block.imageId) },
  );
}

/** SKUs in the order of the spec matrix (first spec slowest), whatever order they were created in. */
export function inMatrixOrder(product: Pick<ProductRecord, 'specs'>, skus: SkuRecord[]): SkuRecord[] {
  const rank = (sku: SkuRecord) =>
    product.specs.reduce((position, spec, index) => position * spec.values.length + spec.values.indexOf(sku.specValues[index] ?? ''), 0);
  return [...skus].sort((a, b) => rank(a) - rank(b));
}

/** What the storefront and the admin console both show of a SKU. */
function skuView(sku: SkuRecord): StorefrontSku {
  return {
    id: sku._id.toHexString(),
    specValues: sku.specValues,
    price: sku.price,
    ...(sku.originalPrice !== undefined && { originalPrice: sku.originalPrice }),
    available: sku.available,
  };
}

/** What the storefront and the admin console both show of a product, but its SKUs. */
function productView(images: ImageStorage, product: ProductRecord): Omit<StorefrontProduct, 'skus'> {
  return {
    id: product._id.toHexString(),
    title: product.title,
    subtitle: product.subtitle,
    categoryId: product.categoryId.toHexString(),
    images: product.images.map((id) => imageView(images, id)),
    detail: detailView(images, product.detail),
    specs: product.specs.map(({ name, values }) => ({ name, values })),
    priceMin: product.priceMin,
    priceMax: product.priceMax,
    salesCount: product.salesCount,
  };
}

export function toAdminSkuView(sku: SkuRecord): AdminSku {
  return {
    ...skuView(sku),
    reserved: sku.reserved,
    ...(sku.code !== undefined && { code: sku.code }),
  };
}

/** A product with its active SKUs, as the admin console edits it. */
export function toAdminProductView(images: ImageStorage, product: ProductRecord, activeSkus: SkuRecord[]): AdminProduct {
  return {
    ...productView(images, product),
    status: product.status,
    skus: inMatrixOrder(product, activeSkus).map(toAdminSkuView),
    version: product.version,
    createdAt: product.createdAt.toISOString(),
    updatedAt: product.updatedAt.toISOString(),
  };
}

export function toAdminProductSummary(images: ImageStorage, product: ProductRecord, stock: number): AdminProductSummary {
  const [cover] = product.images;
  return {
    id: product._id.toHexString(),
    title: product.title,
    categoryId: product.categoryId.toHexString(),
    image: cover === undefined ? null : imageView(images, cover),
    status: product.status,
    priceMin: product.priceMin,
    priceMax: product.priceMax,
    stock,
    salesCount: product.salesCount,
    updatedAt: product.updatedAt.toISOString(),
  };
}

/** The fields a product card is made of, as a projection: the cover is the first image. */
export const PRODUCT_CARD_FIELDS = { title: 1, subtitle: 1, images: { $slice: 1 }, priceMin: 1, priceMax: 1, salesCount: 1 } as const;
export type ProductCardRecord = Pick<ProductRecord, '_id' | 'title' | 'subtitle' | 'images' | 'priceMin' | 'priceMax' | 'salesCount'>;

export function toProductCard(images: ImageStorage, product: ProductCardRecord): ProductCard {
  const [cover] = product.images;
  return {
    id: product._id.toHexString(),
    title: product.title,
    subtitle: product.subtitle,
    image: cover === undefined ? null : imageView(images, cover),
    priceMin: product.priceMin,
    priceMax: product.priceMax,
    salesCount: product.salesCount,
  };
}

/** What shoppers see: no codes, no reserved counts, no internal state. */
export function toStorefrontProductView(images: ImageStorage, product: ProductRecord, activeSkus: SkuRecord[]): StorefrontProduct {
  return { ...productView(images, product), skus: inMatrixOrder(product, activeSkus).map(skuView) };
}
