import type { Document } from 'bson';
import { MongoServerError } from './errors.ts';
import type { DataAccess } from './storage/access.ts';
import { CommittedAccess } from './storage/access.ts';
import type { Engine } from './storage/engine.ts';
import { noSuchTransaction, Transaction } from './storage/transaction.ts';
import { indexKeyOf, isPlainDocument } from './values/bson-values.ts';

/** MongoDB's logicalSessionTimeoutMinutes, advertised in hello. */
export const SESSION_TIMEOUT_MINUTES = 30;

interface ServerSession {
  lastUsed: number;
  /** Highest txnNumber seen (retryable writes and transactions share the counter). */
  txnNumber: number;
  transaction: Transaction | null;
  /**
   * The last retryable write, returned again when the driver retries it; a retry that arrives
   * while the first attempt still waits for the journal waits for that same reply.
   */
  retryReply: { txnNumber: number; reply: Promise<Document> } | null;
}

/** How a command must run, decided from its session fields. */
export type Execution =
  | { kind: 'plain'; access: DataAccess }
  | { kind: 'retryable'; access: DataAccess; earlierAttempt: Promise<Document> | null; remember: (reply: Promise<Document>) => void }
  | { kind: 'transaction'; access: DataAccess; transaction: Transaction };

/**
 * Server sessions: retryable-write de-duplication by (lsid, txnNumber) and the transaction each
 * session may have open. Idle sessions expire like MongoDB's, aborting their transaction.
 */
export class SessionRegistry {
  private readonly sessions = new Map<string, ServerSession>();
  private readonly engine: Engine;
  private readonly transactionLifetimeMs: number | undefined;

  constructor(engine: Engine, options: { transactionLifetimeMs?: number } = {}) {
    this.engine = engine;
    this.transactionLifetimeMs = options.transactionLifetimeMs;
  }

  /** Decides how `command` runs; throws for a transaction or txnNumber that is not valid. */
  executionFor(command: Document, isWrite: boolean): Execution {
    const lsid = command.lsid as Document | undefined;
    const txnNumber = command.txnNumber === undefined ? undefined : Number(command.txnNumber);
    if (!lsid || txnNumber === undefined) {
      if (command.autocommit !== undefined || command.startTransaction !== undefined) {
        throw new MongoServerError('InvalidOptions', 'Transactions need a session id (lsid) and a txnNumber');
      }
      return { kind: 'plain', access: new CommittedAccess(this.engine) };
    }
    if (!Number.isSafeInteger(txnNumber) || txnNumber < 0) {
      throw new MongoServerError('TypeMismatch', "BSON field 'txnNumber' must be a non-negative 64-bit integer");
    }
    const session = this.touch(lsid);
    if (command.autocommit === false) return { kind: 'transaction', ...this.transactionFor(session, txnNumber, command) };
    if (command.autocommit !== undefined) throw new MongoServerError('InvalidOptions', 'autocommit may only be false');
    if (txnNumber < session.txnNumber) {
      throw new MongoServerError(
        'TransactionTooOld',
        `Cannot start transaction ${txnNumber} on session because a newer transaction ${session.txnNumber} has already started`,
      );
    }
    if (session.transaction?.state === 'inProgress') session.transaction.abort();
    session.txnNumber = txnNumber;
    const access = new CommittedAccess(this.engine);
    if (!isWrite) return { kind: 'plain', access };
    const earlier = session.retryReply?.txnNumber === txnNumber ? session.retryReply.reply : null;
    return {
      kind: 'retryable',
      access,
      earlierAttempt: earlier,
      remember: (reply) => {
        const entry = { txnNumber, reply };
        session.retryReply = entry;
        // Only a successful write is answered again; after a failure the retry runs for real.
        const forget = () => {
          if (session.retryReply === entry) session.retryReply = null;
        };
        reply.then((settled) => settled.ok !== 1 && forget(), forget);
      },
    };
  }

  private transactionFor(session: ServerSession, txnNumber: number, command: Document): { access: DataAccess; transaction: Transaction } {
    if (command.startTransaction === true) {
      if (txnNumber <= session.txnNumber) {
        throw new MongoServerError(
          'TransactionTooOld',
          `Cannot start transaction ${txnNumber} on session because a newer transaction ${session.txnNumber} has already started`,
        );
      }
      session.transaction?.abort();
      session.txnNumber = txnNumber;
      session.transaction = new Transaction(this.engine, txnNumber, this.transactionLifetimeMs);
      return { access: session.transaction.access, transaction: session.transaction };
    }
    const transaction = session.transaction;
    if (!transaction || transaction.txnNumber !== txnNumber) throw noSuchTransaction(txnNumber);
    return { access: transaction.access, transaction };
  }

  /** The session's transaction for commitTransaction/abortTransaction. */
  transactionToFinish(command: Document): Transaction {
    const lsid = command.lsid as Document | undefined;
    if (!lsid || command.txnNumber === undefined || command.autocommit !== false) {
      throw new MongoServerError('InvalidOptions', 'commitTransaction/abortTransaction need lsid, txnNumber and autocommit: false');
    }
    const txnNumber = Number(command.txnNumber);
    const transaction = this.touch(lsid).transaction;
    if (!transaction || transaction.txnNumber !== txnNumber) throw noSuchTransaction(txnNumber);
    return transaction;
  }

  end(lsids: unknown[]): void {
    for (const key of lsids.map(sessionKey)) {
      this.sessions.get(key)?.transaction?.abort();
      this.sessions.delete(key);
    }
  }

  /** Aborts transactions past their lifetime and forgets idle sessions. */
  sweep(now = Date.now()): void {
    for (const [key, session] of this.sessions) {
      if (session.transaction?.state === 'inProgress' && session.transaction.expired) session.transaction.abort();
      if (now - session.lastUsed > SESSION_TIMEOUT_MINUTES * 60_000) {
        session.transaction?.abort();
        this.sessions.delete(key);
      }
    }
  }

  private touch(lsid: Document): ServerSession {
    const key = sessionKey(lsid);
    let session = this.sessions.get(key);
    if (!session) {
      session = { lastUsed: Date.now(), txnNumber: -1, transaction: null, retryReply: null };
      this.sessions.set(key, session);
    }
    session.lastUsed = Date.now();
    return session;
  }
}

function sessionKey(lsid: unknown): string {
  if (!isPlainDocument(lsid) || lsid.id === undefined)
    throw new MongoServerError('TypeMismatch', "a session id (lsid) must be a document with an 'id'");
  return indexKeyOf(lsid.id);
}
