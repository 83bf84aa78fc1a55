import { describe, expect, it } from 'vitest';
import { isSandboxHost, isSandboxSecret, isSandboxUrl } from './sandbox.ts';

describe('sandbox hosts', () => {
  it.each([
    'localhost',
    'api.localhost',
    '127.0.0.1',
    '127.8.9.10',
    '[::1]',
    '0.0.0.0',
    'sandbox.example.com',
    'pay.sandbox-cn.example.com',
    'SANDBOX',
  ])('%s is a sandbox host', (host) => {
    expect(isSandboxHost(host)).toBe(true);
  });

  it.each(['api.weixin.qq.com', 'api.mch.weixin.qq.com', 'qyapi.weixin.qq.com', '10.0.0.5', 'mysandbox.com', 'localhost.example.com'])(
    '%s is a real host',
    (host) => {
      expect(isSandboxHost(host)).toBe(false);
    },
  );

  it('reads the host of a URL', () => {
    expect(isSandboxUrl('http://127.0.0.1:3100/wechat')).toBe(true);
    expect(isSandboxUrl('https://api.weixin.qq.com')).toBe(false);
  });
});

describe('sandbox secrets', () => {
  it.each([
    'sandbox-wechat-secret',
    'Sandbox0123456789abcdef0123456789',
    'SANDBOXSERIAL',
    '# sandbox-generated: development only\n-----BEGIN PRIVATE KEY-----',
  ])('%j is a sandbox secret', (value) => {
    expect(isSandboxSecret(value)).toBe(true);
  });

  it.each([
    '3775B6A45ACD588826D15E583A95F5DD********'.replaceAll('*', '0'),
    '-----BEGIN PRIVATE KEY-----\nsandbox',
    'a-real-secret-sandbox',
  ])('%j is not', (value) => {
    expect(isSandboxSecret(value)).toBe(false);
  });
});
