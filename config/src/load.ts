import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { staffPasswordSchema, staffUsernameSchema } from '@mall/shared';
import { isSandboxHost, isSandboxSecret, isSandboxUrl } from './sandbox.ts';

/** Every variable is documented in `.env.example` at the repository root. */
export type Environment = 'development' | 'test' | 'production';
export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

export interface Config {
  env: Environment;
  host: string;
  port: number;
  /** Trust `X-Forwarded-For` (the API runs behind a reverse proxy or load balancer). */
  trustProxy: boolean;
  /** The API's public base URL (payment notifications and links point here). */
  publicApiUrl: string;
  /** Browser origins allowed by CORS. */
  adminOrigin: string;
  h5Origin: string;
  /** Unset: the API starts the embedded devdb (development and tests only). */
  mongodbUri: string | undefined;
  devdbDataDir: string;
  /** Where the local image storage keeps uploaded images (product photos), relative to the working directory. */
  uploadsDir: string;
  /** How long an order may stay unpaid before it is cancelled and its stock returned (minutes). */
  orderPaymentTimeoutMinutes: number;
  /** How long after shipping an order the shopper has not confirmed is completed automatically (days). */
  orderAutoCompleteDays: number;
  /** Fill an empty catalog with the demo shop at start (development; `npm start` turns it on). */
  seedDemoData: boolean;
  logLevel: LogLevel;
  wechat: { appId: string | undefined; appSecret: string | undefined; apiBaseUrl: string };
  wechatPay: {
    mchId: string | undefined;
    privateKeyPem: string | undefined;
    merchantSerialNo: string | undefined;
    apiV3Key: string | undefined;
    /** WeChat Pay's public key (public-key mode) or platform certificate (certificate mode), PEM. */
    platformPublicKeyPem: string | undefined;
    platformPublicKeyId: string | undefined;
    apiBaseUrl: string;
  };
  wecom: {
    corpId: string | undefined;
    secret: string | undefined;
    token: string | undefined;
    encodingAesKey: string | undefined;
    apiBaseUrl: string;
  };
  live: { pushDomain: string; playDomain: string; pushAuthKey: string; playAuthKey: string };
  /** The logistics trace provider (Kuaidi100 real-time query): the account's customer id and key. */
  kuaidi100: { customer: string | undefined; key: string | undefined; apiBaseUrl: string };
  /** The first owner account, created at startup when no owner exists. */
  owner: { username: string; password: string } | undefined;
  /** True when any platform base URL points at the local sandbox. */
  sandbox: boolean;
}

/** Every problem found, each naming its variable; thrown before anything starts. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Where the local sandbox (WeChat, WeChat Pay and WeCom look-alikes) listens in development. */
export const SANDBOX_BASE_URL = 'http://127.0.0.1:3100';

type Env = Record<string, string | undefined>;

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' }).transform((url) => url.replace(/\/+$/, ''));

const origin = z.string().refine((value) => URL.canParse(value) && new URL(value).origin === value && /^https?:/.test(value), {
  error: 'must be an origin: scheme, host and optional port, no path or trailing slash (e.g. https://admin.example.com)',
});

const domain = z.string().regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?$/i, 'must be a host name with an optional port, no scheme');

const portNumber = z
  .string()
  .regex(/^\d+$/, 'must be a whole number')
  .transform(Number)
  .pipe(z.number().int().min(1, 'must be from 1 to 65535').max(65535, 'must be from 1 to 65535'));

const mongodbUri = z
  .string()
  .regex(
    /^mongodb(?:\+srv)?:\/\/[^/?#]+\/[^/?#]+/,
    'must be a mongodb:// or mongodb+srv:// URI that names the database, e.g. mongodb://db1,db2,db3/mall?replicaSet=rs0',
  );

// WeChat Pay's time_expire must leave the payer at least a minute; a day is far beyond any checkout.
const paymentTimeoutMinutes = z
  .string()
  .regex(/^\d+$/, 'must be a whole number of minutes')
  .transform(Number)
  .pipe(z.number().int().min(1, 'must be from 1 to 1440 minutes').max(1440, 'must be from 1 to 1440 minutes'));

// At least a day for the parcel to arrive; beyond two months the payment is long settled anyway.
const autoCompleteDays = z
  .string()
  .regex(/^\d+$/, 'must be a whole number of days')
  .transform(Number)
  .pipe(z.number().int().min(1, 'must be from 1 to 60 days').max(60, 'must be from 1 to 60 days'));

const booleanFlag = z
  .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
  .transform((value) => value === 'true' || value === '1');

const apiV3Key = z.string().refine((value) => Buffer.byteLength(value, 'utf8') === 32, {
  error: 'must be exactly 32 bytes (the APIv3 key set in the WeChat Pay merchant platform)',
});

const encodingAesKey = z.string().regex(/^[A-Za-z0-9]{43}$/, 'must be exactly 43 letters and digits (WeCom EncodingAESKey)');
const wecomToken = z.string().regex(/^[A-Za-z0-9]{3,32}$/, 'must be 3 to 32 letters and digits (WeCom callback Token)');
const mchId = z.string().regex(/^\d+$/, 'must be digits (WeChat Pay merchant id)');
const plainText = z.string();

/** Collects every problem instead of stopping at the first, so one start shows everything to fix. */
class EnvReader {
  readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  /** Empty values count as unset, so a copied `.env.example` with blanks behaves like no variable. */
  raw(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value ? value : undefined;
  }

  optional<T>(name: string, schema: z.ZodType<T, string>, options: { secret?: boolean } = {}): T | undefined {
    const value = this.raw(name);
    return value === undefined ? undefined : this.parse(name, value, schema, options.secret);
  }

  /** An invalid value is reported and stands in as the default, so loading carries on to find more problems. */
  withDefault<T>(name: string, schema: z.ZodType<T, string>, fallback: string, options: { secret?: boolean } = {}): T {
    return this.parse(name, this.raw(name) ?? fallback, schema, options.secret) ?? schema.parse(fallback);
  }

  /** A PEM given inline (`\n` escapes allowed, as .env files need) or as the path of a file holding it. */
  pem(name: string, kind: 'private' | 'public'): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    let pem: string;
    if (value.includes('-----BEGIN')) {
      pem = value.replaceAll('\\n', '\n');
    } else {
      try {
        pem = readFileSync(value, 'utf8');
      } catch (error) {
        this.problem(name, `is neither a PEM nor a readable file (${(error as NodeJS.ErrnoException).code ?? 'unreadable'}: ${value})`);
        return undefined;
      }
    }
    if (!(kind === 'private' ? isPrivateKey(pem) : isPublicKeyOrCertificate(pem))) {
      this.problem(
        name,
        kind === 'private'
          ? 'must be a PEM private key (the merchant API key, apiclient_key.pem) or the path of one'
          : 'must be a PEM public key or X.509 certificate (WeChat Pay public key or platform certificate) or the path of one',
      );
      return undefined;
    }
    return `${pem.trim()}\n`;
  }

  problem(name: string, message: string): void {
    this.problems.push(`${name}: ${message}`);
  }

  private parse<T>(name: string, value: string, schema: z.ZodType<T, string>, secret = false): T | undefined {
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    const shown = secret ? '' : ` (got ${JSON.stringify(value)})`;
    this.problem(name, `${result.error.issues.map((issue) => issue.message).join('; ')}${shown}`);
    return undefined;
  }
}

function isPrivateKey(pem: string): boolean {
  try {
    createPrivateKey(pem);
    return true;
  } catch {
    return false;
  }
}

/** createPublicKey also derives a public key from a private one; a private key here would be a mix-up. */
function isPublicKeyOrCertificate(pem: string): boolean {
  if (pem.includes('PRIVATE KEY')) return false;
  try {
    createPublicKey(pem);
    return true;
  } catch {
    return false;
  }
}

export function loadConfig(env: Env = process.env): Config {
  const reader = new EnvReader(env);
  const nodeEnv = reader.withDefault(
    'NODE_ENV',
    z.enum(['development', 'test', 'production'], { error: 'must be development, test or production' }),
    'development',
  );
  const production = nodeEnv === 'production';
  const port = reader.withDefault('PORT', portNumber, '3000');

  const config: Config = {
    env: nodeEnv,
    // Development binds to loopback only: a fresh development instance prints its owner password.
    host: reader.withDefault('HOST', plainText, production ? '0.0.0.0' : '127.0.0.1'),
    port,
    trustProxy: reader.withDefault('TRUST_PROXY', booleanFlag, 'false'),
    publicApiUrl: reader.withDefault('PUBLIC_API_URL', httpUrl, `http://127.0.0.1:${port}`),
    adminOrigin: reader.withDefault('ADMIN_ORIGIN', origin, 'http://localhost:5173'),
    h5Origin: reader.withDefault('H5_ORIGIN', origin, 'http://localhost:10086'),
    mongodbUri: reader.optional('MONGODB_URI', mongodbUri, { secret: true }),
    devdbDataDir: reader.withDefault('DEVDB_DATA_DIR', plainText, '.data/devdb'),
    uploadsDir: reader.withDefault('UPLOADS_DIR', plainText, '.data/uploads'),
    orderPaymentTimeoutMinutes: reader.withDefault('ORDER_PAYMENT_TIMEOUT_MINUTES', paymentTimeoutMinutes, '30'),
    orderAutoCompleteDays: reader.withDefault('ORDER_AUTO_COMPLETE_DAYS', autoCompleteDays, '10'),
    seedDemoData: reader.withDefault('SEED_DEMO_DATA', booleanFlag, 'false'),
    logLevel: reader.withDefault('LOG_LEVEL', z.enum(logLevels, { error: `must be one of ${logLevels.join(', ')}` }), 'info'),
    wechat: {
      appId: reader.optional('WECHAT_APPID', plainText),
      appSecret: reader.optional('WECHAT_SECRET', plainText, { secret: true }),
      apiBaseUrl: reader.withDefault('WECHAT_API_BASE_URL', httpUrl, `${SANDBOX_BASE_URL}/wechat`),
    },
    wechatPay: {
      mchId: reader.optional('WECHATPAY_MCHID', mchId),
      privateKeyPem: reader.pem('WECHATPAY_PRIVATE_KEY', 'private'),
      merchantSerialNo: reader.optional('WECHATPAY_MERCHANT_SERIAL_NO', plainText),
      apiV3Key: reader.optional('WECHATPAY_APIV3_KEY', apiV3Key, { secret: true }),
      platformPublicKeyPem: reader.pem('WECHATPAY_PLATFORM_PUBLIC_KEY', 'public'),
      platformPublicKeyId: reader.optional('WECHATPAY_PLATFORM_PUBLIC_KEY_ID', plainText),
      apiBaseUrl: reader.withDefault('WECHATPAY_API_BASE_URL', httpUrl, `${SANDBOX_BASE_URL}/wechatpay`),
    },
    wecom: {
      corpId: reader.optional('WECOM_CORPID', plainText),
      secret: reader.optional('WECOM_SECRET', plainText, { secret: true }),
      token: reader.optional('WECOM_TOKEN', wecomToken, { secret: true }),
      encodingAesKey: reader.optional('WECOM_ENCODING_AES_KEY', encodingAesKey, { secret: true }),
      apiBaseUrl: reader.withDefault('WECOM_API_BASE_URL', httpUrl, `${SANDBOX_BASE_URL}/wecom`),
    },
    live: {
      pushDomain: reader.withDefault('LIVE_PUSH_DOMAIN', domain, '127.0.0.1:1935'),
      playDomain: reader.withDefault('LIVE_PLAY_DOMAIN', domain, '127.0.0.1:3100'),
      pushAuthKey: reader.withDefault('LIVE_PUSH_AUTH_KEY', plainText, 'sandbox-live-push-key', { secret: true }),
      playAuthKey: reader.withDefault('LIVE_PLAY_AUTH_KEY', plainText, 'sandbox-live-play-key', { secret: true }),
    },
    kuaidi100: {
      customer: reader.optional('KUAIDI100_CUSTOMER', plainText),
      key: reader.optional('KUAIDI100_KEY', plainText, { secret: true }),
      apiBaseUrl: reader.withDefault('KUAIDI100_API_BASE_URL', httpUrl, `${SANDBOX_BASE_URL}/kuaidi100`),
    },
    owner: readOwner(reader),
    sandbox: false,
  };
  config.sandbox = platformBaseUrls(config).some(([, url]) => isSandboxUrl(url));

  if (production) checkProduction(reader, config);
  if (reader.problems.length > 0) throw new ConfigError(reader.problems);
  return config;
}

function readOwner(reader: EnvReader): Config['owner'] {
  const username = reader.optional('OWNER_USERNAME', staffUsernameSchema);
  const password = reader.optional('OWNER_PASSWORD', staffPasswordSchema, { secret: true });
  const usernameSet = reader.raw('OWNER_USERNAME') !== undefined;
  const passwordSet = reader.raw('OWNER_PASSWORD') !== undefined;
  if (usernameSet && !passwordSet) reader.problem('OWNER_PASSWORD', 'must be set together with OWNER_USERNAME');
  if (passwordSet && !usernameSet) reader.problem('OWNER_USERNAME', 'must be set together with OWNER_PASSWORD');
  return username !== undefined && password !== undefined ? { username, password } : undefined;
}

/** Each platform's base URL with its variable and the real host production must use. */
function platformBaseUrls(config: Config): [name: string, url: string, realUrl: string][] {
  return [
    ['WECHAT_API_BASE_URL', config.wechat.apiBaseUrl, 'https://api.weixin.qq.com'],
    ['WECHATPAY_API_BASE_URL', config.wechatPay.apiBaseUrl, 'https://api.mch.weixin.qq.com'],
    ['WECOM_API_BASE_URL', config.wecom.apiBaseUrl, 'https://qyapi.weixin.qq.com'],
    ['KUAIDI100_API_BASE_URL', config.kuaidi100.apiBaseUrl, 'https://poll.kuaidi100.com'],
  ];
}

const requiredInProduction = [
  ['WECHAT_APPID', 'the mini-program AppID'],
  ['WECHAT_SECRET', 'the mini-program AppSecret'],
  ['WECHATPAY_MCHID', 'the WeChat Pay merchant id'],
  ['WECHATPAY_PRIVATE_KEY', 'the merchant API private key, apiclient_key.pem'],
  ['WECHATPAY_MERCHANT_SERIAL_NO', 'the serial number of the merchant API certificate'],
  ['WECHATPAY_APIV3_KEY', 'the APIv3 key'],
  ['WECHATPAY_PLATFORM_PUBLIC_KEY', 'the WeChat Pay public key or platform certificate'],
  ['WECOM_CORPID', 'the WeCom corp id'],
  ['WECOM_SECRET', 'the WeCom customer-contact secret'],
  ['WECOM_TOKEN', 'the WeCom callback Token'],
  ['WECOM_ENCODING_AES_KEY', 'the WeCom callback EncodingAESKey'],
  ['KUAIDI100_CUSTOMER', 'the Kuaidi100 customer id (logistics traces)'],
  ['KUAIDI100_KEY', 'the Kuaidi100 key (logistics traces)'],
] as const;

function checkProduction(reader: EnvReader, config: Config): void {
  if (config.seedDemoData) reader.problem('SEED_DEMO_DATA', 'is for development only (demo products must not reach a real shop)');
  if (reader.raw('MONGODB_URI') === undefined) {
    reader.problem('MONGODB_URI', 'is required in production (a MongoDB replica set; the embedded devdb is for development only)');
  }
  for (const [name, what] of requiredInProduction) {
    if (reader.raw(name) === undefined) reader.problem(name, `is required in production (${what})`);
  }
  // Resolved values, so a key file written by the sandbox is caught by its content, and defaults count too.
  const secrets = {
    WECHAT_SECRET: config.wechat.appSecret,
    WECHATPAY_PRIVATE_KEY: config.wechatPay.privateKeyPem,
    WECHATPAY_MERCHANT_SERIAL_NO: config.wechatPay.merchantSerialNo,
    WECHATPAY_APIV3_KEY: config.wechatPay.apiV3Key,
    WECHATPAY_PLATFORM_PUBLIC_KEY: config.wechatPay.platformPublicKeyPem,
    WECOM_SECRET: config.wecom.secret,
    WECOM_TOKEN: config.wecom.token,
    WECOM_ENCODING_AES_KEY: config.wecom.encodingAesKey,
    KUAIDI100_KEY: config.kuaidi100.key,
    LIVE_PUSH_AUTH_KEY: config.live.pushAuthKey,
    LIVE_PLAY_AUTH_KEY: config.live.playAuthKey,
  };
  for (const [name, value] of Object.entries(secrets)) {
    if (value !== undefined && isSandboxSecret(value))
      reader.problem(name, 'is a sandbox key (it starts with "sandbox"); production needs the real one');
  }
  const platformKey = config.wechatPay.platformPublicKeyPem;
  if (platformKey !== undefined && !platformKey.includes('BEGIN CERTIFICATE') && config.wechatPay.platformPublicKeyId === undefined) {
    reader.problem('WECHATPAY_PLATFORM_PUBLIC_KEY_ID', 'is required in production with a WeChat Pay public key (its id, PUB_KEY_ID_…)');
  }
  for (const [name, url, realUrl] of platformBaseUrls(config)) {
    if (isSandboxUrl(url)) reader.problem(name, `points at the sandbox (${url}); production uses ${realUrl}`);
  }
  const publicAddresses = { PUBLIC_API_URL: config.publicApiUrl, ADMIN_ORIGIN: config.adminOrigin, H5_ORIGIN: config.h5Origin };
  for (const [name, url] of Object.entries(publicAddresses)) {
    if (isSandboxUrl(url)) reader.problem(name, `points at a local or sandbox host (${url}); production needs the public address`);
  }
  const liveDomains = { LIVE_PUSH_DOMAIN: config.live.pushDomain, LIVE_PLAY_DOMAIN: config.live.playDomain };
  for (const [name, host] of Object.entries(liveDomains)) {
    if (isSandboxHost(host.replace(/:\d+$/, '')))
      reader.problem(name, `is a local or sandbox host (${host}); production needs the CDN domain`);
  }
}
