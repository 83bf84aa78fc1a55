import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/free-port.ts';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
type LogEntry = Record<string, unknown> & { msg: string };

let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'mall-api-main-'));
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface RunningApi {
  child: ChildProcessWithoutNullStreams;
  url: string;
  devdbPid: number;
  logs: LogEntry[];
  exited: Promise<number | null>;
}

/** `npm run api`, as a developer starts it: embedded database, development defaults. */
async function startApi(): Promise<RunningApi> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { ...process.env, NODE_ENV: 'development', PORT: String(port), DEVDB_DATA_DIR: dataDir, LOG_LEVEL: 'info', MONGODB_URI: '' },
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const logs: LogEntry[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => logs.push(JSON.parse(line) as LogEntry));
  const stderr: string[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line));
  const listening = () => logs.find((entry) => entry.msg.startsWith('API listening'));
  await Promise.race([
    waitUntil(() => listening() !== undefined, 30_000),
    exited.then((code) => Promise.reject(new Error(`api exited ${code}: ${stderr.join('\n')}`))),
  ]);
  const devdbPid = logs.find((entry) => entry.msg.startsWith('embedded devdb'))?.pid as number;
  return { child, url: listening()?.url as string, devdbPid, logs, exited };
}

describe('the API process', () => {
  it('starts on the embedded database, prints the dev owner once, serves, and stops devdb on SIGTERM', async () => {
    const api = await startApi();
    expect(api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(isAlive(api.devdbPid)).toBe(true);
    const owner = api.logs.find((entry) => typeof entry.password === 'string');
    expect(owner?.msg).toContain('sign in as "owner"');

    const health = await fetch(`${api.url}/api/health`);
    expect(await health.json()).toMatchObject({ status: 'ok', db: { mode: 'embedded' }, sandbox: true });
    const login = await fetch(`${api.url}/api/staff/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'owner', password: owner?.password }),
    });
    expect(login.status).toBe(200);

    api.child.kill('SIGTERM');
    expect(await api.exited).toBe(0);
    expect(isAlive(api.devdbPid)).toBe(false);
    expect(api.logs.map((entry) => entry.msg)).toEqual(expect.arrayContaining(['shutting down', 'devdb: stopped on SIGTERM', 'stopped']));

    // Same data directory: the owner exists, so no new password is printed.
    const again = await startApi();
    expect(again.logs.some((entry) => 'password' in entry)).toBe(false);
    again.child.kill('SIGINT');
    expect(await again.exited).toBe(0);
  });

  it('does not leave devdb running when killed outright', async () => {
    const api = await startApi();
    api.child.kill('SIGKILL');
    await api.exited;
    await waitUntil(() => !isAlive(api.devdbPid), 15_000);
  });

  it('refuses to start in production with a development configuration, naming every problem', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN], { env: { ...process.env, NODE_ENV: 'production', MONGODB_URI: '' } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('refusing to start');
    for (const variable of ['MONGODB_URI', 'WECHAT_APPID', 'WECHATPAY_APIV3_KEY', 'WECOM_ENCODING_AES_KEY', 'WECHAT_API_BASE_URL']) {
      expect(stderr).toContain(`${variable}: `);
    }
  });
});
