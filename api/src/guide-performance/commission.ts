import type { ClientSession, Types } from 'mongoose';
import type { CatalogModels, CategoryRecord, ProductRecord } from '../catalog/models.ts';
import type { OrderRecord } from '../orders/models.ts';
import type { CommissionRateRecord, GuidePerformanceModels } from './models.ts';

/**
 * Commission (提成): each line of a paid order earns its rate on what the shopper paid for it — its total less its
 * share of the order's discounts (shipping earns nothing). A line's category rate wins (its own category's, else
 * the parent category's), then the guide's rate; with neither it earns nothing. Refunds reverse commission in
 * proportion to the amount refunded.
 */

const BPS_DENOMINATOR = 10_000n;

/**
 * Splits `amountFen` over `weights` in proportion, in whole fen, so that the parts add up to exactly `amountFen`:
 * each part is rounded down, and the fen left over go one each to the parts with the largest remainders (the
 * earlier part first on equal remainders). Exact integer arithmetic (BigInt): no float error, whatever the amounts.
 */
export function allocateProportionally(amountFen: number, weights: readonly number[]): number[] {
  const total = weights.reduce((sum, weight) => sum + BigInt(weight), 0n);
  if (total === 0n) return weights.map(() => 0);
  const amount = BigInt(amountFen);
  const shares = weights.map((weight, index) => {
    const product = amount * BigInt(weight);
    return { index, part: product / total, remainder: product % total };
  });
  let leftOver = amount - shares.reduce((sum, share) => sum + share.part, 0n);
  const byRemainder = [...shares].sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (const share of byRemainder) {
    if (leftOver === 0n) break;
    share.part += 1n;
    leftOver -= 1n;
  }
  return shares.map((share) => Number(share.part));
}

/** What each line was paid: its total less its proportional share of the order's discounts (never below zero in sum). */
export function netLineAmounts(order: Pick<OrderRecord, 'lines' | 'discountTotalFen'>): number[] {
  const totals = order.lines.map((line) => line.lineTotalFen);
  const itemsTotal = totals.reduce((sum, total) => sum + total, 0);
  const discounts = allocateProportionally(Math.min(order.discountTotalFen, itemsTotal), totals);
  return totals.map((total, index) => total - (discounts[index] ?? 0));
}

/** `amountFen × rateBps / 10000`, rounded half up to whole fen. */
export function commissionOn(amountFen: number, rateBps: number): number {
  return Number((BigInt(amountFen) * BigInt(rateBps) * 2n + BPS_DENOMINATOR) / (2n * BPS_DENOMINATOR));
}

/** The rates that apply to one guide's lines: the guide's own and every category's (category id → rate). */
export interface ApplicableRates {
  guideBps: number | null;
  categoryBps: ReadonlyMap<string, number>;
}

/** The commission of each line and their sum, given each line's category chain (own category first, then its parent). */
export function orderCommissionOf(
  order: Pick<OrderRecord, 'lines' | 'discountTotalFen'>,
  categoryChains: readonly (readonly string[])[],
  rates: ApplicableRates,
): { commissionFen: number; lines: { netFen: number; rateBps: number; commissionFen: number }[] } {
  const lines = netLineAmounts(order).map((netFen, index) => {
    const categoryRate = (categoryChains[index] ?? []).map((id) => rates.categoryBps.get(id)).find((rate) => rate !== undefined);
    const rateBps = categoryRate ?? rates.guideBps ?? 0;
    return { netFen, rateBps, commissionFen: commissionOn(netFen, rateBps) };
  });
  return { commissionFen: lines.reduce((sum, line) => sum + line.commissionFen, 0), lines };
}

/**
 * The commission a refund reverses: the order's commission in proportion to what has been refunded, counted
 * cumulatively (rounded down) so that refunds adding up to the whole payable reverse exactly the whole commission.
 */
export function reversedCommission(commissionFen: number, payableFen: number, refundedBeforeFen: number, refundFen: number): number {
  if (payableFen <= 0 || commissionFen === 0) return 0;
  const reversedUpTo = (refunded: number) => Number((BigInt(commissionFen) * BigInt(Math.min(refunded, payableFen))) / BigInt(payableFen));
  return reversedUpTo(refundedBeforeFen + refundFen) - reversedUpTo(refundedBeforeFen);
}

export function rateId(target: CommissionRateRecord['target'], targetId: Types.ObjectId | string): string {
  return `${target}:${String(targetId)}`;
}

/** The order's commission at this moment's rates and catalog (read in `session` when given). */
export async function computeOrderCommission(
  models: { performance: GuidePerformanceModels; catalog: CatalogModels },
  order: Pick<OrderRecord, 'lines' | 'discountTotalFen' | 'attribution'>,
  session?: ClientSession,
): Promise<number> {
  const { guideId } = order.attribution;
  if (guideId === undefined) return 0;
  const rateRecords = await models.performance.CommissionRate.find({ $or: [{ _id: rateId('guide', guideId) }, { target: 'category' }] })
    .session(session ?? null)
    .lean<CommissionRateRecord[]>();
  const guideBps = rateRecords.find((rate) => rate.target === 'guide')?.rateBps ?? null;
  const categoryBps = new Map(
    rateRecords.filter((rate) => rate.target === 'category').map((rate) => [rate.targetId.toHexString(), rate.rateBps]),
  );
  if (guideBps === null && categoryBps.size === 0) return 0;

  let chains: string[][] = order.lines.map(() => []);
  if (categoryBps.size > 0) {
    const products = await models.catalog.Product.find({ _id: { $in: order.lines.map((line) => line.productId) } }, { categoryId: 1 })
      .session(session ?? null)
      .lean<Pick<ProductRecord, '_id' | 'categoryId'>[]>();
    const categoryOf = new Map(products.map((product) => [product._id.toHexString(), product.categoryId]));
    const categories = await models.catalog.Category.find({ _id: { $in: [...categoryOf.values()] } }, { parentId: 1 })
      .session(session ?? null)
      .lean<Pick<CategoryRecord, '_id' | 'parentId'>[]>();
    const parentOf = new Map(categories.map((category) => [category._id.toHexString(), category.parentId?.toHexString()]));
    chains = order.lines.map((line) => {
      const own = categoryOf.get(line.productId.toHexString())?.toHexString();
      if (own === undefined) return [];
      const parent = parentOf.get(own);
      return parent === undefined ? [own] : [own, parent];
    });
  }
  return orderCommissionOf(order, chains, { guideBps, categoryBps }).commissionFen;
}
