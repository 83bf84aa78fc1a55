import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminProduct } from '@mall/shared';
import { AppError } from '../http/errors.ts';
import { addCategory, addOnSaleProduct, productRequest, startCatalogTest, type CatalogTestContext } from '../testing/catalog.ts';
import { confirmSoldStock, releaseStock, reserveStock } from './stock.ts';

let context: CatalogTestContext;
let categoryId: string;

beforeAll(async () => {
  context = await startCatalogTest();
  categoryId = (await addCategory(context, '库存')).id;
});

afterAll(async () => {
  await context.stop();
});

/** A product on sale with one SKU of the given stock. */
async function productWithStock(stock: number): Promise<AdminProduct> {
  return addOnSaleProduct(context, productRequest(categoryId, { specs: [], skus: [{ specValues: [], price: 500, stock }] }));
}

async function stockOf(skuId: string) {
  const sku = await context.models.Sku.findById(skuId).lean();
  return { available: sku?.available, reserved: sku?.reserved };
}

describe('reserveStock', () => {
  it('200 parallel reservations of 1 on a stock of 50: exactly 50 succeed, never below 0', async () => {
    const product = await productWithStock(50);
    const skuId = product.skus[0]!.id;
    const outcomes = await Promise.allSettled(Array.from({ length: 200 }, () => reserveStock(context.models, [{ skuId, quantity: 1 }])));
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(50);
    const failures = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
    expect(failures).toHaveLength(150);
    expect(failures.every((failure) => failure instanceof AppError && failure.code === 'OUT_OF_STOCK')).toBe(true);
    expect(await stockOf(skuId)).toEqual({ available: 0, reserved: 50 });
  });

  it('reserves every line or none: a short line releases the ones already reserved', async () => {
    const plenty = await productWithStock(10);
    const scarce = await productWithStock(1);
    const lines = [
      { skuId: plenty.skus[0]!.id, quantity: 4 },
      { skuId: scarce.skus[0]!.id, quantity: 2 },
    ];
    const failure = await reserveStock(context.models, lines).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AppError);
    expect(failure).toMatchObject({ code: 'OUT_OF_STOCK', status: 409, details: { skuId: scarce.skus[0]!.id, quantity: 2 } });
    expect(await stockOf(plenty.skus[0]!.id)).toEqual({ available: 10, reserved: 0 });
    expect(await stockOf(scarce.skus[0]!.id)).toEqual({ available: 1, reserved: 0 });
  });

  it('adds up lines on the same SKU', async () => {
    const product = await productWithStock(5);
    const skuId = product.skus[0]!.id;
    await expect(
      reserveStock(context.models, [
        { skuId, quantity: 3 },
        { skuId, quantity: 3 },
      ]),
    ).rejects.toMatchObject({ code: 'OUT_OF_STOCK' });
    await reserveStock(context.models, [
      { skuId, quantity: 2 },
      { skuId, quantity: 3 },
    ]);
    expect(await stockOf(skuId)).toEqual({ available: 0, reserved: 5 });
  });

  it('refuses SKUs an edit dropped, and quantities that are not positive whole numbers', async () => {
    const product = await productWithStock(5);
    await context.models.Sku.updateOne({ _id: product.skus[0]!.id }, { $set: { active: false } });
    await expect(reserveStock(context.models, [{ skuId: product.skus[0]!.id, quantity: 1 }])).rejects.toMatchObject({
      code: 'OUT_OF_STOCK',
    });
    for (const quantity of [0, -1, 1.5, Number.NaN]) {
      await expect(reserveStock(context.models, [{ skuId: product.skus[0]!.id, quantity }])).rejects.toThrow(RangeError);
    }
  });
});

describe('releaseStock and confirmSoldStock', () => {
  it('return reserved stock, or sell it and count the sales', async () => {
    const product = await productWithStock(20);
    const skuId = product.skus[0]!.id;
    await reserveStock(context.models, [{ skuId, quantity: 6 }]);
    await releaseStock(context.models, [{ skuId, quantity: 2 }]);
    expect(await stockOf(skuId)).toEqual({ available: 16, reserved: 4 });
    await confirmSoldStock(context.models, [{ skuId, quantity: 4 }]);
    expect(await stockOf(skuId)).toEqual({ available: 16, reserved: 0 });
    expect((await context.models.Product.findById(product.id).lean())?.salesCount).toBe(4);
  });

  it('refuse to release or sell what is not reserved (a double release would mint stock)', async () => {
    const product = await productWithStock(3);
    const skuId = product.skus[0]!.id;
    await reserveStock(context.models, [{ skuId, quantity: 1 }]);
    await releaseStock(context.models, [{ skuId, quantity: 1 }]);
    await expect(releaseStock(context.models, [{ skuId, quantity: 1 }])).rejects.toThrow(/no such reservation/);
    await expect(confirmSoldStock(context.models, [{ skuId, quantity: 1 }])).rejects.toThrow(/no such reservation/);
    expect(await stockOf(skuId)).toEqual({ available: 3, reserved: 0 });
  });
});
