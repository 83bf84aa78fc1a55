import { spawn } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ADMIN_CONSOLE, STOREFRONT_H5, builtIndexFile, type BuiltApp } from '../api/src/web/built-app.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** A front end the API serves, with what its build reads and the npm command that builds it. */
interface FrontEndBuild {
  app: BuiltApp;
  /** Its sources and config, the shared code it bundles, and the lockfile (an upgrade changes the bundle too). */
  inputs: readonly string[];
  npmArgs: readonly string[];
}

export const ADMIN_BUILD: FrontEndBuild = {
  app: ADMIN_CONSOLE,
  inputs: [
    'admin/src',
    'admin/public',
    'admin/index.html',
    'admin/vite.config.ts',
    'admin/package.json',
    'shared/src',
    'package-lock.json',
  ],
  npmArgs: ['run', 'build', '-w', '@mall/admin'],
};

export const STOREFRONT_H5_BUILD: FrontEndBuild = {
  app: STOREFRONT_H5,
  inputs: ['miniapp/src', 'miniapp/config', 'miniapp/babel.config.js', 'miniapp/package.json', 'shared/src', 'package-lock.json'],
  npmArgs: ['run', 'build:h5', '-w', '@mall/miniapp'],
};

async function newestChange(entry: string): Promise<number> {
  const stats = await stat(entry);
  if (!stats.isDirectory()) return stats.mtimeMs;
  const children = await readdir(entry);
  const times = await Promise.all(children.map((child) => newestChange(path.join(entry, child))));
  return Math.max(stats.mtimeMs, ...times);
}

/** Whether the build exists and is newer than everything it reads. */
export async function buildIsCurrent({ app, inputs }: FrontEndBuild): Promise<boolean> {
  let builtAt: number;
  try {
    builtAt = (await stat(builtIndexFile(app))).mtimeMs;
  } catch {
    return false;
  }
  const changes = await Promise.all(inputs.map((input) => newestChange(path.join(ROOT, input))));
  return Math.max(...changes) < builtAt;
}

/** Runs the build unless it is current. */
export async function ensureBuilt(build: FrontEndBuild): Promise<'current' | 'built'> {
  if (await buildIsCurrent(build)) return 'current';
  process.stderr.write(`building the ${build.app.name} (its build is missing or older than its sources)…\n`);
  // The build's output goes to stderr with everything else meant for people (npm start keeps stdout for the API's JSON log).
  const child = spawn('npm', build.npmArgs, { cwd: ROOT, stdio: ['ignore', process.stderr, 'inherit'] });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`the ${build.app.name} build failed (exit code ${code}): npm ${build.npmArgs.join(' ')}`);
  return 'built';
}

/** The console and the storefront, one after the other (two webpack/Vite builds at once would only compete for the cores). */
export async function ensureFrontEndsBuilt(): Promise<void> {
  await ensureBuilt(ADMIN_BUILD);
  await ensureBuilt(STOREFRONT_H5_BUILD);
}
