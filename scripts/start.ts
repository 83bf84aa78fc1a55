/**
 * `npm start`: builds the admin console and the H5 storefront when their builds are missing or stale, runs
 * the WeChat / WeChat Pay / WeCom sandbox, then the API (which serves the front ends at /admin/ and /shop/,
 * starts its embedded database, and talks to the sandbox with the credentials the sandbox generated), and
 * says where everything is. Ctrl-C stops the API (and its database), then the sandbox; this script exits
 * with the API's exit code.
 *
 * The API's JSON log lines pass through on stdout unchanged; the summary goes to stderr, so stdout stays
 * machine-readable.
 */
import { existsSync } from 'node:fs';
import { spawnApi, type ChildTsProcess } from './child-process.ts';
import { ensureFrontEndsBuilt } from './front-end-builds.ts';
import { startSandboxProcess, type SandboxProcess } from './sandbox-process.ts';

const SANDBOX_PORT = Number(process.env.SANDBOX_PORT ?? 3100);
const SANDBOX_DATA_DIR = process.env.SANDBOX_DATA_DIR ?? '.data/sandbox';

function fail(message: string): never {
  process.stderr.write(`npm start: ${message}\n`);
  process.exit(1);
}

// A local .env counts as configuration the person chose: it wins over the sandbox's generated credentials
// (the API reads it too; variables already in the environment win over both).
if (existsSync('.env')) process.loadEnvFile('.env');
const apiPort = process.env.PORT ?? '3000';

let sandbox: SandboxProcess;
try {
  await ensureFrontEndsBuilt();
  sandbox = await startSandboxProcess({ port: SANDBOX_PORT, dataDir: SANDBOX_DATA_DIR, appUrl: `http://127.0.0.1:${apiPort}` });
} catch (error) {
  fail((error as Error).message);
}

let ownerLogin =
  'the owner account made on an earlier start (its password was printed then; to begin again, stop and delete the devdb data directory, .data/devdb by default)';

// Empty variables count as unset (as the API's config treats them), so a blank line copied from .env.example
// does not hide the sandbox's value.
const chosen = Object.fromEntries(Object.entries(process.env).filter(([, value]) => value !== undefined && value.trim() !== ''));
// A fresh machine starts with the demo shop; the API seeds only an empty catalog, so later starts keep your data.
// The API serves the built H5 storefront itself, so shared shop links point at it unless H5_ORIGIN says otherwise.
const api: ChildTsProcess = spawnApi(
  { SEED_DEMO_DATA: 'true', H5_ORIGIN: `http://127.0.0.1:${apiPort}`, ...sandbox.apiEnv, ...chosen },
  ({ text, entry }) => {
    process.stdout.write(`${text}\n`);
    if (entry === null || typeof entry.msg !== 'string') return;
    if (typeof entry.password === 'string')
      ownerLogin = `"${String(entry.username)}" with password "${entry.password}" (shown on this first start only)`;
    else if (entry.msg === 'created the owner account from OWNER_USERNAME') ownerLogin = `"${String(entry.username)}" with OWNER_PASSWORD`;
    if (entry.msg.startsWith('API listening')) {
      const urlOf = (key: string) => (typeof entry[key] === 'string' ? entry[key] : 'not built');
      process.stderr.write(
        [
          '',
          'Guide mall is running (Ctrl-C stops it):',
          `  H5 storefront  ${urlOf('storefrontUrl')}`,
          `  admin console  ${urlOf('adminUrl')}`,
          `  API            ${String(entry.url)} (docs at ${String(entry.url)}/api/docs)`,
          `  sandbox        ${sandbox.url}/__sandbox (WeChat, WeChat Pay, WeCom look-alikes; development only)`,
          `  sign in as     ${ownerLogin}`,
          '',
          '',
        ].join('\n'),
      );
    }
  },
);

// A terminal's Ctrl-C reaches the children too; a signal sent to this script alone is passed on. Either way
// the API shuts down in order first, then the sandbox, and this script waits for both.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => api.child.kill(signal));

const apiExitCode = await api.exited;
await sandbox.stop();
process.exit(apiExitCode ?? 1);
