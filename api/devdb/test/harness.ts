/**
 * Conformance-suite harness: every test file talks to a "target" through mongoose and the official driver.
 *
 * By default the target is devdb itself, started in-memory on a free port (`start({ port: 0 })`).
 *
 * To run the very same suite against a real MongoDB (to catch differences between devdb and the
 * real thing), point MONGODB_URI at it. A replica set is needed, because the suite uses transactions:
 *
 *   cd api/devdb && MONGODB_URI='mongodb://host:27017/?replicaSet=rs0' npx vitest run test
 *
 * Against a real MongoDB each test file works in its own randomly named database, dropped afterwards.
 * Tests of devdb-only behaviour (durability, crash recovery, the CLI, the exact wording of devdb's
 * "not supported" errors) are then skipped; their titles say "devdb only".
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import mongoose from 'mongoose';
import type { Connection } from 'mongoose';

export type MongoClient = InstanceType<typeof mongoose.mongo.MongoClient>;
export type Db = ReturnType<MongoClient['db']>;

/** True when the suite runs against devdb (no MONGODB_URI given). */
export const isDevdb = !process.env.MONGODB_URI;

/** Reason shown by skipped devdb-only tests. */
export const DEVDB_ONLY = 'devdb only (skipped against a real MongoDB given by MONGODB_URI)';

export interface Target {
  uri: string;
  /** Name of the database this test file uses (random, so files never see each other's data). */
  dbName: string;
  /** A mongoose connection to `dbName`. */
  conn: Connection;
  /** A raw driver client; `db` is `client.db(dbName)`. */
  client: MongoClient;
  db: Db;
  isDevdb: boolean;
  close(): Promise<void>;
}

export interface TargetOptions {
  /** Connection pool size for both the mongoose connection and the raw client. */
  maxPoolSize?: number;
}

export function randomDbName(prefix = 'conf'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

export async function connectTarget(options: TargetOptions = {}): Promise<Target> {
  let uri: string;
  let stopServer: () => Promise<void> = async () => {};
  if (process.env.MONGODB_URI) {
    uri = process.env.MONGODB_URI;
  } else {
    // Imported lazily so that a run against a real MongoDB does not load the engine at all.
    const { start } = await import('../src/index.ts');
    const server = await start({ port: 0, log: () => {} });
    uri = server.uri;
    stopServer = () => server.stop();
  }
  const dbName = randomDbName();
  const poolOptions = options.maxPoolSize ? { maxPoolSize: options.maxPoolSize } : {};
  const conn = await mongoose.createConnection(uri, { dbName, autoIndex: false, serverSelectionTimeoutMS: 10_000, ...poolOptions }).asPromise();
  const client = new mongoose.mongo.MongoClient(uri, { serverSelectionTimeoutMS: 10_000, ...poolOptions });
  await client.connect();
  const db = client.db(dbName);
  let closed = false;
  return {
    uri,
    dbName,
    conn,
    client,
    db,
    isDevdb,
    async close() {
      if (closed) return;
      closed = true;
      try {
        if (!isDevdb) await db.dropDatabase().catch(() => undefined);
      } finally {
        await conn.close().catch(() => undefined);
        await client.close().catch(() => undefined);
        await stopServer();
      }
    },
  };
}

/** A free TCP port on 127.0.0.1 (from a temporary listener). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Runs `fn` and returns what it threw (failing the test if it did not throw). Errors come back as
 * `any` on purpose: the tests inspect driver/mongoose error shapes (code, writeErrors, keyValue…).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function errorOf(fn: () => Promise<unknown>): Promise<any> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the operation to fail, but it succeeded');
}
