import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../http/errors.ts';
import { testConfig } from '../../testing/app.ts';
import { startTestSandbox, type TestSandbox } from '../../testing/sandbox.ts';
import { PlatformError } from '../errors.ts';
import { rejectionOf } from '../test-support.ts';
import { scanQrPng } from '../../testing/qr.ts';
import {
  createMiniProgramClient,
  isInvalidLoginCode,
  isSubscriptionRefused,
  miniProgramClientFromConfig,
  type MiniProgramClient,
} from './client.ts';

/** The mini-program client against the sandbox: tokens, login codes, mini-program codes (scanned back), subscribe messages, shipping, content checks. */

const TOKEN_LIFETIME_MS = 7200 * 1000;

let sandbox: TestSandbox;

beforeAll(async () => {
  sandbox = await startTestSandbox();
});

afterAll(async () => {
  await sandbox.stop();
});

function client(options: { now?: () => number; env?: Record<string, string> } = {}): MiniProgramClient {
  return miniProgramClientFromConfig(sandbox.config(options.env), { now: options.now });
}

async function control(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${sandbox.sandbox.url}/__sandbox/wechat${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return response.json();
}

async function loginCode(user: string): Promise<string> {
  return ((await control('POST', '/login-code', { user })) as { code: string }).code;
}

/** Logs `user` in (the sandbox only accepts messages and checks for users who did) and returns the openid. */
async function login(user: string): Promise<string> {
  return (await client().codeToSession(await loginCode(user))).openid;
}

/** Requests the sandbox received at `path` since `after`. */
function received(path: string, after: number) {
  return sandbox.sandbox.requests.list({ path: `/wechat${path}`, after });
}

async function platformFailure(promise: Promise<unknown>): Promise<PlatformError> {
  const error = await rejectionOf(promise);
  expect(error).toBeInstanceOf(PlatformError);
  return error as PlatformError;
}

async function validationFailure(promise: Promise<unknown>): Promise<AppError> {
  const error = await rejectionOf(promise);
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe('VALIDATION_FAILED');
  expect((error as AppError).status).toBe(400);
  return error as AppError;
}

describe('access token', () => {
  it('is fetched once for 20 parallel calls and then reused', async () => {
    const openid = await login('token-alice');
    const mini = client();
    const after = sandbox.sandbox.requests.latest();
    const results = await Promise.all(Array.from({ length: 20 }, () => mini.checkText({ content: '你好', openid, scene: 'comment' })));
    expect(results).toEqual(Array.from({ length: 20 }, () => ({ suggest: 'pass', label: 100 })));
    await mini.checkText({ content: '还有货吗', openid, scene: 'comment' });
    expect(received('/cgi-bin/stable_token', after)).toHaveLength(1);
    const tokensUsed = new Set(received('/wxa/msg_sec_check', after).map((request) => request.query.access_token));
    expect(tokensUsed.size).toBe(1);
  });

  it('is refreshed once and the call retried when WeChat answers 40001', async () => {
    const openid = await login('token-alice');
    const mini = client();
    await mini.checkText({ content: '你好', openid, scene: 'comment' });
    await control('POST', '/tokens/revoke');
    const after = sandbox.sandbox.requests.latest();
    expect(await mini.checkText({ content: '你好', openid, scene: 'comment' })).toEqual({ suggest: 'pass', label: 100 });
    expect(received('/cgi-bin/stable_token', after)).toHaveLength(1);
    const calls = received('/wxa/msg_sec_check', after);
    expect(calls).toHaveLength(2);
    expect(calls[0].query.access_token).not.toBe(calls[1].query.access_token);
  });

  it('is refreshed when WeChat answers 42001 although our clock says it is still valid', async () => {
    const openid = await login('token-alice');
    const mini = client();
    await mini.checkText({ content: '你好', openid, scene: 'comment' });
    sandbox.sandbox.advanceClock(TOKEN_LIFETIME_MS);
    const after = sandbox.sandbox.requests.latest();
    expect(await mini.checkText({ content: '你好', openid, scene: 'comment' })).toEqual({ suggest: 'pass', label: 100 });
    expect(received('/cgi-bin/stable_token', after)).toHaveLength(1);
    expect(received('/wxa/msg_sec_check', after)).toHaveLength(2);
  });

  it('is replaced before it expires, without a failed call', async () => {
    const openid = await login('token-alice');
    let offsetMs = 0;
    const mini = client({ now: () => Date.now() + offsetMs });
    await mini.checkText({ content: '你好', openid, scene: 'comment' });
    const first = received('/wxa/msg_sec_check', 0).at(-1)?.query.access_token;
    // Both clocks reach four minutes before expiry: inside the refresh margin, the token still valid.
    const advanceMs = TOKEN_LIFETIME_MS - 4 * 60_000;
    offsetMs += advanceMs;
    sandbox.sandbox.advanceClock(advanceMs);
    const after = sandbox.sandbox.requests.latest();
    await mini.checkText({ content: '你好', openid, scene: 'comment' });
    expect(received('/cgi-bin/stable_token', after)).toHaveLength(1);
    const calls = received('/wxa/msg_sec_check', after);
    expect(calls).toHaveLength(1);
    expect(calls[0].query.access_token).not.toBe(first);
  });

  it('fails as a platform error with WeChat’s code when the secret is wrong', async () => {
    const openid = await login('token-alice');
    const mini = client({ env: { WECHAT_SECRET: 'sandbox-wrong-secret-0123456789abcdef' } });
    const error = await platformFailure(mini.checkText({ content: '你好', openid, scene: 'comment' }));
    expect(error.failure).toMatchObject({ platform: 'wechat', operation: 'stable_token', code: 40125 });
    expect(JSON.stringify(error.failure)).not.toContain('sandbox-wrong-secret');
  });
});

describe('an unconfigured client', () => {
  it('is created, and every call fails with PLATFORM_NOT_CONFIGURED naming what is missing', async () => {
    const after = sandbox.sandbox.requests.latest();
    const mini = miniProgramClientFromConfig(testConfig({ WECHAT_API_BASE_URL: `${sandbox.sandbox.url}/wechat` }));
    const calls = [
      mini.codeToSession('code'),
      mini.unlimitedCode({ scene: 'a', page: 'pages/index/index' }),
      mini.sendSubscribeMessage({ toOpenid: 'o', templateId: 't', data: { thing1: 'x' } }),
      mini.uploadShippingInfo({
        transactionId: '1',
        payerOpenid: 'o',
        logisticsType: 'virtual',
        items: [{ itemDesc: 'x' }],
        uploadTime: new Date(),
      }),
      mini.checkText({ content: 'x', openid: 'o', scene: 'comment' }),
    ];
    for (const call of calls) {
      const error = (await rejectionOf(call)) as AppError;
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({
        code: 'PLATFORM_NOT_CONFIGURED',
        status: 503,
        details: { platform: 'wechat', missing: ['WECHAT_APPID', 'WECHAT_SECRET'] },
      });
    }
    const onlySecret = createMiniProgramClient({
      appId: 'wx0123456789abcdef',
      appSecret: undefined,
      apiBaseUrl: `${sandbox.sandbox.url}/wechat`,
    });
    expect(await rejectionOf(onlySecret.codeToSession('code'))).toMatchObject({ details: { missing: ['WECHAT_SECRET'] } });
    expect(sandbox.sandbox.requests.list({ after })).toHaveLength(0);
  });
});

describe('codeToSession', () => {
  it('returns the openid and unionid only', async () => {
    const session = await client().codeToSession(await loginCode('session-alice'));
    const identity = (await control('GET', '/users/session-alice')) as { openid: string; unionid: string };
    expect(session).toEqual({ openid: identity.openid, unionid: identity.unionid });
    expect(Object.keys(session).sort()).toEqual(['openid', 'unionid']);
  });

  it('fails with 40163 for a used code and 40029 for an unknown one, both recognised as invalid login codes', async () => {
    const mini = client();
    const code = await loginCode('session-alice');
    await mini.codeToSession(code);
    const reused = await platformFailure(mini.codeToSession(code));
    expect(reused.failure).toMatchObject({ platform: 'wechat', operation: 'jscode2session', code: 40163 });
    expect(isInvalidLoginCode(reused)).toBe(true);
    const unknown = await platformFailure(mini.codeToSession('081KmNGa1Ss7Uk0bvLJa1sZIEe2KmNGc'));
    expect(unknown.failure.code).toBe(40029);
    expect(isInvalidLoginCode(unknown)).toBe(true);
    expect(isSubscriptionRefused(unknown)).toBe(false);
    expect(isInvalidLoginCode(new Error('40029'))).toBe(false);
  });

  it('refuses a malformed code without calling WeChat', async () => {
    const after = sandbox.sandbox.requests.latest();
    await validationFailure(client().codeToSession(''));
    await validationFailure(client().codeToSession('code with spaces'));
    expect(received('/sns/jscode2session', after)).toHaveLength(0);
  });

  it('keeps the session key and the secret out of its errors, even when the reply is cut short', async () => {
    const sessionKey = 'tiihtNczf5v6AKRyjwEUhQ==';
    const server = http.createServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(`{"openid":"oAbc","session_key":"${sessionKey}","unio`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const apiBaseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const mini = createMiniProgramClient({ appId: 'wx0123456789abcdef', appSecret: 'sandbox-secret-in-the-query', apiBaseUrl });
      const error = await platformFailure(mini.codeToSession('0a1b2c'));
      expect(error.failure.code).toBe('BAD_REPLY');
      const everything = [
        error.message,
        error.stack,
        JSON.stringify(error.failure),
        String(error.cause),
        JSON.stringify(error.details),
      ].join('\n');
      expect(everything).not.toContain(sessionKey);
      expect(everything).not.toContain('sandbox-secret-in-the-query');
      expect(error.cause).toBeUndefined();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

function decodeQr(image: Buffer): URL {
  const text = scanQrPng(image);
  expect(text).toBeDefined();
  return new URL(text!);
}

describe('unlimitedCode', () => {
  it.each([
    ['g=guide-7', 'pages/goods/detail'],
    ["!#$&'()*+,/:;=?@-._~0123456789ab", 'pages/index/index'],
    ['s', `pages/${'long_segment/'.repeat(9)}end`],
  ])('draws a QR code holding scene %s and page %s', async (scene, page) => {
    const code = await client().unlimitedCode({ scene, page, checkPath: false, envVersion: 'trial', width: 430 });
    expect(code.contentType).toBe('image/png');
    const content = decodeQr(code.image);
    expect(`${content.origin}${content.pathname}`).toBe('https://sandbox.mp.weixin.qq.local/wxa');
    expect(content.searchParams.get('page')).toBe(page);
    expect(content.searchParams.get('scene')).toBe(scene);
    expect(content.searchParams.get('env_version')).toBe('trial');
    expect(content.searchParams.get('appid')).toBe(sandbox.sandbox.apiEnv.WECHAT_APPID);
  });

  it.each([
    [{ scene: 'a'.repeat(33) }, 'scene'],
    [{ scene: 'a b' }, 'scene'],
    [{ scene: '导购7' }, 'scene'],
    [{ scene: '' }, 'scene'],
    [{ page: '/pages/index/index' }, 'page'],
    [{ page: 'pages/index/index?g=7' }, 'page'],
    [{ page: `pages/${'x'.repeat(130)}` }, 'page'],
    [{ width: 100 }, 'width'],
  ])('refuses %j locally, naming %s', async (change, field) => {
    const after = sandbox.sandbox.requests.latest();
    const error = await validationFailure(client().unlimitedCode({ scene: 'g=1', page: 'pages/index/index', ...change }));
    expect(error.details).toEqual([{ path: [field], message: expect.any(String) }]);
    expect(received('/wxa/getwxacodeunlimit', after)).toHaveLength(0);
  });
});

describe('sendSubscribeMessage', () => {
  it('sends the template data as WeChat expects it', async () => {
    const openid = await login('subscriber-1');
    await client().sendSubscribeMessage({
      toOpenid: openid,
      templateId: 'TPL_shipped',
      page: 'pages/order/detail?id=42',
      data: { thing1: '连衣裙', character_string2: 'SO20240101' },
      state: 'trial',
    });
    const sent = (await control('GET', `/subscribe-messages?touser=${openid}`)) as unknown[];
    expect(sent).toEqual([
      expect.objectContaining({
        touser: openid,
        template_id: 'TPL_shipped',
        page: 'pages/order/detail?id=42',
        data: { thing1: { value: '连衣裙' }, character_string2: { value: 'SO20240101' } },
        miniprogram_state: 'trial',
      }),
    ]);
  });

  it('fails with 43101, recognised as a refusal, when the shopper refused', async () => {
    const openid = await login('subscriber-2');
    await control('POST', '/subscribe-refusals', { openid });
    const error = await platformFailure(
      client().sendSubscribeMessage({ toOpenid: openid, templateId: 'TPL_shipped', data: { thing1: 'x' } }),
    );
    expect(error.failure).toMatchObject({ platform: 'wechat', operation: 'subscribe_send', code: 43101 });
    expect(isSubscriptionRefused(error)).toBe(true);
    expect(isInvalidLoginCode(error)).toBe(false);
    expect(await control('GET', `/subscribe-messages?touser=${openid}`)).toEqual([]);
  });

  it('fails with 40003 for an openid that never used the mini-program, and refuses empty data locally', async () => {
    const { openid } = (await control('GET', '/users/never-here')) as { openid: string };
    const error = await platformFailure(
      client().sendSubscribeMessage({ toOpenid: openid, templateId: 'TPL_shipped', data: { thing1: 'x' } }),
    );
    expect(error.failure.code).toBe(40003);
    expect(isSubscriptionRefused(error)).toBe(false);
    await validationFailure(client().sendSubscribeMessage({ toOpenid: openid, templateId: 'TPL_shipped', data: {} }));
  });
});

describe('uploadShippingInfo', () => {
  const uploads = async () => (await control('GET', '/shipping-uploads')) as Record<string, unknown>[];

  it('uploads one express package by transaction id, in China time', async () => {
    await client().uploadShippingInfo({
      transactionId: '4200001234202401011234567890',
      payerOpenid: 'oPayer',
      logisticsType: 'express',
      items: [{ trackingNo: 'SF1234567890', expressCompany: 'SF', itemDesc: '连衣裙 x1', receiverContact: '189****1234' }],
      uploadTime: new Date('2024-01-02T02:00:00.000Z'),
    });
    expect((await uploads()).at(-1)).toMatchObject({
      order_key: { order_number_type: 2, transaction_id: '4200001234202401011234567890' },
      logistics_type: 1,
      delivery_mode: 1,
      shipping_list: [
        { tracking_no: 'SF1234567890', express_company: 'SF', item_desc: '连衣裙 x1', contact: { receiver_contact: '189****1234' } },
      ],
      upload_time: '2024-01-02T10:00:00.000+08:00',
      payer: { openid: 'oPayer' },
    });
  });

  it('uploads several packages by out_trade_no as a complete split delivery', async () => {
    await client().uploadShippingInfo({
      mchId: '1900000109',
      outTradeNo: 'SO-77',
      payerOpenid: 'oPayer',
      logisticsType: 'express',
      items: [
        { trackingNo: 'YT1', expressCompany: 'YTO', itemDesc: 'A' },
        { trackingNo: 'YT2', expressCompany: 'YTO', itemDesc: 'B' },
      ],
      uploadTime: new Date(),
    });
    expect((await uploads()).at(-1)).toMatchObject({
      order_key: { order_number_type: 1, mchid: '1900000109', out_trade_no: 'SO-77' },
      delivery_mode: 2,
      is_all_delivered: true,
      shipping_list: [{ tracking_no: 'YT1' }, { tracking_no: 'YT2' }],
    });
  });

  it('refuses bad input locally, and surfaces what WeChat refuses as a platform error', async () => {
    const base = { transactionId: 'T1', payerOpenid: 'oPayer', uploadTime: new Date() };
    const before = (await uploads()).length;
    await validationFailure(
      client().uploadShippingInfo({ ...base, logisticsType: 'express', items: [{ itemDesc: 'no tracking number' }] }),
    );
    await validationFailure(client().uploadShippingInfo({ ...base, logisticsType: 'virtual', items: [] }));
    await validationFailure(client().uploadShippingInfo({ ...base, logisticsType: 'virtual', items: [{ itemDesc: 'x'.repeat(121) }] }));
    await validationFailure(
      client().uploadShippingInfo({ ...base, logisticsType: 'virtual', items: [{ itemDesc: 'x' }], uploadTime: new Date('nope') }),
    );
    const error = await platformFailure(
      client().uploadShippingInfo({ ...base, payerOpenid: '', logisticsType: 'virtual', items: [{ itemDesc: 'x' }] }),
    );
    expect(error.failure).toMatchObject({ operation: 'upload_shipping_info', code: 47001 });
    expect(await uploads()).toHaveLength(before);
  });
});

describe('checkText', () => {
  it('passes ordinary text and flags the sandbox keywords', async () => {
    const openid = await login('writer');
    const mini = client();
    expect(await mini.checkText({ content: '请问有S码吗', openid, scene: 'comment' })).toEqual({ suggest: 'pass', label: 100 });
    expect(await mini.checkText({ content: '加微信领券', openid, scene: 'forum' })).toEqual({ suggest: 'review', label: 10001 });
    expect(await mini.checkText({ content: '这里可以刷单', openid, scene: 'profile' })).toEqual({ suggest: 'risky', label: 20008 });
    const sent = received('/wxa/msg_sec_check', 0).at(-1);
    expect(JSON.parse(sent?.body ?? '{}')).toEqual({ content: '这里可以刷单', version: 2, scene: 1, openid });
    await validationFailure(mini.checkText({ content: '', openid, scene: 'comment' }));
  });
});
