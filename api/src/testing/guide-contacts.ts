import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';
import { Types } from 'mongoose';
import request from 'supertest';
import { GUIDE_CODE_LENGTH, type StaffRole } from '@mall/shared';
import type { Config } from '@mall/config';
import { attributionModels, ensureAttributionIndexes } from '../attribution/models.ts';
import { createApp } from '../app.ts';
import type { Database } from '../db/database.ts';
import { ensureGuideContactIndexes } from '../guide-contacts/models.ts';
import { guideContactDependencies, type GuideContactDependencies } from '../guide-contacts/service.ts';
import { ensureGuideIndexes, type GuideRecord, type StoreRecord } from '../guides/models.ts';
import { randomCode } from '../guides/service.ts';
import type { AppState } from '../http/context.ts';
import { createLogger } from '../logger.ts';
import { ensureOrderIndexes, type OrderRecord } from '../orders/models.ts';
import { allocateOrderNumber } from '../orders/order-numbers.ts';
import type { OrderStatus } from '../orders/state-machine.ts';
import { createStaffAccount, signIn } from './app.ts';
import { startTestDatabaseServer } from './database.ts';
import { startTestSandbox, type TestSandbox } from './sandbox.ts';

/** A request the sandbox sent to the app while the app was not answering (see `capture`). */
export interface CapturedCallback {
  url: string;
  body: Buffer;
}

export interface GuideContactTest {
  db: Database;
  config: Config;
  testSandbox: TestSandbox;
  app: Koa<AppState>;
  http: ReturnType<typeof request>;
  deps: GuideContactDependencies;
  /** Signed-in staff tokens by role. */
  staff: Record<Extract<StaffRole, 'owner' | 'viewer'>, string>;
  /** Until `release`, the sandbox's callbacks are answered `success` and kept here instead of reaching the app. */
  capture(): CapturedCallback[];
  release(): void;
  stop(): Promise<void>;
}

/**
 * The app on a fresh database, listening where the sandbox sends WeCom callbacks, with the sandbox's credentials;
 * the guide-contact models with their indexes, and an owner and a viewer signed in.
 */
export async function startGuideContactTest(): Promise<GuideContactTest> {
  const databaseServer = await startTestDatabaseServer();
  const db = await databaseServer.connect();
  let captured: CapturedCallback[] | null = null;
  // The port first: the sandbox needs the app's URL, the app the sandbox's credentials.
  const listener = http.createServer();
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const appUrl = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
  const testSandbox = await startTestSandbox({ appUrl });
  const config = testSandbox.config({ PUBLIC_API_URL: appUrl });
  const app = createApp({ config, db, logger: createLogger('silent') });
  const handle = app.callback();
  listener.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (captured === null) {
      void handle(req, res);
      return;
    }
    const chunks: Buffer[] = [];
    const into = captured;
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      into.push({ url: req.url ?? '', body: Buffer.concat(chunks) });
      res.end('success');
    });
  });
  const deps = guideContactDependencies(config, db.connection);
  await Promise.all([
    ensureGuideContactIndexes(deps.contacts),
    ensureGuideIndexes(deps.guides),
    ensureOrderIndexes(deps.orders),
    ensureAttributionIndexes(attributionModels(db.connection)),
  ]);
  const supertest = request(app.callback());
  await createStaffAccount(db, { username: 'contacts-owner', role: 'owner' });
  await createStaffAccount(db, { username: 'contacts-viewer', role: 'viewer' });
  const staff = { owner: await signIn(supertest, 'contacts-owner'), viewer: await signIn(supertest, 'contacts-viewer') };
  return {
    db,
    config,
    testSandbox,
    app,
    http: supertest,
    deps,
    staff,
    capture() {
      captured = [];
      return captured;
    },
    release() {
      captured = null;
    },
    async stop() {
      await new Promise((resolve) => listener.close(resolve));
      await testSandbox.stop();
      await databaseServer.stop();
    },
  };
}

/** POSTs to one of the sandbox's WeCom control endpoints. */
export async function wecomControl<T = Record<string, unknown>>(testSandbox: TestSandbox, path: string, body: unknown): Promise<T> {
  const response = await fetch(`${testSandbox.sandbox.url}/__sandbox/wecom${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as T;
  if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

/** GETs one of the sandbox's WeCom views (`/contact-ways`, `/welcome-messages`, …). */
export async function wecomView<T>(testSandbox: TestSandbox, path: string): Promise<T> {
  const response = await fetch(`${testSandbox.sandbox.url}/__sandbox/wecom${path}`);
  return (await response.json()) as T;
}

export interface TestGuide {
  guide: GuideRecord;
  store: StoreRecord;
}

/** A store (made once per name) and a guide in it; with a WeCom userid, also a member of the sandbox's directory. */
export async function addContactGuide(
  context: GuideContactTest,
  fields: { name: string; wecomUserId?: string; storeName?: string; status?: 'active' | 'left' },
): Promise<TestGuide> {
  const now = new Date();
  const storeName = fields.storeName ?? '徐汇店';
  const store =
    (await context.deps.guides.Store.findOne({ name: storeName }).lean<StoreRecord>()) ??
    (
      await context.deps.guides.Store.create({ name: storeName, address: '', phone: '', status: 'active', createdAt: now, updatedAt: now })
    ).toObject();
  const guide = await context.deps.guides.Guide.create({
    name: fields.name,
    code: randomCode(GUIDE_CODE_LENGTH),
    storeId: store._id,
    ...(fields.wecomUserId !== undefined && { wecomUserId: fields.wecomUserId }),
    phone: '',
    status: fields.status ?? 'active',
    createdAt: now,
    updatedAt: now,
    ...(fields.status === 'left' && { leftAt: now }),
  });
  if (fields.wecomUserId !== undefined)
    await wecomControl(context.testSandbox, '/members', { userid: fields.wecomUserId, name: fields.name });
  return { guide: guide.toObject(), store };
}

/** An order of the shopper in `status`, attributed to `guide` when given (as checkout or payment would have). */
export async function insertAttributedOrder(
  deps: Pick<GuideContactDependencies, 'orders'>,
  fields: { shopperId: Types.ObjectId; status: OrderStatus; guide?: TestGuide },
): Promise<OrderRecord> {
  const now = new Date();
  const paid = !['pending_payment', 'cancelled'].includes(fields.status);
  const order = await deps.orders.Order.create({
    orderNo: await allocateOrderNumber(deps.orders.DailyCounter, now),
    shopperId: fields.shopperId,
    idempotencyKey: new Types.ObjectId().toHexString(),
    status: fields.status,
    lines: [
      {
        skuId: new Types.ObjectId(),
        productId: new Types.ObjectId(),
        title: '测试商品',
        specText: '',
        unitPriceFen: 1000,
        quantity: 1,
        lineTotalFen: 1000,
      },
    ],
    itemsTotalFen: 1000,
    discounts: [],
    discountTotalFen: 0,
    shippingFeeFen: 0,
    payableFen: 1000,
    address: {
      recipientName: '张三',
      phone: '13800138000',
      province: '上海市',
      city: '上海市',
      district: '徐汇区',
      detail: '漕溪北路 1 号',
    },
    remark: '',
    payerOpenid: 'test-openid',
    payDeadline: new Date(now.getTime() + 30 * 60_000),
    stock: paid ? 'sold' : 'reserved',
    ...(paid && { payment: { transactionId: `4200${Date.now()}`, amountFen: 1000, paidAt: now } }),
    attribution: fields.guide
      ? {
          channel: 'shop-link',
          guideId: fields.guide.guide._id,
          guideCode: fields.guide.guide.code,
          guideName: fields.guide.guide.name,
          storeId: fields.guide.store._id,
          storeName: fields.guide.store.name,
          guideSource: 'binding',
        }
      : { channel: 'direct' },
    history: [],
    createdAt: now,
    updatedAt: now,
  });
  return order.toObject();
}

/** Polls `check` until it returns something other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
