import { Types, type Model } from 'mongoose';
import { MAX_CART_LINES, MAX_LINE_QUANTITY, type CartReply } from '@mall/shared';
import type { ImageStorage } from '../catalog/image-storage.ts';
import type { CatalogModels } from '../catalog/models.ts';
import { isDuplicateKeyError } from '../db/errors.ts';
import { AppError } from '../http/errors.ts';
import { currentLine, currentSkus, type CurrentSku } from './current-lines.ts';
import type { Cart, CartItem } from './models.ts';

export interface CartDependencies {
  carts: Model<Cart>;
  catalog: CatalogModels;
  images: ImageStorage;
}

/** A shopper double-tapping is the realistic contention; this many rounds covers far more. */
const WRITE_ATTEMPTS = 50;

const notInCart = () => new AppError('NOT_FOUND', { message: '购物车中没有该商品' });
const skuNotOnSale = () => new AppError('NOT_FOUND', { message: '商品不存在或已下架' });

async function readCart(carts: Model<Cart>, shopperId: Types.ObjectId): Promise<Cart | null> {
  return carts.findById(shopperId).lean<Cart>();
}

/** Writes `items` if the cart is still at `version` (0: not yet created); false when another change got there first. */
async function writeCart(carts: Model<Cart>, shopperId: Types.ObjectId, version: number, items: CartItem[]): Promise<boolean> {
  const updatedAt = new Date();
  if (version === 0) {
    try {
      await carts.create({ _id: shopperId, items, version: 1, updatedAt });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }
  const result = await carts.updateOne({ _id: shopperId, version }, { $set: { items, version: version + 1, updatedAt } });
  return result.matchedCount === 1;
}

/** Applies `change` to the current lines and writes the outcome atomically, recomputing after a lost race. */
async function changeCart(carts: Model<Cart>, shopperId: Types.ObjectId, change: (items: CartItem[]) => CartItem[]): Promise<void> {
  for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt += 1) {
    const stored = await readCart(carts, shopperId);
    const next = change(stored?.items ?? []);
    if (await writeCart(carts, shopperId, stored?.version ?? 0, next)) return;
  }
  throw new AppError('CONFLICT');
}

/** The SKU, if it can be put in a cart: on sale. */
async function onSaleSku(catalog: CatalogModels, skuId: string): Promise<CurrentSku> {
  const sku = (await currentSkus(catalog, [skuId])).get(skuId);
  if (sku === undefined || !sku.onSale) throw skuNotOnSale();
  return sku;
}

function refuseBeyondStock(sku: CurrentSku, quantity: number): void {
  if (quantity > sku.available) {
    throw new AppError('OUT_OF_STOCK', {
      message: sku.available === 0 ? '该商品已售罄' : `库存不足，最多还能买 ${sku.available} 件`,
      details: { skuId: sku.skuId, available: sku.available },
    });
  }
}

/** The cart with every line's current price, stock and availability; lines that cannot be bought are flagged, not dropped. */
export async function viewCart(deps: CartDependencies, shopperId: Types.ObjectId): Promise<CartReply> {
  const cart = await readCart(deps.carts, shopperId);
  const items = [...(cart?.items ?? [])].sort((a, b) => b.addedAt.getTime() - a.addedAt.getTime());
  const skus = await currentSkus(
    deps.catalog,
    items.map((item) => item.skuId.toHexString()),
  );
  const lines = items.map((item) => {
    const skuId = item.skuId.toHexString();
    const line = currentLine(deps.images, skuId, item.quantity, skus.get(skuId), {
      title: item.title,
      specText: item.specText,
      productId: item.productId.toHexString(),
    });
    return { ...line, addedAt: item.addedAt.toISOString() };
  });
  const itemCount = lines.filter((line) => line.problem === null).reduce((sum, line) => sum + line.quantity, 0);
  return { items: lines, itemCount, maxLines: MAX_CART_LINES };
}

/**
 * Adds `quantity` of an on-sale SKU; a SKU already in the cart gets the quantities summed, capped at
 * MAX_LINE_QUANTITY. More than the available stock is refused (OUT_OF_STOCK), a new line beyond
 * MAX_CART_LINES too (CART_LIMIT_REACHED).
 */
export async function addCartItem(deps: CartDependencies, shopperId: Types.ObjectId, skuId: string, quantity: number): Promise<CartReply> {
  const sku = await onSaleSku(deps.catalog, skuId);
  await changeCart(deps.carts, shopperId, (items) => {
    const existing = items.find((item) => item.skuId.toHexString() === skuId);
    if (existing !== undefined) {
      const merged = Math.min(existing.quantity + quantity, MAX_LINE_QUANTITY);
      refuseBeyondStock(sku, merged);
      return items.map((item) => (item === existing ? { ...item, quantity: merged } : item));
    }
    if (items.length >= MAX_CART_LINES) throw new AppError('CART_LIMIT_REACHED', { details: { limit: MAX_CART_LINES } });
    refuseBeyondStock(sku, quantity);
    const added: CartItem = {
      skuId: new Types.ObjectId(skuId),
      quantity,
      productId: new Types.ObjectId(sku.productId),
      title: sku.title,
      specText: sku.specText,
      addedAt: new Date(),
    };
    return [...items, added];
  });
  return viewCart(deps, shopperId);
}

/**
 * Sets a line's quantity. Raising it needs the SKU on sale with that much stock; lowering it is always
 * allowed (it is how a shopper fixes a line flagged for insufficient stock).
 */
export async function updateCartItem(
  deps: CartDependencies,
  shopperId: Types.ObjectId,
  skuId: string,
  quantity: number,
): Promise<CartReply> {
  const current = (await readCart(deps.carts, shopperId))?.items.find((item) => item.skuId.toHexString() === skuId);
  if (current === undefined) throw notInCart();
  const sku = quantity > current.quantity ? await onSaleSku(deps.catalog, skuId) : undefined;
  await changeCart(deps.carts, shopperId, (items) => {
    const line = items.find((item) => item.skuId.toHexString() === skuId);
    if (line === undefined) throw notInCart();
    if (sku !== undefined && quantity > line.quantity) refuseBeyondStock(sku, quantity);
    return items.map((item) => (item === line ? { ...item, quantity } : item));
  });
  return viewCart(deps, shopperId);
}

export async function removeCartItem(deps: CartDependencies, shopperId: Types.ObjectId, skuId: string): Promise<CartReply> {
  await changeCart(deps.carts, shopperId, (items) => {
    if (!items.some((item) => item.skuId.toHexString() === skuId)) throw notInCart();
    return items.filter((item) => item.skuId.toHexString() !== skuId);
  });
  return viewCart(deps, shopperId);
}

/** The cart's lines to check out: all of them, or those of `skuIds` that are in the cart. */
export async function cartLinesForCheckout(
  carts: Model<Cart>,
  shopperId: Types.ObjectId,
  skuIds: readonly string[] | undefined,
): Promise<CartItem[]> {
  const items = (await readCart(carts, shopperId))?.items ?? [];
  if (skuIds === undefined) return items;
  const wanted = new Set(skuIds);
  return items.filter((item) => wanted.has(item.skuId.toHexString()));
}

/** Bought lines leave the cart (the whole line, whatever its quantity now). */
export async function removeBoughtLines(carts: Model<Cart>, shopperId: Types.ObjectId, skuIds: readonly string[]): Promise<void> {
  const bought = new Set(skuIds);
  await changeCart(carts, shopperId, (items) => items.filter((item) => !bought.has(item.skuId.toHexString())));
}
