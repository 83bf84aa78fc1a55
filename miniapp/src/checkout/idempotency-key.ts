/** Checkout attempts are named by the same keys as the console's writes (see shared/src/idempotency-key.ts). */
export { newIdempotencyKey } from '@mall/shared';
