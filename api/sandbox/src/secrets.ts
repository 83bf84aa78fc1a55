import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether a secret a request presents (an AppSecret, a corpsecret) is the expected one, compared in a
 * time that does not depend on where the two differ.
 */
export function sameSecret(given: string, expected: string): boolean {
  // Digests have one length, so neither the comparison nor a length check reveals the secret's length.
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}
