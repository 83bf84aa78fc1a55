import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const API_MAIN = fileURLToPath(new URL('../api/src/main.ts', import.meta.url));
// The child stops in order (the API: connections, then its devdb) when this process dies without stopping it.
const EXIT_WITH_PARENT = new URL('../api/src/db/exit-with-parent.ts', import.meta.url).href;
const STOP_TIMEOUT_MS = 15_000;

/** One stdout line of the API: its text, and the pino entry it holds (null for a line that is not JSON). */
export interface ApiLogLine {
  text: string;
  entry: Record<string, unknown> | null;
}

export interface ChildTsProcess {
  child: ChildProcess;
  /** Resolves with the exit code (null after a signal) once the child has exited. */
  exited: Promise<number | null>;
  /** SIGTERM (a graceful shutdown; the API's includes its devdb), SIGKILL after 15 s. */
  stop(): Promise<number | null>;
}

export type ApiProcess = ChildTsProcess;

/** `npm run api` as a child of this process, its log lines handed to `onLine`; stderr goes to this terminal. */
export function spawnApi(env: NodeJS.ProcessEnv, onLine: (line: ApiLogLine) => void): ApiProcess {
  return spawnTsProcess(API_MAIN, [], env, (text) => onLine(parseLine(text)));
}

/**
 * A TypeScript entry point run by Node with tsx as a child of this process, stopped with it: its stdout
 * lines go to `onLine`, its stderr to this terminal.
 */
export function spawnTsProcess(
  entry: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  onLine: (text: string) => void,
): ChildTsProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', EXIT_WITH_PARENT, entry, ...args], {
    cwd: ROOT,
    env,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  createInterface({ input: child.stdout }).on('line', onLine);
  return {
    child,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }
      return exited;
    },
  };
}

function parseLine(text: string): ApiLogLine {
  try {
    const entry: unknown = JSON.parse(text);
    if (typeof entry === 'object' && entry !== null) return { text, entry: entry as Record<string, unknown> };
  } catch {
    // Not a log entry: passed on as text.
  }
  return { text, entry: null };
}
