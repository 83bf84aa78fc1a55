/**
 * A random UUID (version 4) naming one attempt at a write (a checkout, a customer handover), so that resending it
 * (a double tap, a retry after a lost reply) finds what the first attempt made instead of making another. The
 * mini-program has no `crypto`, and pages over plain http (H5, the console on a LAN address) have no
 * `crypto.randomUUID`; `getRandomValues` is used where it exists. The key only has to be unique, not secret.
 */
export function newIdempotencyKey(): string {
  const bytes = new Uint8Array(16);
  // Typed by hand: shared code is compiled without the DOM's types, and some runtimes have no `crypto` at all.
  const random = (globalThis as { crypto?: { getRandomValues?(array: Uint8Array): Uint8Array } }).crypto;
  if (random?.getRandomValues) random.getRandomValues(bytes);
  else for (let index = 0; index < bytes.length; index += 1) bytes[index] = Math.floor(Math.random() * 256);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40; // version 4
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80; // RFC 4122 variant
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
