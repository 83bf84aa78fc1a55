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
import { connect, createServer, type Socket } from 'node:net';
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
  const conn = await mongoose.createConnection(uri, { dbName, serverSelectionTimeoutMS: 10_000, ...poolOptions }).asPromise();
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

/**
 * A bare OP_MSG connection: sends command documents exactly as given (the driver would replace a
 * command's `lsid` with its own session's), for tests of retryable writes and transaction commits.
 */
export class WireConnection {
  private buffered = Buffer.alloc(0);
  private waiting: Array<{ resolve: (reply: Record<string, unknown>) => void; reject: (error: Error) => void }> = [];
  private nextRequestId = 1;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      while (this.buffered.length >= 4) {
        const length = this.buffered.readInt32LE(0);
        if (this.buffered.length < length) break;
        const message = this.buffered.subarray(0, length);
        this.buffered = this.buffered.subarray(length);
        // header (16) + flagBits (4) + section kind 0 (1) + body
        const body = mongoose.mongo.BSON.deserialize(message.subarray(21), { promoteLongs: false });
        this.waiting.shift()?.resolve(body);
      }
    });
    const failAll = (error: Error) => {
      for (const waiter of this.waiting.splice(0)) waiter.reject(error);
    };
    socket.on('error', failAll);
    socket.on('close', () => failAll(new Error('connection closed')));
  }

  static async open(uri: string): Promise<WireConnection> {
    const host = /^mongodb:\/\/(?:[^@/]*@)?([^/?,]+)/.exec(uri)?.[1];
    if (!host) throw new Error(`cannot find a host in ${uri}`);
    const colon = host.lastIndexOf(':');
    const hostname = colon > 0 ? host.slice(0, colon) : host;
    const port = colon > 0 ? Number(host.slice(colon + 1)) : 27017;
    const socket = connect({ host: hostname.replace(/^\[|\]$/g, ''), port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new WireConnection(socket);
  }

  /** Sends one command (it must carry `$db`) and resolves with the reply document, ok or not. */
  command(doc: Record<string, unknown>): Promise<Record<string, unknown>> {
    const body = Buffer.from(mongoose.mongo.BSON.serialize(doc));
    const header = Buffer.alloc(21);
    header.writeInt32LE(21 + body.length, 0);
    header.writeInt32LE(this.nextRequestId++, 4);
    header.writeInt32LE(0, 8);
    header.writeInt32LE(2013, 12); // OP_MSG
    header.writeUInt32LE(0, 16);
    header.writeUInt8(0, 20);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.socket.write(Buffer.concat([header, body]));
    });
  }

  close(): void {
    this.socket.destroy();
  }
}
