import { spawn } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Persistence } from './index.ts';
import { tempDir } from './test-support.ts';

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid as number;
}

describe('directory lock', () => {
  it('refuses a second open while held and is released on close', async () => {
    const dir = await tempDir();
    const { persistence } = await Persistence.open(dir);
    expect(await readFile(join(dir, 'mongod.lock'), 'utf8')).toBe(`${process.pid}\n`);
    await expect(Persistence.open(dir)).rejects.toThrow(`data directory ${dir} is in use by process ${process.pid}`);
    await persistence.close();
    await expect(stat(join(dir, 'mongod.lock'))).rejects.toThrow(/ENOENT/);
    const reopened = await Persistence.open(dir);
    await reopened.persistence.close();
  });

  it('takes over a lock left by a dead process or left half-written', async () => {
    for (const content of [`${await deadPid()}\n`, '']) {
      const dir = await tempDir();
      await writeFile(join(dir, 'mongod.lock'), content);
      const { persistence } = await Persistence.open(dir);
      expect(await readFile(join(dir, 'mongod.lock'), 'utf8')).toBe(`${process.pid}\n`);
      await persistence.close();
    }
  });
});
