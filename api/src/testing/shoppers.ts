import { randomUUID } from 'node:crypto';
import { customerModels, ensureCustomerIndexes, type Shopper } from '../customers/models.ts';
import { createShopperSession } from '../customers/sessions.ts';
import type { Database } from '../db/database.ts';

/**
 * A shopper with a live session, made directly in the database: for tests of shopper routes that are not
 * about WeChat login (which `customers/login.test.ts` covers against the sandbox).
 */
export async function createTestShopper(
  db: Database,
  fields: Partial<Pick<Shopper, 'openid' | 'unionid' | 'nickname' | 'avatarUrl' | 'phone'>> = {},
): Promise<{ shopper: Shopper; token: string }> {
  const models = customerModels(db.connection);
  await ensureCustomerIndexes(models);
  const now = new Date();
  const created = await models.Shopper.create({ openid: `test-openid-${randomUUID()}`, ...fields, createdAt: now, lastLoginAt: now });
  const shopper = created.toObject();
  const { token } = await createShopperSession(models, shopper._id, now);
  return { shopper, token };
}
