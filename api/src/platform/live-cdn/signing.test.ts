import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../http/errors.ts';
import { isLoopbackDomain, signPlayUrls, signPushUrl, verifyCdnCallback } from './signing.ts';

/** Tencent Cloud CSS URL signing and CDN callback checks against values computed with md5sum. */

// 2025-01-01T00:00:00Z = 1735689600 s = 0x67748580.
const EXPIRES = new Date('2025-01-01T00:00:00Z');

function rejection(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return { code: error.code, details: error.details };
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('signPushUrl', () => {
  it('signs with MD5(key + stream + upper-case hex expiry), matching a value computed with md5sum', () => {
    // printf '%s' 'sandbox-live-push-keyroom_4267748580' | md5sum
    const url = signPushUrl({
      domain: 'push.example.com',
      app: 'live',
      stream: 'room_42',
      key: 'sandbox-live-push-key',
      expiresAt: EXPIRES,
    });
    expect(url).toBe('rtmp://push.example.com/live/room_42?txSecret=e8df9007ff2b22a571fb7165be57ae9d&txTime=67748580');
  });

  it('uses upper-case hex for txTime and the whole-second expiry', () => {
    const expiresAt = new Date(0xabcdef12 * 1000 + 999);
    const url = new URL(signPushUrl({ domain: '127.0.0.1:1935', app: 'live', stream: 's1', key: 'k', expiresAt }));
    expect(url.searchParams.get('txTime')).toBe('ABCDEF12');
    expect(url.searchParams.get('txSecret')).toBe(createHash('md5').update('ks1ABCDEF12').digest('hex'));
  });

  it('refuses stream names and domains that would not survive in a URL', () => {
    const base = { domain: 'push.example.com', app: 'live', stream: 'room', key: 'k', expiresAt: EXPIRES };
    expect(rejection(() => signPushUrl({ ...base, stream: 'a/b' }))).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ path: ['stream'] }],
    });
    expect(rejection(() => signPushUrl({ ...base, app: '' }))).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: ['app'] }] });
    expect(rejection(() => signPushUrl({ ...base, domain: 'rtmp://x' }))).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ path: ['domain'] }],
    });
    expect(rejection(() => signPushUrl({ ...base, key: '' }))).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: ['key'] }] });
    expect(rejection(() => signPushUrl({ ...base, expiresAt: new Date(Number.NaN) }))).toMatchObject({
      details: [{ path: ['expiresAt'] }],
    });
  });
});

describe('signPlayUrls', () => {
  it('signs HLS and FLV with the playback key over https', () => {
    // printf '%s' 'sandbox-live-play-keyroom_4267748580' | md5sum
    const urls = signPlayUrls({
      domain: 'play.example.com',
      app: 'live',
      stream: 'room_42',
      key: 'sandbox-live-play-key',
      expiresAt: EXPIRES,
    });
    expect(urls).toEqual({
      hls: 'https://play.example.com/live/room_42.m3u8?txSecret=333ea498deda71fae44fdd6612d046c4&txTime=67748580',
      flv: 'https://play.example.com/live/room_42.flv?txSecret=333ea498deda71fae44fdd6612d046c4&txTime=67748580',
    });
  });

  it('uses http only for loopback domains (the sandbox serves no TLS)', () => {
    const address = { app: 'live', stream: 'room_42', key: 'k', expiresAt: EXPIRES };
    expect(signPlayUrls({ ...address, domain: '127.0.0.1:3100' }).hls).toMatch(/^http:\/\/127\.0\.0\.1:3100\/live\/room_42\.m3u8\?/);
    expect(signPlayUrls({ ...address, domain: 'localhost' }).flv).toMatch(/^http:\/\/localhost\//);
    expect(signPlayUrls({ ...address, domain: '[::1]:8080' }).flv).toMatch(/^http:\/\/\[::1\]:8080\//);
    expect(signPlayUrls({ ...address, domain: '127.example.com' }).hls).toMatch(/^https:/);
  });

  it('recognises loopback hosts only', () => {
    expect(['localhost', 'LOCALHOST:80', 'app.localhost', '127.0.0.1', '127.1.2.3:9', '[::1]'].every(isLoopbackDomain)).toBe(true);
    expect(['10.0.0.1', 'localhost.example.com', '128.0.0.1', 'sandbox.example.com', '[::2]'].some(isLoopbackDomain)).toBe(false);
  });
});

describe('verifyCdnCallback', () => {
  // printf '%s' 'cb-key-0011735689600' | md5sum
  const SIGN = 'f5925a1efb2269586102b2842fb2bbf6';
  const before = new Date('2024-12-31T23:59:00Z');

  it('accepts sign = MD5(callbackKey + t) before t, as a number or a digit string, in either case', () => {
    expect(() => verifyCdnCallback({ t: 1735689600, sign: SIGN }, 'cb-key-001', before)).not.toThrow();
    expect(() => verifyCdnCallback({ t: '1735689600', sign: SIGN.toUpperCase() }, 'cb-key-001', before)).not.toThrow();
  });

  it('rejects a wrong key, a changed t, an expired t and missing fields, each with its reason', () => {
    expect(rejection(() => verifyCdnCallback({ t: 1735689600, sign: SIGN }, 'cb-key-002', before))).toEqual({
      code: 'CALLBACK_REJECTED',
      details: { reason: 'bad_sign' },
    });
    expect(rejection(() => verifyCdnCallback({ t: 1735689601, sign: SIGN }, 'cb-key-001', before))).toMatchObject({
      details: { reason: 'bad_sign' },
    });
    expect(rejection(() => verifyCdnCallback({ t: 1735689600, sign: SIGN }, 'cb-key-001', new Date('2025-01-01T00:00:01Z')))).toMatchObject(
      {
        details: { reason: 'expired' },
      },
    );
    expect(rejection(() => verifyCdnCallback({ t: undefined, sign: SIGN }, 'cb-key-001', before))).toMatchObject({
      details: { reason: 'missing_sign' },
    });
    expect(rejection(() => verifyCdnCallback({ t: '1e9', sign: SIGN }, 'cb-key-001', before))).toMatchObject({
      details: { reason: 'missing_sign' },
    });
    expect(rejection(() => verifyCdnCallback({ t: 1735689600, sign: 42 }, 'cb-key-001', before))).toMatchObject({
      details: { reason: 'missing_sign' },
    });
  });

  it('accepts nothing when the callback key is empty, not even MD5(t)', () => {
    const sign = createHash('md5').update('1735689600').digest('hex');
    expect(rejection(() => verifyCdnCallback({ t: 1735689600, sign }, '', before))).toMatchObject({ details: { reason: 'bad_sign' } });
  });
});
