import path from 'node:path';
import mongoose, { type Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { Config } from '@mall/config';
import type { DatabaseMode } from '@mall/shared';
import { startEmbeddedDevdb } from './embedded-devdb.ts';

export interface Database {
  connection: Connection;
  mode: DatabaseMode;
}

/** The database the embedded devdb's data lives in (its URI names none). */
export const EMBEDDED_DATABASE_NAME = 'mall';

export async function connectDatabase(uri: string, mode: DatabaseMode, dbName?: string): Promise<Database> {
  const connection = await mongoose.createConnection(uri, { dbName, serverSelectionTimeoutMS: 10_000 }).asPromise();
  return { connection, mode };
}

export interface OpenedDatabase {
  database: Database;
  /** Closes the connection, then stops the embedded devdb if one was started. */
  close(): Promise<void>;
}

/**
 * Connects to MONGODB_URI, or, when it is unset (development), starts devdb in a child process on
 * DEVDB_DATA_DIR and connects to that. `onEmbeddedExit` hears of the child dying on its own.
 */
export async function openDatabase(config: Config, logger: Logger, onEmbeddedExit: (code: number | null) => void): Promise<OpenedDatabase> {
  if (config.mongodbUri !== undefined) {
    const database = await connectDatabase(config.mongodbUri, 'mongodb');
    logger.info({ db: database.connection.name }, 'connected to MongoDB');
    return { database, close: () => database.connection.close() };
  }
  const dataDir = path.resolve(config.devdbDataDir);
  const devdb = await startEmbeddedDevdb(dataDir, logger);
  let stopping = false;
  void devdb.exited.then((code) => {
    if (!stopping) onEmbeddedExit(code);
  });
  try {
    const database = await connectDatabase(devdb.uri, 'embedded', EMBEDDED_DATABASE_NAME);
    logger.info(
      { uri: devdb.uri, dataDir, pid: devdb.pid },
      `embedded devdb (development only) running at ${devdb.uri} with data in ${dataDir}`,
    );
    return {
      database,
      async close() {
        stopping = true;
        await database.connection.close();
        await devdb.stop();
      },
    };
  } catch (error) {
    stopping = true;
    await devdb.stop();
    throw error;
  }
}
