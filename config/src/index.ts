export { ConfigError, loadConfig, SANDBOX_BASE_URL } from './load.ts';
export type { Config, Environment, LogLevel } from './load.ts';
export { isSandboxHost, isSandboxSecret, isSandboxUrl } from './sandbox.ts';
