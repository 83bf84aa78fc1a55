import { describe, expect, it } from 'vitest';
import type { StorefrontProduct } from '@mall/shared';
import { clampQuantity, initialSelection, selectedSku, toggleValue, totalAvailable, valueAvailable } from './sku-picker';

function product(
  skus: [string[], number][],
  specs = [
    { name: '颜色', values: ['红', '蓝'] },
    { name: '尺码', values: ['S', 'M'] },
  ],
): StorefrontProduct {
  return {
    id: 'p1',
    title: 'T恤',
    subtitle: '',
    categoryId: 'c1',
    images: [],
    detail: [],
    specs,
    skus: skus.map(([specValues, available], index) => ({ id: `sku-${index}`, specValues, price: 100 + index, available })),
    priceMin: 100,
    priceMax: 103,
    salesCount: 0,
  };
}

const tee = product([
  [['红', 'S'], 3],
  [['红', 'M'], 0],
  [['蓝', 'S'], 0],
  [['蓝', 'M'], 0],
]);

describe('the SKU picker', () => {
  it('disables values with no stock in any combination with the other choices', () => {
    expect(valueAvailable(tee, [undefined, undefined], 0, '红')).toBe(true);
    expect(valueAvailable(tee, [undefined, undefined], 0, '蓝')).toBe(false);
    expect(valueAvailable(tee, ['红', undefined], 1, 'M')).toBe(false);
    expect(valueAvailable(tee, ['红', undefined], 1, 'S')).toBe(true);
    expect(valueAvailable(tee, [undefined, 'M'], 0, '红')).toBe(false);
  });

  it('names a SKU once every spec has a value', () => {
    expect(selectedSku(tee, ['红', undefined])).toBeUndefined();
    expect(selectedSku(tee, ['红', 'S'])?.id).toBe('sku-0');
    expect(selectedSku(product([[[], 4]], []), [])?.id).toBe('sku-0');
  });

  it('toggles values and preselects the only possible ones', () => {
    expect(toggleValue(['红', undefined], 0, '红')).toEqual([undefined, undefined]);
    expect(toggleValue(['红', undefined], 1, 'S')).toEqual(['红', 'S']);
    expect(initialSelection(tee)).toEqual(['红', 'S']);
    expect(
      initialSelection(
        product(
          [
            [['红', 'S'], 1],
            [['蓝', 'S'], 1],
          ],
          [
            { name: '颜色', values: ['红', '蓝'] },
            { name: '尺码', values: ['S'] },
          ],
        ),
      ),
    ).toEqual([undefined, 'S']);
  });

  it('keeps the quantity within 1 and the stock', () => {
    expect(totalAvailable(tee)).toBe(3);
    expect(clampQuantity(5, 3)).toBe(3);
    expect(clampQuantity(0, 3)).toBe(1);
    expect(clampQuantity(2, 0)).toBe(1);
  });
});
