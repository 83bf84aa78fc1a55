import { constants, privateDecrypt, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { callbackRejectionOf, platformFailureOf } from '../test-support.ts';
import { createWechatPayClient, type WechatPayClientOptions, type WechatPaySettings } from './client.ts';
import {
  generateRsaKeys,
  sealGcm,
  secondsNow,
  selfSignedCertificate,
  signedHeaders,
  startFakeServer,
  TEST_APIV3_KEY,
  testSettings,
  UNPAID_TRANSACTION,
  type CannedReply,
  type RecordedRequest,
  type RsaKeys,
} from './test-support.ts';

/** Certificate mode: the client starts with one platform certificate and learns rotated ones from `GET /v3/certificates`. */

const DAY_MS = 24 * 3600_000;
const apiV3Key = TEST_APIV3_KEY;
const merchant = generateRsaKeys();
const rogue = generateRsaKeys();

interface PlatformCertificate {
  keys: RsaKeys;
  serial: string;
  pem: string;
}

function platformCertificate(serial: string, validFrom: Date): PlatformCertificate {
  const keys = generateRsaKeys();
  return { keys, serial, pem: selfSignedCertificate(keys, serial, validFrom) };
}

const older = platformCertificate('3F5A8E21C0D9B7A6F5E4D3C2B1A0998877665544', new Date(Date.now() - 200 * DAY_MS));
const rotated = platformCertificate('6A1B2C3D4E5F60718293A4B5C6D7E8F901234567', new Date(Date.now() - DAY_MS));

const transaction = UNPAID_TRANSACTION;

interface ServerPlan {
  /** Signs every reply except the download. */
  replySigner: PlatformCertificate;
  downloadSigner: PlatformCertificate;
  listed: { certificate: PlatformCertificate; serial?: string; flipTag?: boolean }[];
}

let plan: ServerPlan;
let server: Awaited<ReturnType<typeof startFakeServer>>;
let settings: WechatPaySettings;

function signedJson(signer: PlatformCertificate, status: number, body: unknown): CannedReply {
  const text = JSON.stringify(body);
  return { status, body: text, headers: signedHeaders(signer.keys.privateKey, text, { serial: signer.serial }) };
}

function certificateListing(): unknown {
  return {
    data: plan.listed.map(({ certificate, serial, flipTag }) => {
      const nonce = randomBytes(6).toString('hex');
      let ciphertext = sealGcm(certificate.pem, apiV3Key, nonce, 'certificate');
      if (flipTag) {
        const bytes = Buffer.from(ciphertext, 'base64');
        bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0x01;
        ciphertext = bytes.toString('base64');
      }
      return {
        serial_no: serial ?? certificate.serial,
        effective_time: '2024-06-01T00:00:00+08:00',
        expire_time: '2029-06-01T00:00:00+08:00',
        encrypt_certificate: { algorithm: 'AEAD_AES_256_GCM', nonce, associated_data: 'certificate', ciphertext },
      };
    }),
  };
}

function route(request: RecordedRequest): CannedReply {
  if (request.method === 'GET' && request.url === '/v3/certificates') return signedJson(plan.downloadSigner, 200, certificateListing());
  if (request.method === 'GET' && request.url.startsWith('/v3/pay/transactions/out-trade-no/'))
    return signedJson(plan.replySigner, 200, transaction);
  if (request.method === 'POST' && request.url === '/v3/smartguide/guides')
    return signedJson(plan.replySigner, 200, { guide_id: 'LLguide0001' });
  return signedJson(plan.replySigner, 404, { code: 'NOT_FOUND', message: request.url });
}

beforeAll(async () => {
  server = await startFakeServer({ privateKey: older.keys.privateKey, serial: older.serial }, (request) => route(request));
  // As the sandbox writes it: a marker line before the PEM.
  settings = testSettings(merchant, `# sandbox-generated: development only\n${older.pem}`, server.url);
});

afterAll(() => server.close());

beforeEach(() => {
  plan = { replySigner: rotated, downloadSigner: older, listed: [{ certificate: older }, { certificate: rotated }] };
  server.requests.length = 0;
});

function client(options: WechatPayClientOptions = {}) {
  return createWechatPayClient(settings, options);
}

function downloads(): RecordedRequest[] {
  return server.requests.filter((request) => request.url === '/v3/certificates');
}

function notificationSignedBy(
  signer: { keys: RsaKeys; serial: string },
  nowMs = Date.now(),
): { body: string; headers: Record<string, string> } {
  const nonce = randomBytes(6).toString('hex');
  const body = JSON.stringify({
    id: 'EV-1',
    create_time: '2024-06-01T12:30:00+08:00',
    resource_type: 'encrypt-resource',
    event_type: 'TRANSACTION.SUCCESS',
    summary: '支付成功',
    resource: {
      original_type: 'transaction',
      algorithm: 'AEAD_AES_256_GCM',
      ciphertext: sealGcm(
        JSON.stringify({ ...transaction, trade_state: 'SUCCESS', transaction_id: '4200000001', success_time: '2024-06-01T12:29:58+08:00' }),
        apiV3Key,
        nonce,
        'transaction',
      ),
      associated_data: 'transaction',
      nonce,
    },
  });
  return { body, headers: signedHeaders(signer.keys.privateKey, body, { serial: signer.serial, timestamp: secondsNow(nowMs) }) };
}

describe('certificate mode', () => {
  it('trusts the configured certificate by its serial, in any case', async () => {
    plan.replySigner = { ...older, serial: older.serial.toLowerCase() };
    await expect(client().queryByOutTradeNo('ORDER20240601000001')).resolves.toMatchObject({ tradeState: 'NOTPAY' });
    expect(downloads()).toHaveLength(0);
  });

  it('learns a rotated certificate from a download signed by a known one, then verifies replies signed by it', async () => {
    const wechatPay = client();
    await expect(wechatPay.queryByOutTradeNo('ORDER20240601000001')).resolves.toMatchObject({ tradeState: 'NOTPAY' });
    expect(downloads()).toHaveLength(1);
    expectSignedDownload(downloads()[0]!);
    await expect(wechatPay.queryByOutTradeNo('ORDER20240601000001')).resolves.toBeDefined();
    expect(downloads()).toHaveLength(1);
    expect(await wechatPay.refreshPlatformCertificates()).toEqual([older.serial, rotated.serial]);
  });

  it('verifies a notification signed by a rotated certificate after downloading it', async () => {
    const { body, headers } = notificationSignedBy(rotated);
    await expect(client().verifyNotification(body, headers)).resolves.toMatchObject({ resource: { tradeState: 'SUCCESS' } });
    expect(downloads()).toHaveLength(1);
  });

  it('does not bootstrap trust from a download signed by the unknown certificate itself', async () => {
    plan.downloadSigner = rotated;
    const wechatPay = client();
    // The reply's serial is unknown, so the client downloads certificates; that download is refused too.
    const failure = await platformFailureOf(wechatPay.queryByOutTradeNo('ORDER20240601000001'));
    expect(failure).toMatchObject({ code: 'BAD_SIGNATURE', operation: 'certificates' });
    expect(failure.message).toContain('unknown-serial');
    expect(downloads()).toHaveLength(1);
    const { body, headers } = notificationSignedBy(rotated);
    expect(await callbackRejectionOf(wechatPay.verifyNotification(body, headers))).toBe('unknown-serial');
  });

  it('rejects a whole download when a certificate fails its GCM tag or is listed under another serial', async () => {
    for (const listed of [
      [{ certificate: older }, { certificate: rotated, flipTag: true }],
      [{ certificate: older }, { certificate: rotated, serial: '7B00000000000000000000000000000000000000' }],
    ]) {
      plan.listed = listed;
      const wechatPay = client();
      expect(await platformFailureOf(wechatPay.refreshPlatformCertificates())).toMatchObject({
        code: 'BAD_REPLY',
        operation: 'certificates',
      });
      const { body, headers } = notificationSignedBy(rotated);
      expect(await callbackRejectionOf(wechatPay.verifyNotification(body, headers))).toBe('unknown-serial');
    }
  });

  it('stops trusting a certificate once it has expired, configured or downloaded', async () => {
    const serial = '5E0000000000000000000000000000000000000A';
    const expired = { keys: rogue, serial, pem: selfSignedCertificate(rogue, serial, new Date(Date.now() - 400 * DAY_MS)) };
    plan = { replySigner: expired, downloadSigner: older, listed: [{ certificate: older }, { certificate: expired }] };
    const configuredExpired = createWechatPayClient({ ...settings, platformPublicKeyPem: expired.pem });
    expect(await platformFailureOf(configuredExpired.queryByOutTradeNo('ORDER20240601000001'))).toMatchObject({ code: 'BAD_SIGNATURE' });
    const downloadedExpired = client();
    await downloadedExpired.refreshPlatformCertificates();
    const { body, headers } = notificationSignedBy(expired);
    expect(await callbackRejectionOf(downloadedExpired.verifyNotification(body, headers))).toBe('unknown-serial');
  });

  it('downloads at most once a minute however many unknown serials arrive', async () => {
    let offsetMs = 0;
    const now = () => Date.now() + offsetMs;
    const wechatPay = client({ now });
    const forged = { keys: rogue, serial: '1C0FFEE000000000000000000000000000000000' };
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const { body, headers } = notificationSignedBy(forged, now());
      expect(await callbackRejectionOf(wechatPay.verifyNotification(body, headers))).toBe('unknown-serial');
    }
    expect(downloads()).toHaveLength(1);
    offsetMs = 61_000;
    const { body, headers } = notificationSignedBy(forged, now());
    expect(await callbackRejectionOf(wechatPay.verifyNotification(body, headers))).toBe('unknown-serial');
    expect(downloads()).toHaveLength(2);
  });

  it('encrypts guide details for the newest valid certificate and names it in Wechatpay-Serial', async () => {
    const wechatPay = client();
    const guide = {
      corpId: 'ww1234567890abcdef',
      storeId: 1,
      userId: 'robert',
      name: '张三',
      mobile: '13800138000',
      qrCode: 'https://open.work.weixin.qq.com/qr',
      avatar: 'https://wx.qlogo.cn/avatar',
    };
    plan.replySigner = older;
    await wechatPay.registerGuide(guide);
    expect(server.requests.at(-1)!.headers['wechatpay-serial']).toBe(older.serial);

    await wechatPay.refreshPlatformCertificates();
    await wechatPay.registerGuide(guide);
    const request = server.requests.at(-1)!;
    expect(request.headers['wechatpay-serial']).toBe(rotated.serial);
    const sent = JSON.parse(request.body) as { name: string };
    const name = privateDecrypt(
      { key: rotated.keys.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
      Buffer.from(sent.name, 'base64'),
    );
    expect(name.toString()).toBe('张三');
  });
});

function expectSignedDownload(request: RecordedRequest): void {
  expect(request.method).toBe('GET');
  expect(String(request.headers.authorization)).toMatch(
    /^WECHATPAY2-SHA256-RSA2048 mchid="1900000001",nonce_str="[0-9a-f]{32}",timestamp="\d+",serial_no="5157F09EFDC096DE15EBE81A47057A7232F1B8E1",signature="[^"]+"$/,
  );
}
