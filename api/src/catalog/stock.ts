import { Types, type ClientSession } from 'mongoose';
import { MAX_STOCK, type AdminSku } from '@mall/shared';
import { AppError } from '../http/errors.ts';
import type { CatalogModels, SkuRecord } from './models.ts';
import { toAdminSkuView } from './views.ts';

/** One order line's claim on a SKU's stock. */
export interface StockLine {
  skuId: Types.ObjectId | string;
  quantity: number;
}

interface MergedLine {
  skuId: Types.ObjectId;
  quantity: number;
}

/** One line per SKU (an order may list a SKU twice), quantities whole and positive. */
function mergeLines(lines: readonly StockLine[]): MergedLine[] {
  const merged = new Map<string, MergedLine>();
  for (const line of lines) {
    if (!Number.isSafeInteger(line.quantity) || line.quantity <= 0)
      throw new RangeError(`stock quantity must be a positive integer, got ${line.quantity}`);
    const skuId = new Types.ObjectId(line.skuId);
    const key = skuId.toHexString();
    const current = merged.get(key);
    merged.set(key, { skuId, quantity: (current?.quantity ?? 0) + line.quantity });
  }
  return [...merged.values()];
}

/**
 * Moves stock from available to reserved for every line, or for none: each line is one guarded update
 * (`available >= quantity`), atomic in the database, so concurrent orders can never take more than there
 * is. When a line fails, the lines already reserved are released again and OUT_OF_STOCK names the SKU
 * that ran short. Only active SKUs can be reserved.
 */
export async function reserveStock(models: CatalogModels, lines: readonly StockLine[]): Promise<void> {
  const reserved: MergedLine[] = [];
  for (const line of mergeLines(lines)) {
    const result = await models.Sku.updateOne(
      { _id: line.skuId, active: true, available: { $gte: line.quantity } },
      { $inc: { available: -line.quantity, reserved: line.quantity } },
    );
    if (result.modifiedCount !== 1) {
      await releaseMerged(models, reserved);
      throw new AppError('OUT_OF_STOCK', { details: { skuId: line.skuId.toHexString(), quantity: line.quantity } });
    }
    reserved.push(line);
  }
}

async function releaseMerged(models: CatalogModels, lines: readonly MergedLine[]): Promise<void> {
  const notReserved: string[] = [];
  for (const line of lines) {
    const result = await models.Sku.updateOne(
      { _id: line.skuId, reserved: { $gte: line.quantity } },
      { $inc: { available: line.quantity, reserved: -line.quantity } },
    );
    if (result.modifiedCount !== 1) notReserved.push(line.skuId.toHexString());
  }
  // Releasing what was never reserved would mint stock: a caller bug (a double release) worth failing loudly on.
  if (notReserved.length > 0) throw new Error(`releaseStock: no such reservation on SKU(s) ${notReserved.join(', ')}`);
}

/**
 * Returns reserved stock to available (an order cancelled or expired). The caller releases an order's
 * stock once, behind its own guarded state transition; every line is released even if one fails, then
 * the failure is thrown.
 */
export async function releaseStock(models: CatalogModels, lines: readonly StockLine[]): Promise<void> {
  await releaseMerged(models, mergeLines(lines));
}

/**
 * An order was paid: its reserved stock is sold, so it leaves `reserved` for good and counts towards the
 * products' sales (the storefront's sales ordering). Called once per order, behind its paid transition.
 */
export async function confirmSoldStock(models: CatalogModels, lines: readonly StockLine[]): Promise<void> {
  const notReserved: string[] = [];
  for (const line of mergeLines(lines)) {
    const sku = await models.Sku.findOneAndUpdate(
      { _id: line.skuId, reserved: { $gte: line.quantity } },
      { $inc: { reserved: -line.quantity } },
    ).lean<SkuRecord>();
    if (sku === null) notReserved.push(line.skuId.toHexString());
    else await models.Product.updateOne({ _id: sku.productId }, { $inc: { salesCount: line.quantity } });
  }
  if (notReserved.length > 0) throw new Error(`confirmSoldStock: no such reservation on SKU(s) ${notReserved.join(', ')}`);
}

const skuNotFound = () => new AppError('NOT_FOUND', { message: '规格不存在' });

/** Sets a SKU's available stock (a stocktake); reserved stock is untouched. */
export async function setSkuStock(models: CatalogModels, productId: string, skuId: string, available: number): Promise<AdminSku> {
  const sku = await models.Sku.findOneAndUpdate(
    { _id: skuId, productId, active: true },
    { $set: { available } },
    { returnDocument: 'after' },
  ).lean<SkuRecord>();
  if (sku === null) throw skuNotFound();
  return toAdminSkuView(sku);
}

/** Adds `delta` (negative to remove) in one guarded update: never below 0 (OUT_OF_STOCK), never above the maximum. */
export async function adjustSkuStock(models: CatalogModels, productId: string, skuId: string, delta: number): Promise<AdminSku> {
  const bound = delta < 0 ? { $gte: -delta } : { $lte: MAX_STOCK - delta };
  const sku = await models.Sku.findOneAndUpdate(
    { _id: skuId, productId, active: true, available: bound },
    { $inc: { available: delta } },
    { returnDocument: 'after' },
  ).lean<SkuRecord>();
  if (sku !== null) return toAdminSkuView(sku);
  const current = await models.Sku.findOne({ _id: skuId, productId, active: true }).lean<SkuRecord>();
  if (current === null) throw skuNotFound();
  if (delta < 0)
    throw new AppError('OUT_OF_STOCK', { message: `库存不足，当前可售 ${current.available}`, details: { available: current.available } });
  throw new AppError('VALIDATION_FAILED', {
    message: '库存不能超过 9,999,999',
    details: [{ in: 'body', path: ['delta'], code: 'too_big', message: '库存不能超过 9,999,999' }],
  });
}

/**
 * Goods of a paid order came back (an after-sales refund the merchant chose to restock): the quantities
 * return to available stock and leave the products' sales counts (never below 0). The caller runs this once
 * per request, behind its own guarded claim.
 */
export async function restockReturnedStock(models: CatalogModels, lines: readonly StockLine[], session?: ClientSession): Promise<void> {
  for (const line of mergeLines(lines)) {
    const sku = await models.Sku.findOneAndUpdate(
      { _id: line.skuId },
      { $inc: { available: line.quantity } },
      { session },
    ).lean<SkuRecord>();
    // SKUs are deactivated, never deleted: a missing one is a SKU removed by hand, with no stock left to return to.
    if (sku === null) continue;
    const counted = await models.Product.updateOne(
      { _id: sku.productId, salesCount: { $gte: line.quantity } },
      { $inc: { salesCount: -line.quantity } },
      { session },
    );
    if (counted.modifiedCount === 0)
      await models.Product.updateOne({ _id: sku.productId, salesCount: { $lt: line.quantity } }, { $set: { salesCount: 0 } }, { session });
  }
}
