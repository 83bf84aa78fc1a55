import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import jsqr from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../server.ts';

/** The mini-program server API look-alike over HTTP: tokens, login codes, mini-program codes, subscribe messages, shipping, content checks, restarts. */

const LIFETIME_SECONDS = 7200;

function start(dataDir: string): Promise<RunningSandbox> {
  return startSandbox({ port: 0, dataDir, payNotifyRetryDelaysMs: [50], wecomRetryDelaysMs: [50], tokenLifetimeSeconds: LIFETIME_SECONDS });
}

let dataDir: string;
let sandbox: RunningSandbox;
let appid: string;
let secret: string;

type Json = Record<string, unknown>;

async function call(
  method: 'GET' | 'POST' | 'DELETE',
  pathAndQuery: string,
  body?: unknown,
): Promise<{ status: number; type: string; json: Json }> {
  const response = await fetch(`${sandbox.url}${pathAndQuery}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, type: response.headers.get('content-type') ?? '', json: (await response.json()) as Json };
}

async function stableToken(extra: Json = {}): Promise<Json> {
  return (await call('POST', '/wechat/cgi-bin/stable_token', { grant_type: 'client_credential', appid, secret, ...extra })).json;
}

async function loginCode(user: string): Promise<string> {
  const { status, json } = await call('POST', '/__sandbox/wechat/login-code', { user });
  expect(status).toBe(200);
  return json.code as string;
}

async function jscode2session(code: string, overrides: Record<string, string> = {}): Promise<Json> {
  const query = new URLSearchParams({ appid, secret, js_code: code, grant_type: 'authorization_code', ...overrides });
  return (await call('GET', `/wechat/sns/jscode2session?${query}`)).json;
}

async function login(user: string): Promise<string> {
  return (await jscode2session(await loginCode(user))).openid as string;
}

async function withToken(pathname: string, body: unknown): Promise<{ status: number; type: string; json: Json }> {
  const { access_token: token } = await stableToken();
  return call('POST', `/wechat${pathname}?access_token=${String(token)}`, body);
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'sandbox-wechat-'));
  sandbox = await start(dataDir);
  ({ WECHAT_APPID: appid, WECHAT_SECRET: secret } = sandbox.apiEnv);
});

afterAll(async () => {
  await sandbox.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('generated app credentials', () => {
  it('are realistic, marked as sandbox values, and given to the API', async () => {
    expect(appid).toMatch(/^wx[0-9a-f]{16}$/);
    expect(secret).toMatch(/^sandbox.{25,}$/);
    expect(sandbox.apiEnv.WECHAT_API_BASE_URL).toBe(`${sandbox.url}/wechat`);
    const stored = JSON.parse(await readFile(path.join(dataDir, 'wechat', 'app.json'), 'utf8')) as Json;
    expect(stored).toMatchObject({ appId: appid, appSecret: secret });
  });

  it('survive a restart along with tokens and test-user identities', async () => {
    const { access_token: token } = await stableToken();
    const openid = await login('restart-user');
    await sandbox.close();
    sandbox = await start(dataDir);
    expect(sandbox.apiEnv).toMatchObject({ WECHAT_APPID: appid, WECHAT_SECRET: secret });
    expect((await stableToken()).access_token).toBe(token);
    expect(await login('restart-user')).toBe(openid);
  });
});

describe('stable_token', () => {
  it('returns the same token while it is valid, with the seconds it has left', async () => {
    const first = await stableToken();
    expect(first.access_token).toMatch(/^[A-Za-z0-9_-]{100,}$/);
    expect(first.expires_in).toBeGreaterThan(LIFETIME_SECONDS - 60);
    sandbox.advanceClock(60_000);
    const second = await stableToken();
    expect(second.access_token).toBe(first.access_token);
    expect(second.expires_in).toBeLessThanOrEqual((first.expires_in as number) - 60);
  });

  it('renews a token with under five minutes left while the old one runs out', async () => {
    await call('POST', '/__sandbox/wechat/tokens/revoke');
    const old = (await stableToken()).access_token as string;
    sandbox.advanceClock((LIFETIME_SECONDS - 240) * 1000);
    const renewed = await stableToken();
    expect(renewed.access_token).not.toBe(old);
    expect(renewed.expires_in).toBeGreaterThan(LIFETIME_SECONDS - 60);
    const body = { content: 'hello', version: 2, scene: 2, openid: await login('alice') };
    expect((await call('POST', `/wechat/wxa/msg_sec_check?access_token=${old}`, body)).json.errcode).toBe(0);
    sandbox.advanceClock(241_000);
    expect((await call('POST', `/wechat/wxa/msg_sec_check?access_token=${old}`, body)).json).toMatchObject({ errcode: 42001 });
    expect((await call('POST', `/wechat/wxa/msg_sec_check?access_token=${String(renewed.access_token)}`, body)).json.errcode).toBe(0);
  });

  it('force_refresh issues a new token and ends the previous one', async () => {
    const old = (await stableToken()).access_token as string;
    const fresh = (await stableToken({ force_refresh: true })).access_token as string;
    expect(fresh).not.toBe(old);
    const probe = { content: 'hello', version: 2, scene: 2, openid: await login('alice') };
    expect((await call('POST', `/wechat/wxa/msg_sec_check?access_token=${old}`, probe)).json.errcode).toBe(40001);
    expect((await call('POST', `/wechat/wxa/msg_sec_check?access_token=${fresh}`, probe)).json.errcode).toBe(0);
  });

  it.each([
    [{ secret: `${'x'}${secret}` }, 40125],
    [{ appid: 'wx0000000000000000' }, 40013],
    [{ grant_type: 'authorization_code' }, 40002],
    [{ appid: '' }, 41002],
    [{ secret: '' }, 41004],
    [{ force_refresh: 'yes' }, 47001],
  ])('refuses %j with errcode %i', async (change, errcode) => {
    const reply = await stableToken(change);
    expect(reply).toMatchObject({ errcode });
    expect(reply.access_token).toBeUndefined();
  });

  it('answers malformed JSON with 47001', async () => {
    const reply = await call('POST', '/wechat/cgi-bin/stable_token', '{"grant_type":');
    expect(reply).toMatchObject({ status: 200, json: { errcode: 47001 } });
    expect(reply.json.errmsg).toMatch(/^data format error/);
  });
});

describe('classic /cgi-bin/token', () => {
  it('issues a new token per call and keeps the previous one for five minutes', async () => {
    const query = `grant_type=client_credential&appid=${appid}&secret=${secret}`;
    const first = (await call('GET', `/wechat/cgi-bin/token?${query}`)).json;
    const second = (await call('GET', `/wechat/cgi-bin/token?${query}`)).json;
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.expires_in).toBeGreaterThan(LIFETIME_SECONDS - 60);
    const probe = { content: 'hello', version: 2, scene: 2, openid: await login('alice') };
    const check = (token: unknown) => call('POST', `/wechat/wxa/msg_sec_check?access_token=${String(token)}`, probe);
    expect((await check(first.access_token)).json.errcode).toBe(0);
    sandbox.advanceClock(5 * 60_000 + 1000);
    expect((await check(first.access_token)).json.errcode).toBe(42001);
    expect((await check(second.access_token)).json.errcode).toBe(0);
    expect((await call('GET', `/wechat/cgi-bin/token?grant_type=client_credential&appid=${appid}&secret=wrong`)).json.errcode).toBe(40125);
  });
});

describe('token-protected endpoints', () => {
  const probe = { scene: 'a=1', page: 'pages/index/index' };

  it('answer 40001 without a token, with an unknown one, and after the control endpoint revokes all tokens', async () => {
    expect((await call('POST', '/wechat/wxa/getwxacodeunlimit', probe)).json).toMatchObject({ errcode: 40001 });
    expect((await call('POST', '/wechat/wxa/getwxacodeunlimit?access_token=nope', probe)).json).toMatchObject({ errcode: 40001 });
    const token = (await stableToken()).access_token as string;
    const revoked = await call('POST', '/__sandbox/wechat/tokens/revoke');
    expect(revoked.json.revoked).toBeGreaterThanOrEqual(1);
    const reply = await call('POST', `/wechat/wxa/getwxacodeunlimit?access_token=${token}`, probe);
    expect(reply.type).toContain('application/json');
    expect(reply.json.errcode).toBe(40001);
    expect(reply.json.errmsg).toMatch(/^invalid credential/);
    expect((await stableToken()).access_token).not.toBe(token);
  });

  it('find nothing under inherited property names', async () => {
    for (const name of ['constructor', '__proto__', 'toString']) {
      expect((await call('POST', `/wechat/wxa/getwxacodeunlimit?access_token=${name}`, probe)).json.errcode).toBe(40001);
      expect(await jscode2session(name)).toMatchObject({ errcode: 40029 });
      expect((await withToken('/wxa/msg_sec_check', { content: 'hi', version: 2, scene: 2, openid: name })).json.errcode).toBe(40003);
    }
  });

  it('answer 42001 once the token has expired', async () => {
    const token = (await stableToken({ force_refresh: true })).access_token as string;
    sandbox.advanceClock(LIFETIME_SECONDS * 1000);
    const reply = await call('POST', `/wechat/wxa/getwxacodeunlimit?access_token=${token}`, probe);
    expect(reply.json).toMatchObject({ errcode: 42001 });
    expect(reply.json.errmsg).toMatch(/^access_token expired/);
  });

  it('answer malformed JSON with 47001', async () => {
    expect((await withToken('/wxa/getwxacodeunlimit', '{scene')).json.errcode).toBe(47001);
    expect((await withToken('/wxa/sec/order/upload_shipping_info', '[1]')).json.errcode).toBe(47001);
  });

  it('leave unknown paths to the sandbox core', async () => {
    expect((await call('POST', '/wechat/cgi-bin/nope', {})).json).toEqual({
      sandbox_error: 'no sandbox endpoint POST /wechat/cgi-bin/nope',
    });
  });
});

describe('login codes and jscode2session', () => {
  it('maps each test user to a stable openid and unionid, with a new session key per login', async () => {
    const first = await jscode2session(await loginCode('alice'));
    const second = await jscode2session(await loginCode('alice'));
    const bob = await jscode2session(await loginCode('bob'));
    expect(first.openid).toMatch(/^o[A-Za-z0-9_-]{27}$/);
    expect(first.unionid).toMatch(/^U[A-Za-z0-9_-]{27}$/);
    expect(first.session_key).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(second).toMatchObject({ openid: first.openid, unionid: first.unionid });
    expect(second.session_key).not.toBe(first.session_key);
    expect(bob.openid).not.toBe(first.openid);
    expect(bob.unionid).not.toBe(first.unionid);
    // Openids of one app share their first characters, as WeChat's do.
    expect((bob.openid as string).slice(0, 6)).toBe((first.openid as string).slice(0, 6));
    const identity = await call('GET', '/__sandbox/wechat/users/alice');
    expect(identity.json).toEqual({ user: 'alice', openid: first.openid, unionid: first.unionid, loggedIn: true });
    expect((await call('GET', '/__sandbox/wechat/users/nobody-yet')).json.loggedIn).toBe(false);
  });

  it('accepts a code once: the second use is 40163', async () => {
    const code = await loginCode('alice');
    expect(code).toMatch(/^[A-Za-z0-9]{32}$/);
    expect((await jscode2session(code)).openid).toBeDefined();
    expect(await jscode2session(code)).toMatchObject({ errcode: 40163 });
  });

  it('answers 40029 for unknown and expired codes', async () => {
    expect(await jscode2session('081KmNGa1Ss7Uk0bvLJa1sZIEe2KmNGc')).toMatchObject({ errcode: 40029 });
    const code = await loginCode('alice');
    sandbox.advanceClock(5 * 60_000);
    const reply = await jscode2session(code);
    expect(reply).toMatchObject({ errcode: 40029 });
    expect(reply.errmsg).toMatch(/^invalid code rid: /);
  });

  it('checks the app credentials before the code, leaving the code usable', async () => {
    const code = await loginCode('alice');
    expect(await jscode2session(code, { secret: 'wrong' })).toMatchObject({ errcode: 40125 });
    expect(await jscode2session(code, { appid: 'wx0000000000000000' })).toMatchObject({ errcode: 40013 });
    expect(await jscode2session(code, { grant_type: 'client_credential' })).toMatchObject({ errcode: 40002 });
    expect(await jscode2session('', {})).toMatchObject({ errcode: 41008 });
    expect((await jscode2session(code)).openid).toBeDefined();
  });

  it('also issues codes by GET, for the H5 development flow, and refuses bad user names', async () => {
    const { json } = await call('GET', '/__sandbox/wechat/login-code?user=carol');
    expect((await jscode2session(json.code as string)).openid).toBe((await call('GET', '/__sandbox/wechat/users/carol')).json.openid);
    expect((await call('GET', '/__sandbox/wechat/login-code')).status).toBe(400);
    expect((await call('POST', '/__sandbox/wechat/login-code', { user: 'a b' })).status).toBe(400);
  });
});

// jsqr is CommonJS with `exports.default`: under NodeNext the function is the module's `default`.
const jsQR = jsqr.default;

/** The PNG's size and the text of the QR code in it, read as a phone's scanner would. */
function readQrPng(png: Buffer): { width: number; height: number; text: string | undefined } {
  const image = PNG.sync.read(png);
  const decoded = jsQR(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length), image.width, image.height);
  return { width: image.width, height: image.height, text: decoded?.data };
}

describe('getwxacodeunlimit', () => {
  it('draws a PNG QR code of about the asked width that scans to the page and scene', async () => {
    const reply = await fetch(`${sandbox.url}/wechat/wxa/getwxacodeunlimit?access_token=${String((await stableToken()).access_token)}`, {
      method: 'POST',
      body: JSON.stringify({ scene: 'g=guide-7&s=12', page: 'pages/goods/detail', width: 600, check_path: false, env_version: 'trial' }),
    });
    expect(reply.headers.get('content-type')).toBe('image/png');
    const png = readQrPng(Buffer.from(await reply.arrayBuffer()));
    expect(png.width).toBe(png.height);
    expect(png.width).toBe(600);
    const scanned = new URL(png.text ?? 'http://not-scanned');
    expect(scanned.searchParams.get('page')).toBe('pages/goods/detail');
    expect(scanned.searchParams.get('scene')).toBe('g=guide-7&s=12');
    expect(scanned.searchParams.get('env_version')).toBe('trial');
  });

  it('brings widths into 280 to 1280 px', async () => {
    const token = String((await stableToken()).access_token);
    const widthOf = async (width: number) => {
      const reply = await fetch(`${sandbox.url}/wechat/wxa/getwxacodeunlimit?access_token=${token}`, {
        method: 'POST',
        body: JSON.stringify({ scene: 'x', width }),
      });
      return readQrPng(Buffer.from(await reply.arrayBuffer())).width;
    };
    expect(await widthOf(10)).toBe(280);
    expect(await widthOf(5000)).toBe(1280);
  });

  it.each([
    [{ scene: 'a'.repeat(33) }, 40169],
    [{ scene: 'a b' }, 40169],
    [{ scene: '导购' }, 40169],
    [{ scene: '' }, 40169],
    [{ page: 'pages/index/index' }, 40169],
    [{ scene: 'a', page: '/pages/index/index' }, 41030],
    [{ scene: 'a', page: 'pages/index/index?x=1' }, 41030],
    [{ scene: 'a', page: 'pages//index' }, 41030],
    [{ scene: 'a', page: 'p'.repeat(129) }, 41030],
    [{ scene: 'a', env_version: 'beta' }, 40097],
    [{ scene: 'a', width: '430' }, 47001],
    [{ scene: 'a', check_path: 'no' }, 47001],
  ])('refuses %j with errcode %i as JSON', async (body, errcode) => {
    const reply = await withToken('/wxa/getwxacodeunlimit', body);
    expect(reply.type).toContain('application/json');
    expect(reply.json.errcode).toBe(errcode);
  });

  it('accepts every allowed scene character', async () => {
    const reply = await fetch(`${sandbox.url}/wechat/wxa/getwxacodeunlimit?access_token=${String((await stableToken()).access_token)}`, {
      method: 'POST',
      body: JSON.stringify({ scene: "!#$&'()*+,/:;=?@-._~09azAZ" }),
    });
    expect(reply.headers.get('content-type')).toBe('image/png');
  });
});

describe('subscribe messages', () => {
  const message = (touser: string, extra: Json = {}) => ({
    touser,
    template_id: 'TPL_order_shipped_1',
    page: 'pages/order/detail?id=1',
    data: { thing1: { value: '连衣裙' }, character_string2: { value: 'SO20240101' } },
    miniprogram_state: 'trial',
    ...extra,
  });

  it('records a message to a user who logged in', async () => {
    const openid = await login('dora');
    const reply = await withToken('/cgi-bin/message/subscribe/send', message(openid));
    expect(reply.json).toEqual({ errcode: 0, errmsg: 'ok' });
    const recorded = (await call('GET', `/__sandbox/wechat/subscribe-messages?touser=${openid}`)).json as unknown as Json[];
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ ...message(openid), lang: 'zh_CN' });
  });

  it('answers 40003 for an openid that never logged in', async () => {
    const openid = (await call('GET', '/__sandbox/wechat/users/never-logged-in')).json.openid as string;
    expect((await withToken('/cgi-bin/message/subscribe/send', message(openid))).json.errcode).toBe(40003);
  });

  it('answers 43101 for a user who refused, per template or all, until the refusal is lifted', async () => {
    const openid = await login('erin');
    const sent = () =>
      call('GET', `/__sandbox/wechat/subscribe-messages?touser=${openid}`).then((reply) => reply.json as unknown as Json[]);
    expect((await call('POST', '/__sandbox/wechat/subscribe-refusals', { openid, template_id: 'TPL_other' })).status).toBe(200);
    expect((await withToken('/cgi-bin/message/subscribe/send', message(openid))).json.errcode).toBe(0);
    await call('POST', '/__sandbox/wechat/subscribe-refusals', { openid });
    const refused = await withToken('/cgi-bin/message/subscribe/send', message(openid));
    expect(refused.json.errcode).toBe(43101);
    expect(refused.json.errmsg).toMatch(/^user refuse to accept the msg/);
    expect(await sent()).toHaveLength(1);
    await call('DELETE', `/__sandbox/wechat/subscribe-refusals?openid=${openid}`);
    expect((await withToken('/cgi-bin/message/subscribe/send', message(openid))).json.errcode).toBe(0);
    expect(await sent()).toHaveLength(2);
    expect((await call('POST', '/__sandbox/wechat/subscribe-refusals', {})).status).toBe(400);
  });

  it.each([
    [{ data: undefined }, 47001],
    [{ data: { thing1: { value: '' } } }, 47003],
    [{ data: { thing1: { value: '超'.repeat(21) } } }, 47003],
    [{ template_id: '' }, 40037],
    [{ miniprogram_state: 'production' }, 47003],
    [{ touser: 7 }, 40003],
  ])('refuses %j with errcode %i', async (change, errcode) => {
    const openid = await login('dora');
    expect((await withToken('/cgi-bin/message/subscribe/send', message(openid, change))).json.errcode).toBe(errcode);
  });
});

describe('upload_shipping_info', () => {
  const upload = (extra: Json = {}) => ({
    order_key: { order_number_type: 2, transaction_id: '4200001234202401011234567890' },
    logistics_type: 1,
    delivery_mode: 1,
    shipping_list: [
      { tracking_no: 'SF1234567890', express_company: 'SF', item_desc: '连衣裙 x1', contact: { receiver_contact: '189****1234' } },
    ],
    upload_time: '2024-01-02T10:00:00.000+08:00',
    payer: { openid: 'oPayer0000000000000000000000' },
    ...extra,
  });

  it('records a valid upload', async () => {
    const before = ((await call('GET', '/__sandbox/wechat/shipping-uploads')).json as unknown as Json[]).length;
    const byOutTradeNo = upload({ order_key: { order_number_type: 1, mchid: '1900000109', out_trade_no: 'SO-1' } });
    expect((await withToken('/wxa/sec/order/upload_shipping_info', upload())).json).toEqual({ errcode: 0, errmsg: 'ok' });
    expect((await withToken('/wxa/sec/order/upload_shipping_info', byOutTradeNo)).json.errcode).toBe(0);
    const recorded = (await call('GET', '/__sandbox/wechat/shipping-uploads')).json as unknown as Json[];
    expect(recorded).toHaveLength(before + 2);
    expect(recorded.at(-2)).toMatchObject(upload());
    expect(recorded.at(-1)).toMatchObject({ order_key: { order_number_type: 1, mchid: '1900000109', out_trade_no: 'SO-1' } });
  });

  it('accepts split delivery of several packages and self-pickup without tracking numbers', async () => {
    const split = upload({
      delivery_mode: 2,
      is_all_delivered: true,
      shipping_list: [
        { tracking_no: 'YT1', express_company: 'YTO', item_desc: 'A' },
        { tracking_no: 'YT2', express_company: 'YTO', item_desc: 'B' },
      ],
    });
    expect((await withToken('/wxa/sec/order/upload_shipping_info', split)).json.errcode).toBe(0);
    const pickup = upload({ logistics_type: 4, shipping_list: [{ item_desc: '到店自提' }] });
    expect((await withToken('/wxa/sec/order/upload_shipping_info', pickup)).json.errcode).toBe(0);
  });

  it.each([
    [{ order_key: undefined }],
    [{ order_key: { order_number_type: 2 } }],
    [{ order_key: { order_number_type: 1, mchid: '1900000109' } }],
    [{ order_key: { order_number_type: 3, transaction_id: 'x' } }],
    [{ logistics_type: 5 }],
    [{ delivery_mode: 2 }],
    [{ shipping_list: [] }],
    [{ shipping_list: [{ item_desc: 'no tracking number' }] }],
    [{ shipping_list: [{ tracking_no: 'SF1', express_company: 'SF', item_desc: 'x'.repeat(121) }] }],
    [{ shipping_list: [upload().shipping_list[0], upload().shipping_list[0]] }],
    [{ upload_time: '2024-01-02 10:00:00' }],
    [{ payer: {} }],
  ])('refuses %j with 47001 and records nothing', async (change) => {
    const before = ((await call('GET', '/__sandbox/wechat/shipping-uploads')).json as unknown as Json[]).length;
    const reply = await withToken('/wxa/sec/order/upload_shipping_info', upload(change));
    expect(reply.json.errcode).toBe(47001);
    expect(reply.json.errmsg).toMatch(/^data format error hint: \[.+\]/);
    expect((await call('GET', '/__sandbox/wechat/shipping-uploads')).json).toHaveLength(before);
  });

  it('fails the next uploads with the errcode a test asks for, recording none of them', async () => {
    const before = ((await call('GET', '/__sandbox/wechat/shipping-uploads')).json as unknown as Json[]).length;
    expect((await call('POST', '/__sandbox/wechat/shipping-upload-failures', { count: 2 })).json).toEqual({ remaining: 2, errcode: -1 });
    expect((await withToken('/wxa/sec/order/upload_shipping_info', upload())).json.errcode).toBe(-1);
    expect((await withToken('/wxa/sec/order/upload_shipping_info', upload())).json.errcode).toBe(-1);
    expect((await withToken('/wxa/sec/order/upload_shipping_info', upload())).json.errcode).toBe(0);
    expect((await call('GET', '/__sandbox/wechat/shipping-uploads')).json).toHaveLength(before + 1);
    expect((await call('POST', '/__sandbox/wechat/shipping-upload-failures', { count: -1 })).status).toBe(400);
    expect((await call('POST', '/__sandbox/wechat/shipping-upload-failures', { count: 1, errcode: 0 })).status).toBe(400);
  });
});

describe('msg_sec_check (v2)', () => {
  const check = async (content: string, extra: Json = {}) =>
    (await withToken('/wxa/msg_sec_check', { content, version: 2, scene: 2, openid: await login('frank'), ...extra })).json;

  it('passes ordinary text', async () => {
    const reply = await check('这件衣服还有M码吗？');
    expect(reply).toMatchObject({ errcode: 0, result: { suggest: 'pass', label: 100 } });
    expect(reply.trace_id).toMatch(/\S+/);
    expect(reply.detail).toEqual([expect.objectContaining({ strategy: 'content_model', suggest: 'pass' })]);
  });

  it('flags words from the sandbox keyword list, the most severe first', async () => {
    expect((await check('加微信领优惠')).result).toEqual({ suggest: 'review', label: 10001 });
    expect((await check('This is SANDBOX-RISKY text')).result).toEqual({ suggest: 'risky', label: 21000 });
    const both = await check('加微信 刷单');
    expect(both.result).toEqual({ suggest: 'risky', label: 20008 });
    expect(both.detail).toEqual(expect.arrayContaining([expect.objectContaining({ strategy: 'keyword', keyword: '加微信' })]));
    expect((await call('GET', '/__sandbox/wechat/sensitive-words')).json).toEqual(
      expect.arrayContaining([{ word: '刷单', suggest: 'risky', label: 20008 }]),
    );
  });

  it.each([
    [{ version: 1 }, 47001],
    [{ scene: 5 }, 47001],
    [{ content: '' }, 47001],
    [{ content: 'x'.repeat(2501) }, 47001],
    [{ openid: 'oUnknown000000000000000000000' }, 40003],
  ])('refuses %j with errcode %i', async (change, errcode) => {
    expect((await check('hello', change)).errcode).toBe(errcode);
  });
});
