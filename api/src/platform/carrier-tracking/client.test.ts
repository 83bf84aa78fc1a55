import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../../testing/sandbox.ts';
import { PlatformError } from '../errors.ts';
import { carrierTrackingFromConfig, kuaidi100Client } from './client.ts';

/** The Kuaidi100 client against the sandbox (signing, traces), and against canned replies for what the sandbox never says. */

let testSandbox: TestSandbox;
let canned: http.Server;
let cannedUrl: string;
let nextReply: { status: number; body: string };

beforeAll(async () => {
  testSandbox = await startTestSandbox();
  canned = http.createServer((_request, response) => {
    response.writeHead(nextReply.status, { 'Content-Type': 'application/json' });
    response.end(nextReply.body);
  });
  await new Promise<void>((resolve) => canned.listen(0, '127.0.0.1', resolve));
  cannedUrl = `http://127.0.0.1:${(canned.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => canned.close(resolve));
  await testSandbox.stop();
});

function cannedClient(status: number, body: unknown) {
  nextReply = { status, body: typeof body === 'string' ? body : JSON.stringify(body) };
  return kuaidi100Client({ customer: 'C'.repeat(32), key: 'key', apiBaseUrl: cannedUrl });
}

describe('the Kuaidi100 real-time query', () => {
  it('signs the query the sandbox accepts and reads its trace, newest first, times as instants', async () => {
    const client = carrierTrackingFromConfig(testSandbox.config());
    const trace = await client.trace({ carrier: 'JTSD', trackingNo: 'JT0001234567890', phone: '13800138000' });
    expect(trace.state).toBe('collected');
    expect(trace.events).toHaveLength(1);
    expect(trace.events[0]).toMatchObject({
      description: expect.stringContaining('揽收') as unknown,
      location: expect.any(String) as unknown,
    });
    expect(Date.parse(trace.events[0]!.at)).toBeLessThanOrEqual(Date.now());
    testSandbox.sandbox.advanceClock(61 * 60_000);
    const signed = await client.trace({ carrier: 'JTSD', trackingNo: 'JT0001234567890' });
    expect(signed.state).toBe('signed');
    expect(signed.events.map((event) => event.at)).toEqual([...signed.events.map((event) => event.at)].sort().reverse());
  });

  it('fails with the provider code when the sandbox refuses the signature', async () => {
    const client = carrierTrackingFromConfig(testSandbox.config({ KUAIDI100_KEY: 'sandbox-wrong-key' }));
    const error = await client.trace({ carrier: 'SF', trackingNo: 'SF1400000001' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PlatformError);
    expect((error as PlatformError).failure).toMatchObject({ platform: 'kuaidi100', code: '503', message: '验证签名失败' });
  });

  it('is PLATFORM_NOT_CONFIGURED without a customer or key', async () => {
    const client = carrierTrackingFromConfig({ kuaidi100: { customer: undefined, key: undefined, apiBaseUrl: cannedUrl } });
    await expect(client.trace({ carrier: 'SF', trackingNo: 'SF1400000001' })).rejects.toMatchObject({
      code: 'PLATFORM_NOT_CONFIGURED',
      details: { platform: 'kuaidi100', missing: ['KUAIDI100_CUSTOMER', 'KUAIDI100_KEY'] },
    });
  });

  it.each([
    ['no result yet (returnCode 500)', { result: false, returnCode: '500', message: '查询无结果，请隔段时间再查' }, 'no_record'],
    ['an empty trace', { status: '200', message: 'ok', state: '0', data: [] }, 'no_record'],
    [
      'a parcel out for delivery',
      { status: '200', message: 'ok', state: '5', data: [{ time: '2026-01-02 10:00:00', context: '派件中' }] },
      'delivering',
    ],
    ['a state code not on the list', { status: '200', state: '99', data: [{ time: '2026-01-02 10:00:00', context: '?' }] }, 'in_transit'],
    ['a refused delivery', { status: '200', state: '14', data: [{ time: '2026-01-02 10:00:00', context: '拒签' }] }, 'exception'],
  ])('reads %s', async (_label, reply, state) => {
    const trace = await cannedClient(200, reply).trace({ carrier: 'YD', trackingNo: 'YD1234567890' });
    expect(trace.state).toBe(state);
    if (trace.events.length > 0) expect(trace.events[0]!.at).toBe('2026-01-02T02:00:00.000Z');
  });

  it.each([
    ['an HTTP error', 500, 'oops', 'BAD_REPLY'],
    ['text that is not JSON', 200, '<html>', 'BAD_REPLY'],
    ['an unexpected shape', 200, { status: '200', data: 'none' }, 'BAD_REPLY'],
    ['a time without seconds', 200, { status: '200', state: '0', data: [{ time: '2026-01-02 10:00', context: 'x' }] }, 'BAD_REPLY'],
    ['an expired key', 200, { result: false, returnCode: '601', message: 'key已过期' }, '601'],
  ])('fails on %s as PLATFORM_ERROR', async (_label, status, body, code) => {
    const error = await cannedClient(status, body)
      .trace({ carrier: 'YD', trackingNo: 'YD1234567890' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PlatformError);
    expect((error as PlatformError).failure).toMatchObject({ platform: 'kuaidi100', code });
  });
});
