/**
 * devdb: an embedded MongoDB-wire-compatible engine for development and tests.
 * It is NOT for production: production connects to a real MongoDB replica set via MONGODB_URI.
 */
export { start, DEVELOPMENT_ONLY_NOTICE } from './server.ts';
export type { RunningServer, StartOptions } from './server.ts';
