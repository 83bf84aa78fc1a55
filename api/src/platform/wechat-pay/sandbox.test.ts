import { createPrivateKey, createPublicKey, randomBytes, randomInt, verify, X509Certificate } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../../testing/sandbox.ts';
import { AppError } from '../../http/errors.ts';
import { platformFailureOf } from '../test-support.ts';
import { createWechatPayClient, type WechatPayClient, type WechatPaySettings } from './client.ts';
import type { WechatPayNotification } from './schemas.ts';

/** The client against the sandbox (an independent WeChat Pay look-alike) in both signing modes. */

type Mode = 'public-key' | 'certificate';

interface Received {
  mode: Mode;
  status: number;
  notification?: WechatPayNotification;
  reason?: string;
}

/** The app's notify_url: hands the raw body and headers to `verifyNotification` and answers like the API would. */
async function startReceiver(clients: Map<Mode, WechatPayClient>) {
  const received: Received[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const mode = request.url?.slice('/notify/'.length) as Mode;
      const client = clients.get(mode);
      if (!client) {
        response.writeHead(404).end();
        return;
      }
      client.verifyNotification(Buffer.concat(chunks), request.headers).then(
        (notification) => {
          received.push({ mode, status: 204, notification });
          response.writeHead(204).end();
        },
        (error: unknown) => {
          const status = error instanceof AppError ? error.status : 500;
          const reason = error instanceof AppError ? (error.details as { reason?: string }).reason : String(error);
          received.push({ mode, status, reason });
          response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify({ code: 'CALLBACK_REJECTED', reason }));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    accepted: (mode: Mode) => received.filter((entry) => entry.mode === mode && entry.notification !== undefined),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function waitFor<T>(find: () => T | undefined, what: string, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function uniqueOrderNo(prefix = 'T'): string {
  return `${prefix}${Date.now()}${randomBytes(6).toString('hex')}`.slice(0, 32);
}

const sandboxes = new Map<Mode, TestSandbox>();
const clients = new Map<Mode, WechatPayClient>();
const settingsOf = new Map<Mode, WechatPaySettings>();
let receiver: Awaited<ReturnType<typeof startReceiver>>;

/** The client's settings for a sandbox, as the API derives them from its configuration. */
function settingsFor(sandbox: TestSandbox): WechatPaySettings {
  const config = sandbox.config();
  return { ...config.wechatPay, appId: config.wechat.appId ?? `wx${randomBytes(8).toString('hex')}` };
}

beforeAll(async () => {
  const [publicKeyMode, certificateMode] = await Promise.all([startTestSandbox(), startTestSandbox({ wechatPayMode: 'certificate' })]);
  sandboxes.set('public-key', publicKeyMode).set('certificate', certificateMode);
  // Public-key mode: the merchant serial alone. Certificate mode: the merchant certificate alone (the library reads its serial).
  settingsOf.set('public-key', settingsFor(publicKeyMode));
  settingsOf.set('certificate', {
    ...settingsFor(certificateMode),
    merchantSerialNo: undefined,
    merchantCertificatePem: certificateMode.sandbox.apiEnv.WECHATPAY_MERCHANT_CERT,
  });
  for (const [mode, settings] of settingsOf) clients.set(mode, createWechatPayClient(settings));
  receiver = await startReceiver(clients);
});

afterAll(async () => {
  await receiver?.close();
  await Promise.all([...sandboxes.values()].map((sandbox) => sandbox.stop()));
});

describe.each(['public-key', 'certificate'] as const)('against the sandbox in %s mode', (mode) => {
  const sandbox = () => sandboxes.get(mode)!;
  const client = () => clients.get(mode)!;
  const settings = () => settingsOf.get(mode)!;
  const notifyUrl = () => `${receiver.url}/notify/${mode}`;

  async function control(path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    const response = await fetch(`${sandbox().sandbox.url}/__sandbox/wechatpay${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  }

  async function placeOrder(amountFen = 1990): Promise<{ outTradeNo: string; prepayId: string }> {
    const outTradeNo = uniqueOrderNo();
    const { prepayId } = await client().prepayJsapi({
      description: '沙箱测试商品',
      outTradeNo,
      notifyUrl: notifyUrl(),
      amountFen,
      payerOpenid: 'oSandboxPayer0000000000000001',
      timeExpire: new Date(Date.now() + 15 * 60_000),
    });
    return { outTradeNo, prepayId };
  }

  function acceptedPayment(outTradeNo: string): WechatPayNotification | undefined {
    return receiver
      .accepted(mode)
      .map((entry) => entry.notification!)
      .find((notification) => notification.eventType === 'TRANSACTION.SUCCESS' && notification.resource.outTradeNo === outTradeNo);
  }

  async function paidOrder(amountFen = 1990): Promise<{ outTradeNo: string; transactionId: string }> {
    const { outTradeNo } = await placeOrder(amountFen);
    expect((await control('/pay', { out_trade_no: outTradeNo })).status).toBe(200);
    const notification = await waitFor(() => acceptedPayment(outTradeNo), `the payment notification of ${outTradeNo}`);
    return { outTradeNo, transactionId: (notification.resource as { transactionId: string }).transactionId };
  }

  it('pays an order: prepay, NOTPAY, pay, verified notification, SUCCESS', async () => {
    const { outTradeNo, prepayId } = await placeOrder();
    const sent = sandbox().sandbox.requests.list({ method: 'POST', path: '/wechatpay/v3/pay/transactions/jsapi' }).at(-1)!;
    expect(sent.status).toBe(200);
    expect(JSON.parse(sent.body)).toMatchObject({
      out_trade_no: outTradeNo,
      mchid: settings().mchId,
      amount: { total: 1990, currency: 'CNY' },
    });
    expect(prepayId).not.toBe('');

    const unpaid = await client().queryByOutTradeNo(outTradeNo);
    expect(unpaid).toMatchObject({ outTradeNo, tradeState: 'NOTPAY', transactionId: undefined, amount: { totalFen: 1990 } });

    const paid = await control('/pay', { out_trade_no: outTradeNo });
    expect(paid.status).toBe(200);
    const notification = await waitFor(() => acceptedPayment(outTradeNo), 'the payment notification');
    expect(notification.resource).toMatchObject({
      appId: settings().appId,
      mchId: settings().mchId,
      outTradeNo,
      tradeState: 'SUCCESS',
      payerOpenid: 'oSandboxPayer0000000000000001',
      amount: { totalFen: 1990, payerTotalFen: 1990 },
    });
    const delivery = await sandbox().sandbox.deliveries.waitFor(
      (candidate) => candidate.id === paid.json.delivery_id && candidate.state !== 'pending',
    );
    expect(delivery.attempts.map((attempt) => attempt.status)).toEqual([204]);

    const settled = await client().queryByOutTradeNo(outTradeNo);
    expect(settled).toMatchObject({
      tradeState: 'SUCCESS',
      transactionId: (notification.resource as { transactionId: string }).transactionId,
    });
    expect(settled!.successTime).toBeInstanceOf(Date);
  });

  it('signs wx.requestPayment with the merchant key', async () => {
    const { requestPayment } = await client().prepayJsapi({
      description: '沙箱测试商品',
      outTradeNo: uniqueOrderNo(),
      notifyUrl: notifyUrl(),
      amountFen: 100,
      payerOpenid: 'oSandboxPayer0000000000000001',
    });
    const merchantPublicKey = createPublicKey(createPrivateKey(settings().privateKeyPem!));
    const message = `${settings().appId}\n${requestPayment.timeStamp}\n${requestPayment.nonceStr}\n${requestPayment.package}\n`;
    expect(verify('sha256', Buffer.from(message), merchantPublicKey, Buffer.from(requestPayment.paySign, 'base64'))).toBe(true);
  });

  it('refunds: PROCESSING, then a verified REFUND.SUCCESS notification, then SUCCESS', async () => {
    const { outTradeNo, transactionId } = await paidOrder(3000);
    const outRefundNo = uniqueOrderNo('R');
    const refund = await client().refund({ outTradeNo, outRefundNo, reason: '沙箱退款', refundFen: 1000, totalFen: 3000 });
    expect(refund).toMatchObject({
      outRefundNo,
      outTradeNo,
      transactionId,
      status: 'PROCESSING',
      amount: { refundFen: 1000, totalFen: 3000 },
    });

    const notice = await waitFor(
      () =>
        receiver
          .accepted(mode)
          .map((entry) => entry.notification!)
          .find((notification) => notification.eventType === 'REFUND.SUCCESS' && notification.resource.outTradeNo === outTradeNo),
      'the refund notification',
    );
    expect(notice.resource).toMatchObject({
      outRefundNo,
      refundId: refund.refundId,
      refundStatus: 'SUCCESS',
      amount: { refundFen: 1000, totalFen: 3000 },
    });
    await expect(client().queryRefund(outRefundNo)).resolves.toMatchObject({ status: 'SUCCESS', refundId: refund.refundId });
    await expect(client().queryByOutTradeNo(outTradeNo)).resolves.toMatchObject({ tradeState: 'REFUND' });
  });

  it('closes an unpaid order', async () => {
    const { outTradeNo } = await placeOrder();
    await expect(client().close(outTradeNo)).resolves.toBeUndefined();
    await expect(client().queryByOutTradeNo(outTradeNo)).resolves.toMatchObject({ tradeState: 'CLOSED' });
  });

  it("answers null for orders and refunds WeChat Pay never saw, and carries WeChat Pay's error codes", async () => {
    await expect(client().queryByOutTradeNo(uniqueOrderNo('NONE'))).resolves.toBeNull();
    await expect(client().queryRefund(uniqueOrderNo('NONE'))).resolves.toBeNull();
    const { outTradeNo } = await paidOrder();
    const failure = await platformFailureOf(
      client().prepayJsapi({
        description: '沙箱测试商品',
        outTradeNo,
        notifyUrl: notifyUrl(),
        amountFen: 1990,
        payerOpenid: 'oSandboxPayer0000000000000001',
      }),
    );
    expect(failure).toMatchObject({ platform: 'wechatpay', operation: 'transactions_jsapi', code: 'ORDERPAID', status: 403 });
  });

  it('registers, finds and assigns a smart guide', async () => {
    const storeId = randomInt(1, 1_000_000);
    const userId = `guide${randomBytes(4).toString('hex')}`;
    const { guideId } = await client().registerGuide({
      corpId: 'wwsandbox0000000001',
      storeId,
      userId,
      name: '导购小王',
      mobile: '13800138000',
      qrCode: 'https://open.work.weixin.qq.com/wwopen/userQRCode?vcode=sandbox',
      avatar: 'https://wx.qlogo.cn/mmopen/sandbox/0',
    });
    await expect(client().queryGuides({ storeId, userId })).resolves.toEqual({
      guides: [{ guideId, storeId, name: '导购小王', mobile: '13800138000', userId, workId: undefined }],
      totalCount: 1,
    });

    const { outTradeNo } = await placeOrder();
    await expect(client().assignGuide(guideId, outTradeNo)).resolves.toBeUndefined();
    const order = (await (await fetch(`${sandbox().sandbox.url}/__sandbox/wechatpay/orders/${outTradeNo}`)).json()) as {
      guide_id?: string;
    };
    expect(order.guide_id).toBe(guideId);

    const paid = await paidOrder();
    expect(await platformFailureOf(client().assignGuide(guideId, paid.outTradeNo))).toMatchObject({ code: 'ORDERPAID' });
  });

  it('rejects every tampered notification with its reason, accepting none, and still takes a replay', async () => {
    const { outTradeNo, transactionId } = await paidOrder();
    const acceptedBefore = receiver.accepted(mode).length;
    const expectedReasons = {
      signature: 'bad-signature',
      'gcm-tag': 'decrypt-failed',
      'associated-data': 'decrypt-failed',
      'stale-timestamp': 'stale-timestamp',
      'unknown-serial': 'unknown-serial',
      signtest: 'signtest',
    };
    for (const [how, reason] of Object.entries(expectedReasons)) {
      const receivedBefore = receiver.received.length;
      const tampered = await control('/tamper', { out_trade_no: outTradeNo, how });
      expect(tampered.status).toBe(200);
      const delivery = await sandbox().sandbox.deliveries.waitFor(
        (candidate) => candidate.id === tampered.json.delivery_id && candidate.state !== 'pending',
      );
      expect(delivery.attempts.map((attempt) => attempt.status)).toEqual([401]);
      expect(receiver.received.slice(receivedBefore)).toEqual([{ mode, status: 401, reason }]);
    }
    expect(receiver.accepted(mode)).toHaveLength(acceptedBefore);

    expect((await control('/replay', { out_trade_no: outTradeNo })).status).toBe(200);
    await waitFor(() => (receiver.accepted(mode).length > acceptedBefore ? true : undefined), 'the replayed notification');
    expect(receiver.accepted(mode).at(-1)!.notification!.resource).toMatchObject({ outTradeNo, transactionId });
  });
});

describe('trust', () => {
  it('refuses replies signed by another WeChat Pay key (public-key mode)', async () => {
    const settings = settingsOf.get('public-key')!;
    const otherPlatformKey = createPublicKey(sandboxes.get('certificate')!.sandbox.apiEnv.WECHATPAY_PLATFORM_PUBLIC_KEY!);
    const misconfigured = createWechatPayClient({
      ...settings,
      platformPublicKeyPem: otherPlatformKey.export({ type: 'spki', format: 'pem' }).toString(),
    });
    const failure = await platformFailureOf(misconfigured.queryByOutTradeNo(uniqueOrderNo('NONE')));
    // A forged ORDER_NOT_EXIST must not read as "never placed".
    expect(failure).toMatchObject({ code: 'BAD_SIGNATURE', status: 404 });
    expect(failure.message).toContain('bad-signature');

    const otherSandbox = createWechatPayClient({ ...settingsFor(sandboxes.get('certificate')!), apiBaseUrl: settings.apiBaseUrl });
    expect(await platformFailureOf(otherSandbox.queryByOutTradeNo(uniqueOrderNo('NONE')))).toMatchObject({ code: 'BAD_SIGNATURE' });
  });

  it('refuses replies whose certificate it cannot learn from a trusted download (certificate mode)', async () => {
    const certificateSandbox = sandboxes.get('certificate')!;
    // A real certificate, but not WeChat Pay's: the sandbox's merchant certificate.
    const misconfigured = createWechatPayClient({
      ...settingsOf.get('certificate')!,
      platformPublicKeyPem: certificateSandbox.sandbox.apiEnv.WECHATPAY_MERCHANT_CERT,
    });
    const downloadsBefore = certificateSandbox.sandbox.requests.list({ method: 'GET', path: '/wechatpay/v3/certificates' }).length;
    expect(await platformFailureOf(misconfigured.queryByOutTradeNo(uniqueOrderNo('NONE')))).toMatchObject({
      code: 'BAD_SIGNATURE',
      operation: 'certificates',
    });
    expect(certificateSandbox.sandbox.requests.list({ method: 'GET', path: '/wechatpay/v3/certificates' })).toHaveLength(
      downloadsBefore + 1,
    );
  });

  it('downloads and decrypts the platform certificates (certificate mode)', async () => {
    const certificateSandbox = sandboxes.get('certificate')!;
    const configuredSerial = new X509Certificate(certificateSandbox.sandbox.apiEnv.WECHATPAY_PLATFORM_PUBLIC_KEY!).serialNumber;
    const serials = await clients.get('certificate')!.refreshPlatformCertificates();
    expect(serials.map((serial) => serial.toUpperCase())).toEqual([configuredSerial.toUpperCase()]);
    expect(certificateSandbox.sandbox.requests.list({ method: 'GET', path: '/wechatpay/v3/certificates' }).at(-1)!.status).toBe(200);
  });
});
