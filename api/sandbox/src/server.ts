import { mkdir, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import Router from '@koa/router';
import Koa from 'koa';
import { DeliveryLog } from './deliveries.ts';
import { PLATFORM_FACTORIES } from './platforms.ts';
import { RequestLog } from './requests.ts';
import {
  DEVELOPMENT_ONLY_NOTICE,
  type PlatformModule,
  type ResolvedSandboxOptions,
  type SandboxOptions,
  type SandboxState,
} from './runtime.ts';

/** WeChat Pay's notification retry schedule after a failed delivery (15 s, 15 s, 30 s, 3 min, …, 6 h). */
export const WECHATPAY_RETRY_DELAYS_MS = [15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600].map(
  (seconds) => seconds * 1000,
);
/** WeCom retries a callback that got no 200 within 5 s, up to three times. */
export const WECOM_RETRY_DELAYS_MS = [5_000, 5_000, 5_000];

const MAX_BODY_BYTES = 1024 * 1024;

export interface RunningSandbox {
  /** e.g. http://127.0.0.1:3100 */
  url: string;
  /** Everything the API needs to use this sandbox: base URLs and the generated credentials. */
  apiEnv: Record<string, string>;
  /** The file holding `apiEnv` as KEY=value lines (`.env` syntax). */
  apiEnvFile: string;
  requests: RequestLog;
  deliveries: DeliveryLog;
  /** Moves the sandbox's clock forward (tokens expire, welcome codes lapse). */
  advanceClock(ms: number): void;
  close(): Promise<void>;
}

function resolveOptions(options: SandboxOptions): ResolvedSandboxOptions {
  return {
    port: options.port ?? 3100,
    host: options.host ?? '127.0.0.1',
    dataDir: path.resolve(options.dataDir),
    appUrl: (options.appUrl ?? 'http://127.0.0.1:3000').replace(/\/+$/, ''),
    wecomCallbackPath: options.wecomCallbackPath ?? '/api/wecom/callback',
    payNotifyRetryDelaysMs: options.payNotifyRetryDelaysMs ?? WECHATPAY_RETRY_DELAYS_MS,
    wecomRetryDelaysMs: options.wecomRetryDelaysMs ?? WECOM_RETRY_DELAYS_MS,
    wechatPayMode: options.wechatPayMode ?? 'public-key',
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 7200,
  };
}

/** `.env` syntax: one KEY=value per line, values with newlines (PEMs) double-quoted with \n escapes. */
function envFileText(env: Record<string, string>): string {
  const lines = Object.entries(env).map(([name, value]) => `${name}=${/[\n"#\s]/.test(value) ? JSON.stringify(value) : value}`);
  return `# Written by the sandbox (${DEVELOPMENT_ONLY_NOTICE}).\n${lines.join('\n')}\n`;
}

/** Starts the sandbox: every platform look-alike on one HTTP server, keys generated on first start. */
export async function startSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  const resolved = resolveOptions(options);
  const log = options.log ?? (() => undefined);
  const baseClock = options.now ?? Date.now;
  let clockOffsetMs = 0;
  const now = () => baseClock() + clockOffsetMs;

  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, resolved.host, () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;

  const requests = new RequestLog();
  const deliveries = new DeliveryLog();
  const modules: PlatformModule[] = [];
  try {
    for (const { name, create } of PLATFORM_FACTORIES) {
      const dataDir = path.join(resolved.dataDir, name);
      await mkdir(dataDir, { recursive: true, mode: 0o700 });
      modules.push(await create({ dataDir, baseUrl: url, appUrl: resolved.appUrl, deliver: deliveries, now, log, options: resolved }));
    }
  } catch (error) {
    server.close();
    throw error;
  }

  const app = new Koa<SandboxState>();
  app.use(async (ctx, next) => {
    ctx.set('X-Sandbox', 'development only');
    ctx.state.rawBody = Buffer.alloc(0);
    try {
      ctx.state.rawBody = await readBody(ctx.req);
      await next();
    } catch (error) {
      const status = (error as { status?: number }).status ?? 500;
      ctx.status = status;
      ctx.body = { sandbox_error: status === 413 ? 'body over 1 MiB' : (error as Error).message };
      if (status >= 500) log(`sandbox: ${(error as Error).stack ?? String(error)}`);
    } finally {
      if (!(ctx.method === 'GET' && ctx.path === '/__sandbox/requests')) {
        requests.record({
          at: new Date(now()).toISOString(),
          method: ctx.method,
          path: ctx.path,
          query: Object.fromEntries(new URLSearchParams(ctx.querystring)),
          headers: Object.fromEntries(Object.entries(ctx.headers).map(([name, value]) => [name, String(value)])),
          body: ctx.state.rawBody.toString('utf8'),
          status: ctx.status,
        });
      }
    }
  });

  const root = new Router<SandboxState>();
  root.get('/__sandbox', (ctx) => {
    ctx.type = 'html';
    ctx.body = indexPage(url, modules);
  });
  root.get('/__sandbox/requests', (ctx) => {
    const after = ctx.query.after === undefined ? undefined : Number(ctx.query.after);
    ctx.body = requests.list({
      method: str(ctx.query.method),
      path: str(ctx.query.path),
      after: Number.isFinite(after) ? after : undefined,
    });
  });
  root.get('/__sandbox/deliveries', (ctx) => {
    ctx.body = deliveries.list({ kind: str(ctx.query.kind), url: str(ctx.query.url) });
  });
  root.post('/__sandbox/clock', (ctx) => {
    const advance = Number(ctx.query.advanceSeconds);
    if (!Number.isFinite(advance) || advance < 0) {
      ctx.status = 400;
      ctx.body = { sandbox_error: 'advanceSeconds must be a number ≥ 0' };
      return;
    }
    clockOffsetMs += advance * 1000;
    ctx.body = { now: new Date(now()).toISOString() };
  });
  for (const module of modules) {
    root.use(module.prefix, module.router.routes(), module.router.allowedMethods());
    root.use(`/__sandbox${module.prefix}`, module.control.routes(), module.control.allowedMethods());
  }
  app.use(root.routes());
  app.use(root.allowedMethods());
  app.use((ctx) => {
    if (ctx.status !== 404 || ctx.body !== undefined) return;
    ctx.status = 404;
    ctx.body = { sandbox_error: `no sandbox endpoint ${ctx.method} ${ctx.path}` };
  });
  server.on('request', app.callback());

  const apiEnv = Object.assign({}, ...modules.map((module) => module.apiEnv)) as Record<string, string>;
  const apiEnvFile = path.join(resolved.dataDir, 'api.env');
  await writeFile(apiEnvFile, envFileText(apiEnv), { mode: 0o600 });
  log(`${DEVELOPMENT_ONLY_NOTICE} — listening on ${url} (data: ${resolved.dataDir})`);

  return {
    url,
    apiEnv,
    apiEnvFile,
    requests,
    deliveries,
    advanceClock(ms) {
      clockOffsetMs += ms;
    },
    async close() {
      await deliveries.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      for (const module of modules) await module.close?.();
    },
  };
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

async function readBody(request: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw Object.assign(new Error('body too large'), { status: 413 });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function indexPage(url: string, modules: PlatformModule[]): string {
  const items = modules
    .map((module) => `<li><code>${url}${module.prefix}</code> · control: <code>/__sandbox${module.prefix}</code></li>`)
    .join('');
  return `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>Sandbox — development only</title>
<body style="font-family:sans-serif;max-width:720px;margin:2em auto">
<p style="background:#fff3cd;padding:1em;border:1px solid #e0c36c"><strong>${DEVELOPMENT_ONLY_NOTICE}.</strong>
Keys here are generated locally and marked as sandbox keys; a production API refuses them.</p>
<h1>微信 / 微信支付 / 企业微信 沙箱</h1><ul>${items}</ul>
<p>Recorded requests: <a href="/__sandbox/requests">/__sandbox/requests</a> · callbacks sent to the app: <a href="/__sandbox/deliveries">/__sandbox/deliveries</a></p>
</body></html>`;
}
