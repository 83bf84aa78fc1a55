import { createDecipheriv } from 'node:crypto';

/** WeChat Pay's `AEAD_AES_256_GCM` envelope (notification resources, downloaded platform certificates). */
export interface GcmEnvelope {
  /** base64 of ciphertext ‖ 16-byte auth tag. */
  ciphertext: string;
  /** The IV, as text (12 characters). */
  nonce: string;
  associatedData: string;
}

const TAG_BYTES = 16;

/**
 * Decrypts and authenticates: a flipped bit anywhere (ciphertext, tag, nonce, associated data) or a wrong
 * key throws. The library's `decipher_gcm` never calls `final()`, so it accepts forged ciphertexts.
 */
export function decryptAes256Gcm(envelope: GcmEnvelope, apiV3Key: string): Buffer {
  const key = Buffer.from(apiV3Key, 'utf8');
  if (key.length !== 32) throw new Error('the APIv3 key must be 32 bytes');
  const sealed = Buffer.from(envelope.ciphertext, 'base64');
  if (sealed.length < TAG_BYTES) throw new Error('the ciphertext is shorter than its auth tag');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(envelope.nonce, 'utf8'), { authTagLength: TAG_BYTES });
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  decipher.setAAD(Buffer.from(envelope.associatedData, 'utf8'));
  return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]);
}
