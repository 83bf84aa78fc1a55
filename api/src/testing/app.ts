import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type Koa from 'koa';
import type { Logger } from 'pino';
import request from 'supertest';
import { loadConfig, type Config } from '@mall/config';
import { staffRoles, type StaffRole } from '@mall/shared';
import { createApp } from '../app.ts';
import type { Database } from '../db/database.ts';
import type { AppState } from '../http/context.ts';
import { createLogger } from '../logger.ts';
import { ensureStaffIndexes, staffModels, type StaffAccount } from '../staff/models.ts';
import { hashPassword } from '../staff/passwords.ts';
import { startTestDatabaseServer, type TestDatabaseServer } from './database.ts';

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env });
}

/** A logger whose JSON lines can be read back. */
export function capturingLogger(): { logger: Logger; entries(): Record<string, unknown>[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      callback();
    },
  });
  return {
    logger: createLogger('info', destination),
    entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

export interface TestApp {
  app: Koa<AppState>;
  http: ReturnType<typeof request>;
}

export function testApp(db: Database, options: { env?: Record<string, string>; logger?: Logger } = {}): TestApp {
  const app = createApp({ config: testConfig(options.env), db, logger: options.logger ?? createLogger('silent') });
  return { app, http: request(app.callback()) };
}

export const TEST_PASSWORD = 'correct horse battery staple';
/** scrypt is slow on purpose; tests reuse one hash per password. */
const hashes = new Map<string, Promise<string>>();

export async function createStaffAccount(
  db: Database,
  fields: { username: string; role: StaffRole; storeId?: string; active?: boolean; password?: string },
): Promise<StaffAccount> {
  const { password = TEST_PASSWORD, ...rest } = fields;
  if (!hashes.has(password)) hashes.set(password, hashPassword(password));
  const models = staffModels(db.connection);
  await ensureStaffIndexes(models);
  const account = await models.StaffAccount.create({
    active: true,
    createdAt: new Date(),
    ...rest,
    passwordHash: await hashes.get(password),
  });
  return account.toObject();
}

/** Signs in and returns the bearer token. */
export async function signIn(http: TestApp['http'], username: string, password = TEST_PASSWORD): Promise<string> {
  const response = await http.post('/api/staff/login').send({ username, password });
  if (response.status !== 200) throw new Error(`sign-in as ${username} failed: ${response.status} ${JSON.stringify(response.body)}`);
  return (response.body as { token: string }).token;
}

/** One signed-in staff member of every role, named `<prefix>-<role>` (the store manager of store `sh-01`). */
export async function signInEveryRole(db: Database, http: TestApp['http'], prefix: string): Promise<Record<StaffRole, string>> {
  const tokens = {} as Record<StaffRole, string>;
  for (const role of staffRoles) {
    const username = `${prefix}-${role}`.replace('_', '-');
    await createStaffAccount(db, { username, role, ...(role === 'store_manager' && { storeId: 'sh-01' }) });
    tokens[role] = await signIn(http, username);
  }
  return tokens;
}

/** An app on a fresh database and upload directory (removed by `stop`), with one signed-in staff member per role. */
export interface StaffAppTest {
  server: TestDatabaseServer;
  db: Database;
  api: TestApp;
  uploadsDir: string;
  /** A signed-in staff member of each role. */
  tokens: Record<StaffRole, string>;
  stop(): Promise<void>;
}

export async function startStaffAppTest(prefix: string, env: Record<string, string> = {}): Promise<StaffAppTest> {
  const server = await startTestDatabaseServer();
  const db = await server.connect();
  const uploadsDir = await mkdtemp(path.join(tmpdir(), `mall-${prefix}-uploads-`));
  const api = testApp(db, { env: { UPLOADS_DIR: uploadsDir, ...env } });
  const tokens = await signInEveryRole(db, api.http, prefix);
  return {
    server,
    db,
    api,
    uploadsDir,
    tokens,
    async stop() {
      await server.stop();
      await rm(uploadsDir, { recursive: true, force: true });
    },
  };
}
