import { Types } from 'mongoose';
import type { LineProblem, StoredImage } from '@mall/shared';
import type { ImageStorage } from '../catalog/image-storage.ts';
import type { CatalogModels, ProductRecord, SkuRecord } from '../catalog/models.ts';

/** A SKU as the catalog has it right now, with what a cart or checkout line shows of it. */
export interface CurrentSku {
  skuId: string;
  productId: string;
  title: string;
  specText: string;
  /** The product's cover image id. */
  imageId: string | undefined;
  unitPriceFen: number;
  available: number;
  /** True when the product is on sale and the SKU is still one of its combinations. */
  onSale: boolean;
}

/** What the cart and the checkout show for one line, read from the catalog at the moment of the request. */
export interface CurrentLine {
  skuId: string;
  productId: string;
  title: string;
  specText: string;
  image: StoredImage | null;
  unitPriceFen: number;
  quantity: number;
  available: number;
  problem: LineProblem | null;
}

/** e.g. `红 / M`; empty for a product without specs. */
export function specTextOf(sku: Pick<SkuRecord, 'specValues'>): string {
  return sku.specValues.join(' / ');
}

/**
 * The current state of each SKU in `skuIds` that exists (deleted drafts' SKUs are simply absent): two
 * queries whatever the number of lines.
 */
export async function currentSkus(catalog: CatalogModels, skuIds: readonly string[]): Promise<Map<string, CurrentSku>> {
  const ids = [...new Set(skuIds)].map((id) => new Types.ObjectId(id));
  const skus = ids.length === 0 ? [] : await catalog.Sku.find({ _id: { $in: ids } }).lean<SkuRecord[]>();
  const productIds = [...new Set(skus.map((sku) => sku.productId.toHexString()))].map((id) => new Types.ObjectId(id));
  const products = productIds.length === 0 ? [] : await catalog.Product.find({ _id: { $in: productIds } }).lean<ProductRecord[]>();
  const productById = new Map(products.map((product) => [product._id.toHexString(), product]));
  const current = new Map<string, CurrentSku>();
  for (const sku of skus) {
    const product = productById.get(sku.productId.toHexString());
    if (product === undefined) continue;
    const onSale = product.status === 'on_sale' && sku.active;
    current.set(sku._id.toHexString(), {
      skuId: sku._id.toHexString(),
      productId: product._id.toHexString(),
      title: product.title,
      specText: specTextOf(sku),
      imageId: product.images[0],
      unitPriceFen: sku.price,
      available: onSale ? sku.available : 0,
      onSale,
    });
  }
  return current;
}

/** Why `quantity` of this SKU cannot be bought now, or null when it can. */
export function lineProblemOf(sku: CurrentSku | undefined, quantity: number): LineProblem | null {
  if (sku === undefined || !sku.onSale) return 'off_sale';
  if (sku.available < quantity) return 'insufficient_stock';
  return null;
}

/**
 * The line as shown to the shopper. `fallback` names a SKU the catalog no longer has (its title as last
 * seen), so the line is still shown, flagged off sale, rather than silently dropped.
 */
export function currentLine(
  images: ImageStorage,
  skuId: string,
  quantity: number,
  sku: CurrentSku | undefined,
  fallback: { title: string; specText: string; productId: string },
): CurrentLine {
  const imageId = sku?.imageId;
  return {
    skuId,
    productId: sku?.productId ?? fallback.productId,
    title: sku?.title ?? fallback.title,
    specText: sku?.specText ?? fallback.specText,
    image: imageId === undefined ? null : { id: imageId, url: images.urlOf(imageId) },
    unitPriceFen: sku?.unitPriceFen ?? 0,
    quantity,
    available: sku?.available ?? 0,
    problem: lineProblemOf(sku, quantity),
  };
}
