import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RequestLog } from './requests.ts';
import { JsonState, readJsonFile } from './storage.ts';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

describe('JsonState', () => {
  it('starts from the initial value, persists every save, and reopens what was saved', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sandbox-state-'));
    dirs.push(dir);
    const file = path.join(dir, 'state.json');
    const state = await JsonState.open(file, () => ({ orders: [] as string[] }));
    state.value.orders.push('a');
    void state.save();
    state.value.orders.push('b');
    await state.save();
    expect(await readJsonFile(file)).toEqual({ orders: ['a', 'b'] });
    expect((await JsonState.open(file, () => ({ orders: ['never'] }))).value).toEqual({ orders: ['a', 'b'] });
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('keeps saving after a failed write', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sandbox-state-'));
    dirs.push(dir);
    const blocked = path.join(dir, 'blocked');
    const file = path.join(blocked, 'state.json');
    const state = await JsonState.open(file, () => ({ saves: 0 }));
    // A file where the state's folder should be: the write fails.
    await writeFile(blocked, '');
    state.value.saves += 1;
    await expect(state.save()).rejects.toThrow();
    await rm(blocked);
    state.value.saves += 1;
    await state.save();
    expect(await readJsonFile(file)).toEqual({ saves: 2 });
  });

  it('reads a missing file as undefined', async () => {
    expect(await readJsonFile(path.join(tmpdir(), 'no-such-sandbox-file.json'))).toBeUndefined();
  });
});

describe('RequestLog', () => {
  it('filters by method, exact path, path prefix and sequence', () => {
    const log = new RequestLog();
    const base = { at: '', query: {}, headers: {}, body: '', status: 200 };
    log.record({ ...base, method: 'POST', path: '/wechatpay/v3/pay/transactions/jsapi' });
    const mark = log.latest();
    log.record({ ...base, method: 'GET', path: '/wechatpay/v3/pay/transactions/out-trade-no/1' });
    log.record({ ...base, method: 'GET', path: '/wecom/cgi-bin/gettoken' });
    expect(log.list({ method: 'get' })).toHaveLength(2);
    expect(log.list({ path: '/wechatpay/*' })).toHaveLength(2);
    expect(log.list({ path: '/wecom/cgi-bin/gettoken' })).toHaveLength(1);
    expect(log.list({ after: mark }).map((entry) => entry.seq)).toEqual([2, 3]);
  });
});
