/**
 * Storefront and checkout throughput (issue 5). Everything runs as it does under `npm start`, each in its
 * own process: the API (with its embedded devdb child and the demo catalog), the WeChat Pay sandbox, and a
 * bare Koa hello-world as the baseline; this process only drives autocannon over HTTP. Each figure is also
 * given as a share of the hello-world measured in the same run, so the ratios travel between machines
 * better than the raw numbers. The API logs at `warn` (no per-request lines), as a busy deployment would.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { spawnApi, spawnTsProcess, type ChildTsProcess } from '../scripts/child-process.ts';
import { freePort } from '../scripts/free-port.ts';
import { startSandboxProcess } from '../scripts/sandbox-process.ts';
import { report } from './stats.ts';

const DURATION_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 20;
const BUYERS = 20;
const READY_TIMEOUT_MS = 120_000;
const HELLO_WORLD = fileURLToPath(new URL('./hello-world.ts', import.meta.url));

interface Figures {
  rps: number;
  p99: number;
  errors: number;
}

/** What the two requests of one checkout share on an autocannon connection. */
interface CheckoutContext {
  auth: string;
  orderNo: string;
}

async function load(options: autocannon.Options): Promise<Figures> {
  const result = await autocannon({ connections: CONNECTIONS, duration: DURATION_SECONDS, ...options });
  return { rps: result.requests.average, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

function print(name: string, figures: Figures, helloRps: number): void {
  const share = ((figures.rps / helloRps) * 100).toFixed(1);
  report(
    name,
    `${figures.rps.toFixed(0)} req/s, p99 ${figures.p99} ms, ${share}% of hello-world${figures.errors ? `, ${figures.errors} errors` : ''}`,
  );
}

async function json<T>(url: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  const response = await fetch(url, {
    ...init,
    headers: { 'content-type': 'application/json', ...(init.headers as Record<string, string>) },
    body: init.json === undefined ? init.body : JSON.stringify(init.json),
  });
  const body = (await response.json()) as T;
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${url}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/** Resolves once `matches` accepts a stdout line of the child; rejects if it exits first or takes too long. */
function readyLine(child: ChildTsProcess, lines: string[], matches: (line: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('a benchmark process did not start in time')), READY_TIMEOUT_MS);
    const poll = setInterval(() => {
      const line = lines.find(matches);
      if (line === undefined) return;
      clearInterval(poll);
      clearTimeout(timer);
      resolve(line);
    }, 50);
    void child.exited.then((code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`a benchmark process exited with code ${code}`));
    });
  });
}

/** Polls the API's health until it answers (the first start seeds the demo catalog, which takes a few seconds). */
async function untilHealthy(apiUrl: string, api: ChildTsProcess): Promise<void> {
  let exited = false;
  void api.exited.then(() => (exited = true));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!exited && Date.now() < deadline) {
    try {
      if ((await fetch(`${apiUrl}/api/health`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(exited ? 'the API exited before it was ready' : 'the API did not become healthy in time');
}

const workDir = await mkdtemp(path.join(tmpdir(), 'mall-bench-shop-'));
const children: ChildTsProcess[] = [];
try {
  const apiPort = await freePort();
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const sandbox = await startSandboxProcess({ port: await freePort(), dataDir: path.join(workDir, 'sandbox'), appUrl: apiUrl });
  children.push(sandbox);
  const owner = { username: 'bench.owner', password: randomBytes(12).toString('base64url') };
  const api = spawnApi(
    {
      ...process.env,
      ...sandbox.apiEnv,
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(apiPort),
      MONGODB_URI: '',
      DEVDB_DATA_DIR: path.join(workDir, 'devdb'),
      UPLOADS_DIR: path.join(workDir, 'uploads'),
      SEED_DEMO_DATA: 'true',
      OWNER_USERNAME: owner.username,
      OWNER_PASSWORD: owner.password,
      LOG_LEVEL: 'warn',
    },
    () => undefined,
  );
  children.push(api);
  await untilHealthy(apiUrl, api);
  const helloLines: string[] = [];
  const hello = spawnTsProcess(HELLO_WORLD, [], process.env, (line) => helloLines.push(line));
  children.push(hello);
  const helloPort = /listening on (\d+)/.exec(await readyLine(hello, helloLines, (line) => line.startsWith('hello-world listening')))![1];

  // Checkout buys one unit of a SKU with stock to spare, as many shoppers at once.
  const { token: staffToken } = await json<{ token: string }>(`${apiUrl}/api/staff/login`, { method: 'POST', json: owner });
  const staff = { authorization: `Bearer ${staffToken}` };
  const search = await json<{ items: { id: string }[] }>(`${apiUrl}/api/products?keyword=${encodeURIComponent('挂耳咖啡')}`);
  const productId = search.items[0]!.id;
  const { product } = await json<{ product: { skus: { id: string }[] } }>(`${apiUrl}/api/products/${productId}`);
  const skuId = product.skus[0]!.id;
  await json(`${apiUrl}/api/admin/products/${productId}/skus/${skuId}/stock`, {
    method: 'PUT',
    headers: staff,
    json: { available: 1_000_000 },
  });
  const buyers = await Promise.all(
    Array.from({ length: BUYERS }, async (_, index) => {
      const { code } = await json<{ code: string }>(`${apiUrl}/api/dev/sandbox-login-code`, {
        method: 'POST',
        json: { user: `bench-${index}` },
      });
      const { token } = await json<{ token: string }>(`${apiUrl}/api/shopper/login`, { method: 'POST', json: { code } });
      const authorization = `Bearer ${token}`;
      const { address } = await json<{ address: { id: string } }>(`${apiUrl}/api/shopper/addresses`, {
        method: 'POST',
        headers: { authorization },
        json: {
          recipientName: '压测',
          phone: '13800138000',
          province: '上海市',
          city: '上海市',
          district: '浦东新区',
          detail: '世纪大道 1 号',
        },
      });
      return { authorization, addressId: address.id };
    }),
  );

  let next = 0;
  const helloFigures = await load({ url: `http://127.0.0.1:${helloPort}` });
  report('Koa hello-world (own process)', `${helloFigures.rps.toFixed(0)} req/s, p99 ${helloFigures.p99} ms`);
  print('product list (GET /api/products, 20 per page)', await load({ url: `${apiUrl}/api/products?pageSize=20` }), helloFigures.rps);
  print('product detail (GET /api/products/:id)', await load({ url: `${apiUrl}/api/products/${productId}` }), helloFigures.rps);
  let checkouts = 0;
  const checkout = await load({
    url: apiUrl,
    requests: [
      {
        method: 'POST',
        path: '/api/orders',
        setupRequest(request, context) {
          const buyer = buyers[next++ % buyers.length]!;
          (context as CheckoutContext).auth = buyer.authorization;
          return {
            ...request,
            headers: { 'content-type': 'application/json', authorization: buyer.authorization },
            body: JSON.stringify({ items: [{ skuId, quantity: 1 }], addressId: buyer.addressId, idempotencyKey: randomUUID() }),
          };
        },
        onResponse(status, body, context) {
          if (status === 201) (context as CheckoutContext).orderNo = (JSON.parse(body) as { order: { orderNo: string } }).order.orderNo;
        },
      },
      {
        method: 'POST',
        setupRequest(request, context) {
          checkouts += 1;
          return {
            ...request,
            path: `/api/orders/${(context as CheckoutContext).orderNo}/pay`,
            headers: { authorization: (context as CheckoutContext).auth },
          };
        },
      },
    ],
  });
  // autocannon counts each of the two requests; a checkout is the pair.
  print('checkout (create order + WeChat Pay prepay), per checkout', { ...checkout, rps: checkout.rps / 2 }, helloFigures.rps);
  report('checkouts completed during the run', String(checkouts));
} finally {
  for (const child of children.reverse()) await child.stop();
  await rm(workDir, { recursive: true, force: true });
}
