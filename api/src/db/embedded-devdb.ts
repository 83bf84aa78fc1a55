import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import type { Logger } from 'pino';

const require = createRequire(import.meta.url);
const DEVDB_CLI = path.join(path.dirname(require.resolve('@mall/devdb')), 'cli.ts');
const TSX_LOADER = pathToFileURL(require.resolve('tsx')).href;
const EXIT_WITH_PARENT = new URL('./exit-with-parent.ts', import.meta.url).href;
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

export interface EmbeddedDevdb {
  uri: string;
  pid: number;
  /** Resolves with the exit code once the child has exited, for whatever reason. */
  exited: Promise<number | null>;
  /** SIGTERM (devdb flushes and exits 0), SIGKILL if it has not exited within 10 s. */
  stop(): Promise<void>;
}

/**
 * Runs devdb's CLI in a child process, so the engine does not share the API's event loop, and waits for
 * the line announcing its URI. The child gets its own process group (a terminal's Ctrl-C reaches only
 * the API, which then shuts down in order: connections first, database last) and stops by itself if
 * the API dies without stopping it (see exit-with-parent.ts).
 */
export async function startEmbeddedDevdb(dataDir: string, logger: Logger): Promise<EmbeddedDevdb> {
  const child = spawn(
    process.execPath,
    ['--import', TSX_LOADER, '--import', EXIT_WITH_PARENT, DEVDB_CLI, '--port', '0', '--dbpath', dataDir],
    { stdio: ['pipe', 'pipe', 'pipe'], detached: true },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stderrTail: string[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => {
    stderrTail.push(line);
    if (stderrTail.length > 20) stderrTail.shift();
    logger.info(line);
  });
  const stdout = createInterface({ input: child.stdout });

  const uri = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`devdb did not report ready within ${READY_TIMEOUT_MS / 1000} s`));
    }, READY_TIMEOUT_MS);
    stdout.on('line', (line) => {
      const found = /mongodb:\/\/\S+/.exec(line)?.[0];
      if (found === undefined) return;
      clearTimeout(timer);
      resolve(found);
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`devdb exited with code ${code} before it was ready:\n${stderrTail.join('\n')}`));
    });
  });

  return {
    uri,
    pid: child.pid ?? -1,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
