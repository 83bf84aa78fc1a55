import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load.ts';

function pemKeyPair() {
  return generateKeyPairSync('ec', {
    namedCurve: 'prime256v1',
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}
const merchantPrivateKeyPem = pemKeyPair().privateKey;
const platformPublicKeyPem = pemKeyPair().publicKey;
/** Self-signed, made for these tests only. */
const platformCertificatePem = `-----BEGIN CERTIFICATE-----
MIIB2zCCAYGgAwIBAgIUOjkPpgqo4k+wKv8+Z5Yy3XZUMFswCgYIKoZIzj0EAwIw
QjFAMD4GA1UEAww3Y29uZmlnIHRlc3QgZml4dHVyZSAobm90IGEgcmVhbCBXZUNo
YXQgUGF5IGNlcnRpZmljYXRlKTAgFw0yNjExMjMxNjE2MDFaGA8yMTI2MTAzMDE2
MTYwMVowQjFAMD4GA1UEAww3Y29uZmlnIHRlc3QgZml4dHVyZSAobm90IGEgcmVh
bCBXZUNoYXQgUGF5IGNlcnRpZmljYXRlKTBZMBMGByqGSM49AgEGCCqGSM49AwEH
A0IABNiTOpvNnnMgD/jAzdroTIQ6nd+J3R/yOv1SLB0mXr8V0J/CTeQUiiYB8sv2
8k4sy5xhQClLOCdhE0navQvfZ/+jUzBRMB0GA1UdDgQWBBSaCjPR6EY8LTKke/K9
v1x2nIdROzAfBgNVHSMEGDAWgBSaCjPR6EY8LTKke/K9v1x2nIdROzAPBgNVHRMB
Af8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIQCltTBV3ThpOtLf+4Xve38kgbsb
j+z5036n99bCzDC7OQIgHOouawIcMmDiGoxbtdfFzz5zVHDekSMrYntAdFdnDHY=
-----END CERTIFICATE-----
`;

/** Credentials production cannot start without. */
const PRODUCTION_CREDENTIALS = [
  'WECHAT_APPID',
  'WECHAT_SECRET',
  'WECHATPAY_MCHID',
  'WECHATPAY_PRIVATE_KEY',
  'WECHATPAY_MERCHANT_SERIAL_NO',
  'WECHATPAY_APIV3_KEY',
  'WECHATPAY_PLATFORM_PUBLIC_KEY',
  'WECOM_CORPID',
  'WECOM_SECRET',
  'WECOM_TOKEN',
  'WECOM_ENCODING_AES_KEY',
  'KUAIDI100_CUSTOMER',
  'KUAIDI100_KEY',
];

const directory = mkdtempSync(path.join(tmpdir(), 'mall-config-'));
function writeTempFile(name: string, content: string): string {
  const file = path.join(directory, name);
  writeFileSync(file, content);
  return file;
}

/** A complete, valid production environment; each test breaks one thing. */
function productionEnv(): Record<string, string> {
  return {
    NODE_ENV: 'production',
    MONGODB_URI: 'mongodb://db1.internal:27017,db2.internal:27017,db3.internal:27017/mall?replicaSet=rs0',
    PUBLIC_API_URL: 'https://api.brand.example.com',
    ADMIN_ORIGIN: 'https://admin.brand.example.com',
    H5_ORIGIN: 'https://m.brand.example.com',
    WECHAT_APPID: 'wx0123456789abcdef',
    WECHAT_SECRET: '0123456789abcdef0123456789abcdef',
    WECHAT_API_BASE_URL: 'https://api.weixin.qq.com',
    WECHATPAY_MCHID: '1900000109',
    WECHATPAY_PRIVATE_KEY: writeTempFile('apiclient_key.pem', merchantPrivateKeyPem),
    WECHATPAY_MERCHANT_SERIAL_NO: '3775B6A45ACD588826D15E583A95F5DD00000000',
    WECHATPAY_APIV3_KEY: 'Kx8f2LqP9vR3tY6wZ1aB4cD7eF0gH5jM',
    WECHATPAY_PLATFORM_PUBLIC_KEY: platformPublicKeyPem,
    WECHATPAY_PLATFORM_PUBLIC_KEY_ID: 'PUB_KEY_ID_0119000001092025010100000000000000',
    WECHATPAY_API_BASE_URL: 'https://api.mch.weixin.qq.com',
    WECOM_CORPID: 'ww0123456789abcdef',
    WECOM_SECRET: 'real-wecom-contact-secret',
    WECOM_TOKEN: 'Tk93hFh2KqLw',
    WECOM_ENCODING_AES_KEY: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
    WECOM_API_BASE_URL: 'https://qyapi.weixin.qq.com',
    KUAIDI100_CUSTOMER: '3564B6CAF665F1F40E2FD8D1C64B3B1E',
    KUAIDI100_KEY: 'kQpWzLmRtYvX8842',
    KUAIDI100_API_BASE_URL: 'https://poll.kuaidi100.com',
    LIVE_PUSH_DOMAIN: 'push.live.brand.example.com',
    LIVE_PLAY_DOMAIN: 'play.live.brand.example.com',
    LIVE_PUSH_AUTH_KEY: 'c2f9a7e1b04d',
    LIVE_PLAY_AUTH_KEY: '7d3b0e9a1f6c',
  };
}

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).problems];
  }
  throw new Error('expected loadConfig to throw a ConfigError');
}

function expectProblem(env: Record<string, string | undefined>, variable: string, pattern: RegExp = /./): void {
  const problems = problemsOf(env).filter((problem) => problem.startsWith(`${variable}: `));
  expect(problems, `a problem naming ${variable}`).toHaveLength(1);
  expect(problems[0]).toMatch(pattern);
}

describe('development defaults', () => {
  it('run with an empty environment on the embedded database and the sandbox', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      env: 'development',
      host: '127.0.0.1',
      port: 3000,
      trustProxy: false,
      publicApiUrl: 'http://127.0.0.1:3000',
      adminOrigin: 'http://localhost:5173',
      h5Origin: 'http://localhost:10086',
      mongodbUri: undefined,
      devdbDataDir: '.data/devdb',
      uploadsDir: '.data/uploads',
      logLevel: 'info',
      owner: undefined,
      sandbox: true,
    });
    expect(config.wechat.apiBaseUrl).toBe('http://127.0.0.1:3100/wechat');
    expect(config.wechatPay.apiBaseUrl).toBe('http://127.0.0.1:3100/wechatpay');
    expect(config.wecom.apiBaseUrl).toBe('http://127.0.0.1:3100/wecom');
    expect(config.kuaidi100).toEqual({ apiBaseUrl: 'http://127.0.0.1:3100/kuaidi100', customer: undefined, key: undefined });
    expect(config.orderAutoCompleteDays).toBe(10);
    expect(config.live.pushAuthKey).toMatch(/^sandbox-/);
    expect(config.wechatPay.privateKeyPem).toBeUndefined();
  });

  it('treat empty and blank values as unset', () => {
    expect(loadConfig({ PORT: '', MONGODB_URI: '  ', OWNER_USERNAME: '' })).toMatchObject({
      port: 3000,
      mongodbUri: undefined,
      owner: undefined,
    });
  });

  it('derive the public URL from PORT and strip trailing slashes from base URLs', () => {
    const config = loadConfig({ PORT: '4000', WECHAT_API_BASE_URL: 'http://127.0.0.1:3100/wechat/' });
    expect(config.publicApiUrl).toBe('http://127.0.0.1:4000');
    expect(config.wechat.apiBaseUrl).toBe('http://127.0.0.1:3100/wechat');
  });

  it('read the first owner account', () => {
    expect(loadConfig({ OWNER_USERNAME: ' Boss ', OWNER_PASSWORD: 'a long enough password' }).owner).toEqual({
      username: 'boss',
      password: 'a long enough password',
    });
  });

  it('say sandbox is off once every platform points at its real host', () => {
    const config = loadConfig({
      WECHAT_API_BASE_URL: 'https://api.weixin.qq.com',
      WECHATPAY_API_BASE_URL: 'https://api.mch.weixin.qq.com',
      WECOM_API_BASE_URL: 'https://qyapi.weixin.qq.com',
      KUAIDI100_API_BASE_URL: 'https://poll.kuaidi100.com',
    });
    expect(config.sandbox).toBe(false);
  });
});

describe('bad values are refused in any environment', () => {
  it.each([
    ['PORT', 'abc', /whole number.*"abc"/],
    ['PORT', '70000', /1 to 65535/],
    ['PORT', '0', /1 to 65535/],
    ['NODE_ENV', 'staging', /development, test or production/],
    ['LOG_LEVEL', 'verbose', /one of fatal/],
    ['TRUST_PROXY', 'yes', /true or false/],
    ['PUBLIC_API_URL', 'api.example.com', /absolute http\(s\) URL/],
    ['WECHAT_API_BASE_URL', 'not a url', /absolute http\(s\) URL/],
    ['WECHATPAY_API_BASE_URL', 'ftp://api.mch.weixin.qq.com', /absolute http\(s\) URL/],
    ['ADMIN_ORIGIN', 'https://admin.example.com/console', /origin/],
    ['H5_ORIGIN', 'https://m.example.com/', /origin/],
    ['MONGODB_URI', 'mongodb://db1:27017/?replicaSet=rs0', /names the database/],
    ['MONGODB_URI', 'postgres://db/mall', /mongodb:\/\//],
    ['WECHATPAY_APIV3_KEY', 'too-short', /exactly 32 bytes/],
    // 11 Chinese characters are 33 bytes in UTF-8, though only 11 characters.
    ['WECHATPAY_APIV3_KEY', '一二三四五六七八九十百', /exactly 32 bytes/],
    ['WECOM_ENCODING_AES_KEY', 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEF', /43 letters and digits/],
    ['WECOM_ENCODING_AES_KEY', 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEF+', /43 letters and digits/],
    ['WECOM_TOKEN', 'has spaces', /letters and digits/],
    ['WECHATPAY_MCHID', '19000-00109', /digits/],
    ['LIVE_PUSH_DOMAIN', 'rtmp://push.example.com', /host name/],
    ['OWNER_USERNAME', 'a b', /letters, digits/],
    ['ORDER_AUTO_COMPLETE_DAYS', '0', /1 to 60 days/],
    ['ORDER_AUTO_COMPLETE_DAYS', '61', /1 to 60 days/],
    ['ORDER_AUTO_COMPLETE_DAYS', '2.5', /whole number of days/],
    ['KUAIDI100_API_BASE_URL', 'poll.kuaidi100.com', /absolute http\(s\) URL/],
  ])('%s=%j', (variable, value, pattern) => {
    const env: Record<string, string> = { [variable]: value };
    if (variable === 'OWNER_USERNAME') env.OWNER_PASSWORD = 'a long enough password';
    expectProblem(env, variable, pattern);
  });

  it('keep secret values out of the message', () => {
    const [problem] = problemsOf({ WECHATPAY_APIV3_KEY: 'my-secret-value' });
    expect(problem).not.toContain('my-secret-value');
  });

  it('need both owner variables and a long enough password', () => {
    expectProblem({ OWNER_USERNAME: 'boss' }, 'OWNER_PASSWORD', /together with OWNER_USERNAME/);
    expectProblem({ OWNER_PASSWORD: 'a long enough password' }, 'OWNER_USERNAME', /together with OWNER_PASSWORD/);
    expectProblem({ OWNER_USERNAME: 'boss', OWNER_PASSWORD: 'short' }, 'OWNER_PASSWORD', /10/);
  });

  it('list every problem at once', () => {
    const problems = problemsOf({ PORT: 'x', LOG_LEVEL: 'loud', WECOM_TOKEN: '!' });
    expect(problems.map((problem) => problem.split(':')[0])).toEqual(['PORT', 'LOG_LEVEL', 'WECOM_TOKEN']);
    expect(() => loadConfig({ PORT: 'x' })).toThrow(/invalid configuration:\n {2}- PORT: /);
  });
});

describe('WeChat Pay keys', () => {
  it('accept a PEM inline, with \\n escapes, or as a file path', () => {
    const escaped = merchantPrivateKeyPem.replaceAll('\n', '\\n');
    expect(loadConfig({ WECHATPAY_PRIVATE_KEY: escaped }).wechatPay.privateKeyPem).toBe(merchantPrivateKeyPem);
    const file = writeTempFile('key.pem', merchantPrivateKeyPem);
    expect(loadConfig({ WECHATPAY_PRIVATE_KEY: file }).wechatPay.privateKeyPem).toBe(merchantPrivateKeyPem);
  });

  it('accept a platform certificate or public key', () => {
    expect(loadConfig({ WECHATPAY_PLATFORM_PUBLIC_KEY: platformCertificatePem }).wechatPay.platformPublicKeyPem).toBe(
      platformCertificatePem,
    );
    expect(loadConfig({ WECHATPAY_PLATFORM_PUBLIC_KEY: platformPublicKeyPem }).wechatPay.platformPublicKeyPem).toBe(platformPublicKeyPem);
  });

  it('refuse missing files, garbage and swapped keys', () => {
    expectProblem({ WECHATPAY_PRIVATE_KEY: path.join(directory, 'missing.pem') }, 'WECHATPAY_PRIVATE_KEY', /ENOENT/);
    expectProblem(
      { WECHATPAY_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----' },
      'WECHATPAY_PRIVATE_KEY',
      /PEM private key/,
    );
    expectProblem({ WECHATPAY_PRIVATE_KEY: platformPublicKeyPem }, 'WECHATPAY_PRIVATE_KEY', /PEM private key/);
    expectProblem(
      { WECHATPAY_PLATFORM_PUBLIC_KEY: merchantPrivateKeyPem },
      'WECHATPAY_PLATFORM_PUBLIC_KEY',
      /public key or X.509 certificate/,
    );
  });
});

describe('production', () => {
  it('starts with real settings', () => {
    const config = loadConfig(productionEnv());
    expect(config).toMatchObject({ env: 'production', host: '0.0.0.0', sandbox: false });
    expect(config.mongodbUri).toContain('/mall?replicaSet=rs0');
  });

  it('accepts a platform certificate without a public key id', () => {
    const env = productionEnv();
    env.WECHATPAY_PLATFORM_PUBLIC_KEY = platformCertificatePem;
    delete env.WECHATPAY_PLATFORM_PUBLIC_KEY_ID;
    expect(loadConfig(env).wechatPay.platformPublicKeyPem).toBe(platformCertificatePem);
  });

  it('refuses demo data', () => {
    expect(loadConfig({ SEED_DEMO_DATA: 'true' }).seedDemoData).toBe(true);
    expect(loadConfig(productionEnv()).seedDemoData).toBe(false);
    expectProblem({ ...productionEnv(), SEED_DEMO_DATA: 'true' }, 'SEED_DEMO_DATA', /development only/);
  });

  it('refuses to start without MONGODB_URI', () => {
    const env = productionEnv();
    delete env.MONGODB_URI;
    expectProblem(env, 'MONGODB_URI', /required in production/);
  });

  it.each(PRODUCTION_CREDENTIALS)('refuses to start without %s', (variable) => {
    const env = productionEnv();
    delete env[variable];
    expectProblem(env, variable, /required in production/);
  });

  it('needs the public key id with a WeChat Pay public key', () => {
    const env = productionEnv();
    delete env.WECHATPAY_PLATFORM_PUBLIC_KEY_ID;
    expectProblem(env, 'WECHATPAY_PLATFORM_PUBLIC_KEY_ID', /PUB_KEY_ID/);
  });

  it.each([
    ['WECHAT_API_BASE_URL', 'http://127.0.0.1:3100/wechat', /api\.weixin\.qq\.com/],
    ['WECHATPAY_API_BASE_URL', 'https://sandbox.pay.example.com', /api\.mch\.weixin\.qq\.com/],
    ['WECOM_API_BASE_URL', 'http://localhost:3100/wecom', /qyapi\.weixin\.qq\.com/],
    ['KUAIDI100_API_BASE_URL', 'http://127.0.0.1:3100/kuaidi100', /poll\.kuaidi100\.com/],
    ['PUBLIC_API_URL', 'http://127.0.0.1:3000', /public address/],
    ['ADMIN_ORIGIN', 'http://localhost:5173', /public address/],
    ['H5_ORIGIN', 'http://[::1]:10086', /public address/],
    ['LIVE_PUSH_DOMAIN', '127.0.0.1:1935', /CDN domain/],
    ['LIVE_PLAY_DOMAIN', 'sandbox-live.example.com', /CDN domain/],
  ])('refuses the sandbox or loopback %s=%s', (variable, value, pattern) => {
    expectProblem({ ...productionEnv(), [variable]: value }, variable, pattern);
  });

  it('refuses the development defaults for base URLs and CDN keys', () => {
    const env = productionEnv();
    for (const variable of [
      'WECHAT_API_BASE_URL',
      'WECHATPAY_API_BASE_URL',
      'WECOM_API_BASE_URL',
      'KUAIDI100_API_BASE_URL',
      'LIVE_PUSH_AUTH_KEY',
      'LIVE_PLAY_AUTH_KEY',
    ])
      delete env[variable];
    const named = problemsOf(env).map((problem) => problem.split(':')[0]);
    expect(named.sort()).toEqual([
      'KUAIDI100_API_BASE_URL',
      'LIVE_PLAY_AUTH_KEY',
      'LIVE_PUSH_AUTH_KEY',
      'WECHATPAY_API_BASE_URL',
      'WECHAT_API_BASE_URL',
      'WECOM_API_BASE_URL',
    ]);
  });

  it.each([
    ['WECHAT_SECRET', 'sandbox-wechat-secret'],
    ['WECHATPAY_MERCHANT_SERIAL_NO', 'SANDBOX0000000000000000000000000000000000'],
    ['WECHATPAY_APIV3_KEY', 'sandbox-apiv3-key-0123456789abcd'],
    ['WECOM_SECRET', 'sandbox-wecom-secret'],
    ['WECOM_TOKEN', 'sandboxToken'],
    ['WECOM_ENCODING_AES_KEY', 'sandbox0123456789abcdefghijklmnopqrstuvwxyz'],
    ['LIVE_PUSH_AUTH_KEY', 'sandbox-live-push-key'],
    ['LIVE_PLAY_AUTH_KEY', 'Sandbox-play'],
    ['KUAIDI100_KEY', 'sandbox-kuaidi100-key'],
  ])('refuses the sandbox key %s=%s', (variable, value) => {
    expectProblem({ ...productionEnv(), [variable]: value }, variable, /sandbox key/);
  });

  it('refuses sandbox-generated PEMs, inline or by file content', () => {
    const marked = `# sandbox-generated: development only\n${merchantPrivateKeyPem}`;
    expectProblem(
      { ...productionEnv(), WECHATPAY_PRIVATE_KEY: writeTempFile('sandbox_key.pem', marked) },
      'WECHATPAY_PRIVATE_KEY',
      /sandbox key/,
    );
    const markedPublic = `# sandbox-generated: development only\n${platformPublicKeyPem}`;
    expectProblem({ ...productionEnv(), WECHATPAY_PLATFORM_PUBLIC_KEY: markedPublic }, 'WECHATPAY_PLATFORM_PUBLIC_KEY', /sandbox key/);
  });

  it('lists every problem of an empty production environment, each naming its variable', () => {
    const named = new Set(problemsOf({ NODE_ENV: 'production' }).map((problem) => problem.split(':')[0]));
    for (const variable of [
      'MONGODB_URI',
      ...PRODUCTION_CREDENTIALS,
      'WECHAT_API_BASE_URL',
      'WECHATPAY_API_BASE_URL',
      'WECOM_API_BASE_URL',
      'KUAIDI100_API_BASE_URL',
      'PUBLIC_API_URL',
      'ADMIN_ORIGIN',
      'H5_ORIGIN',
      'LIVE_PUSH_DOMAIN',
      'LIVE_PLAY_DOMAIN',
      'LIVE_PUSH_AUTH_KEY',
      'LIVE_PLAY_AUTH_KEY',
    ]) {
      expect(named, variable).toContain(variable);
    }
  });
});
