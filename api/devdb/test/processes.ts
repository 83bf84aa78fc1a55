/**
 * Child-process helpers for the devdb-only tests (CLI, durability, crash recovery).
 * Every process started here is tracked so that `killStarted()` can clean up after a failed test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** api/devdb */
export const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The repository root (where `npm run devdb` is defined). */
export const REPO_ROOT = resolve(PACKAGE_DIR, '..', '..');

/** Running children, and whether each leads its own process group (detached). */
const started = new Map<ChildProcess, boolean>();

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Child {
  proc: ChildProcess;
  /** Everything written to stdout / stderr so far. */
  stdout(): string;
  stderr(): string;
  /** Complete stdout lines so far. */
  lines(): string[];
  exited: Promise<Exit>;
  /** Resolves with the first stdout line matching `pattern`; rejects if the process exits first or on timeout. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

export function spawnTracked(command: string, args: string[], options: { cwd: string; detached?: boolean }): Child {
  const proc = spawn(command, args, {
    cwd: options.cwd,
    detached: options.detached ?? false,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  started.set(proc, options.detached ?? false);
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  proc.stdout!.setEncoding('utf8');
  proc.stderr!.setEncoding('utf8');
  proc.stdout!.on('data', (chunk: string) => {
    out += chunk;
    for (const listener of listeners) listener();
  });
  proc.stderr!.on('data', (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<Exit>((resolveExit) => {
    proc.once('exit', (code, signal) => {
      started.delete(proc);
      resolveExit({ code, signal });
      for (const listener of listeners) listener();
    });
  });
  const lines = () => {
    const parts = out.split('\n');
    parts.pop(); // an incomplete last line
    return parts;
  };
  return {
    proc,
    stdout: () => out,
    stderr: () => err,
    lines,
    exited,
    waitForLine(pattern, timeoutMs = 30_000) {
      return new Promise((resolveLine, reject) => {
        const check = () => {
          const line = lines().find((l) => pattern.test(l));
          if (line !== undefined) {
            done();
            resolveLine(line);
          } else if (proc.exitCode !== null || proc.signalCode !== null) {
            done();
            reject(
              new Error(`process exited (${proc.exitCode ?? proc.signalCode}) before printing ${pattern}; stdout: ${out}; stderr: ${err}`),
            );
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`timed out waiting for ${pattern}; stdout: ${out}; stderr: ${err}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
  };
}

export interface Engine extends Child {
  uri: string;
}

/** Starts the engine CLI as `node --import tsx src/cli.ts` (so the pid is the engine's own) and waits for its URI. */
export async function startEngine(dbpath: string, port = 0): Promise<Engine> {
  const child = spawnTracked(process.execPath, ['--import', 'tsx', 'src/cli.ts', '--port', String(port), '--dbpath', dbpath], {
    cwd: PACKAGE_DIR,
  });
  const line = await child.waitForLine(/mongodb:\/\//);
  const uri = /mongodb:\/\/\S+/.exec(line)![0];
  return { ...child, uri };
}

/** Sends `signal` and waits for the exit. */
export async function stopChild(child: Child, signal: NodeJS.Signals = 'SIGTERM'): Promise<Exit> {
  if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill(signal);
  return child.exited;
}

/** Kills (SIGKILL) every process this module started that is still running, by pid (or group for detached ones). */
export function killStarted(): void {
  for (const [proc, group] of started) {
    if (proc.pid === undefined || proc.exitCode !== null || proc.signalCode !== null) continue;
    try {
      if (group) process.kill(-proc.pid, 'SIGKILL');
      else proc.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

export async function tempDir(prefix = 'devdb-conformance-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function removeDir(dir: string | undefined): Promise<void> {
  if (dir) await rm(dir, { recursive: true, force: true });
}
