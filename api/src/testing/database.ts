import { start } from '@mall/devdb';
import { connectDatabase, type Database } from '../db/database.ts';

export interface TestDatabaseServer {
  uri: string;
  /** A new connection; without a name, to a database of its own, so tests do not see each other's data. */
  connect(dbName?: string): Promise<Database>;
  /** Closes every connection made here, then the engine. */
  stop(): Promise<void>;
}

let databaseCounter = 0;

/** An in-memory devdb in this process, for one test file. */
export async function startTestDatabaseServer(): Promise<TestDatabaseServer> {
  const server = await start({ port: 0 });
  const connections: Database[] = [];
  return {
    uri: server.uri,
    async connect(dbName) {
      databaseCounter += 1;
      const database = await connectDatabase(server.uri, 'embedded', dbName ?? `test_${process.pid}_${databaseCounter}`);
      connections.push(database);
      return database;
    },
    async stop() {
      await Promise.all(connections.map((database) => database.connection.close()));
      await server.stop();
    },
  };
}
