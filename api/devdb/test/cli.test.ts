import { afterAll, describe, expect, it } from 'vitest';
import mongoose from 'mongoose';
import { DEVDB_ONLY, freePort, isDevdb } from './harness.ts';
import { killStarted, REPO_ROOT, removeDir, spawnTracked, tempDir, type Child } from './processes.ts';

/**
 * `npm run devdb -- --port <port> --dbpath <dir>` from the repository root, as developers run it.
 * npm runs the engine a couple of processes down (npm → sh → node), so each run is started in
 * its own process group and stopped by signalling that group.
 */

const dirs: string[] = [];

afterAll(async () => {
  killStarted();
  for (const dir of dirs) await removeDir(dir);
});

function npmDevdb(args: string[]): Child {
  return spawnTracked('npm', ['run', 'devdb', '--', ...args], { cwd: REPO_ROOT, detached: true });
}

async function stopGroup(child: Child): Promise<void> {
  try {
    process.kill(-child.proc.pid!, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.proc.pid!, 'SIGKILL');
    } catch {
      // gone
    }
  }, 10_000);
  await child.exited;
  clearTimeout(timer);
}

describe('npm run devdb', () => {
  it.skipIf(!isDevdb)(
    `prints exactly one line with the URI and a development-only notice — ${DEVDB_ONLY}`,
    async () => {
      const dir = await tempDir();
      dirs.push(dir);
      const port = await freePort();
      const child = npmDevdb(['--port', String(port), '--dbpath', dir]);
      try {
        const line = await child.waitForLine(/mongodb:\/\//, 40_000);
        expect(line).toContain(`mongodb://127.0.0.1:${port}/`);
        expect(line).toMatch(/NOT for production/);
        expect(line).toMatch(/development/);
        const uri = /mongodb:\/\/\S+/.exec(line)![0];
        const conn = await mongoose.createConnection(uri, { dbName: 'cli', serverSelectionTimeoutMS: 10_000 }).asPromise();
        try {
          await conn.collection('c').insertOne({ hello: 'world' });
          expect(await conn.collection('c').countDocuments()).toBe(1);
        } finally {
          await conn.close();
        }
        // The engine prints nothing else on stdout while it serves (npm's own "> script" banner aside).
        await new Promise((resolve) => setTimeout(resolve, 300));
        const lines = child.stdout().split('\n');
        expect(lines.filter((l) => l.includes('mongodb://'))).toEqual([line]);
        expect(lines.filter((l) => l.trim() !== '' && !l.startsWith('> '))).toEqual([line]);
      } finally {
        await stopGroup(child);
      }
    },
    60_000,
  );

  it.skipIf(!isDevdb)(
    `--port abc exits non-zero with a usage message — ${DEVDB_ONLY}`,
    async () => {
      const dir = await tempDir();
      dirs.push(dir);
      const child = npmDevdb(['--port', 'abc', '--dbpath', dir]);
      const exit = await child.exited;
      expect(exit.code).not.toBe(0);
      expect(exit.code).not.toBeNull();
      expect(child.stderr()).toMatch(/usage/i);
      expect(child.stderr()).toMatch(/--port/);
      expect(child.stdout()).not.toMatch(/mongodb:\/\//);
    },
    30_000,
  );

  it.skipIf(!isDevdb)(
    `a missing --dbpath exits non-zero with a usage message — ${DEVDB_ONLY}`,
    async () => {
      const port = await freePort();
      const child = npmDevdb(['--port', String(port)]);
      const exit = await child.exited;
      expect(exit.code).not.toBe(0);
      expect(exit.code).not.toBeNull();
      expect(child.stderr()).toMatch(/usage/i);
      expect(child.stderr()).toMatch(/--dbpath/);
      expect(child.stdout()).not.toMatch(/mongodb:\/\//);
    },
    30_000,
  );

  it.skipIf(!isDevdb)(
    `an unknown option exits non-zero with a usage message — ${DEVDB_ONLY}`,
    async () => {
      const dir = await tempDir();
      dirs.push(dir);
      const child = npmDevdb(['--dbpath', dir, '--bogus']);
      const exit = await child.exited;
      expect(exit.code).not.toBe(0);
      expect(child.stderr()).toMatch(/usage/i);
    },
    30_000,
  );
});
