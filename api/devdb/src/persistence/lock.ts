/**
 * `mongod.lock` in the data directory holds the pid of the process using it. A lock left by a process that no longer
 * runs (killed, crashed) is taken over.
 */
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

const LOCK_FILE = 'mongod.lock';

export class DirectoryLock {
  private constructor(private readonly path: string) {}

  static async acquire(dir: string): Promise<DirectoryLock> {
    const path = join(dir, LOCK_FILE);
    if (await tryCreate(path)) return new DirectoryLock(path);
    const holder = await readHolder(path);
    if (holder !== undefined && isRunning(holder)) throw inUse(dir, holder);
    // Two processes taking over the same stale lock at once could both succeed here; Node has no flock to close
    // that window, and for a development database it is narrow enough.
    await rm(path, { force: true });
    if (await tryCreate(path)) return new DirectoryLock(path);
    throw inUse(dir, await readHolder(path));
  }

  async release(): Promise<void> {
    // Only remove the file while it is still ours.
    if ((await readHolder(this.path)) === process.pid) await rm(this.path, { force: true });
  }
}

async function tryCreate(path: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    await handle.writeFile(`${process.pid}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return true;
}

/** The pid in the lock file; undefined if it is gone or was never fully written. */
async function readHolder(path: string): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const pid = Number.parseInt(text, 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function inUse(dir: string, pid: number | undefined): Error {
  return new Error(`data directory ${dir} is in use by process ${pid ?? '(unknown)'}`);
}
