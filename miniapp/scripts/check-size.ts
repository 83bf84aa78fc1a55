// Measures the weapp build's main package (everything in dist/weapp outside the subpackage folders that
// app.json declares) and fails above the budget. WeChat refuses a main package over 2 MB; the budget keeps
// room for what the shopping, live and guide issues add to it.
import fs from 'node:fs';
import path from 'node:path';

const MAIN_PACKAGE_BUDGET_BYTES = 1.2 * 1024 * 1024;
const weappDir = path.resolve(__dirname, '../dist/weapp');

function subpackageRoots(appJsonPath: string): string[] {
  const appJson = JSON.parse(fs.readFileSync(appJsonPath, 'utf8')) as {
    subPackages?: { root: string }[];
    subpackages?: { root: string }[];
  };
  return [...(appJson.subPackages ?? []), ...(appJson.subpackages ?? [])].map(({ root }) => path.join(weappDir, root));
}

function sizeOutside(dir: string, excludedDirs: string[]): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const entryPath = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!excludedDirs.some((excluded) => path.relative(excluded, entryPath) === '')) total += sizeOutside(entryPath, excludedDirs);
    } else if (entry.isFile()) {
      total += fs.statSync(entryPath).size;
    }
  }
  return total;
}

function formatKiB(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

const appJsonPath = path.join(weappDir, 'app.json');
if (!fs.existsSync(appJsonPath)) {
  console.error(`no weapp build in ${weappDir}: run "npm run build:weapp -w @mall/miniapp" first`);
  process.exit(1);
}
const mainPackageBytes = sizeOutside(weappDir, subpackageRoots(appJsonPath));
const summary = `weapp main package: ${formatKiB(mainPackageBytes)} (budget ${formatKiB(MAIN_PACKAGE_BUDGET_BYTES)})`;
if (mainPackageBytes > MAIN_PACKAGE_BUDGET_BYTES) {
  console.error(`${summary}: over budget`);
  process.exit(1);
}
process.stdout.write(`${summary}\n`);
