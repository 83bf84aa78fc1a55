import type { Discount, OrderPricing, PriceCalculator } from './chain.ts';

/** WeChat Pay cannot take an order of 0 fen; discounts never bring the payable amount below this. */
export const MINIMUM_PAYABLE_FEN = 1;

/** Line totals and the items total: unit price × quantity, checked to stay exact integers. */
export const lineTotals: PriceCalculator = {
  name: 'line-totals',
  apply(pricing) {
    const lines = pricing.lines.map((line) => {
      if (!Number.isSafeInteger(line.unitPriceFen) || line.unitPriceFen < 0) throw new RangeError(`bad unit price for ${line.skuId}`);
      if (!Number.isSafeInteger(line.quantity) || line.quantity < 1) throw new RangeError(`bad quantity for ${line.skuId}`);
      return { ...line, lineTotalFen: line.unitPriceFen * line.quantity };
    });
    const itemsTotalFen = lines.reduce((sum, line) => sum + line.lineTotalFen, 0);
    if (!Number.isSafeInteger(itemsTotalFen)) throw new RangeError('items total out of range');
    return { ...pricing, lines, itemsTotalFen };
  },
};

/** Adds a discount, capped so that the discounts never exceed the items total (the shopper never gets paid). */
export function withDiscount(pricing: OrderPricing, discount: Discount): OrderPricing {
  const room = pricing.itemsTotalFen - pricing.discountTotalFen;
  const amountFen = Math.min(Math.max(0, Math.floor(discount.amountFen)), room);
  if (amountFen === 0) return pricing;
  return {
    ...pricing,
    discounts: [...pricing.discounts, { ...discount, amountFen }],
    discountTotalFen: pricing.discountTotalFen + amountFen,
  };
}

/** The merchant's delivery charge: a flat fee, waived at or above a threshold (after discounts). */
export interface ShippingRule {
  flatFeeFen: number;
  /** null: the fee always applies. */
  freeAtOrAboveFen: number | null;
}

/** ¥10 delivery, free from ¥99: what a small brand's mall typically starts with (a merchant setting later). */
export const DEFAULT_SHIPPING_RULE: ShippingRule = { flatFeeFen: 1000, freeAtOrAboveFen: 9900 };

export function shippingFee(rule: ShippingRule): PriceCalculator {
  return {
    name: 'shipping-fee',
    apply(pricing) {
      const goodsFen = pricing.itemsTotalFen - pricing.discountTotalFen;
      const free = rule.freeAtOrAboveFen !== null && goodsFen >= rule.freeAtOrAboveFen;
      return { ...pricing, shippingFeeFen: free || pricing.lines.length === 0 ? 0 : rule.flatFeeFen };
    },
  };
}

/** The amount to pay: items − discounts + shipping, never below the minimum WeChat Pay accepts. */
export const payable: PriceCalculator = {
  name: 'payable',
  apply(pricing) {
    const due = pricing.itemsTotalFen - pricing.discountTotalFen + pricing.shippingFeeFen;
    if (pricing.lines.length === 0) return { ...pricing, payableFen: 0 };
    if (due >= MINIMUM_PAYABLE_FEN) return { ...pricing, payableFen: due };
    // Shave the last discount so the order costs exactly the minimum.
    const excess = MINIMUM_PAYABLE_FEN - due;
    const discounts = pricing.discounts.map((discount, index) =>
      index === pricing.discounts.length - 1 ? { ...discount, amountFen: discount.amountFen - excess } : discount,
    );
    return { ...pricing, discounts, discountTotalFen: pricing.discountTotalFen - excess, payableFen: MINIMUM_PAYABLE_FEN };
  },
};

/** The chain checkout uses today: promotions slot in between line totals and shipping as they land. */
export function standardCalculators(rule: ShippingRule = DEFAULT_SHIPPING_RULE): PriceCalculator[] {
  return [lineTotals, shippingFee(rule), payable];
}
