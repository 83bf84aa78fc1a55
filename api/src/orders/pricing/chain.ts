/**
 * Order pricing as an ordered chain of calculators (the way Medusa and Vendure price carts): each takes
 * the order priced so far and returns it with its own part added — line totals, then promotions
 * (coupons, group and flash prices when they land), then shipping, then the payable amount. Preview and
 * checkout run the same chain, so what the shopper is shown is what they pay. All amounts are integer fen.
 */

export interface PricingLineInput {
  skuId: string;
  productId: string;
  title: string;
  /** e.g. `红 / M`; empty for a product without specs. */
  specText: string;
  imageUrl?: string;
  /** The SKU's current price, read by the server from the catalog (never from the client). */
  unitPriceFen: number;
  quantity: number;
}

export interface PricedLine extends PricingLineInput {
  lineTotalFen: number;
}

/** One discount, with the reason the shopper sees (Chinese) and which calculator granted it. */
export interface Discount {
  calculator: string;
  reason: string;
  amountFen: number;
}

export interface OrderPricing {
  lines: PricedLine[];
  itemsTotalFen: number;
  discounts: Discount[];
  discountTotalFen: number;
  shippingFeeFen: number;
  payableFen: number;
}

export interface PriceCalculator {
  /** Stable name, recorded on each discount it grants. */
  name: string;
  apply(pricing: OrderPricing): OrderPricing;
}

/** Runs the calculators in order over the lines. */
export function priceOrder(lines: readonly PricingLineInput[], calculators: readonly PriceCalculator[]): OrderPricing {
  const start: OrderPricing = {
    lines: lines.map((line) => ({ ...line, lineTotalFen: 0 })),
    itemsTotalFen: 0,
    discounts: [],
    discountTotalFen: 0,
    shippingFeeFen: 0,
    payableFen: 0,
  };
  return calculators.reduce((pricing, calculator) => calculator.apply(pricing), start);
}
