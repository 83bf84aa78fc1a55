import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';
import { spawnTsProcess, type ChildTsProcess } from './child-process.ts';

const SANDBOX_CLI = fileURLToPath(new URL('../api/sandbox/src/cli.ts', import.meta.url));
const READY_TIMEOUT_MS = 60_000;
const READY_LINE = /^sandbox ready at (\S+) \(api env: (.+)\)/;

export interface SandboxProcess extends ChildTsProcess {
  url: string;
  /** The variables that point the API at this sandbox with its generated credentials. */
  apiEnv: Record<string, string>;
}

/**
 * Runs the WeChat / WeChat Pay / WeCom sandbox (`npm run sandbox`) as a child and waits until it listens;
 * its callbacks (payment notifications, WeCom events) go to `appUrl`.
 */
export async function startSandboxProcess(options: { port: number; dataDir: string; appUrl: string }): Promise<SandboxProcess> {
  let ready: (line: RegExpExecArray) => void;
  const readyLine = new Promise<RegExpExecArray>((resolve) => (ready = resolve));
  const running = spawnTsProcess(
    SANDBOX_CLI,
    ['--port', String(options.port), '--data-dir', options.dataDir, '--app-url', options.appUrl],
    process.env,
    (text) => {
      const match = READY_LINE.exec(text);
      if (match) ready(match);
      else process.stderr.write(`${text}\n`);
    },
  );
  let timer: NodeJS.Timeout | undefined;
  const match = await Promise.race([
    readyLine,
    running.exited.then((code) => Promise.reject(new Error(`the sandbox exited with code ${code} before it was ready`))),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the sandbox was not ready within ${READY_TIMEOUT_MS / 1000} s`)), READY_TIMEOUT_MS);
    }),
  ]).finally(() => clearTimeout(timer));
  const [, url = '', apiEnvFile = ''] = match;
  return { ...running, url, apiEnv: parseEnv(await readFile(apiEnvFile, 'utf8')) as Record<string, string> };
}
