import {
  constants,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  privateDecrypt,
  publicEncrypt,
  X509Certificate,
} from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CallbackDelivery } from '../deliveries.ts';
import { startSandbox, type RunningSandbox } from '../server.ts';
import { decryptResource, MerchantClient, startNotifyServer, verifyWechatpaySignature, type ReceivedNotification } from './test-client.ts';

/** The WeChat Pay look-alike over HTTP with an independent merchant: payments, refunds, tampered notifications, request authentication, smart guides, the cashier. */

// Only the WeChat Pay look-alike runs here; the other platforms have their own tests.
vi.mock('../platforms.ts', async () => ({
  PLATFORM_FACTORIES: [{ name: 'wechatpay', create: (await import('./index.ts')).createWechatPayPlatform }],
}));

const MARKER = '# sandbox-generated: development only\n';

let dataDir: string;
let sandbox: RunningSandbox;
let merchant: MerchantClient;
let app: Awaited<ReturnType<typeof startNotifyServer>>;
let orderSeq = 0;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'wechatpay-sandbox-'));
  app = await startNotifyServer();
  sandbox = await startSandbox({ port: 0, dataDir, payNotifyRetryDelaysMs: [50, 50] });
  merchant = new MerchantClient(sandbox.apiEnv);
});

afterAll(async () => {
  await sandbox?.close();
  await app?.close();
  await rm(dataDir, { recursive: true, force: true });
});

function newOrderNo(): string {
  return `T${Date.now()}${++orderSeq}`;
}

function jsapiOrder(outTradeNo: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    appid: 'wx0123456789abcdef',
    mchid: merchant.mchid,
    description: '测试商品 A',
    out_trade_no: outTradeNo,
    notify_url: `${app.url}/pay/notify`,
    amount: { total: 1000, currency: 'CNY' },
    payer: { openid: 'o-sandbox-openid-1' },
    attach: 'guide=g1',
    ...overrides,
  };
}

async function placeOrder(outTradeNo: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const reply = await merchant.request('POST', '/v3/pay/transactions/jsapi', jsapiOrder(outTradeNo, overrides));
  expect(reply.status, reply.text).toBe(200);
  return reply.json.prepay_id as string;
}

async function control(route: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${sandbox.url}/__sandbox/wechatpay${route}`, {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

async function paidOrder(overrides: Record<string, unknown> = {}): Promise<string> {
  const outTradeNo = newOrderNo();
  await placeOrder(outTradeNo, overrides);
  expect((await control('/pay', { out_trade_no: outTradeNo })).status).toBe(200);
  return outTradeNo;
}

/** What the app received for a delivery, once the sandbox recorded an acknowledged attempt. */
async function receivedFor(
  predicate: (delivery: CallbackDelivery) => boolean,
): Promise<{ delivery: CallbackDelivery; received: ReceivedNotification }> {
  const delivery = await sandbox.deliveries.waitFor((candidate) => predicate(candidate) && candidate.attempts.length > 0, 5_000);
  const received = app.received.find((notification) => notification.body === delivery.body);
  if (!received) throw new Error('the app did not receive the delivery');
  return { delivery, received };
}

function resourceOf(body: string): {
  event: Record<string, unknown>;
  resource: { ciphertext: string; nonce: string; associated_data: string; original_type: string; algorithm: string };
} {
  const event = JSON.parse(body) as Record<string, unknown>;
  return { event, resource: event.resource as never };
}

describe('generated credentials', () => {
  it('hands the API marked PEMs that Node parses, a hex serial, a 32-byte sandbox APIv3 key and the public key id', () => {
    const env = sandbox.apiEnv;
    expect(env.WECHATPAY_API_BASE_URL).toBe(`${sandbox.url}/wechatpay`);
    expect(env.WECHATPAY_MCHID).toMatch(/^\d{10}$/);
    expect(env.WECHATPAY_MERCHANT_SERIAL_NO).toMatch(/^[0-9A-F]{40}$/);
    expect(env.WECHATPAY_APIV3_KEY).toMatch(/^sandbox[A-Za-z0-9]{25}$/);
    expect(Buffer.byteLength(env.WECHATPAY_APIV3_KEY)).toBe(32);
    expect(env.WECHATPAY_PLATFORM_PUBLIC_KEY_ID).toMatch(/^PUB_KEY_ID_\d+$/);
    for (const name of ['WECHATPAY_PRIVATE_KEY', 'WECHATPAY_PLATFORM_PUBLIC_KEY', 'WECHATPAY_MERCHANT_CERT'])
      expect(env[name].startsWith(MARKER)).toBe(true);
    expect(createPrivateKey(env.WECHATPAY_PRIVATE_KEY).asymmetricKeyType).toBe('rsa');
    expect(env.WECHATPAY_PLATFORM_PUBLIC_KEY).toContain('BEGIN PUBLIC KEY');
    // The merchant certificate carries the serial and the merchant's public key.
    const certificate = new X509Certificate(env.WECHATPAY_MERCHANT_CERT);
    expect(certificate.serialNumber).toBe(env.WECHATPAY_MERCHANT_SERIAL_NO);
    expect(certificate.publicKey.export({ format: 'pem', type: 'spki' })).toBe(
      createPublicKey(env.WECHATPAY_PRIVATE_KEY).export({ format: 'pem', type: 'spki' }),
    );
  });
});

describe('payments', () => {
  it('prepay → NOTPAY → payer pays → signed, encrypted TRANSACTION.SUCCESS → SUCCESS', async () => {
    const outTradeNo = newOrderNo();
    const prepayId = await placeOrder(outTradeNo);
    expect(prepayId).toMatch(/^wx\d{14}[0-9a-f]{20}$/);

    const unpaid = await merchant.request('GET', `/v3/pay/transactions/out-trade-no/${outTradeNo}?mchid=${merchant.mchid}`);
    expect(unpaid.status).toBe(200);
    expect(unpaid.json).toMatchObject({
      out_trade_no: outTradeNo,
      mchid: merchant.mchid,
      appid: 'wx0123456789abcdef',
      trade_state: 'NOTPAY',
      amount: { total: 1000 },
    });
    expect(unpaid.json).not.toHaveProperty('transaction_id');
    expect(unpaid.json).not.toHaveProperty('success_time');

    const paid = await control('/pay', { out_trade_no: outTradeNo });
    expect(paid.status).toBe(200);
    const { delivery, received } = await receivedFor((candidate) => candidate.id === paid.json.delivery_id);
    expect(delivery).toMatchObject({ kind: 'TRANSACTION.SUCCESS', url: `${app.url}/pay/notify`, state: 'delivered' });
    expect(received.headers['wechatpay-serial']).toBe(merchant.platformSerial);
    expect(received.headers['wechatpay-signature-type']).toBe('WECHATPAY2-SHA256-RSA2048');
    expect(verifyWechatpaySignature(received.headers, received.body, merchant.platformKey)).toBe(true);
    expect(Math.abs(Number(received.headers['wechatpay-timestamp']) - merchant.nowSeconds())).toBeLessThan(5);

    const { event, resource } = resourceOf(received.body);
    expect(event).toMatchObject({ resource_type: 'encrypt-resource', event_type: 'TRANSACTION.SUCCESS', summary: '支付成功' });
    expect(event.create_time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
    expect(resource).toMatchObject({ original_type: 'transaction', algorithm: 'AEAD_AES_256_GCM', associated_data: 'transaction' });
    expect(resource.nonce).toMatch(/^[A-Za-z0-9]{12}$/);
    const transaction = JSON.parse(decryptResource(resource, merchant.apiV3Key)) as Record<string, unknown>;
    expect(transaction).toMatchObject({
      appid: 'wx0123456789abcdef',
      mchid: merchant.mchid,
      out_trade_no: outTradeNo,
      trade_type: 'JSAPI',
      trade_state: 'SUCCESS',
      attach: 'guide=g1',
      payer: { openid: 'o-sandbox-openid-1' },
      amount: { total: 1000, payer_total: 1000, currency: 'CNY' },
    });
    expect(transaction.transaction_id).toMatch(/^\d{28}$/);

    const query = await merchant.request('GET', `/v3/pay/transactions/out-trade-no/${outTradeNo}?mchid=${merchant.mchid}`);
    expect(query.json).toMatchObject({
      trade_state: 'SUCCESS',
      transaction_id: transaction.transaction_id,
      success_time: transaction.success_time,
    });
    const byId = await merchant.request('GET', `/v3/pay/transactions/id/${String(transaction.transaction_id)}?mchid=${merchant.mchid}`);
    expect(byId.json.out_trade_no).toBe(outTradeNo);

    const replay = await control('/replay', { out_trade_no: outTradeNo });
    const replayed = await receivedFor((candidate) => candidate.id === replay.json.delivery_id);
    expect(resourceOf(replayed.received.body).event.id).not.toBe(event.id);
    expect(JSON.parse(decryptResource(resourceOf(replayed.received.body).resource, merchant.apiV3Key))).toEqual(transaction);
  });

  it('answers 20 parallel identical orders with one prepay_id, and refuses a reused out_trade_no', async () => {
    const outTradeNo = newOrderNo();
    const replies = await Promise.all(
      Array.from({ length: 20 }, () => merchant.request('POST', '/v3/pay/transactions/jsapi', jsapiOrder(outTradeNo))),
    );
    expect(replies.map((reply) => reply.status)).toEqual(Array(20).fill(200));
    expect(new Set(replies.map((reply) => reply.json.prepay_id)).size).toBe(1);

    const changed = await merchant.request('POST', '/v3/pay/transactions/jsapi', jsapiOrder(outTradeNo, { amount: { total: 999 } }));
    expect(changed.status).toBe(403);
    expect(changed.json.code).toBe('OUT_TRADE_NO_USED');

    await control('/pay', { out_trade_no: outTradeNo });
    const again = await merchant.request('POST', '/v3/pay/transactions/jsapi', jsapiOrder(outTradeNo));
    expect([again.status, again.json.code]).toEqual([403, 'ORDERPAID']);
  });

  it('closes an unpaid order (signed 204) and then refuses to pay or re-place it', async () => {
    const outTradeNo = newOrderNo();
    await placeOrder(outTradeNo);
    const closed = await merchant.request('POST', `/v3/pay/transactions/out-trade-no/${outTradeNo}/close`, { mchid: merchant.mchid });
    expect(closed.status).toBe(204);
    expect(closed.text).toBe('');
    expect(
      (await merchant.request('GET', `/v3/pay/transactions/out-trade-no/${outTradeNo}?mchid=${merchant.mchid}`)).json.trade_state,
    ).toBe('CLOSED');
    const replaced = await merchant.request('POST', '/v3/pay/transactions/jsapi', jsapiOrder(outTradeNo));
    expect([replaced.status, replaced.json.code]).toEqual([400, 'ORDER_CLOSED']);
    expect((await control('/pay', { out_trade_no: outTradeNo })).status).toBe(400);

    const paid = await paidOrder();
    const closePaid = await merchant.request('POST', `/v3/pay/transactions/out-trade-no/${paid}/close`, { mchid: merchant.mchid });
    expect([closePaid.status, closePaid.json.code]).toEqual([400, 'ORDERPAID']);
    const missing = await merchant.request('GET', `/v3/pay/transactions/out-trade-no/NOSUCHORDER1?mchid=${merchant.mchid}`);
    expect([missing.status, missing.json.code]).toEqual([404, 'ORDER_NOT_EXIST']);
  });

  it('records a payer cancelling without changing the order or notifying', async () => {
    const outTradeNo = newOrderNo();
    await placeOrder(outTradeNo);
    const before = sandbox.deliveries.list().length;
    const failed = await control('/fail', { out_trade_no: outTradeNo });
    expect(failed.status).toBe(200);
    expect((failed.json.transaction as Record<string, unknown>).trade_state).toBe('NOTPAY');
    expect(JSON.stringify(failed.json.payer_notes)).toContain('PAYERROR');
    expect(sandbox.deliveries.list().length).toBe(before);
  });

  it('retries a notification the app does not acknowledge (500, 500, then 204: three attempts)', async () => {
    app.answer('/pay/retry', [500, 500, 204]);
    const outTradeNo = await paidOrder({ notify_url: `${app.url}/pay/retry` });
    const delivery = await sandbox.deliveries.waitFor(
      (candidate) => candidate.url === `${app.url}/pay/retry` && candidate.state !== 'pending',
      5_000,
    );
    expect(delivery.state).toBe('delivered');
    expect(delivery.attempts.map((attempt) => attempt.status)).toEqual([500, 500, 204]);
    expect(app.received.filter((notification) => notification.path === '/pay/retry')).toHaveLength(3);
    expect(JSON.parse(decryptResource(resourceOf(delivery.body).resource, merchant.apiV3Key)).out_trade_no).toBe(outTradeNo);
  });

  it('refuses payment after time_expire but keeps the order NOTPAY', async () => {
    const outTradeNo = newOrderNo();
    const expiresAt = new Date(Date.now() + 8 * 3600_000 + 60_000).toISOString().slice(0, 19) + '+08:00';
    await placeOrder(outTradeNo, { time_expire: expiresAt });
    sandbox.advanceClock(120_000);
    merchant.clockOffsetMs += 120_000;
    const refused = await control('/pay', { out_trade_no: outTradeNo });
    expect(refused.status).toBe(400);
    expect(String(refused.json.sandbox_error)).toContain('expired');
    expect(
      (await merchant.request('GET', `/v3/pay/transactions/out-trade-no/${outTradeNo}?mchid=${merchant.mchid}`)).json.trade_state,
    ).toBe('NOTPAY');
  });
});

describe('refunds', () => {
  it('refunds partially then fully, once per out_refund_no, never beyond the order total, and notifies REFUND.SUCCESS', async () => {
    const outTradeNo = await paidOrder();
    const unpaid = newOrderNo();
    await placeOrder(unpaid);
    const refundBody = (outRefundNo: string, refund: number, extra: Record<string, unknown> = {}) => ({
      out_trade_no: outTradeNo,
      out_refund_no: outRefundNo,
      reason: '售后退款',
      notify_url: `${app.url}/refund/notify`,
      amount: { refund, total: 1000, currency: 'CNY' },
      ...extra,
    });

    const parallel = await Promise.all(
      Array.from({ length: 10 }, () => merchant.request('POST', '/v3/refund/domestic/refunds', refundBody(`${outTradeNo}-R1`, 300))),
    );
    expect(parallel.map((reply) => reply.status)).toEqual(Array(10).fill(200));
    expect(new Set(parallel.map((reply) => reply.json.refund_id)).size).toBe(1);
    expect(parallel[0].json).toMatchObject({ status: 'PROCESSING', out_trade_no: outTradeNo, amount: { refund: 300, total: 1000 } });
    expect(String(parallel[0].json.refund_id)).toMatch(/^\d{29}$/);

    const over = await merchant.request('POST', '/v3/refund/domestic/refunds', refundBody(`${outTradeNo}-R2`, 701));
    expect([over.status, over.json.code]).toEqual([400, 'INVALID_REQUEST']);
    const wrongTotal = await merchant.request('POST', '/v3/refund/domestic/refunds', {
      ...refundBody(`${outTradeNo}-R3`, 100),
      amount: { refund: 100, total: 999, currency: 'CNY' },
    });
    expect(wrongTotal.status).toBe(400);
    const reused = await merchant.request('POST', '/v3/refund/domestic/refunds', refundBody(`${outTradeNo}-R1`, 200));
    expect([reused.status, reused.json.code]).toEqual([400, 'INVALID_REQUEST']);
    const notPaid = await merchant.request('POST', '/v3/refund/domestic/refunds', {
      ...refundBody(`${unpaid}-R1`, 100),
      out_trade_no: unpaid,
    });
    expect(notPaid.status).toBe(400);
    const unknown = await merchant.request('POST', '/v3/refund/domestic/refunds', {
      ...refundBody('NOORDER-R1', 100),
      out_trade_no: 'NOORDER123',
    });
    expect([unknown.status, unknown.json.code]).toEqual([404, 'RESOURCE_NOT_EXISTS']);

    const { received } = await receivedFor(
      (candidate) => candidate.kind === 'REFUND.SUCCESS' && candidate.body.length > 0 && candidate.url === `${app.url}/refund/notify`,
    );
    expect(verifyWechatpaySignature(received.headers, received.body, merchant.platformKey)).toBe(true);
    const { event, resource } = resourceOf(received.body);
    expect(event).toMatchObject({ event_type: 'REFUND.SUCCESS', summary: '退款成功' });
    expect(resource.associated_data).toBe('refund');
    const refundResource = JSON.parse(decryptResource(resource, merchant.apiV3Key)) as Record<string, unknown>;
    expect(refundResource).toMatchObject({
      mchid: merchant.mchid,
      out_trade_no: outTradeNo,
      out_refund_no: `${outTradeNo}-R1`,
      refund_id: parallel[0].json.refund_id,
      refund_status: 'SUCCESS',
      amount: { total: 1000, refund: 300, payer_total: 1000, payer_refund: 300 },
      user_received_account: '支付用户零钱',
    });
    expect(refundResource.transaction_id).toMatch(/^\d{28}$/);

    const query = await merchant.request('GET', `/v3/refund/domestic/refunds/${outTradeNo}-R1`);
    expect(query.json).toMatchObject({ status: 'SUCCESS', success_time: refundResource.success_time });

    const rest = await merchant.request('POST', '/v3/refund/domestic/refunds', refundBody(`${outTradeNo}-R4`, 700));
    expect(rest.status).toBe(200);
    const beyond = await merchant.request('POST', '/v3/refund/domestic/refunds', refundBody(`${outTradeNo}-R5`, 1));
    expect(beyond.status).toBe(400);
    expect(
      (await merchant.request('GET', `/v3/pay/transactions/out-trade-no/${outTradeNo}?mchid=${merchant.mchid}`)).json.trade_state,
    ).toBe('REFUND');
    const missing = await merchant.request('GET', '/v3/refund/domestic/refunds/NO-SUCH-REFUND');
    expect([missing.status, missing.json.code]).toEqual([404, 'RESOURCE_NOT_EXISTS']);
  });

  it("notifies a refund without its own notify_url at the order's notify_url", async () => {
    const outTradeNo = await paidOrder({ notify_url: `${app.url}/pay/order-notify` });
    const reply = await merchant.request('POST', '/v3/refund/domestic/refunds', {
      out_trade_no: outTradeNo,
      out_refund_no: `${outTradeNo}-R`,
      amount: { refund: 1000, total: 1000, currency: 'CNY' },
    });
    expect(reply.status).toBe(200);
    const { delivery } = await receivedFor(
      (candidate) => candidate.kind === 'REFUND.SUCCESS' && candidate.url === `${app.url}/pay/order-notify`,
    );
    expect(JSON.parse(decryptResource(resourceOf(delivery.body).resource, merchant.apiV3Key)).out_refund_no).toBe(`${outTradeNo}-R`);
  });
});

describe('tampered notifications', () => {
  const known = () => merchant.platformKey;

  async function tampered(
    how: string,
  ): Promise<{ headers: Record<string, string>; body: string; resource: ReturnType<typeof resourceOf>['resource'] }> {
    const outTradeNo = await paidOrder();
    const reply = await control('/tamper', { out_trade_no: outTradeNo, how });
    expect(reply.status).toBe(200);
    expect(reply.json.kind).toBe(`TRANSACTION.SUCCESS (tampered: ${how})`);
    const { delivery, received } = await receivedFor((candidate) => candidate.id === reply.json.delivery_id);
    expect(delivery.attempts).toHaveLength(1);
    return { headers: received.headers, body: received.body, resource: resourceOf(received.body).resource };
  }

  const decrypts = (resource: Parameters<typeof decryptResource>[0], aad?: string) => {
    try {
      return JSON.parse(decryptResource(resource, merchant.apiV3Key, aad)).trade_state === 'SUCCESS';
    } catch {
      return false;
    }
  };
  const fresh = (headers: Record<string, string>) => Math.abs(Number(headers['wechatpay-timestamp']) - merchant.nowSeconds()) <= 300;

  it('signature: a known serial and fresh timestamp, but the signature does not verify', async () => {
    const { headers, body, resource } = await tampered('signature');
    expect([headers['wechatpay-serial'] === merchant.platformSerial, fresh(headers), decrypts(resource)]).toEqual([true, true, true]);
    expect(verifyWechatpaySignature(headers, body, known())).toBe(false);
  });

  it('gcm-tag: signed correctly, but the authentication tag is wrong', async () => {
    const { headers, body, resource } = await tampered('gcm-tag');
    expect(verifyWechatpaySignature(headers, body, known())).toBe(true);
    expect(decrypts(resource)).toBe(false);
    const bytes = Buffer.from(resource.ciphertext, 'base64');
    bytes[bytes.length - 1] ^= 0x01;
    expect(decrypts({ ...resource, ciphertext: bytes.toString('base64') })).toBe(true);
  });

  it('associated-data: signed correctly, but associated_data is not what the ciphertext was sealed with', async () => {
    const { headers, body, resource } = await tampered('associated-data');
    expect(verifyWechatpaySignature(headers, body, known())).toBe(true);
    expect(resource.associated_data).not.toBe('transaction');
    expect(decrypts(resource)).toBe(false);
    expect(decrypts(resource, 'transaction')).toBe(true);
  });

  it('stale-timestamp: validly signed over a timestamp more than 5 minutes old', async () => {
    const { headers, body, resource } = await tampered('stale-timestamp');
    expect(verifyWechatpaySignature(headers, body, known())).toBe(true);
    expect(merchant.nowSeconds() - Number(headers['wechatpay-timestamp'])).toBeGreaterThan(300);
    expect(decrypts(resource)).toBe(true);
  });

  it('unknown-serial: names a key the merchant does not have, and the known key does not verify it', async () => {
    const { headers, body, resource } = await tampered('unknown-serial');
    expect(headers['wechatpay-serial']).not.toBe(merchant.platformSerial);
    expect(headers['wechatpay-serial']).toMatch(/^PUB_KEY_ID_\d+$/);
    expect(verifyWechatpaySignature(headers, body, known())).toBe(false);
    expect([fresh(headers), decrypts(resource)]).toEqual([true, true]);
  });

  it('signtest: a WECHATPAY/SIGNTEST/ probe signature', async () => {
    const { headers, resource } = await tampered('signtest');
    expect(headers['wechatpay-signature']).toMatch(/^WECHATPAY\/SIGNTEST\//);
    expect([headers['wechatpay-serial'] === merchant.platformSerial, fresh(headers), decrypts(resource)]).toEqual([true, true, true]);
  });

  it('rejects unknown tamper kinds and bad control input with 400, unknown orders with 404', async () => {
    const outTradeNo = newOrderNo();
    await placeOrder(outTradeNo);
    expect((await control('/tamper', { out_trade_no: outTradeNo, how: 'everything' })).status).toBe(400);
    expect((await control('/pay', 'not json')).status).toBe(400);
    expect((await control('/pay', { out_trade_no: 42 })).status).toBe(400);
    expect((await control('/replay', { out_trade_no: outTradeNo })).status).toBe(400);
    const unknown = await control('/pay', { out_trade_no: 'NOSUCHORDER9' });
    expect(unknown.status).toBe(404);
    expect(unknown.json.sandbox_error).toContain('NOSUCHORDER9');
    const view = await fetch(`${sandbox.url}/__sandbox/wechatpay/orders/${outTradeNo}`);
    expect(((await view.json()) as Record<string, unknown>).prepay_id).toMatch(/^wx/);
  });
});

describe('request authentication and parameters', () => {
  const orderPath = '/v3/pay/transactions/jsapi';

  it('answers 401 SIGN_ERROR (signed) for a wrong signature, key, serial, merchant, stale timestamp or missing header', async () => {
    const body = jsapiOrder(newOrderNo());
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const cases = [
      await merchant.request('POST', orderPath, body, { sentBody: JSON.stringify({ ...body, amount: { total: 1 } }) }),
      await merchant.request('POST', orderPath, body, { signingKey: otherKey }),
      await merchant.request('POST', orderPath, body, { serialNo: '1234567890ABCDEF1234567890ABCDEF12345678' }),
      await merchant.request('POST', orderPath, body, { timestamp: merchant.nowSeconds() - 301 }),
      await merchant.request('POST', orderPath, body, { timestamp: merchant.nowSeconds() + 301 }),
      await merchant.request('POST', orderPath, body, { authorization: null }),
      await merchant.request('POST', orderPath, body, { authorization: 'Bearer abc' }),
      await merchant.request('GET', `/v3/pay/transactions/out-trade-no/X123456?mchid=${merchant.mchid}`, undefined, {
        authorization: `WECHATPAY2-SHA256-RSA2048 mchid="1",nonce_str="n",timestamp="${merchant.nowSeconds()}",serial_no="${merchant.serialNo}",signature="c2ln"`,
      }),
    ];
    for (const reply of cases) {
      expect(reply.status, reply.text).toBe(401);
      expect(reply.json.code).toBe('SIGN_ERROR');
      expect(typeof reply.json.message).toBe('string');
    }
    // The query string is part of what is signed; the sandbox's /wechatpay mount prefix is not.
    const queryPath = `/v3/pay/transactions/out-trade-no/X123456?mchid=${merchant.mchid}`;
    const withoutQuery = await merchant.request('GET', '/v3/pay/transactions/out-trade-no/X123456', undefined, {
      sentPathAndQuery: queryPath,
    });
    expect([withoutQuery.status, withoutQuery.json.code]).toEqual([401, 'SIGN_ERROR']);
    expect((await merchant.request('GET', queryPath)).status).toBe(404);
  });

  it('accepts the serial in lower case, as wechatpay-node-v3 sends it', async () => {
    const reply = await merchant.request('POST', orderPath, jsapiOrder(newOrderNo()), { serialNo: merchant.serialNo.toLowerCase() });
    expect(reply.status).toBe(200);
  });

  it('answers 400 PARAM_ERROR naming what is wrong', async () => {
    const no = newOrderNo();
    const cases: [unknown, RegExp][] = [
      ['{not json', /JSON/],
      [jsapiOrder(no, { description: 'x'.repeat(128) }), /description/],
      [jsapiOrder('bad no!'), /out_trade_no/],
      [jsapiOrder('x'.repeat(33)), /out_trade_no/],
      [jsapiOrder(no, { notify_url: `${app.url}/notify?order=1` }), /notify_url/],
      [jsapiOrder(no, { notify_url: 'http://example.com/notify' }), /notify_url/],
      [jsapiOrder(no, { notify_url: '/relative' }), /notify_url/],
      [jsapiOrder(no, { amount: { total: 0 } }), /amount\.total/],
      [jsapiOrder(no, { amount: { total: 1.5 } }), /amount\.total/],
      [jsapiOrder(no, { amount: { total: 100, currency: 'USD' } }), /currency/],
      [jsapiOrder(no, { payer: {} }), /payer\.openid/],
      [jsapiOrder(no, { time_expire: '2030-01-01 12:00:00' }), /time_expire/],
      [jsapiOrder(no, { time_expire: '2001-01-01T12:00:00+08:00' }), /time_expire/],
      [jsapiOrder(no, { attach: 'a'.repeat(129) }), /attach/],
      [jsapiOrder(no, { mchid: '1000000000' }), /mchid/],
      [jsapiOrder(no, { appid: undefined }), /appid/],
    ];
    for (const [body, message] of cases) {
      const reply = await merchant.request('POST', orderPath, body);
      expect(reply.status, reply.text).toBe(400);
      expect(reply.json.code).toBe('PARAM_ERROR');
      expect(reply.json.message).toMatch(message);
    }
    expect((await merchant.request('GET', `/v3/pay/transactions/out-trade-no/${no}?mchid=1000000000`)).json.code).toBe('PARAM_ERROR');
    const refund = await merchant.request('POST', '/v3/refund/domestic/refunds', {
      out_refund_no: 'R1',
      amount: { refund: 1, total: 1, currency: 'CNY' },
    });
    expect(refund.json.message).toMatch(/out_trade_no/);
    expect((await merchant.request('GET', '/v3/no/such/api')).status).toBe(404);
  });
});

describe("ids that name Object's own members", () => {
  it('are ordinary ids: constructor and __proto__ are unknown orders, refunds and guides, and __proto__ works as an order number', async () => {
    for (const id of ['constructor', '__proto__', 'hasOwnProperty']) {
      const order = await merchant.request('GET', `/v3/pay/transactions/out-trade-no/${id}?mchid=${merchant.mchid}`);
      expect([order.status, order.json.code]).toEqual([404, 'ORDER_NOT_EXIST']);
      const refund = await merchant.request('GET', `/v3/refund/domestic/refunds/${id}`);
      expect([refund.status, refund.json.code]).toEqual([404, 'RESOURCE_NOT_EXISTS']);
      const assigned = await merchant.request('POST', `/v3/smartguide/guides/${id}/assign`, { out_trade_no: 'NOSUCHORDER9' });
      expect([assigned.status, assigned.json.code]).toEqual([404, 'RESOURCE_NOT_EXISTS']);
      expect((await fetch(`${sandbox.url}/__sandbox/wechatpay/orders/${id}`)).status).toBe(404);
    }

    await placeOrder('__proto__');
    const placed = await merchant.request('GET', `/v3/pay/transactions/out-trade-no/__proto__?mchid=${merchant.mchid}`);
    expect(placed.json).toMatchObject({ out_trade_no: '__proto__', trade_state: 'NOTPAY' });
    expect((await control('/pay', { out_trade_no: '__proto__' })).status).toBe(200);
    const refund = await merchant.request('POST', '/v3/refund/domestic/refunds', {
      out_trade_no: '__proto__',
      out_refund_no: '__proto__',
      amount: { refund: 100, total: 1000, currency: 'CNY' },
    });
    expect([refund.status, refund.json.out_refund_no]).toEqual([200, '__proto__']);
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });
});

describe('smart guide (支付即服务)', () => {
  const encryptForWechatPay = (text: string) =>
    publicEncrypt({ key: merchant.platformKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, Buffer.from(text)).toString(
      'base64',
    );
  const decryptAsMerchant = (text: string) =>
    privateDecrypt(
      { key: merchant.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
      Buffer.from(text, 'base64'),
    ).toString();
  const registration = (userid: string, name = '导购小王', mobile = '13800138000') => ({
    corpid: 'wwsandboxcorp',
    store_id: 1234,
    userid,
    name: encryptForWechatPay(name),
    mobile: encryptForWechatPay(mobile),
    qr_code: 'https://example.com/qr.png',
    avatar: 'https://example.com/avatar.png',
  });
  const serialHeader = () => ({ 'Wechatpay-Serial': merchant.platformSerial });

  it('registers a guide, lists it encrypted for the merchant, and assigns it before payment only', async () => {
    const registered = await merchant.request('POST', '/v3/smartguide/guides', registration('wang'), { headers: serialHeader() });
    expect(registered.status, registered.text).toBe(200);
    const guideId = registered.json.guide_id as string;
    expect(guideId).toMatch(/^LL[A-Za-z0-9]{32}$/);

    const listed = await merchant.request('GET', '/v3/smartguide/guides?store_id=1234&userid=wang');
    expect(listed.json.total_count).toBe(1);
    const [guide] = listed.json.data as Record<string, string>[];
    expect(guide).toMatchObject({ guide_id: guideId, store_id: 1234, userid: 'wang' });
    expect([decryptAsMerchant(guide.name), decryptAsMerchant(guide.mobile)]).toEqual(['导购小王', '13800138000']);

    const outTradeNo = newOrderNo();
    await placeOrder(outTradeNo);
    const assigned = await merchant.request('POST', `/v3/smartguide/guides/${guideId}/assign`, { out_trade_no: outTradeNo });
    expect(assigned.status).toBe(204);
    const view = (await (await fetch(`${sandbox.url}/__sandbox/wechatpay/orders/${outTradeNo}`)).json()) as Record<string, unknown>;
    expect(view.guide_id).toBe(guideId);

    const unknown = await merchant.request('POST', '/v3/smartguide/guides/LLnosuchguide/assign', { out_trade_no: outTradeNo });
    expect([unknown.status, unknown.json.code]).toEqual([404, 'RESOURCE_NOT_EXISTS']);
    await control('/pay', { out_trade_no: outTradeNo });
    const afterPaid = await merchant.request('POST', `/v3/smartguide/guides/${guideId}/assign`, { out_trade_no: outTradeNo });
    expect([afterPaid.status, afterPaid.json.code]).toEqual([400, 'ORDERPAID']);
  });

  it('refuses registrations without the right Wechatpay-Serial or with fields not encrypted for WeChat Pay', async () => {
    const missingSerial = await merchant.request('POST', '/v3/smartguide/guides', registration('li'));
    expect([missingSerial.status, missingSerial.json.code]).toEqual([400, 'PARAM_ERROR']);
    const wrongSerial = await merchant.request('POST', '/v3/smartguide/guides', registration('li'), {
      headers: { 'Wechatpay-Serial': 'PUB_KEY_ID_0000' },
    });
    expect(wrongSerial.status).toBe(400);
    const plain = await merchant.request(
      'POST',
      '/v3/smartguide/guides',
      { ...registration('li'), name: Buffer.from('小李').toString('base64') },
      { headers: serialHeader() },
    );
    expect(plain.json.message).toMatch(/name/);
    const badMobile = await merchant.request('POST', '/v3/smartguide/guides', registration('li', '小李', '12345'), {
      headers: serialHeader(),
    });
    expect(badMobile.json.message).toMatch(/mobile/);
    const noStore = await merchant.request('GET', '/v3/smartguide/guides?userid=li');
    expect(noStore.json.message).toMatch(/store_id/);
  });
});

describe('cashier page', () => {
  it('shows the order, pays on 确认支付 and redirects to return_url with the result', async () => {
    const outTradeNo = newOrderNo();
    const prepayId = await placeOrder(outTradeNo, { amount: { total: 1234 }, description: '<b>围巾</b>' });
    const returnUrl = 'http://127.0.0.1:10086/pages/pay/result?from=h5#top';
    const page = await fetch(
      `${sandbox.url}/__sandbox/wechatpay/cashier?prepay_id=${prepayId}&return_url=${encodeURIComponent(returnUrl)}`,
    );
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain('沙箱收银台 — 仅用于开发测试');
    expect(html).toContain('¥12.34');
    expect(html).toContain('&#60;b&#62;围巾&#60;/b&#62;');
    expect(html).toContain('确认支付');
    expect(html).toContain('取消支付');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain(`action="/__sandbox/wechatpay/cashier/${prepayId}/confirm"`);

    const confirm = await fetch(`${sandbox.url}/__sandbox/wechatpay/cashier/${prepayId}/confirm`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ return_url: returnUrl }).toString(),
      redirect: 'manual',
    });
    expect(confirm.status).toBe(303);
    const location = new URL(confirm.headers.get('location') as string);
    expect(`${location.origin}${location.pathname}${location.hash}`).toBe('http://127.0.0.1:10086/pages/pay/result#top');
    expect(Object.fromEntries(location.searchParams)).toEqual({ from: 'h5', result: 'success', out_trade_no: outTradeNo });

    const { received } = await receivedFor(
      (candidate) =>
        candidate.kind === 'TRANSACTION.SUCCESS' &&
        JSON.parse(decryptResource(resourceOf(candidate.body).resource, merchant.apiV3Key)).out_trade_no === outTradeNo,
    );
    expect(verifyWechatpaySignature(received.headers, received.body, merchant.platformKey)).toBe(true);
    expect(
      (await merchant.request('GET', `/v3/pay/transactions/out-trade-no/${outTradeNo}?mchid=${merchant.mchid}`)).json.trade_state,
    ).toBe('SUCCESS');
    const paidPage = await (await fetch(`${sandbox.url}/__sandbox/wechatpay/cashier?prepay_id=${prepayId}`)).text();
    expect(paidPage).not.toContain('<button');
  });

  it('cancels with result=cancel, shows the result page without a usable return_url, and 404s an unknown prepay_id', async () => {
    const outTradeNo = newOrderNo();
    const prepayId = await placeOrder(outTradeNo);
    const post = (action: string, form: Record<string, string>) =>
      fetch(`${sandbox.url}/__sandbox/wechatpay/cashier/${prepayId}/${action}`, {
        method: 'POST',
        body: new URLSearchParams(form).toString(),
        redirect: 'manual',
      });
    const cancel = await post('cancel', { return_url: 'https://h5.example.com/result' });
    expect(cancel.status).toBe(303);
    expect(cancel.headers.get('location')).toBe(`https://h5.example.com/result?result=cancel&out_trade_no=${outTradeNo}`);
    expect(
      (await merchant.request('GET', `/v3/pay/transactions/out-trade-no/${outTradeNo}?mchid=${merchant.mchid}`)).json.trade_state,
    ).toBe('NOTPAY');

    const noReturn = await post('confirm', { return_url: 'javascript:alert(1)' });
    expect(noReturn.status).toBe(200);
    expect(await noReturn.text()).toContain('支付成功');
    expect((await fetch(`${sandbox.url}/__sandbox/wechatpay/cashier?prepay_id=wxnosuchprepay`)).status).toBe(404);
  });
});
