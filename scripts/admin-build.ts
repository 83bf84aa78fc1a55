import { spawn } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ADMIN_DIST_DIR, adminIndexFile } from '../api/src/web/admin-console.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * What the admin build reads: its own sources and config, the shared schemas and role matrix it bundles,
 * and the lockfile (a dependency upgrade changes the bundle too).
 */
const BUILD_INPUTS = [
  'admin/src',
  'admin/public',
  'admin/index.html',
  'admin/vite.config.ts',
  'admin/package.json',
  'shared/src',
  'package-lock.json',
];

async function newestChange(entry: string): Promise<number> {
  const stats = await stat(entry);
  if (!stats.isDirectory()) return stats.mtimeMs;
  const children = await readdir(entry);
  const times = await Promise.all(children.map((child) => newestChange(path.join(entry, child))));
  return Math.max(stats.mtimeMs, ...times);
}

/** Whether admin/dist exists and is newer than everything the build reads. */
export async function adminBuildIsCurrent(): Promise<boolean> {
  let builtAt: number;
  try {
    builtAt = (await stat(adminIndexFile(ADMIN_DIST_DIR))).mtimeMs;
  } catch {
    return false;
  }
  const changes = await Promise.all(BUILD_INPUTS.map((input) => newestChange(path.join(ROOT, input))));
  return Math.max(...changes) < builtAt;
}

/** Runs `npm run build -w @mall/admin` unless the build is current. */
export async function ensureAdminBuilt(): Promise<'current' | 'built'> {
  if (await adminBuildIsCurrent()) return 'current';
  process.stderr.write('building the admin console (admin/dist is missing or older than its sources)…\n');
  // The build's output goes to stderr with everything else meant for people (npm start keeps stdout for the API's JSON log).
  const build = spawn('npm', ['run', 'build', '-w', '@mall/admin'], { cwd: ROOT, stdio: ['ignore', process.stderr, 'inherit'] });
  const code = await new Promise<number | null>((resolve, reject) => {
    build.once('error', reject);
    build.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`the admin build failed (exit code ${code})`);
  return 'built';
}
