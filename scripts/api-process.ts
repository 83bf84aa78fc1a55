import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const API_MAIN = fileURLToPath(new URL('../api/src/main.ts', import.meta.url));
// The API stops in order (connections, then its devdb) when this process dies without stopping it.
const EXIT_WITH_PARENT = new URL('../api/src/db/exit-with-parent.ts', import.meta.url).href;
const STOP_TIMEOUT_MS = 15_000;

/** One stdout line of the API: its text, and the pino entry it holds (null for a line that is not JSON). */
export interface ApiLogLine {
  text: string;
  entry: Record<string, unknown> | null;
}

export interface ApiProcess {
  child: ChildProcess;
  /** Resolves with the exit code (null after a signal) once the API has exited. */
  exited: Promise<number | null>;
  /** SIGTERM (the API's graceful shutdown, devdb included), SIGKILL after 15 s. */
  stop(): Promise<number | null>;
}

/** `npm run api` as a child of this process, its log lines handed to `onLine`; stderr goes to this terminal. */
export function spawnApi(env: NodeJS.ProcessEnv, onLine: (line: ApiLogLine) => void): ApiProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', EXIT_WITH_PARENT, API_MAIN], {
    cwd: ROOT,
    env,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  createInterface({ input: child.stdout }).on('line', (text) => onLine(parseLine(text)));
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
