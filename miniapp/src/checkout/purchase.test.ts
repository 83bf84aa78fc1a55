import { describe, expect, it } from 'vitest';
import { newIdempotencyKey } from './idempotency-key';
import { buyNowUrl, cartCheckoutUrl, guideCartCheckoutUrl, purchaseFromQuery } from './purchase';

const a = 'b00000000000000000000001';
const b = 'b00000000000000000000002';
const token = 'Qm9vdHMtYW5kLXNjYXJ2ZXMh';

function query(url: string): Record<string, string> {
  return Object.fromEntries((url.split('?')[1] ?? '').split('&').map((pair) => pair.split('=') as [string, string]));
}

describe('the checkout query', () => {
  it('round-trips cart lines and buy-now', () => {
    expect(purchaseFromQuery(query(cartCheckoutUrl([a, b])))).toEqual({ fromCart: true, skuIds: [a, b] });
    expect(purchaseFromQuery(query(buyNowUrl(a, 3)))).toEqual({ items: [{ skuId: a, quantity: 3 }] });
    expect(purchaseFromQuery(query(guideCartCheckoutUrl(token)))).toEqual({ guideCartToken: token });
  });

  it.each([
    ['nothing', {}],
    ['an empty line list', { skuIds: '' }],
    ['a malformed id', { skuIds: `${a},xyz` }],
    ['the same line twice', { skuIds: `${a},${a}` }],
    ['no quantity', { skuId: a }],
    ['a zero quantity', { skuId: a, quantity: '0' }],
    ['a quantity over the limit', { skuId: a, quantity: '1000' }],
    ['a fractional quantity', { skuId: a, quantity: '1.5' }],
    ['a malformed SKU', { skuId: 'x', quantity: '1' }],
    ['a short guide cart token', { guideCart: 'abc' }],
    ['a guide cart token with other characters', { guideCart: `${token.slice(1)}!` }],
  ])('refuses %s', (_name, params) => {
    expect(purchaseFromQuery(params)).toBeNull();
  });
});

describe('idempotency keys', () => {
  it('are distinct version-4 UUIDs', () => {
    const keys = Array.from({ length: 100 }, newIdempotencyKey);
    for (const key of keys) expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('are made without crypto too, as in the mini-program', () => {
    const { crypto } = globalThis;
    Object.defineProperty(globalThis, 'crypto', { value: undefined, configurable: true });
    try {
      expect(newIdempotencyKey()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    } finally {
      Object.defineProperty(globalThis, 'crypto', { value: crypto, configurable: true });
    }
  });
});
