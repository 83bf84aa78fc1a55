import { ObjectId } from 'bson';
import type { Document } from 'bson';
import { MongoServerError } from '../errors.ts';
import { MAX_BSON_OBJECT_SIZE, MAX_MESSAGE_SIZE_BYTES, MAX_WRITE_BATCH_SIZE } from '../limits.ts';
import { SESSION_TIMEOUT_MINUTES } from '../sessions.ts';
import { noSuchTransaction } from '../storage/transaction.ts';
import type { CommandContext, CommandDefinition } from './context.ts';

/** Wire version 21 (MongoDB 7.0) is understood by both driver 6 (mongoose 8) and driver 7 (mongoose 9). */
const MAX_WIRE_VERSION = 21;
const ELECTION_ID = new ObjectId('7fffffff0000000000000001');

export const DEVELOPMENT_ONLY_NOTICE = 'devdb: embedded MongoDB-compatible engine for development and tests; NOT for production';

/**
 * The hello/isMaster reply of a one-member replica set primary, so that connection strings have
 * production's shape and sessions, retryable writes and transactions take the driver's real paths.
 * No topologyVersion (the driver would switch to streaming hello) and no compression.
 */
export function helloReply(command: Document, ctx: Pick<CommandContext, 'identity' | 'connectionId'>): Document {
  const { advertisedHost, replicaSetName } = ctx.identity;
  const reply: Document = {
    isWritablePrimary: true,
    ismaster: true,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    maxMessageSizeBytes: MAX_MESSAGE_SIZE_BYTES,
    maxWriteBatchSize: MAX_WRITE_BATCH_SIZE,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: SESSION_TIMEOUT_MINUTES,
    connectionId: ctx.connectionId,
    minWireVersion: 0,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
    setName: replicaSetName,
    setVersion: 1,
    hosts: [advertisedHost],
    primary: advertisedHost,
    me: advertisedHost,
    secondary: false,
    electionId: ELECTION_ID,
    lastWrite: { lastWriteDate: new Date() },
    ok: 1,
  };
  if (command.helloOk) reply.helloOk = true;
  if (command.hello !== undefined) delete reply.ismaster;
  return reply;
}

export const hello: CommandDefinition = { inTransaction: true, run: (command, ctx) => helloReply(command, ctx) };

export const ping: CommandDefinition = { inTransaction: true, run: () => ({ ok: 1 }) };

export const buildInfo: CommandDefinition = {
  inTransaction: true,
  run: () => ({
    version: '7.0.0',
    versionArray: [7, 0, 0, 0],
    gitVersion: 'devdb',
    bits: 64,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    storageEngines: ['devdb'],
    devdb: DEVELOPMENT_ONLY_NOTICE,
    ok: 1,
  }),
};

export const endSessions: CommandDefinition = {
  run(command, ctx) {
    const lsids = command.endSessions;
    if (!Array.isArray(lsids)) throw new MongoServerError('TypeMismatch', "BSON field 'endSessions' must be an array of session ids");
    ctx.sessions.end(lsids);
    return { ok: 1 };
  },
};

export const commitTransaction: CommandDefinition = {
  async run(command, ctx) {
    await ctx.sessions.transactionToFinish(command).commit();
    return { ok: 1 };
  },
};

export const abortTransaction: CommandDefinition = {
  run(command, ctx) {
    const transaction = ctx.sessions.transactionToFinish(command);
    if (transaction.state === 'committed') {
      throw new MongoServerError('TransactionCommitted', `Transaction ${transaction.txnNumber} has been committed.`);
    }
    if (transaction.state === 'aborted') throw noSuchTransaction(transaction.txnNumber);
    transaction.abort();
    return { ok: 1 };
  },
};
