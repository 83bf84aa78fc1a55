import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../app.ts';
import type { Database } from '../db/database.ts';
import { createLogger } from '../logger.ts';
import type { CommerceDependencies } from '../orders/dependencies.ts';
import { testCommerce } from './commerce.ts';
import { startTestDatabaseServer } from './database.ts';
import { startTestSandbox, type TestSandbox } from './sandbox.ts';

export interface ListeningApp {
  db: Database;
  testSandbox: TestSandbox;
  app: ReturnType<typeof createApp>;
  /** Where the app listens: the sandbox's notifications (its notify_url) reach it here. */
  appUrl: string;
  /** The commerce models and clients configured like the app (the sandbox's credentials). */
  deps: CommerceDependencies;
  /** Closes the listener, the sandbox and the database. */
  stop(): Promise<void>;
}

/**
 * The app on a fresh database, listening on a free port, with a sandbox that calls it back, as WeChat Pay does. The
 * port is taken first and the app attached to it after: the app's configuration points at the sandbox, and the
 * sandbox needs the app's URL. `env` adds to the configuration (e.g. a temporary UPLOADS_DIR for tests that store images).
 */
export async function startListeningApp(env: Record<string, string> = {}): Promise<ListeningApp> {
  const databaseServer = await startTestDatabaseServer();
  const db = await databaseServer.connect();
  const listener = http.createServer();
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const appUrl = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
  const testSandbox = await startTestSandbox({ appUrl });
  const config = testSandbox.config({ PUBLIC_API_URL: appUrl, ...env });
  const app = createApp({ config, db, logger: createLogger('silent') });
  listener.on('request', app.callback());
  const deps = await testCommerce(db, config);
  return {
    db,
    testSandbox,
    app,
    appUrl,
    deps,
    async stop() {
      await new Promise((resolve) => listener.close(resolve));
      await testSandbox.stop();
      await databaseServer.stop();
    },
  };
}
