import { randomBytes } from 'node:crypto';
import type { Types } from 'mongoose';
import { hashSessionToken } from '../staff/sessions.ts';
import type { CustomerModels, ShopperSession } from './models.ts';

/**
 * Shopper sessions: a random 32-byte token (base64url, 43 characters), sent as `Authorization: Bearer
 * <token>`, stored only as its SHA-256 in `shopper_sessions` (never in `staff_sessions`, so the two kinds of
 * token never open each other's routes). A session lasts a fixed 30 days from login — the mini-program
 * logs in again silently with `wx.login` when it ends — and ends earlier on logout.
 */
export const SHOPPER_SESSION_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;
const TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/;

export async function createShopperSession(
  models: CustomerModels,
  shopperId: Types.ObjectId,
  now: Date,
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + SHOPPER_SESSION_LIFETIME_MS);
  await models.ShopperSession.create({ tokenHash: hashSessionToken(token), shopperId, createdAt: now, expiresAt });
  return { token, expiresAt };
}

/** The live session for a token, or null for a malformed, unknown, logged-out or expired one. */
export async function findLiveShopperSession(models: CustomerModels, token: string): Promise<ShopperSession | null> {
  if (!TOKEN_FORMAT.test(token)) return null;
  return models.ShopperSession.findOne({ tokenHash: hashSessionToken(token), expiresAt: { $gt: new Date() } }).lean<ShopperSession>();
}

export async function endShopperSession(models: CustomerModels, sessionId: Types.ObjectId): Promise<void> {
  await models.ShopperSession.deleteOne({ _id: sessionId });
}
