/**
 * A random UUID (version 4) naming one checkout attempt, so that resending the order (a double tap, a retry
 * after a lost reply) finds the order already made instead of making another. The mini-program has no
 * `crypto`, and H5 over plain http has no `crypto.randomUUID`; `getRandomValues` is used where it exists.
 * The key only has to be unique, not secret.
 */
export function newIdempotencyKey(): string {
  const bytes = new Uint8Array(16);
  const random = globalThis.crypto as Crypto | undefined;
  if (random?.getRandomValues) random.getRandomValues(bytes);
  else for (let index = 0; index < bytes.length; index += 1) bytes[index] = Math.floor(Math.random() * 256);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40; // version 4
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80; // RFC 4122 variant
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
