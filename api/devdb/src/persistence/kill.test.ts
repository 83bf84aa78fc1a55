import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { killTestRecord } from './fixtures/kill-records.ts';
import { Persistence } from './index.ts';
import { applyRecord } from './recovery.ts';
import { canonical, tempDir } from './test-support.ts';
import type { PersistedState } from './types.ts';

const CHILD_SCRIPT = fileURLToPath(new URL('./fixtures/append-until-killed.ts', import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));

/** Runs the appending child until `ackTarget` records are acknowledged, checks the lock, then SIGKILLs it. */
async function appendUntilKilled(dir: string, ackTarget: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD_SCRIPT, dir], {
    cwd: PACKAGE_DIR,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));

  let firstRecord = -1;
  const acked: number[] = [];
  // Lines keep arriving after the kill: everything printed before it was acknowledged.
  for await (const line of createInterface({ input: child.stdout })) {
    if (line.startsWith('ready ')) {
      firstRecord = Number(line.slice('ready '.length));
      continue;
    }
    acked.push(Number(line));
    if (acked.length === ackTarget) {
      await expect(Persistence.open(dir)).rejects.toThrow(`data directory ${dir} is in use by process ${child.pid}`);
      child.kill('SIGKILL');
    }
  }
  const signal = await exited;
  if (signal !== 'SIGKILL') throw new Error(`child ended on its own (signal ${signal}):\n${stderr}`);
  return { pid: child.pid, firstRecord, acked };
}

function stateAfterRecords(count: number): PersistedState {
  let state: PersistedState = { databases: [] };
  for (let n = 0; n < count; n++) state = applyRecord(state, killTestRecord(n));
  return state;
}

describe('kill -9', () => {
  it('keeps every acknowledged record, as a prefix of the records, across repeated kills', async () => {
    const dir = await tempDir();
    let recovered = 0;
    for (const ackTarget of [100, 300, 600, 900, 1300]) {
      const { pid, firstRecord, acked } = await appendUntilKilled(dir, ackTarget);
      expect(firstRecord).toBe(recovered);
      expect(acked.length).toBeGreaterThanOrEqual(ackTarget);
      // The dead child's lock is still there and gets taken over.
      expect(await readFile(join(dir, 'mongod.lock'), 'utf8')).toBe(`${pid}\n`);
      const { persistence, state } = await Persistence.open(dir);
      await persistence.close();

      const counter = state.databases[0].collections[0].docs.find((doc) => doc._id === 'counter');
      recovered = (counter?.n as number) + 1;
      expect(recovered).toBeGreaterThan(Math.max(...acked));
      expect(canonical(state)).toBe(canonical(stateAfterRecords(recovered)));
    }
  });
});
