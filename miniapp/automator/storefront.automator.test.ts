/**
 * The weapp build in WeChat DevTools, driven by miniprogram-automator. DevTools exists for Windows and macOS
 * only and must be logged in with its service port on (设置 → 安全设置 → 服务端口), so these specs run where
 * `WECHAT_DEVTOOLS_CLI` names its command-line tool, e.g.
 *   macOS:   WECHAT_DEVTOOLS_CLI=/Applications/wechatwebdevtools.app/Contents/MacOS/cli npm run test:weapp -w @mall/miniapp
 *   Windows: set WECHAT_DEVTOOLS_CLI=C:\Program Files (x86)\Tencent\微信web开发者工具\cli.bat
 * and are skipped, saying why, everywhere else (Linux CI included).
 *
 * They start the platform sandbox and the API on free ports with a fresh devdb, build the weapp against it, open the repository
 * root (project.config.json → miniapp/dist/weapp) in DevTools and check what a shopper sees.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import automator from 'miniprogram-automator';
import type MiniProgram from 'miniprogram-automator/out/MiniProgram';
import type Page from 'miniprogram-automator/out/Page';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnApi, type ApiProcess } from '../../scripts/child-process.ts';
import { startSandboxProcess, type SandboxProcess } from '../../scripts/sandbox-process.ts';
import { freePort } from '../../scripts/free-port.ts';

const DEVTOOLS_CLI = process.env.WECHAT_DEVTOOLS_CLI ?? '';
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MINIAPP_DIR = fileURLToPath(new URL('../', import.meta.url));
const WAIT_TIMEOUT_MS = 15_000;

async function buildWeappAgainst(apiBaseUrl: string): Promise<void> {
  const build = spawn('npm', ['run', 'build:weapp'], {
    cwd: MINIAPP_DIR,
    env: { ...process.env, TARO_APP_API_BASE_URL: apiBaseUrl },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    build.once('error', reject);
    build.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`the weapp build failed (exit code ${code})`);
}

/** The text of the first element matching `selector` once it contains `expected`; fails after the timeout with what it saw. */
async function textOnceItContains(page: Page, selector: string, expected: string): Promise<string> {
  const deadline = Date.now() + WAIT_TIMEOUT_MS;
  let seen = '(no element)';
  while (Date.now() < deadline) {
    const element = await page.$(selector);
    if (element) {
      seen = await element.text();
      if (seen.includes(expected)) return seen;
    }
    await page.waitFor(250);
  }
  throw new Error(`${selector} did not show "${expected}" within ${WAIT_TIMEOUT_MS / 1000} s; it showed "${seen}"`);
}

/** Waits until one of the elements shows its text: the catalog may be empty, or seeded with the demo shop. */
async function oneOfShown(page: Page, candidates: readonly [selector: string, expected: string][]): Promise<void> {
  const deadline = Date.now() + WAIT_TIMEOUT_MS;
  while (Date.now() < deadline) {
    for (const [selector, expected] of candidates) {
      const element = await page.$(selector);
      if (element && (await element.text()).includes(expected)) return;
    }
    await page.waitFor(250);
  }
  throw new Error(
    `none of ${candidates.map(([selector, text]) => `${selector} "${text}"`).join(', ')} showed within ${WAIT_TIMEOUT_MS / 1000} s`,
  );
}

describe.skipIf(DEVTOOLS_CLI === '')(
  DEVTOOLS_CLI === ''
    ? 'weapp in WeChat DevTools (skipped: WECHAT_DEVTOOLS_CLI is not set; DevTools runs on Windows/macOS only)'
    : 'weapp in WeChat DevTools',
  () => {
    let api: ApiProcess;
    let sandbox: SandboxProcess;
    let dataDir: string;
    let miniProgram: MiniProgram;

    beforeAll(async () => {
      dataDir = await mkdtemp(path.join(tmpdir(), 'mall-weapp-devdb-'));
      const port = await freePort();
      const baseUrl = `http://127.0.0.1:${port}`;
      sandbox = await startSandboxProcess({ port: await freePort(), dataDir: path.join(dataDir, 'sandbox'), appUrl: baseUrl });
      let listening: () => void;
      const ready = new Promise<void>((resolve) => (listening = resolve));
      api = spawnApi(
        {
          ...process.env,
          ...sandbox.apiEnv,
          NODE_ENV: 'development',
          HOST: '127.0.0.1',
          PORT: String(port),
          MONGODB_URI: '',
          DEVDB_DATA_DIR: path.join(dataDir, 'devdb'),
        },
        ({ entry }) => {
          if (typeof entry?.msg === 'string' && entry.msg.startsWith('API listening')) listening();
        },
      );
      await Promise.race([ready, api.exited.then((code) => Promise.reject(new Error(`the API exited with code ${code}`)))]);
      await buildWeappAgainst(baseUrl);
      miniProgram = await automator.launch({ cliPath: DEVTOOLS_CLI, projectPath: REPO_ROOT, trustProject: true });
    }, 180_000);

    afterAll(async () => {
      await miniProgram?.close();
      await api?.stop();
      await sandbox?.stop();
      await rm(dataDir, { recursive: true, force: true });
    }, 30_000);

    it('opens on 首页, which shows the products on sale read through wx.request', async () => {
      const page = await miniProgram.reLaunch('/pages/home/index');
      if (!page) throw new Error('no page after reLaunch');
      expect(page.path).toBe('pages/home/index');
      await textOnceItContains(page, '.home-search__placeholder', '搜索商品');
      await oneOfShown(page, [
        ['.product-card__price', '¥'],
        ['.status-view__title', '还没有在售的商品'],
      ]);
    });

    it('switches to the tab /pages/category/index, which shows the category rail', async () => {
      const page = await miniProgram.switchTab('/pages/category/index');
      if (!page) throw new Error('no page after switchTab(/pages/category/index)');
      expect(page.path).toBe('pages/category/index');
      await oneOfShown(page, [
        ['.category-rail__item--active', ''],
        ['.status-view__title', '还没有商品分类'],
      ]);
    });

    it.each([
      ['/pages/cart/index', '.status-view__title', '购物车即将开放'],
      ['/pages/profile/index', '.profile-login__title', '登录后查看订单、管理收货地址'],
    ])('switches to the tab %s', async (url, selector, title) => {
      const page = await miniProgram.switchTab(url);
      if (!page) throw new Error(`no page after switchTab(${url})`);
      expect(`/${page.path}`).toBe(url);
      await textOnceItContains(page, selector, title);
    });
  },
);
