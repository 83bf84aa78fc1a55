import { constants, privateDecrypt, publicEncrypt, verify } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '@mall/config';
import { AppError } from '../../http/errors.ts';
import { platformFailureOf } from '../test-support.ts';
import {
  createWechatPayClient,
  formatChinaTime,
  wechatPayClientFromConfig,
  type WechatPayClient,
  type WechatPaySettings,
} from './client.ts';
import { WechatPayHttp } from './http-service.ts';
import {
  generateRsaKeys,
  secondsNow,
  selfSignedCertificate,
  signedHeaders,
  startFakeServer,
  TEST_PUBLIC_KEY_ID,
  testSettings,
  UNPAID_TRANSACTION,
  type CannedReply,
  type RecordedRequest,
} from './test-support.ts';

/** The WeChat Pay client against a fake WeChat Pay in public-key mode: request signing, reply verification, smart guides, configuration. */

const publicKeyId = TEST_PUBLIC_KEY_ID;
const merchant = generateRsaKeys();
const platform = generateRsaKeys();
const impostor = generateRsaKeys();
const PREFIX = '/wechatpay';

const transaction = UNPAID_TRANSACTION;

const refund = {
  refund_id: '50000000382019052709732678859',
  out_refund_no: 'REFUND20240601000001',
  transaction_id: '4200000001202406010000000001',
  out_trade_no: 'ORDER20240601000001',
  channel: 'ORIGINAL',
  user_received_account: '支付用户零钱',
  create_time: '2024-06-01T12:40:00+08:00',
  status: 'PROCESSING',
  amount: { total: 1990, refund: 990, payer_total: 1990, payer_refund: 990, currency: 'CNY' },
};

function json(status: number, body: unknown): CannedReply {
  return { status, body: JSON.stringify(body) };
}

/** WeChat Pay's side: routes by method and path under the prefix. */
function route(request: RecordedRequest): CannedReply {
  const path = request.url.slice(PREFIX.length);
  const key = `${request.method} ${path.split('?')[0]}`;
  if (key === 'POST /v3/pay/transactions/jsapi') {
    const order = JSON.parse(request.body) as { out_trade_no: string };
    if (order.out_trade_no === 'ORDER_ALREADY_PAID') return json(403, { code: 'ORDERPAID', message: '该订单已支付' });
    return json(200, { prepay_id: 'wx201410272009395522657a690389285100' });
  }
  if (key === 'GET /v3/pay/transactions/out-trade-no/ORDER20240601000001') return json(200, transaction);
  if (key === 'GET /v3/pay/transactions/out-trade-no/ORDER20240601000002') return json(200, transaction);
  if (key.startsWith('GET /v3/pay/transactions/out-trade-no/')) return json(404, { code: 'ORDER_NOT_EXIST', message: '订单不存在' });
  if (key === 'POST /v3/pay/transactions/out-trade-no/ORDER20240601000001/close') return { status: 204 };
  if (key === 'POST /v3/refund/domestic/refunds') return json(200, refund);
  if (key === 'GET /v3/refund/domestic/refunds/REFUND20240601000001') return json(200, refund);
  if (key.startsWith('GET /v3/refund/domestic/refunds/')) return json(404, { code: 'RESOURCE_NOT_EXISTS', message: '退款单不存在' });
  if (key === 'POST /v3/smartguide/guides') return json(200, { guide_id: 'LLA3WJ6DSZUfiaZDS79FH5Wm5m4X69TBic' });
  if (key === 'GET /v3/smartguide/guides') {
    const encrypt = (text: string) =>
      publicEncrypt({ key: merchant.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, Buffer.from(text)).toString(
        'base64',
      );
    return json(200, {
      data: [
        {
          guide_id: 'LLA3WJ6DSZUfiaZDS79FH5Wm5m4X69TBic',
          store_id: 1234,
          name: encrypt('张三'),
          mobile: encrypt('13800138000'),
          userid: 'robert',
        },
      ],
      total_count: 1,
    });
  }
  if (key === 'POST /v3/smartguide/guides/LLA3WJ6DSZUfiaZDS79FH5Wm5m4X69TBic/assign') return { status: 204 };
  return json(404, { code: 'NOT_FOUND', message: `no route ${key}` });
}

/** When set, answers the next requests instead of `route` (tampered replies). */
let override: ((request: RecordedRequest) => CannedReply) | undefined;
let server: Awaited<ReturnType<typeof startFakeServer>>;
let settings: WechatPaySettings;
let client: WechatPayClient;

beforeAll(async () => {
  server = await startFakeServer({ privateKey: platform.privateKey, serial: publicKeyId }, (request) => (override ?? route)(request));
  settings = testSettings(merchant, platform.publicKeyPem, `${server.url}${PREFIX}`);
  client = createWechatPayClient(settings);
});

afterAll(() => server.close());

beforeEach(() => {
  override = undefined;
  server.requests.length = 0;
});

/** Checks the request's `Authorization` like WeChat Pay: merchant signature over the path as signed (no base-URL prefix). */
function expectSignedByMerchant(request: RecordedRequest): void {
  const authorization = String(request.headers.authorization);
  expect(authorization.startsWith('WECHATPAY2-SHA256-RSA2048 ')).toBe(true);
  const fields = Object.fromEntries([...authorization.matchAll(/(\w+)="([^"]*)"/g)].map(([, name, value]) => [name, value]));
  expect(fields).toMatchObject({ mchid: '1900000001', serial_no: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1' });
  const signed = `${request.method}\n${request.url.slice(PREFIX.length)}\n${fields.timestamp}\n${fields.nonce_str}\n${request.body}\n`;
  expect(verify('sha256', Buffer.from(signed), merchant.publicKey, Buffer.from(fields.signature!, 'base64'))).toBe(true);
}

describe('prepayJsapi', () => {
  /** Only what an order needs. */
  const smallestOrder = {
    description: 'x',
    outTradeNo: 'ORDER20240601000001',
    notifyUrl: 'https://mall.example.com/api/pay/notify',
    amountFen: 1,
    payerOpenid: 'o',
  };

  it('sends the signed JSON once to the configured base URL and signs wx.requestPayment', async () => {
    const before = Date.now();
    const prepay = await client.prepayJsapi({
      description: '测试商品',
      outTradeNo: 'ORDER20240601000001',
      notifyUrl: 'https://mall.example.com/api/pay/notify',
      amountFen: 1990,
      payerOpenid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
      timeExpire: new Date('2024-06-01T05:00:00Z'),
      attach: 'store=1',
    });

    const [request] = server.requests;
    expect(request!.url).toBe('/wechatpay/v3/pay/transactions/jsapi');
    expect(JSON.parse(request!.body)).toEqual({
      appid: 'wx0123456789abcdef',
      mchid: '1900000001',
      description: '测试商品',
      out_trade_no: 'ORDER20240601000001',
      notify_url: 'https://mall.example.com/api/pay/notify',
      amount: { total: 1990, currency: 'CNY' },
      payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
      time_expire: '2024-06-01T13:00:00+08:00',
      attach: 'store=1',
    });
    expectSignedByMerchant(request!);

    expect(prepay.prepayId).toBe('wx201410272009395522657a690389285100');
    const { timeStamp, nonceStr, package: pkg, signType, paySign } = prepay.requestPayment;
    expect(pkg).toBe('prepay_id=wx201410272009395522657a690389285100');
    expect(signType).toBe('RSA');
    expect(Number(timeStamp)).toBeGreaterThanOrEqual(Math.floor(before / 1000));
    expect(nonceStr).toMatch(/^[0-9a-f]{32}$/);
    const message = `wx0123456789abcdef\n${timeStamp}\n${nonceStr}\n${pkg}\n`;
    expect(verify('sha256', Buffer.from(message), merchant.publicKey, Buffer.from(paySign, 'base64'))).toBe(true);
    expect(verify('sha256', Buffer.from(message), impostor.publicKey, Buffer.from(paySign, 'base64'))).toBe(false);
  });

  it("turns WeChat Pay's {code, message} into a PlatformError with that code and status", async () => {
    const failure = await platformFailureOf(client.prepayJsapi({ ...smallestOrder, outTradeNo: 'ORDER_ALREADY_PAID' }));
    expect(failure).toEqual({
      platform: 'wechatpay',
      operation: 'transactions_jsapi',
      code: 'ORDERPAID',
      message: '该订单已支付',
      status: 403,
    });
  });

  it('fails as BAD_REPLY on a signed 200 without the prepay id (null, empty or another object)', async () => {
    for (const body of ['null', '', '{"code":"SUCCESS"}']) {
      override = () => ({ status: 200, body, headers: signedHeaders(platform.privateKey, body, { serial: publicKeyId }) });
      expect(await platformFailureOf(client.prepayJsapi(smallestOrder))).toMatchObject({
        code: 'BAD_REPLY',
        operation: 'transactions_jsapi',
      });
    }
  });

  it('refuses bad input before calling WeChat Pay', async () => {
    for (const bad of [
      { ...smallestOrder, outTradeNo: '../../v3/refund' },
      { ...smallestOrder, amountFen: 0.5 },
      { ...smallestOrder, notifyUrl: 'https://mall.example.com/n?order=1' },
      { ...smallestOrder, description: 'x'.repeat(128) },
    ]) {
      await expect(client.prepayJsapi(bad)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    expect(server.requests).toHaveLength(0);
  });
});

describe('queries, close and refunds', () => {
  it('returns a typed transaction, and null for ORDER_NOT_EXIST', async () => {
    await expect(client.queryByOutTradeNo('ORDER20240601000001')).resolves.toEqual({
      appId: 'wx0123456789abcdef',
      mchId: '1900000001',
      outTradeNo: 'ORDER20240601000001',
      transactionId: undefined,
      tradeType: undefined,
      tradeState: 'NOTPAY',
      tradeStateDesc: '订单未支付',
      successTime: undefined,
      attach: undefined,
      payerOpenid: undefined,
      amount: { totalFen: 1990, payerTotalFen: undefined, currency: undefined },
    });
    expect(server.requests[0]!.url).toBe('/wechatpay/v3/pay/transactions/out-trade-no/ORDER20240601000001?mchid=1900000001');
    expectSignedByMerchant(server.requests[0]!);
    await expect(client.queryByOutTradeNo('ORDER20240601999999')).resolves.toBeNull();
  });

  it('fails as BAD_REPLY on a malformed reply or a reply about another order', async () => {
    override = () => json(200, { ...transaction, trade_state: 'PAID?' });
    expect(await platformFailureOf(client.queryByOutTradeNo('ORDER20240601000001'))).toMatchObject({
      code: 'BAD_REPLY',
      operation: 'query',
    });
    override = undefined;
    expect(await platformFailureOf(client.queryByOutTradeNo('ORDER20240601000002'))).toMatchObject({ code: 'BAD_REPLY' });
  });

  it('closes an order (204)', async () => {
    await expect(client.close('ORDER20240601000001')).resolves.toBeUndefined();
    expect(server.requests[0]!.url).toBe('/wechatpay/v3/pay/transactions/out-trade-no/ORDER20240601000001/close');
    expect(JSON.parse(server.requests[0]!.body)).toEqual({ mchid: '1900000001' });
    expectSignedByMerchant(server.requests[0]!);
  });

  it('requests and queries refunds', async () => {
    const requested = await client.refund({
      outTradeNo: 'ORDER20240601000001',
      outRefundNo: 'REFUND20240601000001',
      reason: '不想要了',
      refundFen: 990,
      totalFen: 1990,
    });
    expect(JSON.parse(server.requests[0]!.body)).toEqual({
      out_trade_no: 'ORDER20240601000001',
      out_refund_no: 'REFUND20240601000001',
      reason: '不想要了',
      amount: { refund: 990, total: 1990, currency: 'CNY' },
    });
    expect(requested).toMatchObject({ refundId: refund.refund_id, status: 'PROCESSING', amount: { refundFen: 990, totalFen: 1990 } });
    expect(requested.createTime.toISOString()).toBe('2024-06-01T04:40:00.000Z');
    await expect(client.queryRefund('REFUND20240601000001')).resolves.toMatchObject({ outRefundNo: 'REFUND20240601000001' });
    await expect(client.queryRefund('REFUND_UNKNOWN')).resolves.toBeNull();
    await expect(
      client.refund({ outTradeNo: 'ORDER20240601000001', outRefundNo: 'R1', refundFen: 2000, totalFen: 1990 }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});

describe('response signatures', () => {
  const tampered: [string, (body: string) => Record<string, string>][] = [
    ['a SIGNTEST probe', (body) => signedHeaders(platform.privateKey, body, { serial: publicKeyId, signature: 'WECHATPAY/SIGNTEST/AAAA' })],
    ['another key under the known serial', (body) => signedHeaders(impostor.privateKey, body, { serial: publicKeyId })],
    ['an unknown serial', (body) => signedHeaders(impostor.privateKey, body, { serial: 'PUB_KEY_ID_0114232134912410000000000001' })],
    [
      'a stale timestamp',
      (body) => signedHeaders(platform.privateKey, body, { serial: publicKeyId, timestamp: secondsNow(Date.now() - 301_000) }),
    ],
    ['a signature over other bytes', (body) => signedHeaders(platform.privateKey, `${body} `, { serial: publicKeyId })],
    ['no signature headers', () => ({})],
  ];

  it.each(tampered)('rejects %s as BAD_SIGNATURE, even on an error reply', async (_name, headersFor) => {
    const body = JSON.stringify(transaction);
    override = () => ({ status: 200, body, headers: headersFor(body) });
    expect(await platformFailureOf(client.queryByOutTradeNo('ORDER20240601000001'))).toMatchObject({ code: 'BAD_SIGNATURE', status: 200 });

    // A forged ORDER_NOT_EXIST must not read as "never placed".
    const notFound = JSON.stringify({ code: 'ORDER_NOT_EXIST', message: '订单不存在' });
    override = () => ({ status: 404, body: notFound, headers: headersFor(notFound) });
    expect(await platformFailureOf(client.queryByOutTradeNo('ORDER20240601000001'))).toMatchObject({ code: 'BAD_SIGNATURE', status: 404 });
  });

  it('verifies a 204 over its empty body', async () => {
    override = () => ({ status: 204, headers: signedHeaders(impostor.privateKey, '', { serial: publicKeyId }) });
    expect(await platformFailureOf(client.close('ORDER20240601000001'))).toMatchObject({ code: 'BAD_SIGNATURE', operation: 'close' });
  });

  it('matches the reply serial case-insensitively', async () => {
    const body = JSON.stringify(transaction);
    override = () => ({ status: 200, body, headers: signedHeaders(platform.privateKey, body, { serial: publicKeyId.toLowerCase() }) });
    await expect(client.queryByOutTradeNo('ORDER20240601000001')).resolves.toMatchObject({ tradeState: 'NOTPAY' });
  });
});

describe('smart guide', () => {
  it('registers a guide with name and mobile encrypted for the platform key', async () => {
    await expect(
      client.registerGuide({
        corpId: 'ww1234567890abcdef',
        storeId: 1234,
        userId: 'robert',
        name: '张三',
        mobile: '13800138000',
        qrCode: 'https://open.work.weixin.qq.com/wwopen/userQRCode?vcode=xxx',
        avatar: 'https://wx.qlogo.cn/mmopen/ajNVdqHZLLA3WJ6DSZUfiakYe37PKnQhBIeOQBO4czqrnZDS79FH5Wm5m4X69TBicnHFlhiafvDwklOpZeXYQQ2icg/0',
      }),
    ).resolves.toEqual({ guideId: 'LLA3WJ6DSZUfiaZDS79FH5Wm5m4X69TBic' });
    const [request] = server.requests;
    expect(request!.headers['wechatpay-serial']).toBe(publicKeyId);
    expectSignedByMerchant(request!);
    const body = JSON.parse(request!.body) as Record<string, unknown>;
    const decrypt = (field: unknown) =>
      privateDecrypt(
        { key: platform.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
        Buffer.from(String(field), 'base64'),
      ).toString();
    expect(decrypt(body.name)).toBe('张三');
    expect(decrypt(body.mobile)).toBe('13800138000');
    expect(body).toMatchObject({ corpid: 'ww1234567890abcdef', store_id: 1234, userid: 'robert' });
  });

  it('queries guides and decrypts name and mobile with the merchant key', async () => {
    await expect(client.queryGuides({ storeId: 1234, userId: 'robert' })).resolves.toEqual({
      guides: [
        {
          guideId: 'LLA3WJ6DSZUfiaZDS79FH5Wm5m4X69TBic',
          storeId: 1234,
          name: '张三',
          mobile: '13800138000',
          userId: 'robert',
          workId: undefined,
        },
      ],
      totalCount: 1,
    });
    expect(server.requests[0]!.url).toBe('/wechatpay/v3/smartguide/guides?store_id=1234&userid=robert');
    expectSignedByMerchant(server.requests[0]!);
  });

  it('assigns a guide to an order', async () => {
    await expect(client.assignGuide('LLA3WJ6DSZUfiaZDS79FH5Wm5m4X69TBic', 'ORDER20240601000001')).resolves.toBeUndefined();
    expect(JSON.parse(server.requests[0]!.body)).toEqual({ out_trade_no: 'ORDER20240601000001' });
    expectSignedByMerchant(server.requests[0]!);
  });
});

describe('configuration', () => {
  it('builds without credentials and answers PLATFORM_NOT_CONFIGURED naming what is missing', async () => {
    const unconfigured = wechatPayClientFromConfig(loadConfig({ NODE_ENV: 'test' }));
    const error = await unconfigured.queryByOutTradeNo('ORDER20240601000001').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: 'PLATFORM_NOT_CONFIGURED',
      status: 503,
      details: {
        platform: 'wechatpay',
        missing: [
          'WECHAT_APPID',
          'WECHATPAY_MCHID',
          'WECHATPAY_PRIVATE_KEY',
          'WECHATPAY_MERCHANT_SERIAL_NO',
          'WECHATPAY_APIV3_KEY',
          'WECHATPAY_PLATFORM_PUBLIC_KEY',
        ],
      },
    });
    await expect(unconfigured.verifyNotification('{}', {})).rejects.toMatchObject({ code: 'PLATFORM_NOT_CONFIGURED' });
  });

  it('needs the key id with a WeChat Pay public key', async () => {
    const withoutKeyId = createWechatPayClient({ ...settings, platformPublicKeyId: undefined });
    await expect(withoutKeyId.close('ORDER20240601000001')).rejects.toMatchObject({
      details: { missing: ['WECHATPAY_PLATFORM_PUBLIC_KEY_ID'] },
    });
  });

  it('reads the merchant serial from the certificate when none is configured, and refuses a mismatch', async () => {
    const certificate = selfSignedCertificate(
      merchant,
      '7E57000000000000000000000000000000000001',
      new Date(Date.now() - 60_000),
      '1900000001',
    );
    const fromCertificate = createWechatPayClient({ ...settings, merchantSerialNo: undefined, merchantCertificatePem: certificate });
    await fromCertificate.close('ORDER20240601000001');
    expect(String(server.requests[0]!.headers.authorization)).toContain('serial_no="7e57000000000000000000000000000000000001"');
    expect(() => createWechatPayClient({ ...settings, merchantCertificatePem: certificate })).toThrow(
      /is not the merchant certificate's serial/,
    );
  });

  it('formats times as RFC 3339 in China time', () => {
    expect(formatChinaTime(new Date('2024-12-31T16:30:05.999Z'))).toBe('2025-01-01T00:30:05+08:00');
  });

  it('never sends the library’s requests to another host', async () => {
    const http = new WechatPayHttp({
      baseUrl: server.url,
      findKey: () => Promise.resolve(undefined),
      now: Date.now,
      maxClockSkewSeconds: 300,
    });
    expect(await platformFailureOf(http.get('https://evil.example.com/v3/pay/transactions/jsapi', {}))).toMatchObject({
      code: 'UNSUPPORTED',
    });
    expect(server.requests).toHaveLength(0);
  });
});
