import { Types } from 'mongoose';
import { describe, expect, it } from 'vitest';
import type { OrderLineRecord } from '../orders/models.ts';
import { allocateProportionally, commissionOn, netLineAmounts, orderCommissionOf, reversedCommission } from './commission.ts';
import { seededRandom } from '../testing/random.ts';

function lines(...totals: number[]): OrderLineRecord[] {
  return totals.map((lineTotalFen, index) => ({
    skuId: new Types.ObjectId(),
    productId: new Types.ObjectId(),
    title: `商品${index + 1}`,
    specText: '',
    unitPriceFen: lineTotalFen,
    quantity: 1,
    lineTotalFen,
  }));
}

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

describe('allocating a discount over lines', () => {
  it.each([
    { amount: 100, weights: [1, 1, 1], parts: [34, 33, 33] },
    { amount: 1, weights: [3333, 3333, 3334], parts: [0, 0, 1] },
    { amount: 2, weights: [1, 1, 1], parts: [1, 1, 0] },
    { amount: 999, weights: [12900, 4999, 1], parts: [720, 279, 0] },
    { amount: 1000, weights: [333, 333, 334], parts: [333, 333, 334] },
    { amount: 0, weights: [500, 700], parts: [0, 0] },
    { amount: 700, weights: [0, 700], parts: [0, 700] },
    { amount: 50, weights: [0, 0], parts: [0, 0] },
  ])('$amount over $weights → $parts', ({ amount, weights, parts }) => {
    expect(allocateProportionally(amount, weights)).toEqual(parts);
  });

  it('always adds up exactly, each part within a fen of its exact share, for awkward and huge amounts (500 seeded cases)', () => {
    const random = seededRandom(20260506);
    for (let round = 0; round < 500; round += 1) {
      const huge = round % 50 === 0;
      const weights = Array.from({ length: 1 + Math.floor(random() * 6) }, () => Math.floor(random() * (huge ? 9e12 : 99_999)) + 1);
      const amount = Math.floor(random() * sum(weights));
      const parts = allocateProportionally(amount, weights);
      expect(sum(parts)).toBe(amount);
      const total = sum(weights);
      parts.forEach((part, index) => {
        const exact = (amount * weights[index]!) / total;
        expect(Math.abs(part - exact)).toBeLessThan(1 + 1e-6 * Math.max(1, exact));
      });
    }
  });

  it('nets each line of its share of the order discounts; the nets add up to items total minus discounts', () => {
    const order = { lines: lines(12900, 4999, 1), discountTotalFen: 999 };
    const nets = netLineAmounts(order);
    expect(nets).toEqual([12180, 4720, 1]);
    expect(sum(nets)).toBe(12900 + 4999 + 1 - 999);
    // A discount larger than the goods (it never is, but nothing goes negative).
    expect(netLineAmounts({ lines: lines(300, 200), discountTotalFen: 900 })).toEqual([0, 0]);
  });
});

describe('commission', () => {
  it.each([
    { amount: 333, bps: 150, fen: 5 },
    { amount: 33, bps: 150, fen: 0 },
    { amount: 100, bps: 50, fen: 1 },
    { amount: 99, bps: 50, fen: 0 },
    { amount: 12180, bps: 1005, fen: 1224 },
    { amount: 1, bps: 10000, fen: 1 },
    { amount: 0, bps: 800, fen: 0 },
  ])('$bps bps of $amount fen is $fen fen (rounded half up)', ({ amount, bps, fen }) => {
    expect(commissionOn(amount, bps)).toBe(fen);
  });

  it('takes the line’s category rate, else its parent category’s, else the guide’s; a 0% category earns nothing', () => {
    const order = { lines: lines(10000, 10000, 10000, 10000), discountTotalFen: 4000 };
    const chains = [['tee', 'apparel'], ['trousers', 'apparel'], ['socks', 'accessories'], []];
    const rates = {
      guideBps: 300,
      categoryBps: new Map([
        ['tee', 500],
        ['apparel', 200],
        ['accessories', 0],
      ]),
    };
    const result = orderCommissionOf(order, chains, rates);
    expect(result.lines).toEqual([
      { netFen: 9000, rateBps: 500, commissionFen: 450 },
      { netFen: 9000, rateBps: 200, commissionFen: 180 },
      { netFen: 9000, rateBps: 0, commissionFen: 0 },
      { netFen: 9000, rateBps: 300, commissionFen: 270 },
    ]);
    expect(result.commissionFen).toBe(900);
    expect(orderCommissionOf(order, chains, { guideBps: null, categoryBps: new Map() }).commissionFen).toBe(0);
  });
});

describe('reversing commission on refunds', () => {
  it('reverses in proportion, and refunds adding up to the payable reverse exactly the whole commission', () => {
    expect(reversedCommission(317, 9999, 0, 3333)).toBe(105);
    expect(reversedCommission(317, 9999, 3333, 3333)).toBe(106);
    expect(reversedCommission(317, 9999, 6666, 3333)).toBe(106);
    expect(reversedCommission(0, 9999, 0, 9999)).toBe(0);
    expect(reversedCommission(317, 0, 0, 0)).toBe(0);

    const random = seededRandom(7);
    for (let round = 0; round < 300; round += 1) {
      const payable = 1 + Math.floor(random() * 500_000);
      const commission = Math.floor(random() * payable * 0.3);
      let refunded = 0;
      let reversed = 0;
      while (refunded < payable) {
        const refund = random() < 0.3 ? payable - refunded : 1 + Math.floor(random() * (payable - refunded));
        const reversal = reversedCommission(commission, payable, refunded, refund);
        expect(reversal).toBeGreaterThanOrEqual(0);
        reversed += reversal;
        refunded += refund;
        expect(reversed).toBeLessThanOrEqual(commission);
      }
      expect(reversed).toBe(commission);
    }
  });
});
