import { parseArgs } from 'node:util';
import { startSandbox, type RunningSandbox } from './server.ts';

const USAGE = 'usage: npm run sandbox -- [--port 3100] [--data-dir .data/sandbox] [--app-url http://127.0.0.1:3000]';

function fail(message: string): never {
  process.stderr.write(`sandbox: ${message}\n${USAGE}\n`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: { port: { type: 'string' }, 'data-dir': { type: 'string' }, 'app-url': { type: 'string' }, help: { type: 'boolean' } },
    strict: true,
  }));
} catch (error) {
  fail((error as Error).message);
}
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const port = Number(values.port ?? '3100');
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be an integer from 0 to 65535, got '${values.port}'`);
const appUrl = values['app-url'] ?? 'http://127.0.0.1:3000';
if (!URL.canParse(appUrl)) fail(`--app-url must be an absolute URL, got '${appUrl}'`);

let running: RunningSandbox | undefined = undefined;
let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  await running?.close();
  process.stderr.write(`sandbox: stopped on ${signal}\n`);
  process.exit(0);
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));

running = await startSandbox({
  port,
  dataDir: values['data-dir'] ?? '.data/sandbox',
  appUrl,
  log: (line) => process.stderr.write(`${line}\n`),
}).catch((error: unknown) => fail((error as Error).message));
// One line on stdout, for scripts: the URL and where the API's settings are.
process.stdout.write(`sandbox ready at ${running.url} (api env: ${running.apiEnvFile}) — development only, NOT for production\n`);
if (stopping) await stop('signal');
