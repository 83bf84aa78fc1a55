import { describe, expect, it } from 'vitest';
import { decryptAes256Gcm } from './gcm.ts';
import { sealGcm } from './test-support.ts';

/** AEAD_AES_256_GCM decryption: every tampered part must fail authentication. */

const apiV3Key = 'sandbox0123456789abcdef012345678';
const nonce = 'abcdef012345';
const plaintext = '{"out_trade_no":"ORDER000001","trade_state":"SUCCESS"}';

function flipByte(base64: string, index: number): string {
  const bytes = Buffer.from(base64, 'base64');
  const at = index < 0 ? bytes.length + index : index;
  bytes[at] = bytes[at]! ^ 0x01;
  return bytes.toString('base64');
}

describe('decryptAes256Gcm', () => {
  const ciphertext = sealGcm(plaintext, apiV3Key, nonce, 'transaction');

  it('decrypts what WeChat Pay seals', () => {
    expect(decryptAes256Gcm({ ciphertext, nonce, associatedData: 'transaction' }, apiV3Key).toString('utf8')).toBe(plaintext);
  });

  it('detects a flipped auth-tag byte', () => {
    expect(() => decryptAes256Gcm({ ciphertext: flipByte(ciphertext, -1), nonce, associatedData: 'transaction' }, apiV3Key)).toThrow();
  });

  it('detects a flipped ciphertext byte', () => {
    expect(() => decryptAes256Gcm({ ciphertext: flipByte(ciphertext, 0), nonce, associatedData: 'transaction' }, apiV3Key)).toThrow();
  });

  it('detects the wrong associated data', () => {
    expect(() => decryptAes256Gcm({ ciphertext, nonce, associatedData: 'refund' }, apiV3Key)).toThrow();
  });

  it('detects the wrong nonce', () => {
    expect(() => decryptAes256Gcm({ ciphertext, nonce: 'abcdef012346', associatedData: 'transaction' }, apiV3Key)).toThrow();
  });

  it('detects the wrong key', () => {
    expect(() => decryptAes256Gcm({ ciphertext, nonce, associatedData: 'transaction' }, 'sandbox0123456789abcdef012345679')).toThrow();
  });

  it('refuses a ciphertext shorter than its tag and a key that is not 32 bytes', () => {
    expect(() => decryptAes256Gcm({ ciphertext: Buffer.alloc(15).toString('base64'), nonce, associatedData: '' }, apiV3Key)).toThrow(
      /shorter/,
    );
    expect(() => decryptAes256Gcm({ ciphertext, nonce, associatedData: 'transaction' }, 'short')).toThrow(/32 bytes/);
  });
});
