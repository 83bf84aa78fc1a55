import { appendFile, readdir, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import mongoose, { Schema, type Connection } from 'mongoose';
import { DEVDB_ONLY, errorOf, isDevdb } from './harness.ts';
import { killStarted, PACKAGE_DIR, removeDir, spawnTracked, startEngine, stopChild, tempDir, type Engine } from './processes.ts';

/**
 * Durability of the engine run as a separate process through its CLI, with a data directory:
 * clean restarts, the directory lock, SIGKILL crash recovery and torn journal tails.
 */

const dirs: string[] = [];
const connections: Connection[] = [];

async function freshDir(): Promise<string> {
  const dir = await tempDir();
  dirs.push(dir);
  return dir;
}

async function connect(engine: Engine, dbName = 'app'): Promise<Connection> {
  const conn = await mongoose.createConnection(engine.uri, { dbName, serverSelectionTimeoutMS: 10_000 }).asPromise();
  connections.push(conn);
  return conn;
}

async function disconnect(conn: Connection): Promise<void> {
  await conn.close(true).catch(() => undefined);
}

const userSchema = new Schema(
  { email: { type: String, unique: true }, name: String, visits: Number, tags: [String] },
  { versionKey: false },
);
const itemSchema = new Schema({ _id: String, n: Number }, { versionKey: false });

afterAll(async () => {
  for (const conn of connections) await disconnect(conn);
  killStarted();
  for (const dir of dirs) await removeDir(dir);
});

/** stderr arrives on its own pipe, possibly after the stdout line: poll it for a while. */
async function stderrMatching(engine: Engine, pattern: RegExp, timeoutMs = 3_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(engine.stderr()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  return engine.stderr();
}

async function journalFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => /^journal\.\d+\.log$/.test(name)).sort();
}

/** The newest non-empty journal file in `dir`. */
async function lastJournal(dir: string): Promise<string> {
  const files = await journalFiles(dir);
  for (const name of files.reverse()) {
    const path = join(dir, name);
    if ((await stat(path)).size > 0) return path;
  }
  throw new Error(`no non-empty journal file in ${dir}: ${(await readdir(dir)).join(', ')}`);
}

describe('durability through the CLI', () => {
  it.skipIf(!isDevdb)(`data and indexes survive SIGTERM and a restart — ${DEVDB_ONLY}`, async () => {
    const dir = await freshDir();
    const first = await startEngine(dir);
    const conn = await connect(first);
    const User = conn.model('User', userSchema, 'users');
    await User.init();
    await User.insertMany([
      { email: 'a@x', name: 'Ann', visits: 1, tags: ['t1'] },
      { email: 'b@x', name: 'Bob', visits: 1 },
      { email: 'c@x', name: 'Cy', visits: 1 },
    ]);
    await User.updateOne({ email: 'a@x' }, { $inc: { visits: 5 }, $push: { tags: 't2' } });
    await User.deleteOne({ email: 'c@x' });
    await conn.collection('other').createIndex({ k: 1 }, { name: 'k_custom' });
    await disconnect(conn);

    const exit = await stopChild(first, 'SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });

    const second = await startEngine(dir);
    const conn2 = await connect(second);
    const User2 = conn2.model('User', userSchema, 'users');
    const users = await User2.find().sort({ email: 1 }).lean();
    expect(users.map((u) => [u.email, u.visits, u.tags])).toEqual([
      ['a@x', 6, ['t1', 't2']],
      ['b@x', 1, []],
    ]);
    const indexes = await conn2.collection('users').listIndexes().toArray();
    expect(indexes.find((index) => index.name === 'email_1')).toMatchObject({ key: { email: 1 }, unique: true });
    expect((await conn2.collection('other').listIndexes().toArray()).map((index) => index.name).sort()).toEqual(['_id_', 'k_custom']);
    // The unique index is live, not just listed.
    const err = await errorOf(() => User2.create({ email: 'b@x' }));
    expect(err.code).toBe(11000);
    await disconnect(conn2);
    expect(await stopChild(second)).toEqual({ code: 0, signal: null });
  });

  it.skipIf(!isDevdb)(`a second engine on a directory in use is refused while the first keeps running — ${DEVDB_ONLY}`, async () => {
    const dir = await freshDir();
    const first = await startEngine(dir);
    const second = spawnTracked(process.execPath, ['--import', 'tsx', 'src/cli.ts', '--port', '0', '--dbpath', dir], { cwd: PACKAGE_DIR });
    const exit = await second.exited;
    expect(exit.code).not.toBe(0);
    expect(exit.code).not.toBeNull();
    expect(second.stderr()).toMatch(/in use/);
    expect(second.stderr()).toContain(dir);
    expect(second.stdout()).not.toMatch(/mongodb:\/\//);
    const conn = await connect(first);
    expect((await conn.db!.admin().ping()).ok).toBe(1);
    await disconnect(conn);
    expect(await stopChild(first)).toEqual({ code: 0, signal: null });
    // Once the first has stopped the directory is free again.
    const third = await startEngine(dir);
    const conn3 = await connect(third);
    expect((await conn3.db!.admin().ping()).ok).toBe(1);
    await disconnect(conn3);
    expect(await stopChild(third)).toEqual({ code: 0, signal: null });
  });

  it.skipIf(!isDevdb)(
    `SIGTERM right after the ready line still stops cleanly (exit 0, lock released) — ${DEVDB_ONLY}`,
    async () => {
      // A supervisor may stop the engine as soon as it has printed its URI; the signal handlers must
      // already be in place by then, or the process dies of the signal without a clean shutdown.
      const dir = await freshDir();
      const exits = [];
      for (let i = 0; i < 10; i++) {
        const engine = await startEngine(dir);
        exits.push(await stopChild(engine, 'SIGTERM'));
      }
      expect(exits).toEqual(Array.from({ length: 10 }, () => ({ code: 0, signal: null })));
      expect(await readdir(dir)).not.toContain('mongod.lock');
    },
    60_000,
  );

  it.skipIf(!isDevdb)(
    `every acknowledged insert survives a SIGKILL of the engine mid-stream — ${DEVDB_ONLY}`,
    async () => {
      const dir = await freshDir();
      const engine = await startEngine(dir);
      const writer = spawnTracked(process.execPath, ['--import', 'tsx', 'test/fixtures/ack-writer.ts', engine.uri, '4'], {
        cwd: PACKAGE_DIR,
      });
      // Let it acknowledge a good number of inserts, then kill the engine (not the writer) with no warning.
      await new Promise<void>((resolve, reject) => {
        const started = Date.now();
        const poll = setInterval(() => {
          if (writer.lines().length >= 400) {
            clearInterval(poll);
            resolve();
          } else if (writer.proc.exitCode !== null || Date.now() - started > 30_000) {
            clearInterval(poll);
            reject(new Error(`writer did not get going: ${writer.stderr()}`));
          }
        }, 5);
      });
      const killed = await stopChild(engine, 'SIGKILL');
      expect(killed.signal).toBe('SIGKILL');
      // Whatever the writer printed before noticing is acknowledged.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const acknowledged = writer.lines().filter((line) => /^[0-9a-f]{24}$/.test(line));
      await stopChild(writer, 'SIGKILL');
      expect(acknowledged.length).toBeGreaterThanOrEqual(400);

      const restarted = await startEngine(dir);
      const conn = await connect(restarted, 'crash');
      const present = new Set(
        (
          await conn
            .collection('acks')
            .find({}, { projection: { _id: 1 } })
            .toArray()
        ).map((doc) => String(doc._id)),
      );
      const lost = acknowledged.filter((id) => !present.has(id));
      expect(lost).toEqual([]);
      expect(present.size).toBeGreaterThanOrEqual(acknowledged.length);
      // The engine works normally after recovery.
      await conn.collection('acks').insertOne({ after: true });
      await disconnect(conn);
      expect(await stopChild(restarted)).toEqual({ code: 0, signal: null });
    },
    60_000,
  );

  it.skipIf(!isDevdb)(`garbage after the last journal record is cut off at restart and reported — ${DEVDB_ONLY}`, async () => {
    const dir = await freshDir();
    const first = await startEngine(dir);
    const conn = await connect(first);
    const Item = conn.model('Item', itemSchema, 'items');
    await Item.insertMany([
      { _id: 'a', n: 1 },
      { _id: 'b', n: 2 },
    ]);
    await Item.create({ _id: 'last', n: 3 });
    await disconnect(conn);
    expect((await stopChild(first)).code).toBe(0);

    const journal = await lastJournal(dir);
    const size = (await stat(journal)).size;
    await appendFile(journal, 'garbage!');

    const second = await startEngine(dir);
    expect(await stderrMatching(second, /recover|torn/i)).toMatch(/recover|torn/i);
    expect((await stat(journal)).size).toBe(size);
    const conn2 = await connect(second);
    expect((await conn2.collection('items').find().sort({ _id: 1 }).toArray()).map((d) => d._id)).toEqual(['a', 'b', 'last']);
    await conn2.collection('items').insertOne({ _id: 'after' as never, n: 4 });
    await disconnect(conn2);
    expect((await stopChild(second)).code).toBe(0);

    // The next start is clean and has everything.
    const third = await startEngine(dir);
    expect(third.stderr()).not.toMatch(/torn/i);
    const conn3 = await connect(third);
    expect(await conn3.collection('items').countDocuments()).toBe(4);
    await disconnect(conn3);
    expect((await stopChild(third)).code).toBe(0);
  });

  it.skipIf(!isDevdb)(`a journal record cut short loses only that record — ${DEVDB_ONLY}`, async () => {
    const dir = await freshDir();
    const first = await startEngine(dir);
    const conn = await connect(first);
    const Item = conn.model('Item', itemSchema, 'items');
    await Item.insertMany([
      { _id: 'a', n: 1 },
      { _id: 'b', n: 2 },
    ]);
    await Item.updateOne({ _id: 'a' }, { $inc: { n: 10 } });
    await Item.create({ _id: 'last', n: 3 }); // the last journal record
    await disconnect(conn);
    expect((await stopChild(first)).code).toBe(0);

    const journal = await lastJournal(dir);
    await truncate(journal, (await stat(journal)).size - 3);

    const second = await startEngine(dir);
    expect(await stderrMatching(second, /recover|torn/i)).toMatch(/recover|torn/i);
    const conn2 = await connect(second);
    const docs = await conn2.collection('items').find().sort({ _id: 1 }).toArray();
    expect(docs).toEqual([
      { _id: 'a', n: 11 },
      { _id: 'b', n: 2 },
    ]);
    await disconnect(conn2);
    expect((await stopChild(second)).code).toBe(0);
  });

  it.skipIf(!isDevdb)(
    `20k documents survive a restart; a multi-document update survives SIGKILL — ${DEVDB_ONLY}`,
    async () => {
      const dir = await freshDir();
      const first = await startEngine(dir);
      const conn = await connect(first);
      const coll = conn.collection('bulk');
      const N = 20_000;
      for (let start = 0; start < N; start += 5_000) {
        await coll.insertMany(Array.from({ length: 5_000 }, (_, k) => ({ i: start + k, even: (start + k) % 2 === 0 })));
      }
      await coll.createIndex({ i: 1 }, { unique: true });
      await disconnect(conn);
      expect((await stopChild(first)).code).toBe(0);

      const second = await startEngine(dir);
      const conn2 = await connect(second);
      const coll2 = conn2.collection('bulk');
      expect(await coll2.countDocuments()).toBe(N);
      expect(await coll2.countDocuments({ even: true })).toBe(N / 2);
      expect((await coll2.findOne({ i: 12_345 }))?.even).toBe(false);
      const updated = await coll2.updateMany({ even: true }, { $set: { touched: true } });
      expect(updated.modifiedCount).toBe(N / 2);
      await disconnect(conn2);
      // Acknowledged means durable: no clean shutdown this time.
      expect((await stopChild(second, 'SIGKILL')).signal).toBe('SIGKILL');

      const third = await startEngine(dir);
      const conn3 = await connect(third);
      const coll3 = conn3.collection('bulk');
      expect(await coll3.countDocuments()).toBe(N);
      expect(await coll3.countDocuments({ touched: true })).toBe(N / 2);
      const dup = await errorOf(() => coll3.insertOne({ i: 7 }));
      expect(dup.code).toBe(11000);
      await disconnect(conn3);
      expect((await stopChild(third)).code).toBe(0);
    },
    60_000,
  );
});
