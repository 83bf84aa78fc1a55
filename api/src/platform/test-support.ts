import { AppError } from '../http/errors.ts';
import { PlatformError, type PlatformFailure } from './errors.ts';

/** Test helpers shared by the platform clients' tests: what a call that must fail failed with. */

/** The error `promise` rejects with; throws when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

/** The platform failure (`PLATFORM_ERROR` details) `promise` rejects with; throws on anything else. */
export async function platformFailureOf(promise: Promise<unknown>): Promise<PlatformFailure> {
  const error = await rejectionOf(promise);
  if (!(error instanceof PlatformError)) throw new Error(`expected a PlatformError, got ${String(error)}`, { cause: error });
  return error.failure;
}

/** The `details.reason` of the 401 `CALLBACK_REJECTED` `promise` rejects with; throws on anything else. */
export async function callbackRejectionOf(promise: Promise<unknown>): Promise<string> {
  const error = await rejectionOf(promise);
  if (!(error instanceof AppError) || error.code !== 'CALLBACK_REJECTED' || error.status !== 401) {
    throw new Error(`expected a 401 CALLBACK_REJECTED, got ${String(error)}`, { cause: error });
  }
  return (error.details as { reason: string }).reason;
}
