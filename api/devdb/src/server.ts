import net from 'node:net';
import type { Document } from 'bson';
import { createDispatcher } from './commands/index.ts';
import { DEVELOPMENT_ONLY_NOTICE, helloReply } from './commands/admin.ts';
import type { ServerIdentity } from './commands/context.ts';
import { CursorRegistry } from './cursors.ts';
import { MongoServerError } from './errors.ts';
import { Persistence } from './persistence/index.ts';
import { SessionRegistry } from './sessions.ts';
import { Engine } from './storage/engine.ts';
import { sweepExpiredDocuments } from './storage/ttl.ts';
import { commandOf, type IncomingMessage } from './wire/messages.ts';
import { serveConnection } from './wire/connection.ts';

export interface StartOptions {
  /** TCP port; 0 picks a free one. */
  port?: number;
  /** Interface to listen on (default 127.0.0.1). */
  bind?: string;
  /** host:port to advertise in hello; defaults to `<bind>:<port>`. It must equal the URI's host. */
  advertisedHost?: string;
  /** Data directory for the journal and snapshots; in-memory when omitted. */
  dataDir?: string;
  replicaSetName?: string;
  /** Transactions older than this are aborted (MongoDB's transactionLifetimeLimitSeconds; default 60 s). */
  transactionLifetimeMs?: number;
  log?: (line: string) => void;
}

export interface RunningServer {
  /** A connection string with production's shape (replica set). */
  uri: string;
  port: number;
  /** Lines describing recovery at start (e.g. a torn journal tail that was cut). */
  recovery: string[];
  stop(): Promise<void>;
}

const SWEEP_INTERVAL_MS = 1_000;
const TTL_INTERVAL_MS = 60_000;
const LEGACY_HELLO = new Set(['ismaster', 'isMaster', 'hello']);

/** Starts the engine: in-memory without `dataDir`, durable with it. */
export async function start(options: StartOptions = {}): Promise<RunningServer> {
  const log = options.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const engine = new Engine();
  const recovery: string[] = [];
  let persistence: Persistence | null = null;
  if (options.dataDir) {
    const opened = await Persistence.open(options.dataDir);
    persistence = opened.persistence;
    engine.load(opened.state);
    if (opened.recoveredTornBytes > 0) recovery.push(`recovered: cut a torn journal tail of ${opened.recoveredTornBytes} bytes`);
    persistence.setStateProvider(() => engine.exportState());
    engine.setSink(persistence);
  }

  const bind = options.bind ?? '127.0.0.1';
  const server = net.createServer();
  const sockets = new Set<net.Socket>();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, bind, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as net.AddressInfo).port;
  const identity: ServerIdentity = {
    advertisedHost: options.advertisedHost ?? `${bind}:${port}`,
    replicaSetName: options.replicaSetName ?? 'rs0',
    startedAt: new Date(),
    persistent: persistence !== null,
  };
  const sessions = new SessionRegistry(engine, { transactionLifetimeMs: options.transactionLifetimeMs });
  const cursors = new CursorRegistry();
  const dispatcher = createDispatcher({ engine, sessions, cursors, identity, log });

  let nextConnectionId = 1;
  server.on('connection', (socket) => {
    const connectionId = nextConnectionId++;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    serveConnection(socket, (message) => handleMessage(message, connectionId), log);
  });

  async function handleMessage(message: IncomingMessage, connectionId: number): Promise<Document | null> {
    if (message.kind === 'msg') return dispatcher.run(commandOf(message), connectionId);
    // Drivers speak OP_QUERY only for the first handshake of a connection.
    const query = (message.query.$query as Document | undefined) ?? message.query;
    const name = Object.keys(query)[0];
    if (message.fullCollectionName.endsWith('.$cmd') && LEGACY_HELLO.has(name)) {
      return helloReply(query, { identity, connectionId });
    }
    return new MongoServerError(
      'UnsupportedOpQueryCommand',
      `Unsupported OP_QUERY command: ${name}. devdb only accepts OP_MSG after the handshake`,
    ).toReply();
  }

  const sweeper = setInterval(() => {
    sessions.sweep();
    cursors.sweep();
  }, SWEEP_INTERVAL_MS);
  sweeper.unref();
  const ttl = setInterval(() => {
    sweepExpiredDocuments(engine).catch((error: unknown) => log(`devdb: TTL sweep failed: ${String(error)}`));
  }, TTL_INTERVAL_MS);
  ttl.unref();

  let stopping: Promise<void> | null = null;
  return {
    uri: `mongodb://${identity.advertisedHost}/?replicaSet=${identity.replicaSetName}`,
    port,
    recovery,
    stop() {
      stopping ??= (async () => {
        clearInterval(sweeper);
        clearInterval(ttl);
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          for (const socket of sockets) socket.destroy();
        });
        await persistence?.close();
      })();
      return stopping;
    },
  };
}

export { DEVELOPMENT_ONLY_NOTICE };
