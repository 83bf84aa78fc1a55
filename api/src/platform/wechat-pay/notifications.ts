import type { KeyObject } from 'node:crypto';
import { AppError } from '../../http/errors.ts';
import { decryptAes256Gcm } from './gcm.ts';
import { notificationEnvelopeSchema, refundResourceSchema, transactionSchema, type WechatPayNotification } from './schemas.ts';
import { checkSignature, signedMessageFromHeaders, type SignatureFailure } from './signatures.ts';

/** Why a notification was refused (in the `CALLBACK_REJECTED` error's `details.reason`). */
export type NotificationRejection = SignatureFailure | 'decrypt-failed' | 'other-merchant';

export interface NotificationVerifier {
  /** The trusted key for a `Wechatpay-Serial` (may download platform certificates in certificate mode). */
  findKey(serial: string): Promise<KeyObject | undefined>;
  apiV3Key: string;
  /** The merchant and mini-program the resource must be about. */
  mchId: string;
  appId: string;
  now(): number;
  maxClockSkewSeconds: number;
}

function rejected(reason: NotificationRejection, cause?: unknown): AppError {
  return new AppError('CALLBACK_REJECTED', { details: { reason }, cause });
}

/**
 * Verifies a payment or refund notification and decrypts its resource. Order: SIGNTEST probe, known
 * serial, fresh timestamp, RSA signature over the raw body, envelope, AES-256-GCM with tag check, resource,
 * our mchid (and appid for payments). Any failure is `CALLBACK_REJECTED` (401) with a distinct
 * `details.reason`, so WeChat Pay retries.
 */
export async function verifyWechatPayNotification(
  rawBody: Buffer | string,
  headers: Record<string, string | string[] | undefined>,
  verifier: NotificationVerifier,
): Promise<WechatPayNotification> {
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
  const failure = await checkSignature(signedMessageFromHeaders(body, headers), {
    findKey: verifier.findKey,
    nowMs: verifier.now(),
    maxClockSkewSeconds: verifier.maxClockSkewSeconds,
  });
  if (failure !== undefined) throw rejected(failure);

  let envelope;
  try {
    envelope = notificationEnvelopeSchema.parse(JSON.parse(body.toString('utf8')));
  } catch (cause) {
    throw rejected('malformed', cause);
  }

  let plaintext: Buffer;
  try {
    const { ciphertext, nonce, associated_data: associatedData } = envelope.resource;
    plaintext = decryptAes256Gcm({ ciphertext, nonce, associatedData }, verifier.apiV3Key);
  } catch (cause) {
    throw rejected('decrypt-failed', cause);
  }

  const head = { id: envelope.id, createTime: envelope.create_time, summary: envelope.summary };
  let notification: WechatPayNotification;
  try {
    const resource: unknown = JSON.parse(plaintext.toString('utf8'));
    notification =
      envelope.event_type === 'TRANSACTION.SUCCESS'
        ? { ...head, eventType: envelope.event_type, resource: transactionSchema.parse(resource) }
        : { ...head, eventType: envelope.event_type, resource: refundResourceSchema.parse(resource) };
  } catch (cause) {
    throw rejected('malformed', cause);
  }
  const { resource } = notification;
  if (resource.mchId !== verifier.mchId || ('appId' in resource && resource.appId !== verifier.appId)) throw rejected('other-merchant');
  return notification;
}
