import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { callbackRejectionOf } from '../test-support.ts';
import { createWechatPayClient } from './client.ts';
import { generateRsaKeys, sealGcm, secondsNow, signedHeaders, TEST_APIV3_KEY, TEST_PUBLIC_KEY_ID, testSettings } from './test-support.ts';

/** Notification verification on a fixed clock: what is accepted, and each rejection with its reason, in the order checked. */

const NOW = Date.parse('2024-06-01T04:30:00Z');
const apiV3Key = TEST_APIV3_KEY;
const publicKeyId = TEST_PUBLIC_KEY_ID;
const merchant = generateRsaKeys();
const platform = generateRsaKeys();
const impostor = generateRsaKeys();

// Never called: notifications need no requests to WeChat Pay.
const settings = testSettings(merchant, platform.publicKeyPem, 'http://127.0.0.1:9');
const client = createWechatPayClient(settings, { now: () => NOW });

const transaction = {
  appid: settings.appId,
  mchid: settings.mchId,
  out_trade_no: 'ORDER20240601000001',
  transaction_id: '4200000001202406010000000001',
  trade_type: 'JSAPI',
  trade_state: 'SUCCESS',
  trade_state_desc: '支付成功',
  bank_type: 'OTHERS',
  attach: '',
  success_time: '2024-06-01T12:29:58+08:00',
  payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
  amount: { total: 1990, payer_total: 1990, currency: 'CNY', payer_currency: 'CNY' },
};

const refund = {
  mchid: settings.mchId,
  out_trade_no: transaction.out_trade_no,
  transaction_id: transaction.transaction_id,
  out_refund_no: 'REFUND20240601000001',
  refund_id: '50000000382019052709732678859',
  refund_status: 'SUCCESS',
  success_time: '2024-06-01T12:40:00+08:00',
  user_received_account: '支付用户零钱',
  amount: { total: 1990, refund: 990, payer_total: 1990, payer_refund: 990 },
};

interface NotificationOptions {
  eventType?: string;
  resource?: unknown;
  /** What the envelope says; the resource is sealed with `sealedWithAssociatedData` (default: the same). */
  associatedData?: string;
  sealedWithAssociatedData?: string;
  sealKey?: string;
  flipTag?: boolean;
  timestamp?: string;
  serial?: string;
  signature?: string;
  signer?: typeof platform;
  /** Changes the body after signing. */
  alterBody?: (body: string) => string;
}

function notification(options: NotificationOptions = {}): { body: string; headers: Record<string, string> } {
  const eventType = options.eventType ?? 'TRANSACTION.SUCCESS';
  const associatedData = options.associatedData ?? (eventType.startsWith('REFUND') ? 'refund' : 'transaction');
  const nonce = randomBytes(6).toString('hex');
  const resourceText = typeof options.resource === 'string' ? options.resource : JSON.stringify(options.resource ?? transaction);
  let ciphertext = sealGcm(resourceText, options.sealKey ?? apiV3Key, nonce, options.sealedWithAssociatedData ?? associatedData);
  if (options.flipTag) {
    const bytes = Buffer.from(ciphertext, 'base64');
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0x80;
    ciphertext = bytes.toString('base64');
  }
  const body = JSON.stringify({
    id: 'EV-2018022511223320873',
    create_time: '2024-06-01T12:30:00+08:00',
    resource_type: 'encrypt-resource',
    event_type: eventType,
    summary: '支付成功',
    resource: {
      original_type: eventType.startsWith('REFUND') ? 'refund' : 'transaction',
      algorithm: 'AEAD_AES_256_GCM',
      ciphertext,
      associated_data: associatedData,
      nonce,
    },
  });
  const headers = signedHeaders((options.signer ?? platform).privateKey, body, {
    serial: options.serial ?? publicKeyId,
    timestamp: options.timestamp ?? secondsNow(NOW),
    signature: options.signature,
  });
  return { body: options.alterBody ? options.alterBody(body) : body, headers };
}

describe('verifyNotification', () => {
  it('verifies and decrypts a payment notification into a typed transaction', async () => {
    const { body, headers } = notification();
    const verified = await client.verifyNotification(Buffer.from(body), headers);
    expect(verified).toMatchObject({ id: 'EV-2018022511223320873', eventType: 'TRANSACTION.SUCCESS', summary: '支付成功' });
    expect(verified.createTime.toISOString()).toBe('2024-06-01T04:30:00.000Z');
    expect(verified.resource).toEqual({
      appId: settings.appId,
      mchId: settings.mchId,
      outTradeNo: 'ORDER20240601000001',
      transactionId: '4200000001202406010000000001',
      tradeType: 'JSAPI',
      tradeState: 'SUCCESS',
      tradeStateDesc: '支付成功',
      successTime: new Date('2024-06-01T04:29:58Z'),
      attach: undefined,
      payerOpenid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
      amount: { totalFen: 1990, payerTotalFen: 1990, currency: 'CNY' },
    });
  });

  it('verifies and decrypts a refund notification', async () => {
    const { body, headers } = notification({ eventType: 'REFUND.SUCCESS', resource: refund });
    const verified = await client.verifyNotification(body, headers);
    expect(verified.eventType).toBe('REFUND.SUCCESS');
    expect(verified.resource).toMatchObject({
      outRefundNo: 'REFUND20240601000001',
      refundStatus: 'SUCCESS',
      amount: { totalFen: 1990, refundFen: 990, payerTotalFen: 1990, payerRefundFen: 990 },
    });
  });

  it('matches the serial and header names case-insensitively', async () => {
    const { body, headers } = notification({ serial: publicKeyId.toLowerCase() });
    const upperCased = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toUpperCase(), value]));
    await expect(client.verifyNotification(body, upperCased)).resolves.toMatchObject({ eventType: 'TRANSACTION.SUCCESS' });
  });

  it('accepts a timestamp at the edge of the allowed skew', async () => {
    const early = notification({ timestamp: secondsNow(NOW - 300_000) });
    const late = notification({ timestamp: secondsNow(NOW + 300_000) });
    await expect(client.verifyNotification(early.body, early.headers)).resolves.toBeDefined();
    await expect(client.verifyNotification(late.body, late.headers)).resolves.toBeDefined();
  });

  it('rejects WeChat Pay SIGNTEST probes', async () => {
    const { body, headers } = notification({ signature: `WECHATPAY/SIGNTEST/${randomBytes(32).toString('base64')}` });
    expect(await callbackRejectionOf(client.verifyNotification(body, headers))).toBe('signtest');
  });

  it('rejects an unknown serial', async () => {
    const { body, headers } = notification({ serial: 'PUB_KEY_ID_0114232134912410000000000001', signer: impostor });
    expect(await callbackRejectionOf(client.verifyNotification(body, headers))).toBe('unknown-serial');
  });

  it('rejects timestamps more than five minutes off, either way', async () => {
    const old = notification({ timestamp: secondsNow(NOW - 301_000) });
    const future = notification({ timestamp: secondsNow(NOW + 301_000) });
    expect(await callbackRejectionOf(client.verifyNotification(old.body, old.headers))).toBe('stale-timestamp');
    expect(await callbackRejectionOf(client.verifyNotification(future.body, future.headers))).toBe('stale-timestamp');
  });

  it('honours a configured clock skew', async () => {
    const strict = createWechatPayClient(settings, { now: () => NOW, maxClockSkewSeconds: 10 });
    const { body, headers } = notification({ timestamp: secondsNow(NOW - 11_000) });
    expect(await callbackRejectionOf(strict.verifyNotification(body, headers))).toBe('stale-timestamp');
  });

  it('rejects a signature by another key under the known serial', async () => {
    const { body, headers } = notification({ signer: impostor });
    expect(await callbackRejectionOf(client.verifyNotification(body, headers))).toBe('bad-signature');
  });

  it('verifies the raw body: the same JSON re-serialised no longer verifies', async () => {
    const { body, headers } = notification({ alterBody: (raw) => JSON.stringify(JSON.parse(raw), null, 1) });
    expect(await callbackRejectionOf(client.verifyNotification(body, headers))).toBe('bad-signature');
  });

  it('rejects missing signature headers and bodies that are not notifications', async () => {
    const { body, headers } = notification();
    const { 'wechatpay-nonce': _nonce, ...withoutNonce } = headers;
    expect(await callbackRejectionOf(client.verifyNotification(body, withoutNonce))).toBe('malformed');
    expect(await callbackRejectionOf(client.verifyNotification(body, { ...headers, 'wechatpay-timestamp': 'soon' }))).toBe('malformed');
    expect(await callbackRejectionOf(client.verifyNotification(body, { ...headers, 'wechatpay-serial': [publicKeyId, publicKeyId] }))).toBe(
      'malformed',
    );

    const notJson = 'id=1&event_type=TRANSACTION.SUCCESS';
    const signedNotJson = signedHeaders(platform.privateKey, notJson, { serial: publicKeyId, timestamp: secondsNow(NOW) });
    expect(await callbackRejectionOf(client.verifyNotification(notJson, signedNotJson))).toBe('malformed');
  });

  it('rejects a resource whose GCM tag, associated data or key is wrong', async () => {
    const flipped = notification({ flipTag: true });
    const wrongAad = notification({ associatedData: 'transaction', sealedWithAssociatedData: 'refund' });
    const wrongKey = notification({ sealKey: 'sandboxAnotherKey0123456789abcde' });
    for (const { body, headers } of [flipped, wrongAad, wrongKey]) {
      expect(await callbackRejectionOf(client.verifyNotification(body, headers))).toBe('decrypt-failed');
    }
  });

  it('rejects a decrypted resource that is not a transaction or refund', async () => {
    const missingState = notification({ resource: { ...transaction, trade_state: undefined } });
    const notJson = notification({ resource: 'not json' });
    const refundAsTransaction = notification({ eventType: 'TRANSACTION.SUCCESS', resource: refund });
    for (const { body, headers } of [missingState, notJson, refundAsTransaction]) {
      expect(await callbackRejectionOf(client.verifyNotification(body, headers))).toBe('malformed');
    }
  });

  it('rejects a payment or refund for another merchant or mini-program', async () => {
    const cases = [
      notification({ resource: { ...transaction, mchid: '1900000002' } }),
      notification({ resource: { ...transaction, appid: 'wx00000000000000ff' } }),
      notification({ eventType: 'REFUND.SUCCESS', resource: { ...refund, mchid: '1900000002' } }),
    ];
    for (const { body, headers } of cases) {
      expect(await callbackRejectionOf(client.verifyNotification(body, headers))).toBe('other-merchant');
    }
  });

  it('checks in order: SIGNTEST, serial, timestamp, signature, decryption', async () => {
    const cases: [NotificationOptions, string][] = [
      [{ signature: 'WECHATPAY/SIGNTEST/x', serial: 'PUB_KEY_ID_unknown', timestamp: '1' }, 'signtest'],
      [{ serial: 'PUB_KEY_ID_unknown', timestamp: '1', signer: impostor }, 'unknown-serial'],
      [{ timestamp: '1', signer: impostor }, 'stale-timestamp'],
      [{ signer: impostor, flipTag: true }, 'bad-signature'],
    ];
    for (const [options, reason] of cases) {
      const { body, headers } = notification(options);
      expect(await callbackRejectionOf(client.verifyNotification(body, headers))).toBe(reason);
    }
  });
});
