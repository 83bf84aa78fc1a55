import { describe, expect, it } from 'vitest';
import { idempotencyKeySchema } from './api/inheritance.ts';
import { newIdempotencyKey } from './idempotency-key.ts';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('idempotency keys', () => {
  it('are distinct version-4 UUIDs, which the API takes as Idempotency-Key', () => {
    const keys = Array.from({ length: 100 }, newIdempotencyKey);
    for (const key of keys) {
      expect(key).toMatch(UUID_V4);
      expect(idempotencyKeySchema.safeParse(key).success).toBe(true);
    }
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('are made without crypto too, as in the mini-program', () => {
    const { crypto } = globalThis;
    Object.defineProperty(globalThis, 'crypto', { value: undefined, configurable: true });
    try {
      expect(newIdempotencyKey()).toMatch(UUID_V4);
    } finally {
      Object.defineProperty(globalThis, 'crypto', { value: crypto, configurable: true });
    }
  });
});

describe('idempotencyKeySchema', () => {
  it.each([
    ['missing', undefined],
    ['too short', 'abc'],
    ['too long', 'a'.repeat(65)],
    ['with spaces', 'not a key at all here'],
    ['with other characters', 'key/with/slashes/1234'],
  ])('refuses a key %s', (_name, key) => {
    expect(idempotencyKeySchema.safeParse(key).success).toBe(false);
  });
});
