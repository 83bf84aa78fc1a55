import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../server.ts';

/** The Kuaidi100 real-time query look-alike over HTTP, signed here with node:crypto as the protocol says. */

let dataDir: string;
let sandbox: RunningSandbox;
let customer: string;
let key: string;

type Json = Record<string, unknown>;

function sign(param: string, withKey = key, withCustomer = customer): string {
  return createHash('md5').update(`${param}${withKey}${withCustomer}`, 'utf8').digest('hex').toUpperCase();
}

async function query(fields: Record<string, string>): Promise<{ status: number; json: Json }> {
  const response = await fetch(`${sandbox.url}/kuaidi100/poll/query.do`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: response.status, json: (await response.json()) as Json };
}

function signedQuery(param: Json): Promise<{ status: number; json: Json }> {
  const text = JSON.stringify(param);
  return query({ customer, param: text, sign: sign(text) });
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'sandbox-kuaidi100-'));
  sandbox = await startSandbox({ port: 0, dataDir });
  customer = sandbox.apiEnv.KUAIDI100_CUSTOMER!;
  key = sandbox.apiEnv.KUAIDI100_KEY!;
});

afterAll(async () => {
  await sandbox.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('credentials', () => {
  it('gives the API a customer id and a key marked as a sandbox one', () => {
    expect(customer).toMatch(/^[0-9A-F]{32}$/);
    expect(key).toMatch(/^sandbox/);
    expect(sandbox.apiEnv.KUAIDI100_API_BASE_URL).toBe(`${sandbox.url}/kuaidi100`);
  });
});

describe('POST /kuaidi100/poll/query.do', () => {
  it('answers a fresh parcel with its pick-up, then moves it along the sandbox clock to 签收', async () => {
    const param = { com: 'zhongtong', num: 'ZT7500000001', order: 'desc' };
    const first = await signedQuery(param);
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ status: '200', message: 'ok', state: '1', ischeck: '0', com: 'zhongtong', nu: 'ZT7500000001' });
    const [pickedUp] = first.json.data as Json[];
    expect(pickedUp).toMatchObject({ context: expect.stringContaining('揽收') as unknown });
    expect(pickedUp!.time).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);

    sandbox.advanceClock(31 * 60_000);
    const delivering = await signedQuery(param);
    expect(delivering.json.state).toBe('5');
    expect((delivering.json.data as Json[]).map((event) => event.context)).toHaveLength(4);
    expect((delivering.json.data as Json[])[0]!.context as string).toContain('派件');

    sandbox.advanceClock(30 * 60_000);
    const signed = await signedQuery(param);
    expect(signed.json).toMatchObject({ state: '3', ischeck: '1' });
    const ascending = await signedQuery({ ...param, order: 'asc' });
    expect((ascending.json.data as Json[])[0]).toEqual((signed.json.data as Json[]).at(-1));
  });

  it('makes the same trace of the same tracking number every time', async () => {
    const once = await signedQuery({ com: 'yuantong', num: 'YT0000000042' });
    const again = await signedQuery({ com: 'yuantong', num: 'YT0000000042' });
    expect(again.json.data).toEqual(once.json.data);
  });

  it.each([
    ['a signature made with another key', (param: string) => ({ customer, param, sign: sign(param, 'sandbox-other-key') })],
    ['a lower-case signature', (param: string) => ({ customer, param, sign: sign(param).toLowerCase() })],
    ['another customer', (param: string) => ({ customer: 'A'.repeat(32), param, sign: sign(param, key, 'A'.repeat(32)) })],
    ['a param changed after signing', (param: string) => ({ customer, param: param.replace('SF', 'ST'), sign: sign(param) })],
  ])('refuses %s with returnCode 503', async (_label, fields) => {
    const reply = await query(fields(JSON.stringify({ com: 'shunfeng', num: 'SF1400000001' })));
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ result: false, returnCode: '503', message: '验证签名失败' });
  });

  it.each([
    ['missing fields', { customer: 'x' }],
    ['an unknown company', null, { com: 'pigeon', num: 'SF1400000001' }],
    ['a malformed tracking number', null, { com: 'shunfeng', num: 'SF 1' }],
  ])('refuses %s with returnCode 400', async (_label, raw, param?: Json) => {
    const reply = raw === null ? await signedQuery(param!) : await query(raw);
    expect(reply.json).toMatchObject({ result: false, returnCode: '400' });
  });
});
