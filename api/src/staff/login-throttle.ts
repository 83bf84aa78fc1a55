import type { LoginFailures, StaffModels } from './models.ts';

/**
 * At most 5 failed sign-ins per username and IP within 10 minutes of the first failure; after that,
 * sign-in is refused (even with the right password) until the window ends. Counts live in Mongo, so
 * every API instance shares them.
 *
 * Each attempt takes its slot *before* the password is checked, in one atomic update, so a burst of
 * parallel attempts cannot slip past the limit; a successful sign-in clears the count.
 */
export const LOGIN_FAILURE_LIMIT = 5;
export const LOGIN_FAILURE_WINDOW_MS = 10 * 60 * 1000;

export function loginThrottleKey(username: string, ip: string): string {
  return JSON.stringify([username, ip]);
}

export type LoginSlot = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export async function takeLoginSlot(models: StaffModels, key: string): Promise<LoginSlot> {
  const now = new Date();
  const windowOpen = { $gt: ['$windowEndsAt', now] };
  // A pipeline update reads the stored window and either counts into it or starts a new one, atomically.
  const record = await models.LoginFailures.findOneAndUpdate(
    { _id: key },
    [
      {
        $set: {
          count: { $cond: [windowOpen, { $add: ['$count', 1] }, 1] },
          windowEndsAt: { $cond: [windowOpen, '$windowEndsAt', new Date(now.getTime() + LOGIN_FAILURE_WINDOW_MS)] },
        },
      },
    ],
    { upsert: true, returnDocument: 'after', updatePipeline: true },
  ).lean<LoginFailures>();
  if (!record) throw new Error('login throttle upsert returned no document');
  if (record.count <= LOGIN_FAILURE_LIMIT) return { allowed: true };
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((record.windowEndsAt.getTime() - now.getTime()) / 1000)) };
}

export async function clearLoginFailures(models: StaffModels, key: string): Promise<void> {
  await models.LoginFailures.deleteOne({ _id: key });
}
