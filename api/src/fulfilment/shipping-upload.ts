import type { Logger } from 'pino';
import { maskedPhone, type CarrierCode } from '@mall/shared';
import type { CommerceDependencies } from '../orders/dependencies.ts';
import type { OrderRecord, ShippingUploadRecord } from '../orders/models.ts';

/**
 * Uploading a shipment to WeChat (发货信息管理): WeChat keeps the shopper's payment from the merchant until it is
 * told the order shipped. Shipping never waits for it: the order is shipped first, the upload is tried at once
 * and, when WeChat fails, again by the `orders.upload-shipping` job with growing pauses.
 */

export const SHIPPING_UPLOAD_JOB = 'orders.upload-shipping';
/** After this many failed attempts the upload is `failed` (the console shows it) and no longer retried. */
export const MAX_UPLOAD_ATTEMPTS = 10;
/**
 * While an attempt is under way the order is not due (its `nextAttemptAt` lies this far ahead), so the ship
 * request and the job, or two instances' jobs, never upload the same order at once; an attempt that died with its
 * process is retried once this has passed.
 */
export const UPLOAD_ATTEMPT_LEASE_MS = 2 * 60_000;
/** 1, 2, 4, … minutes after each failure, at most an hour. */
export function uploadRetryDelayMs(attempts: number): number {
  return Math.min(60_000 * 2 ** Math.max(0, attempts - 1), 60 * 60_000);
}
const JOB_BATCH_SIZE = 100;
/** WeChat's limit on the package description. */
const MAX_ITEM_DESCRIPTION = 120;

/** e.g. `纯棉T恤 红 / M ×2；帆布包 ×1`, cut to WeChat's limit. */
function itemDescription(order: OrderRecord): string {
  const text = order.lines.map((line) => `${line.title}${line.specText ? ` ${line.specText}` : ''} ×${line.quantity}`).join('；');
  return text.length <= MAX_ITEM_DESCRIPTION ? text : `${text.slice(0, MAX_ITEM_DESCRIPTION - 1)}…`;
}

/**
 * One attempt for a shipped order whose upload is pending and held by the caller (see UPLOAD_ATTEMPT_LEASE_MS).
 * Records the outcome on the order (a failure is due again `uploadRetryDelayMs` after `now`) and returns the
 * order as it is now; never throws for WeChat's failures.
 */
export async function attemptShippingUpload(
  deps: CommerceDependencies,
  order: OrderRecord,
  log: Logger,
  now: Date = deps.now(),
): Promise<OrderRecord> {
  const attempts = (order.shippingUpload?.attempts ?? 0) + 1;
  let outcome: ShippingUploadRecord;
  try {
    if (order.shipping === undefined || order.payment === undefined) throw new Error('the order has no shipping or no WeChat Pay payment');
    await deps.miniProgram.uploadShippingInfo({
      transactionId: order.payment.transactionId,
      payerOpenid: order.payerOpenid,
      logisticsType: 'express',
      items: [
        {
          trackingNo: order.shipping.trackingNo,
          expressCompany: order.shipping.carrier as CarrierCode,
          itemDesc: itemDescription(order),
          receiverContact: maskedPhone(order.address.phone),
        },
      ],
      uploadTime: order.shipping.shippedAt,
    });
    outcome = { state: 'uploaded', attempts, uploadedAt: now };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const details = (error as { details?: unknown }).details;
    const lastError = details === undefined ? message : `${message} ${JSON.stringify(details)}`;
    const givingUp = attempts >= MAX_UPLOAD_ATTEMPTS;
    log.warn(
      { err: error, orderNo: order.orderNo, attempts },
      givingUp ? 'shipping upload to WeChat failed for good' : 'shipping upload to WeChat failed; it is retried',
    );
    outcome = givingUp
      ? { state: 'failed', attempts, lastError }
      : { state: 'pending', attempts, lastError, nextAttemptAt: new Date(now.getTime() + uploadRetryDelayMs(attempts)) };
  }
  const updated = await deps.orders.Order.findOneAndUpdate(
    { _id: order._id, 'shippingUpload.state': 'pending' },
    { $set: { shippingUpload: outcome } },
    { returnDocument: 'after' },
  ).lean<OrderRecord>();
  return updated ?? order;
}

/** The pending upload due longest ago, taken for one attempt (its due time pushed ahead); null when none is due. */
async function claimDueUpload(deps: CommerceDependencies, now: Date): Promise<OrderRecord | null> {
  return deps.orders.Order.findOneAndUpdate(
    { 'shippingUpload.state': 'pending', 'shippingUpload.nextAttemptAt': { $lte: now } },
    { $set: { 'shippingUpload.nextAttemptAt': new Date(now.getTime() + UPLOAD_ATTEMPT_LEASE_MS) } },
    { sort: { 'shippingUpload.nextAttemptAt': 1 }, returnDocument: 'after' },
  ).lean<OrderRecord>();
}

/** The job: every due upload, one attempt each (up to a batch per run). Resolves with how many were uploaded. */
export async function retryShippingUploads(deps: CommerceDependencies, now: Date, log: Logger): Promise<number> {
  let uploaded = 0;
  for (let handled = 0; handled < JOB_BATCH_SIZE; handled += 1) {
    const order = await claimDueUpload(deps, now);
    if (order === null) break;
    // Timed from the run, so an upload that fails again is not due again within the same run.
    const after = await attemptShippingUpload(deps, order, log, now);
    if (after.shippingUpload?.state === 'uploaded') uploaded += 1;
  }
  return uploaded;
}
