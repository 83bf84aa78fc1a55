import type { Types } from 'mongoose';
import type { UpdateShopperProfileRequest } from '@mall/shared';
import { isDuplicateKeyError } from '../db/errors.ts';
import { AppError } from '../http/errors.ts';
import { isInvalidLoginCode, type MiniProgramClient, type MiniProgramSession } from '../platform/miniprogram/client.ts';
import { ensureCustomerIndexes, type CustomerModels, type Shopper } from './models.ts';
import { createShopperSession } from './sessions.ts';

/** Parallel first logins of one user race to insert; every loser finds the winner's record on its next try. */
const UPSERT_ATTEMPTS = 3;

export interface ShopperLogin {
  shopper: Shopper;
  token: string;
  expiresAt: Date;
}

/**
 * `wx.login` code → WeChat session (openid, unionid) → the shopper (created on first login) → a new session.
 * A bad or used code is LOGIN_CODE_INVALID (400: the mini-program logs in again); WeChat being down stays
 * PLATFORM_ERROR (502) and missing credentials PLATFORM_NOT_CONFIGURED (503).
 */
export async function loginWithCode(models: CustomerModels, miniProgram: MiniProgramClient, code: string): Promise<ShopperLogin> {
  let wechatSession: MiniProgramSession;
  try {
    wechatSession = await miniProgram.codeToSession(code);
  } catch (error) {
    if (isInvalidLoginCode(error)) throw new AppError('LOGIN_CODE_INVALID', { cause: error });
    throw error;
  }
  const now = new Date();
  const shopper = await upsertShopper(models, wechatSession, now);
  const session = await createShopperSession(models, shopper._id, now);
  return { shopper, ...session };
}

/** One shopper per openid, however many logins race: the unique index decides, the losers update the winner. */
async function upsertShopper(models: CustomerModels, { openid, unionid }: MiniProgramSession, now: Date): Promise<Shopper> {
  await ensureCustomerIndexes(models);
  for (let attempt = 1; ; attempt += 1) {
    try {
      const shopper = await models.Shopper.findOneAndUpdate(
        { openid },
        { $set: { lastLoginAt: now, ...(unionid !== undefined && { unionid }) }, $setOnInsert: { createdAt: now } },
        { upsert: true, returnDocument: 'after' },
      ).lean<Shopper>();
      if (shopper === null) throw new Error('an upsert returned no document');
      return shopper;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      // Still clashing after the retries: the unionid belongs to another openid (the mini-program's AppID changed).
      if (attempt === UPSERT_ATTEMPTS) throw new AppError('CONFLICT', { details: { field: 'unionid' }, cause: error });
    }
  }
}

export async function updateShopperProfile(
  models: CustomerModels,
  shopperId: Types.ObjectId,
  changes: UpdateShopperProfileRequest,
): Promise<Shopper> {
  const shopper = await models.Shopper.findOneAndUpdate({ _id: shopperId }, { $set: changes }, { returnDocument: 'after' }).lean<Shopper>();
  if (shopper === null) throw new AppError('UNAUTHENTICATED');
  return shopper;
}
