import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '@mall/config';
import { startTestSandbox, type TestSandbox } from '../testing/sandbox.ts';

let testSandbox: TestSandbox;

beforeAll(async () => {
  testSandbox = await startTestSandbox();
});

afterAll(async () => {
  await testSandbox.stop();
});

/** Production settings that are fine on their own, so only the sandbox's values can be refused. */
const realDeployment = {
  NODE_ENV: 'production',
  MONGODB_URI: 'mongodb://db1,db2,db3/mall?replicaSet=rs0',
  PUBLIC_API_URL: 'https://api.brand.example.com',
  ADMIN_ORIGIN: 'https://admin.brand.example.com',
  H5_ORIGIN: 'https://m.brand.example.com',
  LIVE_PUSH_DOMAIN: 'push.brand.example.com',
  LIVE_PLAY_DOMAIN: 'play.brand.example.com',
  LIVE_PUSH_AUTH_KEY: 'f3b1c9d7e5a2',
  LIVE_PLAY_AUTH_KEY: '9c8d7e6f5a4b',
  OWNER_USERNAME: 'owner',
  OWNER_PASSWORD: 'a-long-owner-password',
};

function problemsWith(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('the production guard against what the sandbox generates', () => {
  it('refuses every sandbox credential and base URL by name', () => {
    const problems = problemsWith({ ...realDeployment, ...testSandbox.sandbox.apiEnv });
    for (const variable of [
      'WECHAT_API_BASE_URL',
      'WECHAT_SECRET',
      'WECHATPAY_API_BASE_URL',
      'WECHATPAY_PRIVATE_KEY',
      'WECHATPAY_APIV3_KEY',
      'WECHATPAY_PLATFORM_PUBLIC_KEY',
      'WECOM_API_BASE_URL',
      'WECOM_SECRET',
      'WECOM_TOKEN',
      'WECOM_ENCODING_AES_KEY',
      'KUAIDI100_API_BASE_URL',
      'KUAIDI100_KEY',
    ]) {
      expect(
        problems.some((problem) => problem.startsWith(`${variable}:`)),
        variable,
      ).toBe(true);
    }
  });

  it('accepts the same shape of settings once they are real', () => {
    const env = testSandbox.sandbox.apiEnv;
    const unmarkPem = (pem: string | undefined) => (pem ?? '').replace(/^# sandbox[^\n]*\n/, '');
    const problems = problemsWith({
      ...realDeployment,
      WECHAT_APPID: 'wx0123456789abcdef',
      WECHAT_SECRET: '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
      WECHAT_API_BASE_URL: 'https://api.weixin.qq.com',
      WECHATPAY_MCHID: '1900000109',
      WECHATPAY_PRIVATE_KEY: unmarkPem(env.WECHATPAY_PRIVATE_KEY),
      WECHATPAY_MERCHANT_SERIAL_NO: env.WECHATPAY_MERCHANT_SERIAL_NO ?? '',
      WECHATPAY_APIV3_KEY: 'Zq3x9Lr7Tw2Kp8Vn4Hs6Jd1Fb5Gc0Ym7',
      WECHATPAY_PLATFORM_PUBLIC_KEY: unmarkPem(env.WECHATPAY_PLATFORM_PUBLIC_KEY),
      WECHATPAY_PLATFORM_PUBLIC_KEY_ID: 'PUB_KEY_ID_0119000001092025',
      WECHATPAY_API_BASE_URL: 'https://api.mch.weixin.qq.com',
      WECOM_CORPID: 'ww0123456789abcdef',
      WECOM_SECRET: 'Rk2m9Qp4Xs7Tv1Wy5Za8Bc3De6Fg0Hj2Kl4Mn7Pq9R',
      WECOM_TOKEN: 'Qx7Lm2Np9Rt4',
      WECOM_ENCODING_AES_KEY: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
      WECOM_API_BASE_URL: 'https://qyapi.weixin.qq.com',
      KUAIDI100_CUSTOMER: env.KUAIDI100_CUSTOMER ?? '',
      KUAIDI100_KEY: 'Tq4mZx81Lp0Rw2Vn',
      KUAIDI100_API_BASE_URL: 'https://poll.kuaidi100.com',
    });
    expect(problems).toEqual([]);
  });
});
