import { createHash, randomBytes } from 'node:crypto';
import type { Types } from 'mongoose';
import type { StaffModels, StaffSession } from './models.ts';

/**
 * Staff sessions: a random 32-byte token (base64url, 43 characters), sent as
 * `Authorization: Bearer <token>`, stored only as its SHA-256 in `staff_sessions`. A session lasts a
 * fixed 12 hours from sign-in (a working day; no sliding renewal, so a stolen token dies on schedule)
 * and ends earlier on sign-out or when the account is deactivated.
 */
export const SESSION_LIFETIME_MS = 12 * 60 * 60 * 1000;
const TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/;

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function createSession(models: StaffModels, staffId: Types.ObjectId): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const createdAt = new Date();
  const expiresAt = new Date(createdAt.getTime() + SESSION_LIFETIME_MS);
  await models.StaffSession.create({ tokenHash: hashSessionToken(token), staffId, createdAt, expiresAt });
  return { token, expiresAt };
}

/** The live session for a token, or null for a malformed, unknown, signed-out or expired one. */
export async function findLiveSession(models: StaffModels, token: string): Promise<StaffSession | null> {
  if (!TOKEN_FORMAT.test(token)) return null;
  return models.StaffSession.findOne({ tokenHash: hashSessionToken(token), expiresAt: { $gt: new Date() } }).lean<StaffSession>();
}

export async function endSession(models: StaffModels, sessionId: Types.ObjectId): Promise<void> {
  await models.StaffSession.deleteOne({ _id: sessionId });
}
