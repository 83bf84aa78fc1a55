/**
 * `npm start`: builds the admin console and the H5 storefront when their builds are missing or stale, runs
 * the API (which serves them at /admin/ and /shop/ and starts its embedded database), and says where
 * everything is. Ctrl-C stops
 * the API, which stops its database, then this script exits with the API's exit code.
 *
 * The API's JSON log lines pass through on stdout unchanged; the summary goes to stderr, so stdout stays
 * machine-readable.
 */
import { ensureFrontEndsBuilt } from './front-end-builds.ts';
import { spawnApi } from './api-process.ts';

try {
  await ensureFrontEndsBuilt();
} catch (error) {
  process.stderr.write(`npm start: ${(error as Error).message}\n`);
  process.exit(1);
}

let ownerLogin =
  'the owner account made on an earlier start (its password was printed then; to begin again, stop and delete the devdb data directory, .data/devdb by default)';

const api = spawnApi(process.env, ({ text, entry }) => {
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
        `  sign in as     ${ownerLogin}`,
        '',
        '',
      ].join('\n'),
    );
  }
});

// A terminal's Ctrl-C reaches the API too; a signal sent to this script alone is passed on. Either way
// the API shuts down in order and this script waits for it.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => api.child.kill(signal));

process.exit((await api.exited) ?? 1);
