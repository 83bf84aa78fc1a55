import { Types } from 'mongoose';
import { describe, expect, it } from 'vitest';
import { CONTACT_WAY_STATE_MAX_CHARS } from '../platform/wecom/client.ts';
import { generalState, parseState, shopperKey, shopperState } from './state.ts';

describe('contact-way state', () => {
  it("is the guide's code for the general contact way", () => {
    expect(generalState('K7M2QP')).toBe('K7M2QP');
    expect(parseState('K7M2QP')).toEqual({ guideCode: 'K7M2QP' });
  });

  it("names the shopper with their id's 12 bytes in base64url, within WeCom's 30 characters", () => {
    for (let round = 0; round < 50; round += 1) {
      const shopperId = new Types.ObjectId();
      const state = shopperState('K7M2QP', shopperId);
      expect(shopperKey(shopperId)).toHaveLength(16);
      expect(state).toMatch(/^K7M2QP\.[A-Za-z0-9_-]{16}$/);
      expect(state.length).toBeLessThanOrEqual(CONTACT_WAY_STATE_MAX_CHARS);
      const parsed = parseState(state);
      expect(parsed?.guideCode).toBe('K7M2QP');
      expect(parsed?.shopperId?.equals(shopperId)).toBe(true);
    }
  });

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ["another tool's", 'campaign-2024'],
    ['a lower-case code', 'k7m2qp'],
    ['an ambiguous letter in the code', 'K7M2Q0'],
    ['a short key', 'K7M2QP.abc'],
    ['a key with a bad character', 'K7M2QP.ZB9x2hQk0c3aBcD='],
    ['trailing text', 'K7M2QP.ZB9x2hQk0c3aBcDe.x'],
  ])('is not ours when %s', (_name, state) => {
    expect(parseState(state)).toBeUndefined();
  });

  it('refuses to make a state from something that is not a guide code', () => {
    expect(() => generalState('nope')).toThrow();
  });
});
