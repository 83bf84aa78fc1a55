import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Config } from '@mall/config';
import { startSandbox, type RunningSandbox, type SandboxOptions } from '@mall/sandbox';
import { testConfig } from './app.ts';

export interface TestSandbox {
  sandbox: RunningSandbox;
  /** The API's configuration pointing at this sandbox with its generated credentials (plus `env`). */
  config(env?: Record<string, string>): Config;
  /** Closes the sandbox and removes its data directory. */
  stop(): Promise<void>;
}

/**
 * A sandbox on a free port with a fresh data directory, for one test file. Callback retries are fast
 * (50 ms apart) unless `options` say otherwise.
 */
export async function startTestSandbox(options: Partial<SandboxOptions> = {}): Promise<TestSandbox> {
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'mall-sandbox-')));
  const sandbox = await startSandbox({
    port: 0,
    payNotifyRetryDelaysMs: [50, 50, 50],
    wecomRetryDelaysMs: [50, 50, 50],
    ...options,
    dataDir,
  });
  return {
    sandbox,
    config: (env = {}) => testConfig({ ...sandbox.apiEnv, ...env }),
    async stop() {
      await sandbox.close();
      if (options.dataDir === undefined) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
