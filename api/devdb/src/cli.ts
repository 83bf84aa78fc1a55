import { parseArgs } from 'node:util';
import { DEVELOPMENT_ONLY_NOTICE, start, type RunningServer } from './server.ts';

const USAGE = 'usage: npm run devdb -- --port <port> --dbpath <dir> [--bind <ip>] [--advertised-host <host:port>]';

function fail(message: string): never {
  process.stderr.write(`devdb: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function parsePort(raw: string | undefined): number {
  if (raw === undefined) return 27017;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be an integer from 0 to 65535, got '${raw}'`);
  return port;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        dbpath: { type: 'string' },
        bind: { type: 'string' },
        'advertised-host': { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n${DEVELOPMENT_ONLY_NOTICE}\n`);
    return;
  }
  if (!values.dbpath) fail('--dbpath is required (a directory for the journal and snapshots)');
  // Signals are handled from the start: one that arrives while the engine opens stops it once it is up.
  let running: RunningServer | null = null;
  let stopSignal: string | null = null;
  const onSignal = (signal: string) => {
    if (stopSignal) return;
    stopSignal = signal;
    if (running) stopAndExit(running, signal);
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
  running = await start({
    port: parsePort(values.port),
    dataDir: values.dbpath,
    bind: values.bind,
    advertisedHost: values['advertised-host'],
  }).catch((error: unknown) => fail((error as Error).message));
  for (const line of running.recovery) process.stderr.write(`devdb: ${line}\n`);
  process.stdout.write(`${DEVELOPMENT_ONLY_NOTICE} — listening on ${running.uri} (data: ${values.dbpath})\n`);
  if (stopSignal) stopAndExit(running, stopSignal);
}

function stopAndExit(server: RunningServer, signal: string): void {
  server.stop().then(
    () => {
      process.stderr.write(`devdb: stopped on ${signal}\n`);
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(`devdb: error while stopping: ${String(error)}\n`);
      process.exit(1);
    },
  );
}

void main();
