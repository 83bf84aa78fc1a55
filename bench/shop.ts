/**
 * Storefront and checkout throughput (issue 5): the API in this process on the embedded devdb with the demo
 * catalog, the WeChat Pay sandbox for prepay, driven by autocannon over HTTP. Each figure is also given as
 * a share of a bare Koa hello-world measured in the same run on the same machine, so the ratios travel
 * between machines better than the raw numbers.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import Koa from 'koa';
import { start as startDevdb } from '@mall/devdb';
import { startSandbox } from '@mall/sandbox';
import { createApp } from '../api/src/app.ts';
import { localImageStorage } from '../api/src/catalog/image-storage.ts';
import { catalogModels, ensureCatalogIndexes } from '../api/src/catalog/models.ts';
import { connectDatabase } from '../api/src/db/database.ts';
import { seedDemoCatalog } from '../api/src/demo/seed.ts';
import { createLogger } from '../api/src/logger.ts';
import { commerceDependencies, ensureCommerceIndexes } from '../api/src/orders/dependencies.ts';
import { testConfig } from '../api/src/testing/app.ts';
import { createTestBuyer } from '../api/src/testing/commerce.ts';
import { report } from './stats.ts';

const DURATION_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 20;
const BUYERS = 50;

/** What the two requests of one checkout share on an autocannon connection. */
interface CheckoutContext {
  auth: string;
  orderNo: string;
}

interface Figures {
  rps: number;
  p99: number;
  errors: number;
}

async function listen(handler: http.RequestListener): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
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

const workDir = await mkdtemp(path.join(tmpdir(), 'mall-bench-shop-'));
const devdb = await startDevdb({ port: 0 });
const sandbox = await startSandbox({ port: 0, dataDir: path.join(workDir, 'sandbox') });
const logger = createLogger('silent');
try {
  const db = await connectDatabase(devdb.uri, 'embedded', 'bench_shop');
  const config = testConfig({ ...sandbox.apiEnv, UPLOADS_DIR: path.join(workDir, 'uploads') });
  const catalog = catalogModels(db.connection);
  await ensureCatalogIndexes(catalog);
  await seedDemoCatalog(catalog, localImageStorage(config.uploadsDir), logger);
  const commerce = commerceDependencies(config, db);
  await ensureCommerceIndexes(commerce);
  const api = await listen(createApp({ config, db, logger }).callback());

  const hello = new Koa();
  hello.use((ctx) => {
    ctx.body = { hello: 'world' };
  });
  const helloServer = await listen(hello.callback());

  // Checkout buys one unit of a SKU with stock to spare, as many shoppers at once.
  const product = await catalog.Product.findOne({ title: '挂耳咖啡 组合装' }).lean();
  const sku = await catalog.Sku.findOne({ productId: product!._id }).lean();
  await catalog.Sku.updateOne({ _id: sku!._id }, { $set: { available: 1_000_000 } });
  const buyers = await Promise.all(Array.from({ length: BUYERS }, () => createTestBuyer(db)));
  let next = 0;

  const helloFigures = await load({ url: helloServer.url });
  report('Koa hello-world', `${helloFigures.rps.toFixed(0)} req/s, p99 ${helloFigures.p99} ms`);
  print('product list (GET /api/products, 20 per page)', await load({ url: `${api.url}/api/products?pageSize=20` }), helloFigures.rps);
  print(
    'product detail (GET /api/products/:id)',
    await load({ url: `${api.url}/api/products/${product!._id.toHexString()}` }),
    helloFigures.rps,
  );

  let orders = 0;
  const checkout = await load({
    url: api.url,
    requests: [
      {
        method: 'POST',
        path: '/api/orders',
        setupRequest(request, context) {
          const buyer = buyers[next++ % buyers.length]!;
          (context as CheckoutContext).auth = buyer.auth.Authorization;
          return {
            ...request,
            headers: { 'content-type': 'application/json', authorization: buyer.auth.Authorization },
            body: JSON.stringify({
              items: [{ skuId: sku!._id.toHexString(), quantity: 1 }],
              addressId: buyer.addressId,
              idempotencyKey: randomUUID(),
            }),
          };
        },
        onResponse(status, body, context) {
          if (status === 201) (context as CheckoutContext).orderNo = (JSON.parse(body) as { order: { orderNo: string } }).order.orderNo;
        },
      },
      {
        method: 'POST',
        setupRequest(request, context) {
          orders += 1;
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
  const checkoutFigures = { ...checkout, rps: checkout.rps / 2 };
  print('checkout (create order + WeChat Pay prepay), per checkout', checkoutFigures, helloFigures.rps);
  report('orders placed during the checkout run', String(orders));

  await api.close();
  await helloServer.close();
  await db.connection.close();
} finally {
  await sandbox.close();
  await devdb.stop();
  await rm(workDir, { recursive: true, force: true });
}
