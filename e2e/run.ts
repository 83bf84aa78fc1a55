/**
 * `npm run e2e`: builds the admin console and the H5 storefront if needed, starts the platform sandbox and
 * the API on free ports with fresh data directories and a known owner, drives the storefront (storefront-journey.ts), the
 * console (admin-journey.ts), then both in turn from shipping to refund (after-purchase-journey.ts) and through the guide loop
 * (guide-loop-journey.ts: a guide's shop link, the purchase, adding the guide on WeCom) in Debian's Chromium, saves a
 * screenshot per step in e2e/screenshots/, and always stops the browser and the API (whose shutdown
 * stops its devdb). Exits non-zero when a step fails; the last line is "N passed, N failed".
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { healthReplySchema, type HealthReply } from '@mall/shared';
import { ensureFrontEndsBuilt } from '../scripts/front-end-builds.ts';
import { spawnApi, type ApiProcess } from '../scripts/child-process.ts';
import { startSandboxProcess, type SandboxProcess } from '../scripts/sandbox-process.ts';
import { adminJourney } from './admin-journey.ts';
import { afterPurchaseJourney } from './after-purchase-journey.ts';
import { guideLoopJourney } from './guide-loop-journey.ts';
import { storefrontJourney, type Purchase } from './storefront-journey.ts';
import { launchChromium } from './chromium.ts';
import { freePort } from '../scripts/free-port.ts';

const SCREENSHOTS_DIR = fileURLToPath(new URL('./screenshots/', import.meta.url));
const API_READY_TIMEOUT_MS = 60_000;
const LOG_TAIL_LINES = 40;
const BROWSER_CLOSE_TIMEOUT_MS = 5_000;

const temporaryDirs: string[] = [];
let api: ApiProcess | undefined;
let sandbox: SandboxProcess | undefined;
let browser: BrowserContext | undefined;
const apiLog: string[] = [];
/** Uncaught exceptions in the page and Content-Security-Policy refusals: either fails the run. */
const pageProblems: string[] = [];

async function waitForHealth(baseUrl: string, running: ApiProcess): Promise<HealthReply> {
  const deadline = Date.now() + API_READY_TIMEOUT_MS;
  let exited = false;
  void running.exited.then(() => (exited = true));
  while (Date.now() < deadline && !exited) {
    try {
      const response = await fetch(`${baseUrl}/api/health`);
      if (response.ok) return healthReplySchema.parse(await response.json());
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(
    exited ? 'the API exited before it was ready' : `the API did not answer /api/health within ${API_READY_TIMEOUT_MS / 1000} s`,
  );
}

/**
 * Playwright's close() never settles when Chromium is already gone (a terminal's Ctrl-C reaches it too),
 * and with nothing else pending Node would quit before the API is stopped: bounded by a timer.
 */
async function closeBrowser(): Promise<void> {
  if (!browser) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    browser.close().catch(() => undefined),
    new Promise((resolve) => (timer = setTimeout(resolve, BROWSER_CLOSE_TIMEOUT_MS))),
  ]);
  clearTimeout(timer);
}

let cleanedUp: Promise<void> | undefined;
/** Idempotent: runs once whether the journey ends, fails or is interrupted. */
function cleanUp(): Promise<void> {
  cleanedUp ??= (async () => {
    await closeBrowser();
    const code = await api?.stop();
    if (api && code !== 0) process.stderr.write(`e2e: the API exited with code ${code}\n`);
    await sandbox?.stop();
    await Promise.all(temporaryDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  })();
  return cleanedUp;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    process.stderr.write(`e2e: ${signal}, stopping the browser, the API and the sandbox\n`);
    void cleanUp().finally(() => process.exit(130));
  });
}

async function main(): Promise<number> {
  await ensureFrontEndsBuilt();
  await rm(SCREENSHOTS_DIR, { recursive: true, force: true });
  await mkdir(SCREENSHOTS_DIR, { recursive: true });

  const dataDir = await mkdtemp(path.join(tmpdir(), 'mall-e2e-devdb-'));
  const sandboxDir = await mkdtemp(path.join(tmpdir(), 'mall-e2e-sandbox-'));
  const uploadsDir = await mkdtemp(path.join(tmpdir(), 'mall-e2e-uploads-'));
  temporaryDirs.push(dataDir, sandboxDir, uploadsDir);
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const owner = { username: 'e2e.owner', password: randomBytes(12).toString('base64url') };
  // As npm start does: the platform sandbox first, the API pointed at it with its generated credentials.
  sandbox = await startSandboxProcess({ port: await freePort(), dataDir: sandboxDir, appUrl: baseUrl });
  api = spawnApi(
    {
      ...process.env,
      ...sandbox.apiEnv,
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(port),
      // Shop links and shared carts point at the H5 storefront the API serves.
      H5_ORIGIN: baseUrl,
      // Empty counts as unset: the embedded devdb, even when a local .env names a MongoDB.
      MONGODB_URI: '',
      DEVDB_DATA_DIR: dataDir,
      UPLOADS_DIR: uploadsDir,
      // The demo catalog (api/src/demo/), as npm start seeds it: the storefront journey buys one of its products.
      SEED_DEMO_DATA: 'true',
      OWNER_USERNAME: owner.username,
      OWNER_PASSWORD: owner.password,
      LOG_LEVEL: 'info',
    },
    ({ text }) => {
      apiLog.push(text);
      if (apiLog.length > LOG_TAIL_LINES) apiLog.shift();
    },
  );
  const health = await waitForHealth(baseUrl, api);

  const launched = await launchChromium();
  browser = launched.context;
  temporaryDirs.push(launched.profileDir);
  const context = browser;
  /** A page whose uncaught errors and CSP refusals fail the run. */
  async function watchedPage(viewport?: { width: number; height: number }): Promise<Page> {
    const page = await context.newPage();
    if (viewport) await page.setViewportSize(viewport);
    page.on('pageerror', (error) => pageProblems.push(`uncaught in the page: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && message.text().includes('Content Security Policy')) pageProblems.push(`CSP: ${message.text()}`);
    });
    return page;
  }
  // The storefront on a phone-sized screen (an iPhone 12–14's CSS pixels), the console on a laptop's.
  const shopperPage = await watchedPage({ width: 390, height: 844 });
  const staffPage = await watchedPage();
  process.stdout.write(
    `e2e: the storefront at ${baseUrl}/shop/ and the console at ${baseUrl}/admin/ in Chromium ${browser.browser()?.version() ?? ''}\n`,
  );

  const purchase: Purchase = { orderNo: '', payable: '' };
  const steps = [
    ...storefrontJourney({ page: shopperPage, baseUrl, owner, health }, purchase).map((step) => ({ step, page: shopperPage })),
    ...adminJourney({ page: staffPage, baseUrl, owner, health }).map((step) => ({ step, page: staffPage })),
    ...afterPurchaseJourney(shopperPage, staffPage, purchase),
    ...guideLoopJourney(shopperPage, staffPage, baseUrl, sandbox.url),
  ];
  let passed = 0;
  let failed = 0;
  let frontPage: Page | undefined;
  for (const [index, { step, page }] of steps.entries()) {
    const started = performance.now();
    try {
      // Only the tab in front gets animation frames: in a background one the storefront's page transitions
      // stall and every click waits seconds for its element to be "stable".
      if (page !== frontPage) await page.bringToFront();
      frontPage = page;
      await step.run();
      if (pageProblems.length > 0) throw new Error(pageProblems.join('\n'));
      // Transitions finished, so a screenshot shows the settled page rather than a fade in progress.
      await page.screenshot({ path: path.join(SCREENSHOTS_DIR, step.screenshot), fullPage: true, animations: 'disabled' });
      passed += 1;
      process.stdout.write(
        `  ✓ ${step.name} (${((performance.now() - started) / 1000).toFixed(1)} s) → e2e/screenshots/${step.screenshot}\n`,
      );
    } catch (error) {
      failed += 1;
      const screenshot = step.screenshot.replace(/\.png$/, '-failed.png');
      await page
        .screenshot({ path: path.join(SCREENSHOTS_DIR, screenshot), fullPage: true, animations: 'disabled' })
        .catch(() => undefined);
      process.stdout.write(
        `  ✗ ${step.name} → e2e/screenshots/${screenshot}\n${String((error as Error).message ?? error).replace(/^/gm, '      ')}\n`,
      );
      for (const { step: skipped } of steps.slice(index + 1)) process.stdout.write(`  - not run: ${skipped.name}\n`);
      process.stdout.write(`  last API log lines:\n${apiLog.map((line) => `      ${line}`).join('\n')}\n`);
      break;
    }
  }
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  return failed === 0 ? 0 : 1;
}

let exitCode: number;
try {
  exitCode = await main();
} catch (error) {
  process.stderr.write(`e2e: ${(error as Error).stack ?? String(error)}\n`);
  if (apiLog.length > 0) process.stderr.write(`last API log lines:\n${apiLog.join('\n')}\n`);
  process.stdout.write('0 passed, 1 failed\n');
  exitCode = 1;
}
await cleanUp();
process.exit(exitCode);
