import { createDecipheriv, createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSandbox, type RunningSandbox } from '../server.ts';

/** The WeCom look-alike over HTTP with an app stand-in: tokens, contact ways, customers and their encrypted events, welcome messages, transfers, restarts. */

// Only the WeCom look-alike runs here; the other platforms have their own tests.
vi.mock('../platforms.ts', async () => ({
  PLATFORM_FACTORIES: [{ name: 'wecom', create: (await import('./index.ts')).createWecomPlatform }],
}));

interface Received {
  method: string;
  url: URL;
  body: string;
}

/** The app's stand-in: records every request; `answer` decides the reply (default 200 "success"). */
async function startApp(): Promise<{
  url: string;
  received: Received[];
  answer: (request: Received) => { status: number; body: string };
  close(): Promise<void>;
}> {
  const app = {
    url: '',
    received: [] as Received[],
    answer: (() => ({ status: 200, body: 'success' })) as (request: Received) => { status: number; body: string },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      const received = { method: request.method ?? '', url: new URL(request.url ?? '/', 'http://app'), body };
      app.received.push(received);
      const reply = app.answer(received);
      response.statusCode = reply.status;
      response.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  app.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return app;
}

/** The app's side of the crypto, written from the protocol description (not the sandbox's code). */
function openCiphertext(encodingAesKey: string, encrypted: string): { message: string; receiveId: string; padding: number } {
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  decipher.setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(Buffer.from(encrypted, 'base64')), decipher.final()]);
  const padding = plain[plain.length - 1]!;
  const length = plain.readUInt32BE(16);
  return {
    message: plain.subarray(20, 20 + length).toString('utf8'),
    receiveId: plain.subarray(20 + length, plain.length - padding).toString('utf8'),
    padding,
  };
}

function sha1Signature(...parts: string[]): string {
  return createHash('sha1').update(parts.sort().join('')).digest('hex');
}

function element(xml: string, name: string): string | undefined {
  return new RegExp(`<${name}>(?:<!\\[CDATA\\[([\\s\\S]*?)\\]\\]>|([^<]*))</${name}>`)
    .exec(xml)
    ?.slice(1)
    .find((value) => value !== undefined);
}

let dataDir: string;
let sandbox: RunningSandbox;
let app: Awaited<ReturnType<typeof startApp>>;
let env: Record<string, string>;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'wecom-sandbox-'));
  app = await startApp();
  sandbox = await startWecomSandbox();
  env = sandbox.apiEnv;
});

/** The sandbox on `dataDir`, calling back the app stand-in with fast retries (again after a restart). */
function startWecomSandbox(): Promise<RunningSandbox> {
  return startSandbox({
    port: 0,
    dataDir,
    appUrl: app.url,
    wecomCallbackPath: '/wecom/callback',
    wecomRetryDelaysMs: [30, 30, 30],
  });
}

afterAll(async () => {
  await sandbox?.close();
  await app?.close();
  await rm(dataDir, { recursive: true, force: true });
});

type Json = Record<string, unknown>;

async function token(): Promise<string> {
  const reply = await get('/cgi-bin/gettoken', { corpid: env.WECOM_CORPID!, corpsecret: env.WECOM_SECRET! });
  expect(reply.errcode).toBe(0);
  return reply.access_token as string;
}

async function get(route: string, query: Record<string, string>): Promise<Json> {
  const response = await fetch(`${sandbox.url}/wecom${route}?${new URLSearchParams(query)}`);
  expect(response.status).toBe(200);
  return (await response.json()) as Json;
}

async function post(route: string, body: unknown, accessToken?: string): Promise<Json> {
  const response = await fetch(`${sandbox.url}/wecom${route}?access_token=${accessToken ?? (await token())}`, {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Json;
}

async function control(
  route: string,
  body?: unknown,
  method = 'POST',
): Promise<{ status: number; json: Json & { sandbox_error?: string } }> {
  const response = await fetch(`${sandbox.url}/__sandbox/wecom${route}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Json };
}

async function member(userid: string, resigned = false): Promise<void> {
  expect((await control('/members', { userid, name: `导购 ${userid}`, resigned })).status).toBe(200);
}

async function addContact(body: Json): Promise<Json> {
  const reply = await control('/add-contact', body);
  expect(reply.status, JSON.stringify(reply.json)).toBe(200);
  return reply.json;
}

describe('credentials', () => {
  it('are generated as marked sandbox values in the formats WeCom uses, and persisted', async () => {
    expect(env.WECOM_API_BASE_URL).toBe(`${sandbox.url}/wecom`);
    expect(env.WECOM_CORPID).toMatch(/^ww[0-9a-f]{16}$/);
    expect(env.WECOM_SECRET).toMatch(/^sandbox/);
    expect(env.WECOM_TOKEN).toMatch(/^sandbox[A-Za-z0-9]+$/);
    expect(env.WECOM_TOKEN!.length).toBeLessThanOrEqual(32);
    expect(env.WECOM_ENCODING_AES_KEY).toMatch(/^sandbox[A-Za-z0-9]{36}$/);
    expect(Buffer.from(`${env.WECOM_ENCODING_AES_KEY}=`, 'base64')).toHaveLength(32);
    const stored = JSON.parse(await readFile(path.join(dataDir, 'wecom', 'credentials.json'), 'utf8')) as Json;
    expect(stored).toEqual({
      corpId: env.WECOM_CORPID,
      secret: env.WECOM_SECRET,
      token: env.WECOM_TOKEN,
      encodingAesKey: env.WECOM_ENCODING_AES_KEY,
    });
  });
});

describe('gettoken and access tokens', () => {
  it('refuses a missing or wrong corpid or secret with WeCom codes', async () => {
    expect(await get('/cgi-bin/gettoken', { corpsecret: env.WECOM_SECRET! })).toMatchObject({ errcode: 41002 });
    expect(await get('/cgi-bin/gettoken', { corpid: 'ww0000000000000000', corpsecret: env.WECOM_SECRET! })).toMatchObject({
      errcode: 40013,
    });
    expect(await get('/cgi-bin/gettoken', { corpid: env.WECOM_CORPID! })).toMatchObject({ errcode: 41004 });
    expect(await get('/cgi-bin/gettoken', { corpid: env.WECOM_CORPID!, corpsecret: 'sandbox-wrong' })).toMatchObject({
      errcode: 40001,
      errmsg: 'invalid credential',
    });
  });

  it('hands out the same token while it is valid, then answers 42001 once it expired, 40014 when unknown or revoked', async () => {
    const first = await get('/cgi-bin/gettoken', { corpid: env.WECOM_CORPID!, corpsecret: env.WECOM_SECRET! });
    expect(first).toMatchObject({ errcode: 0, expires_in: expect.any(Number) });
    sandbox.advanceClock(100_000);
    const again = await get('/cgi-bin/gettoken', { corpid: env.WECOM_CORPID!, corpsecret: env.WECOM_SECRET! });
    expect(again.access_token).toBe(first.access_token);
    expect(again.expires_in).toBe((first.expires_in as number) - 100);

    expect(await post('/cgi-bin/externalcontact/get_contact_way', {}, first.access_token as string)).toMatchObject({ errcode: 41043 });
    sandbox.advanceClock(7200_000);
    expect(await post('/cgi-bin/externalcontact/get_contact_way', {}, first.access_token as string)).toMatchObject({ errcode: 42001 });
    const renewed = await token();
    expect(renewed).not.toBe(first.access_token);

    expect(await post('/cgi-bin/externalcontact/get_contact_way', {}, 'made-up')).toMatchObject({ errcode: 40014 });
    expect(
      (await fetch(`${sandbox.url}/wecom/cgi-bin/externalcontact/get_contact_way`, { method: 'POST', body: '{}' }).then((r) =>
        r.json(),
      )) as Json,
    ).toMatchObject({
      errcode: 41001,
    });
    expect((await control('/tokens/revoke')).json).toEqual({ revoked: 2 });
    expect(await post('/cgi-bin/externalcontact/get_contact_way', {}, renewed)).toMatchObject({ errcode: 40014 });
  });
});

describe('contact ways', () => {
  beforeAll(async () => {
    await member('cw-guide-1');
    await member('cw-guide-2');
  });

  it('creates a scene-2 way with a QR image, reads, updates and deletes it', async () => {
    const created = await post('/cgi-bin/externalcontact/add_contact_way', {
      type: 1,
      scene: 2,
      user: ['cw-guide-1'],
      state: 'g:cw-guide-1',
      skip_verify: true,
    });
    expect(created).toMatchObject({ errcode: 0, config_id: expect.stringMatching(/^[0-9a-f]{32}$/) });
    const configId = created.config_id as string;
    expect(created.qr_code).toBe(`${sandbox.url}/wecom/__qr/${configId}`);

    const image = await fetch(created.qr_code as string);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await image.arrayBuffer()).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));

    expect(await post('/cgi-bin/externalcontact/get_contact_way', { config_id: configId })).toMatchObject({
      contact_way: {
        config_id: configId,
        type: 1,
        scene: 2,
        user: ['cw-guide-1'],
        state: 'g:cw-guide-1',
        skip_verify: true,
        qr_code: created.qr_code,
      },
    });
    expect(
      await post('/cgi-bin/externalcontact/update_contact_way', { config_id: configId, user: ['cw-guide-2'], state: 'campaign-7' }),
    ).toMatchObject({
      errcode: 0,
    });
    expect(await post('/cgi-bin/externalcontact/get_contact_way', { config_id: configId })).toMatchObject({
      contact_way: { user: ['cw-guide-2'], state: 'campaign-7', skip_verify: true },
    });
    expect((await control(`/contact-ways/${configId}`, undefined, 'GET')).json).toMatchObject({
      config_id: configId,
      user: ['cw-guide-2'],
    });

    expect(await post('/cgi-bin/externalcontact/del_contact_way', { config_id: configId })).toMatchObject({ errcode: 0 });
    expect(await post('/cgi-bin/externalcontact/get_contact_way', { config_id: configId })).toMatchObject({ errcode: 41044 });
    expect((await fetch(created.qr_code as string)).status).toBe(404);
  });

  it('gives a scene-1 (mini-program) way no qr_code', async () => {
    const created = await post('/cgi-bin/externalcontact/add_contact_way', { type: 1, scene: 1, user: ['cw-guide-1'], state: 's1' });
    expect(created.errcode).toBe(0);
    expect(created).not.toHaveProperty('qr_code');
    expect((await fetch(`${sandbox.url}/wecom/__qr/${created.config_id as string}`)).status).toBe(404);
  });

  it('validates type, scene, members and the 30-character state without creating anything', async () => {
    const before = (await control('/contact-ways', undefined, 'GET')).json as unknown as unknown[];
    const base = { type: 1, scene: 2, user: ['cw-guide-1'], state: 'ok' };
    expect(await post('/cgi-bin/externalcontact/add_contact_way', { ...base, type: undefined })).toMatchObject({ errcode: 41037 });
    expect(await post('/cgi-bin/externalcontact/add_contact_way', { ...base, type: 3 })).toMatchObject({ errcode: 41039 });
    expect(await post('/cgi-bin/externalcontact/add_contact_way', { ...base, scene: undefined })).toMatchObject({ errcode: 41038 });
    expect(await post('/cgi-bin/externalcontact/add_contact_way', { ...base, scene: 3 })).toMatchObject({ errcode: 41040 });
    expect(await post('/cgi-bin/externalcontact/add_contact_way', { ...base, user: ['nobody'] })).toMatchObject({ errcode: 60111 });
    expect(await post('/cgi-bin/externalcontact/add_contact_way', { ...base, user: ['cw-guide-1', 'cw-guide-2'] })).toMatchObject({
      errcode: 40058,
    });
    expect(await post('/cgi-bin/externalcontact/add_contact_way', { ...base, state: 'x'.repeat(31) })).toMatchObject({ errcode: 40058 });
    expect(await post('/cgi-bin/externalcontact/add_contact_way', { ...base, state: '导'.repeat(30) })).toMatchObject({ errcode: 0 });
    expect(await post('/cgi-bin/externalcontact/add_contact_way', 'not json')).toMatchObject({ errcode: 40058 });
    const created = await post('/cgi-bin/externalcontact/add_contact_way', base);
    expect(
      await post('/cgi-bin/externalcontact/update_contact_way', { config_id: created.config_id, user: ['nobody'], state: 'changed' }),
    ).toMatchObject({
      errcode: 60111,
    });
    expect(await post('/cgi-bin/externalcontact/get_contact_way', { config_id: created.config_id })).toMatchObject({
      contact_way: { state: 'ok' },
    });
    expect((await control('/contact-ways', undefined, 'GET')).json).toHaveLength(before.length + 2);
  });
});

describe('customers and callbacks', () => {
  beforeAll(async () => {
    await member('cb-guide');
  });

  it('add-contact stores the customer under a stable id and POSTs the encrypted, signed add_external_contact event', async () => {
    const way = await post('/cgi-bin/externalcontact/add_contact_way', { type: 1, scene: 2, user: ['cb-guide'], state: 'g:cb-guide' });
    const added = await addContact({ config_id: way.config_id, external: { name: '小王', unionid: 'union-wang' } });
    expect(added).toMatchObject({ userid: 'cb-guide', state: 'g:cb-guide', external_userid: expect.stringMatching(/^wm[0-9a-f]{30}$/) });
    const again = await addContact({ userid: 'cb-guide', external: { name: '小王 (renamed)', unionid: 'union-wang' }, state: 'other' });
    expect(again.external_userid).toBe(added.external_userid);

    const delivery = await sandbox.deliveries.waitFor(
      (candidate) => candidate.id === (added.delivery as { id: number }).id && candidate.state !== 'pending',
    );
    expect(delivery).toMatchObject({ kind: 'change_external_contact/add_external_contact', state: 'delivered' });
    const received = app.received.find((request) => request.body === delivery.body)!;
    expect(received.method).toBe('POST');
    expect(received.url.pathname).toBe('/wecom/callback');
    const encrypted = element(received.body, 'Encrypt')!;
    expect(element(received.body, 'ToUserName')).toBe(env.WECOM_CORPID);
    expect(received.body).toContain('<AgentID><![CDATA[]]></AgentID>');
    const query = Object.fromEntries(received.url.searchParams);
    expect(query.msg_signature).toBe(sha1Signature(env.WECOM_TOKEN!, query.timestamp!, query.nonce!, encrypted));
    expect(Number(query.timestamp) * 1000).toBeGreaterThan(Date.now() - 60_000);

    const opened = openCiphertext(env.WECOM_ENCODING_AES_KEY!, encrypted);
    expect(opened.receiveId).toBe(env.WECOM_CORPID);
    expect(Buffer.from(encrypted, 'base64').length % 32).toBe(0);
    expect(element(opened.message, 'Event')).toBe('change_external_contact');
    expect(element(opened.message, 'ChangeType')).toBe('add_external_contact');
    expect(element(opened.message, 'UserID')).toBe('cb-guide');
    expect(element(opened.message, 'ExternalUserID')).toBe(added.external_userid);
    expect(element(opened.message, 'State')).toBe('g:cb-guide');
    expect(element(opened.message, 'WelcomeCode')).toBe(added.welcome_code);
    expect(element(opened.message, 'CreateTime')).toBe(query.timestamp);

    const customer = await get('/cgi-bin/externalcontact/get', {
      access_token: await token(),
      external_userid: added.external_userid as string,
    });
    expect(customer).toMatchObject({
      errcode: 0,
      external_contact: { external_userid: added.external_userid, name: '小王 (renamed)', unionid: 'union-wang', type: 1 },
      follow_user: [{ userid: 'cb-guide', state: 'other', createtime: expect.any(Number) }],
    });
  });

  it('answers 84061 for customers it does not know and 41035 without an id', async () => {
    expect(await get('/cgi-bin/externalcontact/get', { access_token: await token(), external_userid: 'wmunknown' })).toMatchObject({
      errcode: 84061,
    });
    expect(await get('/cgi-bin/externalcontact/get', { access_token: await token() })).toMatchObject({ errcode: 41035 });
  });

  it('del-contact and del-follow-user end the relation and send their events', async () => {
    await member('cb-guide-2');
    const added = await addContact({ userid: 'cb-guide', external: { name: '小李' } });
    await addContact({ userid: 'cb-guide-2', external: { name: '小李' } });
    const externalUserId = added.external_userid as string;

    const deleted = await control('/del-contact', { userid: 'cb-guide', external_userid: externalUserId });
    expect(deleted.json.delivery).toMatchObject({ kind: 'change_external_contact/del_external_contact' });
    const followed = await control('/del-follow-user', { userid: 'cb-guide-2', external_userid: externalUserId });
    expect(followed.json.delivery).toMatchObject({ kind: 'change_external_contact/del_follow_user' });
    const last = await sandbox.deliveries.waitFor(
      (candidate) => candidate.id === (followed.json.delivery as { id: number }).id && candidate.state !== 'pending',
    );
    const opened = openCiphertext(env.WECOM_ENCODING_AES_KEY!, element(last.body, 'Encrypt')!);
    expect(element(opened.message, 'UserID')).toBe('cb-guide-2');
    expect(element(opened.message, 'ExternalUserID')).toBe(externalUserId);

    expect(await get('/cgi-bin/externalcontact/get', { access_token: await token(), external_userid: externalUserId })).toMatchObject({
      errcode: 84061,
    });
    expect((await control('/del-contact', { userid: 'cb-guide', external_userid: externalUserId })).status).toBe(404);
  });

  it('retries a callback the app does not answer with 200, then gives up', async () => {
    app.answer = () => ({ status: 500, body: 'no' });
    try {
      const added = await addContact({ userid: 'cb-guide', external: { name: '小赵' } });
      const delivery = await sandbox.deliveries.waitFor(
        (candidate) => candidate.id === (added.delivery as { id: number }).id && candidate.state === 'gave_up',
      );
      expect(delivery.attempts).toHaveLength(4);
    } finally {
      app.answer = () => ({ status: 200, body: 'success' });
    }
  });

  it('refuses bad control requests with 4xx and changes nothing', async () => {
    const contactsBefore = JSON.stringify((await control('/contacts', undefined, 'GET')).json);
    expect((await control('/add-contact', { userid: 'nobody', external: { name: 'x' } })).status).toBe(400);
    expect((await control('/add-contact', { userid: 'cb-guide' })).status).toBe(400);
    expect((await control('/add-contact', { userid: 'cb-guide', external: { name: 'x' }, state: 'x'.repeat(31) })).status).toBe(400);
    expect((await control('/add-contact', { config_id: 'missing', external: { name: 'x' } })).status).toBe(404);
    expect((await control('/add-contact', [1, 2])).status).toBe(400);
    expect((await control('/members', { userid: 'bad id!', name: 'x' })).status).toBe(400);
    expect((await control('/tamper', { how: 'everything' })).status).toBe(400);
    expect(JSON.stringify((await control('/contacts', undefined, 'GET')).json)).toBe(contactsBefore);
  });

  it('tampered events: a signature by another token, another receiveId, broken padding', async () => {
    const opened: Record<string, { signatureOk: boolean; receiveId: string; padding: number }> = {};
    for (const how of ['signature', 'corp-id', 'padding']) {
      const sent = await control('/tamper', { how });
      expect(sent.status).toBe(200);
      const delivery = await sandbox.deliveries.waitFor(
        (candidate) => candidate.id === (sent.json.delivery as { id: number }).id && candidate.attempts.length > 0,
      );
      expect(delivery.kind).toBe(`change_external_contact/add_external_contact (tampered: ${how})`);
      const query = Object.fromEntries(new URL(delivery.url).searchParams);
      const encrypted = element(delivery.body, 'Encrypt')!;
      const { receiveId, padding } = openCiphertext(env.WECOM_ENCODING_AES_KEY!, encrypted);
      opened[how] = {
        signatureOk: query.msg_signature === sha1Signature(env.WECOM_TOKEN!, query.timestamp!, query.nonce!, encrypted),
        receiveId,
        padding,
      };
    }
    expect(opened.signature).toMatchObject({ signatureOk: false, receiveId: env.WECOM_CORPID });
    expect(opened['corp-id']).toMatchObject({ signatureOk: true });
    expect(opened['corp-id']!.receiveId).toMatch(/^ww[0-9a-f]{16}$/);
    expect(opened['corp-id']!.receiveId).not.toBe(env.WECOM_CORPID);
    expect(opened.padding).toMatchObject({ signatureOk: true, padding: 0 });
  });

  it('url-check GETs the callback with a signed echostr and compares the answer', async () => {
    app.answer = (request) => {
      const query = Object.fromEntries(request.url.searchParams);
      const signatureOk = query.msg_signature === sha1Signature(env.WECOM_TOKEN!, query.timestamp!, query.nonce!, query.echostr!);
      return signatureOk
        ? { status: 200, body: openCiphertext(env.WECOM_ENCODING_AES_KEY!, query.echostr!).message }
        : { status: 401, body: 'bad' };
    };
    try {
      const passed = await control('/url-check');
      expect(passed.json).toMatchObject({ ok: true, status: 200, expected: expect.stringMatching(/^\d+$/) });
      expect(passed.json.received).toBe(passed.json.expected);
      expect(app.received.at(-1)!.method).toBe('GET');

      app.answer = () => ({ status: 200, body: 'success' });
      expect((await control('/url-check')).json).toMatchObject({ ok: false, status: 200, received: 'success' });
    } finally {
      app.answer = () => ({ status: 200, body: 'success' });
    }
  });
});

describe('welcome messages', () => {
  beforeAll(async () => {
    await member('wm-guide');
  });

  it('accepts a welcome code once, within 20 s', async () => {
    const added = await addContact({ userid: 'wm-guide', external: { name: '欢迎 1' } });
    const message = { welcome_code: added.welcome_code, text: { content: '您好，我是您的专属导购' } };
    expect(await post('/cgi-bin/externalcontact/send_welcome_msg', message)).toMatchObject({ errcode: 0 });
    expect(await post('/cgi-bin/externalcontact/send_welcome_msg', message)).toMatchObject({ errcode: 41051 });
    const sent = (await control('/welcome-messages', undefined, 'GET')).json as unknown as Json[];
    expect(sent.filter((entry) => entry.welcome_code === added.welcome_code)).toEqual([
      expect.objectContaining({ userid: 'wm-guide', external_userid: added.external_userid, text: { content: '您好，我是您的专属导购' } }),
    ]);

    const late = await addContact({ userid: 'wm-guide', external: { name: '欢迎 2' } });
    sandbox.advanceClock(20_001);
    expect(
      await post('/cgi-bin/externalcontact/send_welcome_msg', { welcome_code: late.welcome_code, text: { content: 'hi' } }),
    ).toMatchObject({
      errcode: 41050,
    });
  });

  it('needs a known code and some content', async () => {
    const added = await addContact({ userid: 'wm-guide', external: { name: '欢迎 3' } });
    expect(await post('/cgi-bin/externalcontact/send_welcome_msg', { text: { content: 'hi' } })).toMatchObject({ errcode: 41049 });
    expect(await post('/cgi-bin/externalcontact/send_welcome_msg', { welcome_code: 'made-up', text: { content: 'hi' } })).toMatchObject({
      errcode: 41050,
    });
    expect(await post('/cgi-bin/externalcontact/send_welcome_msg', { welcome_code: added.welcome_code })).toMatchObject({ errcode: 40058 });
    expect(
      await post('/cgi-bin/externalcontact/send_welcome_msg', {
        welcome_code: added.welcome_code,
        attachments: Array(10).fill({ msgtype: 'image' }),
      }),
    ).toMatchObject({ errcode: 40058 });
    // The refusals did not use the code up.
    expect(
      await post('/cgi-bin/externalcontact/send_welcome_msg', { welcome_code: added.welcome_code, attachments: [{ msgtype: 'image' }] }),
    ).toMatchObject({
      errcode: 0,
    });
  });
});

describe('transfers', () => {
  beforeAll(async () => {
    for (const userid of ['tr-a', 'tr-b', 'tr-c']) await member(userid);
    await member('tr-gone', true);
  });

  async function customerOf(userid: string, name: string): Promise<string> {
    return (await addContact({ userid, external: { name } })).external_userid as string;
  }

  /** An on-duty transfer of `customers` from `handover` to `takeover`. */
  const transfer = (handover: string, takeover: string, customers: unknown[], extra: Json = {}) =>
    post('/cgi-bin/externalcontact/transfer_customer', {
      handover_userid: handover,
      takeover_userid: takeover,
      external_userid: customers,
      ...extra,
    });

  it('moves a customer after 24 h, allows two transfers per 90 days, and reports per-customer errors', async () => {
    const customer = await customerOf('tr-a', '转接 1');
    const stranger = await customerOf('tr-c', '转接 2');
    const first = await transfer('tr-a', 'tr-b', [customer, stranger, 'wmunknown'], { transfer_success_msg: '您好，之后由我为您服务' });
    expect(first).toMatchObject({
      errcode: 0,
      customer: [
        { external_userid: customer, errcode: 0 },
        { external_userid: stranger, errcode: 40131 },
        { external_userid: 'wmunknown', errcode: 40096 },
      ],
    });
    expect(await post('/cgi-bin/externalcontact/transfer_result', { handover_userid: 'tr-a', takeover_userid: 'tr-b' })).toMatchObject({
      customer: [{ external_userid: customer, status: 2 }],
      next_cursor: '',
    });
    expect(await transfer('tr-a', 'tr-b', [customer])).toMatchObject({ customer: [{ errcode: 40129 }] });

    sandbox.advanceClock(24 * 3600_000);
    const done = await post('/cgi-bin/externalcontact/transfer_result', { handover_userid: 'tr-a', takeover_userid: 'tr-b' });
    expect(done).toMatchObject({ customer: [{ external_userid: customer, status: 1, takeover_time: expect.any(Number) }] });
    const moved = await get('/cgi-bin/externalcontact/get', { access_token: await token(), external_userid: customer });
    expect((moved.follow_user as Json[]).map((follow) => follow.userid)).toEqual(['tr-b']);

    // Second transfer (b → c) completes through the control endpoint; a third within 90 days is refused.
    expect(await transfer('tr-b', 'tr-c', [customer])).toMatchObject({ customer: [{ errcode: 0 }] });
    expect((await control('/transfers/complete')).json).toEqual({ completed: 1 });
    expect(await post('/cgi-bin/externalcontact/transfer_result', { handover_userid: 'tr-b', takeover_userid: 'tr-c' })).toMatchObject({
      customer: [{ status: 1 }],
    });
    expect(await transfer('tr-c', 'tr-a', [customer])).toMatchObject({ customer: [{ errcode: 40128 }] });
  });

  it('refuses whole requests that cannot work', async () => {
    const customer = await customerOf('tr-a', '转接 3');
    expect(await transfer('tr-a', 'tr-a', [customer])).toMatchObject({ errcode: 40130 });
    expect(await transfer('tr-a', 'nobody', [customer])).toMatchObject({ errcode: 60111 });
    expect(await transfer('tr-a', 'tr-b', [])).toMatchObject({ errcode: 41035 });
    expect(await transfer('tr-a', 'tr-b', Array(101).fill(customer))).toMatchObject({ errcode: 40058 });
    expect(
      await post('/cgi-bin/externalcontact/resigned/transfer_customer', {
        handover_userid: 'tr-a',
        takeover_userid: 'tr-b',
        external_userid: [customer],
      }),
    ).toMatchObject({ errcode: 40097 });
    expect(
      await post('/cgi-bin/externalcontact/transfer_result', { handover_userid: 'tr-a', takeover_userid: 'tr-b', cursor: 'x' }),
    ).toMatchObject({
      errcode: 50100,
    });
  });

  it('transfers a resigned member’s customers separately, and lets a customer refuse', async () => {
    await member('tr-gone');
    const customer = await customerOf('tr-gone', '离职 1');
    const refusing = await customerOf('tr-gone', '离职 2');
    await member('tr-gone', true);
    const reply = await post('/cgi-bin/externalcontact/resigned/transfer_customer', {
      handover_userid: 'tr-gone',
      takeover_userid: 'tr-c',
      external_userid: [customer, refusing],
    });
    expect(reply).toMatchObject({ customer: [{ errcode: 0 }, { errcode: 0 }] });
    expect(await post('/cgi-bin/externalcontact/transfer_result', { handover_userid: 'tr-gone', takeover_userid: 'tr-c' })).toMatchObject({
      customer: [],
    });

    const refused = await control('/transfers/refuse', { external_userid: refusing });
    expect(refused.json.delivery).toMatchObject({ kind: 'change_external_contact/transfer_fail' });
    const delivery = await sandbox.deliveries.waitFor(
      (candidate) => candidate.id === (refused.json.delivery as { id: number }).id && candidate.state !== 'pending',
    );
    const opened = openCiphertext(env.WECOM_ENCODING_AES_KEY!, element(delivery.body, 'Encrypt')!);
    expect(element(opened.message, 'FailReason')).toBe('customer_refused');
    expect(element(opened.message, 'UserID')).toBe('tr-c');

    sandbox.advanceClock(24 * 3600_000);
    const result = await post('/cgi-bin/externalcontact/resigned/transfer_result', { handover_userid: 'tr-gone', takeover_userid: 'tr-c' });
    expect(result.customer).toEqual([
      { external_userid: customer, status: 1, takeover_time: expect.any(Number) },
      { external_userid: refusing, status: 3 },
    ]);
    expect((await control('/transfers/refuse', { external_userid: refusing })).status).toBe(404);
  });
});

describe("ids that name Object's own members", () => {
  it('are unknown config ids, welcome codes, customers and members, change nothing, and __proto__ is an ordinary userid', async () => {
    for (const id of ['__proto__', 'constructor']) {
      expect(await post('/cgi-bin/externalcontact/get_contact_way', { config_id: id })).toMatchObject({ errcode: 41044 });
      expect(await post('/cgi-bin/externalcontact/update_contact_way', { config_id: id, remark: 'polluted' })).toMatchObject({
        errcode: 41044,
      });
      expect(await post('/cgi-bin/externalcontact/send_welcome_msg', { welcome_code: id, text: { content: 'hi' } })).toMatchObject({
        errcode: 41050,
      });
      expect(await get('/cgi-bin/externalcontact/get', { access_token: await token(), external_userid: id })).toMatchObject({
        errcode: 84061,
      });
      expect(await post('/cgi-bin/externalcontact/add_contact_way', { type: 1, scene: 2, user: [id] })).toMatchObject({ errcode: 60111 });
      expect((await control('/del-contact', { userid: 'cb-guide', external_userid: id })).status).toBe(404);
    }
    const plain: Json = {};
    expect([plain.remark, plain.used_at, Object.getPrototypeOf(plain)]).toEqual([undefined, undefined, Object.prototype]);

    await member('__proto__');
    const created = await post('/cgi-bin/externalcontact/add_contact_way', { type: 1, scene: 2, user: ['__proto__'], state: 's' });
    expect(created).toMatchObject({ errcode: 0, config_id: expect.any(String) });
    expect((await control('/members', undefined, 'GET')).json).toEqual(
      expect.arrayContaining([expect.objectContaining({ userid: '__proto__' })]),
    );
  });
});

describe('restarts', () => {
  it('keep the credentials, members, customers and tokens', async () => {
    const accessToken = await token();
    const customers = (await control('/contacts', undefined, 'GET')).json;
    await sandbox.close();
    sandbox = await startWecomSandbox();
    expect(sandbox.apiEnv).toMatchObject({ WECOM_CORPID: env.WECOM_CORPID, WECOM_SECRET: env.WECOM_SECRET, WECOM_TOKEN: env.WECOM_TOKEN });
    expect((await control('/contacts', undefined, 'GET')).json).toEqual(customers);
    expect((await control('/members', undefined, 'GET')).json).toEqual(
      expect.arrayContaining([expect.objectContaining({ userid: 'cb-guide' }), expect.objectContaining({ userid: '__proto__' })]),
    );
    // The new process has the real clock again, so the token issued under the advanced clock is still valid.
    expect(await post('/cgi-bin/externalcontact/get_contact_way', {}, accessToken)).toMatchObject({ errcode: 41043 });
  });
});
