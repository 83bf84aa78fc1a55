/**
 * The API process: load config, open the database (MONGODB_URI, or the embedded devdb as a child
 * process in development), make sure an owner exists, start the job scheduler, serve, and shut down in order
 * on SIGTERM/SIGINT: stop accepting, let in-flight requests finish, stop the scheduler (waiting for runs under
 * way), close the database connection, stop devdb.
 */
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, loadConfig, type Config } from '@mall/config';
import { afterSaleJobs } from './after-sales/jobs.ts';
import { createApp } from './app.ts';
import { catalogModels, ensureCatalogIndexes } from './catalog/models.ts';
import { openDatabase, type OpenedDatabase } from './db/database.ts';
import { localImageStorage } from './catalog/image-storage.ts';
import { seedDemoGuides } from './demo/guides.ts';
import { seedDemoCatalog } from './demo/seed.ts';
import { guideDependencies } from './guides/dependencies.ts';
import { announceAllWecomMembers } from './guides/wecom-directory.ts';
import { fulfilmentJobs } from './fulfilment/jobs.ts';
import { ensureFulfilmentIndexes, fulfilmentModels } from './fulfilment/models.ts';
import { guideContactJobs } from './guide-contacts/events.ts';
import { ensureGuideContactIndexes } from './guide-contacts/models.ts';
import { guideContactDependencies } from './guide-contacts/service.ts';
import { guidePerformanceJobs } from './guide-performance/jobs.ts';
import { ensureGuidePerformanceIndexes } from './guide-performance/models.ts';
import { performanceDependencies } from './guide-performance/service.ts';
import { ensureGuideIndexes, guideModels } from './guides/models.ts';
import { inheritanceDependencies } from './inheritance/dependencies.ts';
import { inheritanceJobs } from './inheritance/jobs.ts';
import { ensureInheritanceIndexes } from './inheritance/models.ts';
import { createScheduler, type Scheduler } from './jobs/scheduler.ts';
import { createLogger } from './logger.ts';
import { abandonedCheckoutJobs } from './orders/abandoned-checkouts.ts';
import { commerceDependencies, ensureCommerceIndexes } from './orders/dependencies.ts';
import { paymentJobs } from './payments/jobs.ts';
import { ensureFirstOwner } from './staff/first-owner.ts';
import { staffModels } from './staff/models.ts';
import { ADMIN_CONSOLE, STOREFRONT_H5, isBuilt, type BuiltApp } from './web/built-app.ts';

const FORCE_CLOSE_AFTER_MS = 10_000;

function loadConfigOrExit(): Config {
  // A local .env in the working directory; variables already in the environment win.
  if (existsSync('.env')) process.loadEnvFile('.env');
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`api: refusing to start, ${error.message}\nSee .env.example for every variable.\n`);
    process.exit(1);
  }
}

const config = loadConfigOrExit();
const logger = createLogger(config.logLevel);
const server = http.createServer();
let opened: OpenedDatabase | undefined;
let scheduler: Scheduler | undefined;
let shuttingDown = false;

async function shutdown(reason: string, exitCode: number): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  logger.info({ reason }, 'shutting down');
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const forceClose = setTimeout(() => server.closeAllConnections(), FORCE_CLOSE_AFTER_MS);
  await closed;
  clearTimeout(forceClose);
  // Runs under way finish before the database they write to closes.
  await scheduler?.stop();
  try {
    await opened?.close();
  } catch (error) {
    logger.error({ err: error }, 'error while closing the database');
    exitCode = 1;
  }
  logger.info('stopped');
  process.exit(exitCode);
}

process.on('SIGTERM', () => void shutdown('SIGTERM', 0));
process.on('SIGINT', () => void shutdown('SIGINT', 0));

try {
  opened = await openDatabase(config, logger, (code) => {
    logger.fatal({ code }, 'the embedded devdb exited on its own; stopping the API');
    void shutdown('devdb exited', 1);
  });
  await ensureFirstOwner(staffModels(opened.database.connection), config, logger);
  // Before serving: the unique indexes are what keep sibling category names and SKU combinations distinct.
  await ensureCatalogIndexes(catalogModels(opened.database.connection));
  if (config.seedDemoData) {
    await seedDemoCatalog(catalogModels(opened.database.connection), localImageStorage(config.uploadsDir), logger);
  }
  // … and what make checkouts idempotent, order numbers unique and payments apply once.
  const commerce = commerceDependencies(config, opened.database);
  await ensureCommerceIndexes(commerce);
  await ensureFulfilmentIndexes(fulfilmentModels(opened.database.connection));
  await ensureGuideIndexes(guideModels(opened.database.connection));
  const guides = guideDependencies(config, opened.database, commerce);
  if (config.seedDemoData) await seedDemoGuides(guides, logger);
  // In development the sandbox's WeCom directory learns the guides' userids (real WeCom is left alone).
  await announceAllWecomMembers(guides, logger);
  const guideContacts = guideContactDependencies(config, opened.database.connection);
  await ensureGuideContactIndexes(guideContacts.contacts);
  const inheritance = inheritanceDependencies(guideContacts, opened.database.connection);
  await ensureInheritanceIndexes(inheritance.inheritance);
  const performance = performanceDependencies(commerce);
  await ensureGuidePerformanceIndexes(performance.performance);
  scheduler = createScheduler({ connection: opened.database.connection, logger });
  const jobs = [
    ...paymentJobs(commerce),
    ...abandonedCheckoutJobs(commerce),
    ...fulfilmentJobs(commerce),
    ...afterSaleJobs(commerce),
    ...guideContactJobs(guideContacts),
    ...inheritanceJobs(inheritance),
    ...guidePerformanceJobs(performance),
  ];
  for (const job of jobs) await scheduler.register(job);
  scheduler.start();
  server.on('request', createApp({ config, db: opened.database, logger, builtApps: [STOREFRONT_H5, ADMIN_CONSOLE] }).callback());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  const builtAppUrl = async (app: BuiltApp) => ((await isBuilt(app)) ? `${url}${app.mountPath}` : undefined);
  const adminUrl = await builtAppUrl(ADMIN_CONSOLE);
  const storefrontUrl = await builtAppUrl(STOREFRONT_H5);
  const notes = [
    adminUrl ? `admin console at ${adminUrl}` : `admin console not built: ${ADMIN_CONSOLE.buildCommand}`,
    storefrontUrl ? `H5 storefront at ${storefrontUrl}` : `H5 storefront not built: ${STOREFRONT_H5.buildCommand}`,
  ];
  logger.info(
    { url, adminUrl, storefrontUrl, env: config.env, db: opened.database.mode, sandbox: config.sandbox },
    `API listening on ${url} (docs at ${url}/api/docs, ${notes.join(', ')})`,
  );
} catch (error) {
  logger.fatal({ err: error }, 'the API could not start');
  await shutdown('startup failed', 1);
}
