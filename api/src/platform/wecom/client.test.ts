import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '@mall/config';
import { AppError } from '../../http/errors.ts';
import { testConfig } from '../../testing/app.ts';
import { startTestSandbox, type TestSandbox } from '../../testing/sandbox.ts';
import { platformFailureOf, rejectionOf } from '../test-support.ts';
import { answerUrlCheck, callbackKeysFromConfig, openEvent, type CallbackKeys, type WecomCallbackEvent } from './callback-crypto.ts';
import { createWecomClient, isWelcomeCodeUsed, wecomClientFromConfig, type WecomClient } from './client.ts';
import { scanQrPng } from '../../testing/qr.ts';

/** The WeCom client against the sandbox, with a callback receiver built on callback-crypto. */

const CALLBACK_PATH = '/api/wecom/callback';
const TOKEN_LIFETIME_MS = 7200 * 1000;

/**
 * The app's callback endpoint in miniature: verifies and decrypts with callback-crypto, answers the URL
 * check with the plaintext, 200 for a good event, 401 with the rejection reason otherwise.
 */
interface Receiver {
  url: string;
  keys?: CallbackKeys;
  events: WecomCallbackEvent[];
  rejections: string[];
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://receiver');
      const query = Object.fromEntries(url.searchParams);
      try {
        if (url.pathname !== CALLBACK_PATH || !receiver.keys) throw new Error(`unexpected request ${url.pathname}`);
        if (request.method === 'GET') {
          response.end(answerUrlCheck(receiver.keys, query));
          return;
        }
        receiver.events.push(openEvent(receiver.keys, Buffer.concat(chunks), query));
        response.end('');
      } catch (error) {
        const reason = error instanceof AppError ? (error.details as { reason: string }).reason : String(error);
        receiver.rejections.push(reason);
        response.statusCode = error instanceof AppError ? error.status : 500;
        response.end(reason);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const receiver: Receiver = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    events: [],
    rejections: [],
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  return receiver;
}

let receiver: Receiver;
let sandbox: TestSandbox;
let config: Config;
let wecom: WecomClient;

beforeAll(async () => {
  receiver = await startReceiver();
  sandbox = await startTestSandbox({ appUrl: receiver.url, wecomCallbackPath: CALLBACK_PATH });
  config = sandbox.config();
  receiver.keys = callbackKeysFromConfig(config.wecom);
  wecom = createWecomClient(config.wecom);
  for (const userid of ['guide-a', 'guide-b', 'guide-c', 'guide-gone']) await control('/members', { userid, name: `导购 ${userid}` });
});

afterAll(async () => {
  await sandbox?.stop();
  await receiver?.close();
});

async function control(path: string, body?: unknown, method = 'POST'): Promise<Record<string, unknown>> {
  const response = await fetch(`${sandbox.sandbox.url}/__sandbox/wecom${path}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, unknown>;
  expect(response.status, JSON.stringify(json)).toBe(200);
  return json;
}

async function addContact(
  body: Record<string, unknown>,
): Promise<{ external_userid: string; welcome_code: string; delivery: { id: number } }> {
  return (await control('/add-contact', body)) as { external_userid: string; welcome_code: string; delivery: { id: number } };
}

function requestsTo(path: string, after: number) {
  return sandbox.sandbox.requests.list({ path: `/wecom${path}`, after });
}

async function platformCode(promise: Promise<unknown>): Promise<unknown> {
  return (await platformFailureOf(promise)).code;
}

describe('access tokens', () => {
  it('fetches one token and reuses it', async () => {
    const client = createWecomClient(config.wecom);
    const after = sandbox.sandbox.requests.latest();
    await client.addContactWay({ type: 1, scene: 1, userIds: ['guide-a'], state: 'token-1' });
    await client.addContactWay({ type: 1, scene: 1, userIds: ['guide-a'], state: 'token-2' });
    expect(requestsTo('/cgi-bin/gettoken', after)).toHaveLength(1);
  });

  it('refreshes once when WeCom says the token expired (42001) or is invalid (40014)', async () => {
    const client = createWecomClient(config.wecom);
    const way = await client.addContactWay({ type: 1, scene: 1, userIds: ['guide-a'], state: 'refresh' });

    let after = sandbox.sandbox.requests.latest();
    sandbox.sandbox.advanceClock(TOKEN_LIFETIME_MS + 1000);
    expect(await client.getContactWay(way.configId)).toMatchObject({ configId: way.configId, state: 'refresh' });
    expect(requestsTo('/cgi-bin/gettoken', after)).toHaveLength(1);
    expect(requestsTo('/cgi-bin/externalcontact/get_contact_way', after)).toHaveLength(2);

    after = sandbox.sandbox.requests.latest();
    expect(await control('/tokens/revoke')).toMatchObject({ revoked: expect.any(Number) });
    expect(await client.getContactWay(way.configId)).toMatchObject({ configId: way.configId });
    expect(requestsTo('/cgi-bin/gettoken', after)).toHaveLength(1);
    expect(requestsTo('/cgi-bin/externalcontact/get_contact_way', after)).toHaveLength(2);
  });

  it('refreshes ahead of expiry on its own clock, without a failed call', async () => {
    let clock = Date.now();
    const client = createWecomClient(config.wecom, { now: () => clock });
    const way = await client.addContactWay({ type: 1, scene: 1, userIds: ['guide-a'], state: 'early' });
    // The sandbox hands out the same token while it is valid: revoke it so the early refresh shows.
    await control('/tokens/revoke');
    clock += TOKEN_LIFETIME_MS - 60_000;
    const after = sandbox.sandbox.requests.latest();
    await client.getContactWay(way.configId);
    expect(requestsTo('/cgi-bin/gettoken', after)).toHaveLength(1);
    expect(requestsTo('/cgi-bin/externalcontact/get_contact_way', after)).toHaveLength(1);
  });

  it('fails with WeCom’s code for a wrong secret or corpid, without looping', async () => {
    const wrongSecret = createWecomClient({ ...config.wecom, secret: 'sandbox-wrong' });
    const after = sandbox.sandbox.requests.latest();
    expect(await platformCode(wrongSecret.getCustomer('wm1'))).toBe(40001);
    expect(requestsTo('/cgi-bin/gettoken', after)).toHaveLength(1);
    expect(await platformCode(createWecomClient({ ...config.wecom, corpId: 'ww0000000000000000' }).getCustomer('wm1'))).toBe(40013);
  });

  it('is not configured without WECOM_CORPID / WECOM_SECRET', async () => {
    const unconfigured = wecomClientFromConfig(testConfig({}));
    const error = await rejectionOf(unconfigured.getCustomer('wm1'));
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: 'PLATFORM_NOT_CONFIGURED',
      details: { platform: 'wecom', missing: ['WECOM_CORPID', 'WECOM_SECRET'] },
    });
    expect(() => createWecomClient(testConfig({ WECOM_CORPID: 'ww1' }).wecom)).toThrow(
      expect.objectContaining({ code: 'PLATFORM_NOT_CONFIGURED', details: { platform: 'wecom', missing: ['WECOM_SECRET'] } }),
    );
  });
});

describe('contact ways', () => {
  it('creates a QR contact way whose image scans to it, then reads, updates and deletes it', async () => {
    const created = await wecom.addContactWay({ type: 1, scene: 2, userIds: ['guide-a'], state: 'g:guide-a', remark: '门店 A' });
    expect(created.qrCode).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/wecom\/__qr\//);
    const image = Buffer.from(await (await fetch(created.qrCode!)).arrayBuffer());
    expect(scanQrPng(image)).toBe(`${sandbox.sandbox.url}/__sandbox/wecom/contact-ways/${created.configId}`);

    expect(await wecom.getContactWay(created.configId)).toEqual({
      configId: created.configId,
      type: 1,
      scene: 2,
      userIds: ['guide-a'],
      state: 'g:guide-a',
      skipVerify: true,
      remark: '门店 A',
      qrCode: created.qrCode,
    });
    await wecom.updateContactWay(created.configId, { userIds: ['guide-b'], state: 'g:guide-b', skipVerify: false });
    expect(await wecom.getContactWay(created.configId)).toMatchObject({
      userIds: ['guide-b'],
      state: 'g:guide-b',
      skipVerify: false,
      remark: '门店 A',
    });
    await wecom.deleteContactWay(created.configId);
    expect(await platformCode(wecom.getContactWay(created.configId))).toBe(41044);
  });

  it('creates a mini-program (scene 1) contact way without a QR code', async () => {
    const created = await wecom.addContactWay({ type: 1, scene: 1, userIds: ['guide-a'], state: 'plugin' });
    expect(created).toEqual({ configId: expect.any(String) });
  });

  it('checks state, remark and members before calling WeCom', async () => {
    const after = sandbox.sandbox.requests.latest();
    const tooLong = await rejectionOf(wecom.addContactWay({ type: 1, scene: 2, userIds: ['guide-a'], state: 's'.repeat(31) }));
    expect(tooLong).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: ['state'] }] });
    expect(await rejectionOf(wecom.addContactWay({ type: 1, scene: 2, userIds: ['guide-a', 'guide-b'], state: 's' }))).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ path: ['userIds'] }],
    });
    expect(await rejectionOf(wecom.updateContactWay('any', { remark: 'r'.repeat(31) }))).toMatchObject({ details: [{ path: ['remark'] }] });
    expect(requestsTo('/cgi-bin/externalcontact/*', after)).toHaveLength(0);
    // 30 characters, counted as characters rather than bytes.
    expect((await wecom.addContactWay({ type: 1, scene: 2, userIds: ['guide-a'], state: '导'.repeat(30) })).configId).toEqual(
      expect.any(String),
    );
    expect(await platformCode(wecom.addContactWay({ type: 1, scene: 2, userIds: ['stranger'], state: 's' }))).toBe(60111);
  });
});

describe('customers, welcome messages and the callback', () => {
  it('delivers the encrypted add_external_contact event, which callback-crypto opens, and the customer’s details', async () => {
    const way = await wecom.addContactWay({ type: 1, scene: 2, userIds: ['guide-a'], state: 'g:guide-a' });
    const added = await addContact({ config_id: way.configId, external: { name: '顾客 甲', unionid: 'union-1' } });
    const delivery = await sandbox.sandbox.deliveries.waitFor(
      (candidate) => candidate.id === added.delivery.id && candidate.state !== 'pending',
    );
    expect(delivery.state).toBe('delivered');
    expect(receiver.events).toContainEqual({
      type: 'add_external_contact',
      toUserName: config.wecom.corpId,
      createTime: expect.any(Number),
      userId: 'guide-a',
      externalUserId: added.external_userid,
      state: 'g:guide-a',
      welcomeCode: added.welcome_code,
    });

    expect(await wecom.getCustomer(added.external_userid)).toEqual({
      externalContact: { externalUserId: added.external_userid, name: '顾客 甲', type: 1, unionid: 'union-1', avatar: undefined },
      followUsers: [{ userId: 'guide-a', state: 'g:guide-a', createTime: expect.any(Number), remark: undefined }],
    });
    expect(await platformCode(wecom.getCustomer('wm-nobody'))).toBe(84061);
  });

  it('sends a welcome message once; the second attempt is 41051', async () => {
    const added = await addContact({ userid: 'guide-a', external: { name: '顾客 乙' } });
    await wecom.sendWelcomeMessage({
      welcomeCode: added.welcome_code,
      text: '您好，我是导购小A',
      attachments: [
        { type: 'miniprogram', title: '进店逛逛', picMediaId: 'MEDIA', appId: 'wx0123456789abcdef', page: 'pages/index/index?g=guide-a' },
      ],
    });
    const sent = (await control('/welcome-messages', undefined, 'GET')) as unknown as Record<string, unknown>[];
    expect(sent.find((message) => message.welcome_code === added.welcome_code)).toMatchObject({
      text: { content: '您好，我是导购小A' },
      attachments: [
        {
          msgtype: 'miniprogram',
          miniprogram: { title: '进店逛逛', pic_media_id: 'MEDIA', appid: 'wx0123456789abcdef', page: 'pages/index/index?g=guide-a' },
        },
      ],
    });

    const second = await rejectionOf(wecom.sendWelcomeMessage({ welcomeCode: added.welcome_code, text: 'again' }));
    expect(isWelcomeCodeUsed(second)).toBe(true);
    expect(second).toMatchObject({ code: 'PLATFORM_ERROR', failure: { platform: 'wecom', operation: 'send_welcome_msg', code: 41051 } });
  });

  it('refuses a welcome code older than 20 s, and an empty message locally', async () => {
    const added = await addContact({ userid: 'guide-a', external: { name: '顾客 丙' } });
    expect(await rejectionOf(wecom.sendWelcomeMessage({ welcomeCode: added.welcome_code }))).toMatchObject({ code: 'VALIDATION_FAILED' });
    sandbox.sandbox.advanceClock(20_001);
    const late = await rejectionOf(wecom.sendWelcomeMessage({ welcomeCode: added.welcome_code, text: 'hi' }));
    expect(late).toMatchObject({ failure: { code: 41050 } });
    expect(isWelcomeCodeUsed(late)).toBe(false);
  });

  it('refuses tampered callbacks, each for its own reason, and WeCom retries them', async () => {
    const reasons: Record<string, string> = { signature: 'bad_signature', 'corp-id': 'receive_id_mismatch', padding: 'bad_padding' };
    for (const [how, reason] of Object.entries(reasons)) {
      receiver.rejections.length = 0;
      const { delivery } = (await control('/tamper', { how })) as { delivery: { id: number } };
      const done = await sandbox.sandbox.deliveries.waitFor((candidate) => candidate.id === delivery.id && candidate.state !== 'pending');
      expect(done.state).toBe('gave_up');
      expect(done.attempts.map((attempt) => attempt.status)).toEqual([401, 401, 401, 401]);
      expect(receiver.rejections).toEqual([reason, reason, reason, reason]);
    }
    expect(receiver.events.some((event) => event.type === 'add_external_contact' && event.state === 'tampered')).toBe(false);
  });

  it('passes the console’s URL check', async () => {
    expect(await control('/url-check')).toMatchObject({ ok: true, status: 200 });
  });

  it('delivers del_follow_user when the customer removes the guide', async () => {
    const added = await addContact({ userid: 'guide-b', external: { name: '顾客 丁' } });
    const removed = (await control('/del-follow-user', { userid: 'guide-b', external_userid: added.external_userid })) as {
      delivery: { id: number };
    };
    await sandbox.sandbox.deliveries.waitFor((candidate) => candidate.id === removed.delivery.id && candidate.state === 'delivered');
    expect(receiver.events).toContainEqual({
      type: 'del_follow_user',
      toUserName: config.wecom.corpId,
      createTime: expect.any(Number),
      userId: 'guide-b',
      externalUserId: added.external_userid,
    });
  });
});

describe('transfers', () => {
  it('transfers an on-duty guide’s customers and reports them waiting, then done', async () => {
    const customer = (await addContact({ userid: 'guide-a', external: { name: '转接 甲' } })).external_userid;
    const outcomes = await wecom.transferCustomers({
      handoverUserId: 'guide-a',
      takeoverUserId: 'guide-b',
      externalUserIds: [customer, 'wm-nobody'],
      transferSuccessMsg: '您好，后续由导购 B 为您服务',
    });
    expect(outcomes).toEqual([
      { externalUserId: customer, errcode: 0 },
      { externalUserId: 'wm-nobody', errcode: 40096 },
    ]);
    expect(await wecom.transferResult({ handoverUserId: 'guide-a', takeoverUserId: 'guide-b' })).toEqual({
      customers: [{ externalUserId: customer, status: 2, takeoverTime: undefined }],
      nextCursor: undefined,
    });
    sandbox.sandbox.advanceClock(24 * 3600_000);
    expect(await wecom.transferResult({ handoverUserId: 'guide-a', takeoverUserId: 'guide-b' })).toEqual({
      customers: [{ externalUserId: customer, status: 1, takeoverTime: expect.any(Number) }],
      nextCursor: undefined,
    });
    expect((await wecom.getCustomer(customer)).followUsers.map((follow) => follow.userId)).toEqual(['guide-b']);
  });

  it('transfers a resigned guide’s customers through the resigned endpoints', async () => {
    const customer = (await addContact({ userid: 'guide-gone', external: { name: '转接 乙' } })).external_userid;
    expect(
      await platformCode(
        wecom.transferResignedCustomers({ handoverUserId: 'guide-gone', takeoverUserId: 'guide-c', externalUserIds: [customer] }),
      ),
    ).toBe(40097);
    await control('/members', { userid: 'guide-gone', name: '已离职', resigned: true });
    expect(
      await wecom.transferResignedCustomers({ handoverUserId: 'guide-gone', takeoverUserId: 'guide-c', externalUserIds: [customer] }),
    ).toEqual([{ externalUserId: customer, errcode: 0 }]);
    expect((await wecom.transferResult({ handoverUserId: 'guide-gone', takeoverUserId: 'guide-c' })).customers).toEqual([]);
    await control('/transfers/complete');
    expect(await wecom.transferResult({ handoverUserId: 'guide-gone', takeoverUserId: 'guide-c', resigned: true })).toEqual({
      customers: [{ externalUserId: customer, status: 1, takeoverTime: expect.any(Number) }],
      nextCursor: undefined,
    });
  });

  it('checks the number of customers locally', async () => {
    const transfer = { handoverUserId: 'guide-a', takeoverUserId: 'guide-b' };
    expect(await rejectionOf(wecom.transferCustomers({ ...transfer, externalUserIds: [] }))).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await rejectionOf(wecom.transferResignedCustomers({ ...transfer, externalUserIds: Array(101).fill('wm1') }))).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ path: ['externalUserIds'] }],
    });
    expect(await platformCode(wecom.transferCustomers({ ...transfer, takeoverUserId: 'guide-a', externalUserIds: ['wm1'] }))).toBe(40130);
  });
});
