import { describe, expect, it } from 'vitest';
import { lineTotals, MINIMUM_PAYABLE_FEN, payable, shippingFee, standardCalculators, withDiscount } from './calculators.ts';
import { priceOrder, type OrderPricing, type PriceCalculator, type PricingLineInput } from './chain.ts';

const line = (skuId: string, unitPriceFen: number, quantity: number): PricingLineInput => ({
  skuId,
  productId: `p-${skuId}`,
  title: `商品 ${skuId}`,
  specText: '',
  unitPriceFen,
  quantity,
});

describe('lineTotals', () => {
  it('multiplies each line and sums them exactly', () => {
    const priced = priceOrder([line('a', 1990, 3), line('b', 1, 1)], [lineTotals]);
    expect(priced.lines.map((entry) => entry.lineTotalFen)).toEqual([5970, 1]);
    expect(priced.itemsTotalFen).toBe(5971);
  });

  it('refuses fractional or negative prices and quantities', () => {
    expect(() => priceOrder([line('a', 19.9, 1)], [lineTotals])).toThrow(RangeError);
    expect(() => priceOrder([line('a', 100, 0)], [lineTotals])).toThrow(RangeError);
    expect(() => priceOrder([line('a', -1, 1)], [lineTotals])).toThrow(RangeError);
    expect(() => priceOrder([line('a', Number.MAX_SAFE_INTEGER, 2)], [lineTotals])).toThrow(RangeError);
  });
});

describe('withDiscount', () => {
  const base = priceOrder([line('a', 5000, 1)], [lineTotals]);

  it('records the discount with its reason and calculator', () => {
    const discounted = withDiscount(base, { calculator: 'coupon', reason: '满50减10', amountFen: 1000 });
    expect(discounted.discounts).toEqual([{ calculator: 'coupon', reason: '满50减10', amountFen: 1000 }]);
    expect(discounted.discountTotalFen).toBe(1000);
  });

  it('caps discounts at the items total and drops empty ones', () => {
    const first = withDiscount(base, { calculator: 'a', reason: '一', amountFen: 4000 });
    const second = withDiscount(first, { calculator: 'b', reason: '二', amountFen: 4000 });
    expect(second.discounts.map((discount) => discount.amountFen)).toEqual([4000, 1000]);
    expect(withDiscount(second, { calculator: 'c', reason: '三', amountFen: 500 })).toBe(second);
    expect(withDiscount(base, { calculator: 'd', reason: '负', amountFen: -100 })).toBe(base);
  });
});

describe('shippingFee', () => {
  const rule = { flatFeeFen: 1000, freeAtOrAboveFen: 9900 };

  it('charges the flat fee below the threshold and nothing at or above it, after discounts', () => {
    expect(priceOrder([line('a', 9899, 1)], [lineTotals, shippingFee(rule)]).shippingFeeFen).toBe(1000);
    expect(priceOrder([line('a', 9900, 1)], [lineTotals, shippingFee(rule)]).shippingFeeFen).toBe(0);
    const discountBelow: PriceCalculator = {
      name: 'test-discount',
      apply: (pricing) => withDiscount(pricing, { calculator: 'test-discount', reason: '立减', amountFen: 1 }),
    };
    expect(priceOrder([line('a', 9900, 1)], [lineTotals, discountBelow, shippingFee(rule)]).shippingFeeFen).toBe(1000);
  });

  it('always charges without a threshold, and never for an empty order', () => {
    expect(priceOrder([line('a', 100_000, 1)], [lineTotals, shippingFee({ flatFeeFen: 800, freeAtOrAboveFen: null })]).shippingFeeFen).toBe(
      800,
    );
    expect(priceOrder([], [lineTotals, shippingFee(rule)]).shippingFeeFen).toBe(0);
  });
});

describe('payable', () => {
  it('is items − discounts + shipping', () => {
    const everything: PriceCalculator = {
      name: 'test',
      apply: (pricing: OrderPricing) => withDiscount(pricing, { calculator: 'test', reason: '立减', amountFen: 300 }),
    };
    const priced = priceOrder(
      [line('a', 2000, 2)],
      [lineTotals, everything, shippingFee({ flatFeeFen: 500, freeAtOrAboveFen: null }), payable],
    );
    expect(priced.payableFen).toBe(4000 - 300 + 500);
  });

  it('never goes below the minimum WeChat Pay accepts, shaving the last discount', () => {
    const all: PriceCalculator = {
      name: 'all',
      apply: (pricing) => withDiscount(pricing, { calculator: 'all', reason: '全免', amountFen: pricing.itemsTotalFen }),
    };
    const priced = priceOrder([line('a', 1000, 1)], [lineTotals, all, shippingFee({ flatFeeFen: 0, freeAtOrAboveFen: null }), payable]);
    expect(priced.payableFen).toBe(MINIMUM_PAYABLE_FEN);
    expect(priced.discountTotalFen).toBe(999);
    expect(priced.discounts[0]?.amountFen).toBe(999);
  });
});

describe('standardCalculators', () => {
  it('prices a typical basket', () => {
    const priced = priceOrder([line('tee', 5900, 1), line('socks', 1500, 2)], standardCalculators());
    expect(priced).toMatchObject({ itemsTotalFen: 8900, discountTotalFen: 0, shippingFeeFen: 1000, payableFen: 9900 });
  });
});
