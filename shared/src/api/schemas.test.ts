import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createStaffRequestSchema,
  healthReplySchema,
  staffLoginReplySchema,
  staffLoginRequestSchema,
  staffUsernameSchema,
} from '../index.ts';

describe('health reply', () => {
  it('accepts the documented shape only', () => {
    expect(healthReplySchema.safeParse({ status: 'ok', db: { mode: 'embedded' }, sandbox: true, version: '0.1.0' }).success).toBe(true);
    expect(healthReplySchema.safeParse({ status: 'ok', db: { mode: 'sqlite' }, sandbox: true, version: '0.1.0' }).success).toBe(false);
    expect(healthReplySchema.safeParse({ status: 'degraded', db: { mode: 'mongodb' }, sandbox: false, version: '0.1.0' }).success).toBe(
      false,
    );
  });
});

describe('staff usernames', () => {
  it('are trimmed and lower-cased', () => {
    expect(staffUsernameSchema.parse('  Alice.W ')).toBe('alice.w');
  });

  it.each(['ab', 'a'.repeat(33), '-alice', 'ali ce', 'ali|ce', '张三'])('refuse %j', (username) => {
    expect(staffUsernameSchema.safeParse(username).success).toBe(false);
  });
});

describe('login request', () => {
  it('normalises the username like account creation does', () => {
    expect(staffLoginRequestSchema.parse({ username: ' Owner ', password: 'x' })).toEqual({ username: 'owner', password: 'x' });
  });

  it('refuses unknown fields and missing passwords', () => {
    expect(staffLoginRequestSchema.safeParse({ username: 'owner', password: 'x', role: 'owner' }).success).toBe(false);
    expect(staffLoginRequestSchema.safeParse({ username: 'owner' }).success).toBe(false);
  });
});

describe('login reply', () => {
  it('carries a token, its expiry and the staff member', () => {
    const reply = {
      token: 'abc',
      expiresAt: '2026-11-23T12:00:00.000Z',
      staff: { id: '1', username: 'owner', role: 'owner', active: true, createdAt: '2026-11-23T00:00:00.000Z' },
    };
    expect(staffLoginReplySchema.parse(reply)).toEqual(reply);
    expect(staffLoginReplySchema.safeParse({ ...reply, expiresAt: 'tomorrow' }).success).toBe(false);
  });
});

describe('create staff request', () => {
  const base = { username: 'mia', password: 'correct horse battery' };

  it('needs a store for store managers and refuses one for brand-wide roles', () => {
    expect(createStaffRequestSchema.safeParse({ ...base, role: 'store_manager', storeId: 'sh-01' }).success).toBe(true);
    expect(createStaffRequestSchema.safeParse({ ...base, role: 'operator' }).success).toBe(true);
    const missing = createStaffRequestSchema.safeParse({ ...base, role: 'store_manager' });
    expect(missing.success).toBe(false);
    expect(missing.error?.issues[0]?.path).toEqual(['storeId']);
    expect(createStaffRequestSchema.safeParse({ ...base, role: 'viewer', storeId: 'sh-01' }).success).toBe(false);
  });

  it('refuses short passwords and unknown roles', () => {
    expect(createStaffRequestSchema.safeParse({ ...base, password: 'short', role: 'viewer' }).success).toBe(false);
    expect(createStaffRequestSchema.safeParse({ ...base, role: 'guide' }).success).toBe(false);
  });

  it('can be described as JSON Schema (the API documents itself from these schemas)', () => {
    const jsonSchema = z.toJSONSchema(createStaffRequestSchema, { io: 'input' });
    expect(jsonSchema).toMatchObject({ type: 'object', required: ['username', 'password', 'role'] });
  });
});
