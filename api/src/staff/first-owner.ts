import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '@mall/config';
import { isDuplicateKeyError } from '../db/errors.ts';
import { ensureStaffIndexes, type StaffAccount, type StaffModels } from './models.ts';
import { hashPassword } from './passwords.ts';

const DEVELOPMENT_OWNER_USERNAME = 'owner';

export type FirstOwnerOutcome = 'exists' | 'created' | 'missing';

/**
 * Makes sure the mall has an owner. When none exists, one is created from OWNER_USERNAME /
 * OWNER_PASSWORD, or, outside production, as `owner` with a generated password that is logged once.
 * Production without those variables only logs how to create one.
 *
 * Several instances may start at once: the insert is an upsert on the unique username, so exactly one
 * of them creates the account, and only that one logs a generated password.
 */
export async function ensureFirstOwner(models: StaffModels, config: Config, logger: Logger): Promise<FirstOwnerOutcome> {
  await ensureStaffIndexes(models);
  if (await models.StaffAccount.exists({ role: 'owner' })) return 'exists';
  if (!config.owner && config.env === 'production') {
    logger.error(
      'no owner account exists: set OWNER_USERNAME and OWNER_PASSWORD (at least 10 characters) and restart the API to create it; the variables can be removed afterwards',
    );
    return 'missing';
  }
  const username = config.owner?.username ?? DEVELOPMENT_OWNER_USERNAME;
  const password = config.owner?.password ?? randomBytes(12).toString('base64url');
  const account: Omit<StaffAccount, '_id'> = {
    username,
    passwordHash: await hashPassword(password),
    role: 'owner',
    active: true,
    createdAt: new Date(),
  };
  let created: boolean;
  try {
    const result = await models.StaffAccount.updateOne({ username }, { $setOnInsert: account }, { upsert: true });
    created = result.upsertedCount === 1;
  } catch (error) {
    // Two upserts racing on a unique key: the loser may see a duplicate-key error instead of a match.
    if (!isDuplicateKeyError(error)) throw error;
    created = false;
  }
  if (created) {
    if (config.owner) logger.info({ username }, 'created the owner account from OWNER_USERNAME');
    else
      logger.warn(
        { username, password },
        `created the development owner account: sign in as "${username}" with password "${password}" (shown only this once)`,
      );
    return 'created';
  }
  const holder = await models.StaffAccount.findOne({ username }).lean<StaffAccount>();
  if (holder?.role === 'owner') return 'exists';
  logger.error(
    { username },
    `no owner account exists and the username "${username}" belongs to a ${holder?.role ?? 'deleted'} account: set OWNER_USERNAME to another name`,
  );
  return 'missing';
}
