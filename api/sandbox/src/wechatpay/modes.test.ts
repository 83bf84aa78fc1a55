import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSandbox } from '../server.ts';
import { decryptResource, MerchantClient, startNotifyServer, verifyWechatpaySignature } from './test-client.ts';

/** The WeChat Pay look-alike in certificate mode, and what survives a restart. */

// Only the WeChat Pay look-alike runs here; the other platforms have their own tests.
vi.mock('../platforms.ts', async () => ({
  PLATFORM_FACTORIES: [{ name: 'wechatpay', create: (await import('./index.ts')).createWechatPayPlatform }],
}));

let dataDir: string;
let app: Awaited<ReturnType<typeof startNotifyServer>>;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'wechatpay-modes-'));
  app = await startNotifyServer();
});

afterAll(async () => {
  await app?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const order = (mchid: string, outTradeNo: string) => ({
  appid: 'wx0123456789abcdef',
  mchid,
  description: '证书模式测试',
  out_trade_no: outTradeNo,
  notify_url: `${app.url}/notify`,
  amount: { total: 1 },
  payer: { openid: 'o-cert-mode' },
});

describe('certificate mode and restarts', () => {
  it('signs with the platform certificate, serves it through /v3/certificates, and keeps keys and orders across a restart', async () => {
    const first = await startSandbox({ port: 0, dataDir, payNotifyRetryDelaysMs: [50, 50], wechatPayMode: 'certificate' });
    let firstEnv: Record<string, string>;
    try {
      firstEnv = first.apiEnv;
      expect(firstEnv.WECHATPAY_PLATFORM_PUBLIC_KEY).toMatch(/^# sandbox-generated: development only\n-----BEGIN CERTIFICATE-----/);
      expect(firstEnv).not.toHaveProperty('WECHATPAY_PLATFORM_PUBLIC_KEY_ID');
      const merchant = new MerchantClient(firstEnv);
      const certificateSerial = new X509Certificate(firstEnv.WECHATPAY_PLATFORM_PUBLIC_KEY).serialNumber;
      expect(merchant.platformSerial).toBe(certificateSerial);
      expect(certificateSerial).toMatch(/^[0-9A-F]{40}$/);

      // MerchantClient throws unless the reply is signed by the certificate's key and names its serial.
      const placed = await merchant.request('POST', '/v3/pay/transactions/jsapi', order(merchant.mchid, 'CERTMODE001'));
      expect(placed.status).toBe(200);
      expect(placed.headers.get('wechatpay-serial')).toBe(certificateSerial);

      const certificates = await merchant.request('GET', '/v3/certificates');
      const [entry] = certificates.json.data as {
        serial_no: string;
        effective_time: string;
        expire_time: string;
        encrypt_certificate: { algorithm: string; nonce: string; associated_data: string; ciphertext: string };
      }[];
      expect(entry.serial_no).toBe(certificateSerial);
      expect(entry.encrypt_certificate).toMatchObject({ algorithm: 'AEAD_AES_256_GCM', associated_data: 'certificate' });
      expect(entry.expire_time).toMatch(/\+08:00$/);
      const pem = decryptResource(entry.encrypt_certificate, merchant.apiV3Key);
      expect(new X509Certificate(pem).serialNumber).toBe(certificateSerial);
      expect(pem.trim()).toBe(firstEnv.WECHATPAY_PLATFORM_PUBLIC_KEY.split('\n').slice(1).join('\n').trim());

      const paid = await fetch(`${first.url}/__sandbox/wechatpay/pay`, {
        method: 'POST',
        body: JSON.stringify({ out_trade_no: 'CERTMODE001' }),
      });
      const { delivery_id: deliveryId } = (await paid.json()) as { delivery_id: number };
      const delivery = await first.deliveries.waitFor((candidate) => candidate.id === deliveryId && candidate.state === 'delivered', 5_000);
      const headers = Object.fromEntries(Object.entries(delivery.headers).map(([name, value]) => [name.toLowerCase(), value]));
      expect(headers['wechatpay-serial']).toBe(certificateSerial);
      expect(verifyWechatpaySignature(headers, delivery.body, merchant.platformKey)).toBe(true);

      // The key files the merchant would download, marked as sandbox keys.
      expect(await readFile(path.join(dataDir, 'wechatpay', 'apiclient_cert.pem'), 'utf8')).toBe(firstEnv.WECHATPAY_MERCHANT_CERT);
      expect(await readFile(path.join(dataDir, 'wechatpay', 'apiclient_key.pem'), 'utf8')).toBe(firstEnv.WECHATPAY_PRIVATE_KEY);
    } finally {
      await first.close();
    }

    const second = await startSandbox({ port: 0, dataDir, payNotifyRetryDelaysMs: [50, 50] });
    try {
      for (const name of [
        'WECHATPAY_MCHID',
        'WECHATPAY_PRIVATE_KEY',
        'WECHATPAY_MERCHANT_SERIAL_NO',
        'WECHATPAY_APIV3_KEY',
        'WECHATPAY_MERCHANT_CERT',
      ]) {
        expect(second.apiEnv[name], name).toBe(firstEnv[name]);
      }
      // Public-key mode now: WeChat Pay's public key and its id instead of the certificate.
      expect(second.apiEnv.WECHATPAY_PLATFORM_PUBLIC_KEY).toContain('BEGIN PUBLIC KEY');
      const merchant = new MerchantClient(second.apiEnv);
      const query = await merchant.request('GET', `/v3/pay/transactions/out-trade-no/CERTMODE001?mchid=${merchant.mchid}`);
      expect(query.headers.get('wechatpay-serial')).toMatch(/^PUB_KEY_ID_/);
      expect(query.json).toMatchObject({ trade_state: 'SUCCESS', out_trade_no: 'CERTMODE001' });
    } finally {
      await second.close();
    }
  });

  it('finishes a refund left PROCESSING by a restart', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'wechatpay-refund-restart-'));
    try {
      const first = await startSandbox({ port: 0, dataDir: dir, payNotifyRetryDelaysMs: [50] });
      const merchant = new MerchantClient(first.apiEnv);
      await merchant.request('POST', '/v3/pay/transactions/jsapi', order(merchant.mchid, 'RESTART0001'));
      await fetch(`${first.url}/__sandbox/wechatpay/pay`, { method: 'POST', body: JSON.stringify({ out_trade_no: 'RESTART0001' }) });
      const refund = await merchant.request('POST', '/v3/refund/domestic/refunds', {
        out_trade_no: 'RESTART0001',
        out_refund_no: 'RESTART0001-R',
        amount: { refund: 1, total: 1, currency: 'CNY' },
      });
      expect(refund.json.status).toBe('PROCESSING');
      await first.close();

      const second = await startSandbox({ port: 0, dataDir: dir, payNotifyRetryDelaysMs: [50] });
      try {
        const delivery = await second.deliveries.waitFor(
          (candidate) => candidate.kind === 'REFUND.SUCCESS' && candidate.state === 'delivered',
          5_000,
        );
        expect(JSON.parse(decryptResource(JSON.parse(delivery.body).resource, merchant.apiV3Key)).out_refund_no).toBe('RESTART0001-R');
        const query = await new MerchantClient(second.apiEnv).request('GET', '/v3/refund/domestic/refunds/RESTART0001-R');
        expect(query.json.status).toBe('SUCCESS');
      } finally {
        await second.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
