import type { Document } from 'bson';
import { codeNameOf, MongoServerError } from '../errors.ts';
import type { CursorRegistry } from '../cursors.ts';
import type { SessionRegistry } from '../sessions.ts';
import { CommittedAccess } from '../storage/access.ts';
import type { Engine } from '../storage/engine.ts';
import { abortTransaction, buildInfo, commitTransaction, endSessions, hello, ping } from './admin.ts';
import { create, createIndexes, drop, dropDatabase, dropIndexes, listCollections, listDatabases, listIndexes } from './catalog.ts';
import type { CommandDefinition, ServerIdentity } from './context.ts';
import { del, findAndModify, insert, update } from './crud.ts';
import { aggregate, count, distinct, find, getMore, killCursors } from './read.ts';

const COMMANDS: Record<string, CommandDefinition> = {
  hello,
  isMaster: hello,
  ismaster: hello,
  ping,
  buildInfo,
  buildinfo: buildInfo,
  endSessions,
  commitTransaction,
  abortTransaction,
  create,
  drop,
  dropDatabase,
  listCollections,
  listDatabases,
  createIndexes,
  listIndexes,
  dropIndexes,
  deleteIndexes: dropIndexes,
  insert,
  update,
  delete: del,
  findAndModify,
  findandmodify: findAndModify,
  find,
  getMore,
  killCursors,
  count,
  distinct,
  aggregate,
};

/** Commands that manage the session's transaction themselves rather than run inside it. */
const SESSION_CONTROL = new Set([commitTransaction, abortTransaction, endSessions]);

export interface Dispatcher {
  run(command: Document, connectionId: number): Promise<Document>;
}

export function createDispatcher(deps: {
  engine: Engine;
  sessions: SessionRegistry;
  cursors: CursorRegistry;
  identity: ServerIdentity;
  log: (line: string) => void;
}): Dispatcher {
  return {
    async run(command, connectionId) {
      let abortTransaction: (() => void) | null = null;
      try {
        const name = Object.keys(command)[0];
        const definition = name === undefined ? undefined : Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
        if (!definition) throw new MongoServerError('CommandNotFound', `no such command: '${name ?? ''}'`);
        const db = command.$db;
        if (typeof db !== 'string' || db === '') throw new MongoServerError('InvalidNamespace', "a command needs a '$db' string");
        const base = { engine: deps.engine, sessions: deps.sessions, cursors: deps.cursors, identity: deps.identity, connectionId, db };
        if (SESSION_CONTROL.has(definition)) {
          return await definition.run(command, { ...base, access: new CommittedAccess(deps.engine), inTransaction: false });
        }
        const execution = deps.sessions.executionFor(command, definition.isWrite === true);
        if (execution.kind === 'retryable' && execution.earlierAttempt) return await execution.earlierAttempt;
        if (execution.kind === 'transaction') {
          abortTransaction = () => execution.transaction.abort();
          if (!definition.inTransaction) {
            throw new MongoServerError('OperationNotSupportedInTransaction', `Cannot run '${name}' in a multi-document transaction.`);
          }
          execution.transaction.ensureUsable();
        }
        const running = Promise.resolve(
          definition.run(command, { ...base, access: execution.access, inTransaction: execution.kind === 'transaction' }),
        );
        if (execution.kind === 'retryable') execution.remember(running);
        const reply = await running;
        if (reply.writeErrors) abortTransaction?.();
        return reply;
      } catch (error) {
        abortTransaction?.();
        if (error instanceof MongoServerError) return error.toReply();
        deps.log(`devdb: internal error running ${JSON.stringify(Object.keys(command)[0])}: ${(error as Error).stack ?? String(error)}`);
        return { ok: 0, code: 1, codeName: codeNameOf(1), errmsg: `devdb internal error: ${(error as Error).message}` };
      }
    },
  };
}
