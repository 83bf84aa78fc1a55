import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../app.ts';
import type { Database } from '../../db/database.ts';
import { createLogger } from '../../logger.ts';
import { testConfig } from '../../testing/app.ts';
import { startTestDatabaseServer, type TestDatabaseServer } from '../../testing/database.ts';
import { startTestSandbox, type TestSandbox } from '../../testing/sandbox.ts';
import { wecomEventModel } from './callback-events.ts';
import { WECOM_CALLBACK_PATH } from './callback-routes.ts';

/** The WeCom callback routes in the app, fed by the sandbox: URL check, stored-once events, tampered events refused with nothing stored. */

let databaseServer: TestDatabaseServer;
let db: Database;
let testSandbox: TestSandbox;
let listener: http.Server;
let app: ReturnType<typeof createApp>;

/** POSTs to one of the sandbox's control endpoints. */
async function control(path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${testSandbox.sandbox.url}/__sandbox/wecom${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

async function settled(deliveryId: number) {
  return testSandbox.sandbox.deliveries.waitFor((entry) => entry.id === deliveryId && entry.state !== 'pending');
}

beforeAll(async () => {
  databaseServer = await startTestDatabaseServer();
  db = await databaseServer.connect();
  // The app must listen before the sandbox starts (the sandbox needs its URL), and needs the sandbox's keys.
  listener = http.createServer((req, res) => void app.callback()(req, res));
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  testSandbox = await startTestSandbox({ appUrl: `http://127.0.0.1:${(listener.address() as AddressInfo).port}` });
  app = createApp({ config: testSandbox.config(), db, logger: createLogger('silent') });
  await control('/members', { userid: 'guide-li', name: '李导购' });
});

afterAll(async () => {
  await new Promise((resolve) => listener.close(resolve));
  await testSandbox.stop();
  await databaseServer.stop();
});

describe(`${WECOM_CALLBACK_PATH}`, () => {
  it("passes WeCom's URL check", async () => {
    const check = await control('/url-check', {});
    expect(check).toMatchObject({ ok: true, status: 200 });
  });

  it('stores an add_external_contact event once, with its State, however often it is delivered', async () => {
    const added = await control('/add-contact', { userid: 'guide-li', external: { name: '王女士', unionid: 'U-wang' }, state: 'g:LI01' });
    const delivery = await settled((added.delivery as { id: number }).id);
    expect(delivery.state).toBe('delivered');
    expect(delivery.attempts.at(-1)?.reply).toBe('success');

    // WeCom retrying the same event: acknowledged, not stored again.
    const again = await fetch(delivery.url, { method: 'POST', headers: delivery.headers, body: delivery.body });
    expect(again.status).toBe(200);
    expect(await again.text()).toBe('success');

    const stored = await wecomEventModel(db.connection).find({ type: 'add_external_contact' }).lean();
    expect(stored).toHaveLength(1);
    expect(stored[0]?.event).toMatchObject({
      type: 'add_external_contact',
      userId: 'guide-li',
      externalUserId: added.external_userid,
      state: 'g:LI01',
      welcomeCode: added.welcome_code,
    });
  });

  it.each(['signature', 'corp-id', 'padding'])('refuses a callback with a bad %s and stores nothing', async (how) => {
    const events = wecomEventModel(db.connection);
    const before = await events.countDocuments();
    const tampered = await control('/tamper', { how, userid: 'guide-li', external: { name: '赵先生' } });
    const delivery = await settled((tampered.delivery as { id: number }).id);
    expect(delivery.state).toBe('gave_up');
    expect(delivery.attempts.every((attempt) => attempt.status === 401)).toBe(true);
    expect(JSON.parse(delivery.attempts[0]?.reply ?? '{}')).toMatchObject({ error: { code: 'CALLBACK_REJECTED' } });
    expect(await events.countDocuments()).toBe(before);
  });

  it('answers bad requests with 4xx errors', async () => {
    const http = request(app.callback());
    const missingQuery = await http.post(WECOM_CALLBACK_PATH).set('Content-Type', 'text/xml').send('<xml/>');
    expect(missingQuery.status).toBe(400);
    expect(missingQuery.body.error.code).toBe('VALIDATION_FAILED');

    const query = { msg_signature: 'a', timestamp: '1', nonce: 'n' };
    const notXml = await http.post(WECOM_CALLBACK_PATH).query(query).set('Content-Type', 'text/xml').send('not xml');
    expect(notXml.status).toBe(401);
    expect(notXml.body.error).toMatchObject({ code: 'CALLBACK_REJECTED', details: { reason: 'malformed_xml' } });
    const reservedName = await http
      .post(WECOM_CALLBACK_PATH)
      .query(query)
      .set('Content-Type', 'text/xml')
      .send('<xml><constructor/></xml>');
    expect(reservedName.status).toBe(401);

    const huge = await http
      .post(WECOM_CALLBACK_PATH)
      .query(query)
      .set('Content-Type', 'text/xml')
      .send(`<xml><Encrypt>${'a'.repeat(70_000)}</Encrypt></xml>`);
    expect(huge.status).toBe(413);

    const badCheck = await http.get(WECOM_CALLBACK_PATH).query({ ...query, echostr: 'abc' });
    expect(badCheck.status).toBe(401);
  });

  it('says which settings are missing when WeCom is not configured', async () => {
    const unconfigured = request(createApp({ config: testConfig(), db, logger: createLogger('silent') }).callback());
    const response = await unconfigured.get(WECOM_CALLBACK_PATH).query({ msg_signature: 'a', timestamp: '1', nonce: 'n', echostr: 'e' });
    expect(response.status).toBe(503);
    expect(response.body.error).toMatchObject({
      code: 'PLATFORM_NOT_CONFIGURED',
      details: { platform: 'wecom', missing: ['WECOM_CORPID', 'WECOM_TOKEN', 'WECOM_ENCODING_AES_KEY'] },
    });
  });
});
