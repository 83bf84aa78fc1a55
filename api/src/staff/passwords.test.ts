import { describe, expect, it } from 'vitest';
import { decoyPasswordHash, hashPassword, verifyPassword } from './passwords.ts';

describe('password hashing', () => {
  it('stores scrypt parameters, a salt and the hash', async () => {
    expect(await hashPassword('correct horse')).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{86}==$/);
  });

  it('verifies the right password only', async () => {
    const stored = await hashPassword('correct horse');
    expect(await verifyPassword('correct horse', stored)).toBe(true);
    expect(await verifyPassword('correct hors', stored)).toBe(false);
    expect(await verifyPassword('Correct horse', stored)).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same')).not.toBe(await hashPassword('same'));
  });

  it('treats a malformed stored hash as a mismatch', async () => {
    for (const stored of ['', 'plain', 'bcrypt$x$y', 'scrypt$nope$8$1$c2FsdA==$aGFzaA==']) {
      expect(await verifyPassword('anything', stored)).toBe(false);
    }
  });

  it('keeps one decoy hash for unknown users', async () => {
    expect(await decoyPasswordHash()).toBe(await decoyPasswordHash());
  });
});
