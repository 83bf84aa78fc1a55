import { describe, expect, it } from 'vitest';
import {
  createGuideRequestSchema,
  guideListQuerySchema,
  redeemInvitationRequestSchema,
  updateGuideRequestSchema,
  updateStoreRequestSchema,
} from './guides.ts';

describe('guide schemas', () => {
  it('take invitation codes in any case and with spaces around, and refuse ambiguous characters', () => {
    expect(redeemInvitationRequestSchema.parse({ code: ' h4kx8pq2 ' })).toEqual({ code: 'H4KX8PQ2' });
    for (const code of ['H4KX8PQ0', 'H4KX8PQI', 'H4KX8PQL', 'H4KX8PQ', 'H4KX8PQ22']) {
      expect(redeemInvitationRequestSchema.safeParse({ code }).success, code).toBe(false);
    }
  });

  it('refuse empty updates and fields a caller may not set', () => {
    expect(updateStoreRequestSchema.safeParse({}).success).toBe(false);
    expect(updateGuideRequestSchema.safeParse({}).success).toBe(false);
    expect(updateGuideRequestSchema.parse({ wecomUserId: null })).toEqual({ wecomUserId: null });
    expect(createGuideRequestSchema.safeParse({ name: '李娜', storeId: 'a00000000000000000000001', code: 'AAAAAA' }).success).toBe(false);
  });

  it('page the guide list with defaults', () => {
    expect(guideListQuerySchema.parse({})).toEqual({ page: 1, pageSize: 20 });
    expect(guideListQuerySchema.safeParse({ pageSize: '101' }).success).toBe(false);
  });
});
