import type { Document } from 'bson';
import type { CursorRegistry } from '../cursors.ts';
import { MongoServerError, notSupported } from '../errors.ts';
import type { SessionRegistry } from '../sessions.ts';
import type { DataAccess } from '../storage/access.ts';
import type { Engine } from '../storage/engine.ts';
import { isPlainDocument } from '../values/bson-values.ts';

/** What the server knows about itself, for hello and buildInfo. */
export interface ServerIdentity {
  /** host:port exactly as clients name it in the connection string. */
  advertisedHost: string;
  replicaSetName: string;
  startedAt: Date;
  persistent: boolean;
}

export interface CommandContext {
  readonly engine: Engine;
  readonly sessions: SessionRegistry;
  readonly cursors: CursorRegistry;
  readonly identity: ServerIdentity;
  readonly connectionId: number;
  /** How this command reads and writes (committed state or its transaction). */
  readonly access: DataAccess;
  readonly db: string;
  readonly inTransaction: boolean;
}

export interface CommandDefinition {
  run(command: Document, ctx: CommandContext): Document | Promise<Document>;
  /** Writes take part in retryable-write de-duplication. */
  isWrite?: boolean;
  /** Allowed inside a multi-document transaction. */
  inTransaction?: boolean;
}

/** The collection name a command targets (the value of its first field). */
export function targetCollection(command: Document, name: string): string {
  const value = command[name];
  if (typeof value !== 'string' || value === '') {
    throw new MongoServerError('InvalidNamespace', `collection name has invalid type ${typeof value}; '${name}' needs a collection name`);
  }
  return value;
}

/** Reads an optional document field, rejecting other types with MongoDB's TypeMismatch. */
export function optionalDocument(command: Document, field: string): Document | undefined {
  const value = command[field];
  if (value === undefined || value === null) return undefined;
  if (!isPlainDocument(value)) {
    throw new MongoServerError('TypeMismatch', `BSON field '${field}' is the wrong type '${typeName(value)}', expected type 'object'`);
  }
  return value;
}

export function optionalInteger(command: Document, field: string, { min }: { min?: number } = {}): number | undefined {
  const value = command[field];
  if (value === undefined || value === null) return undefined;
  const number = typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : Number.NaN;
  if (!Number.isFinite(number) || !Number.isInteger(number)) {
    throw new MongoServerError('TypeMismatch', `BSON field '${field}' is the wrong type '${typeName(value)}', expected an integer`);
  }
  if (min !== undefined && number < min)
    throw new MongoServerError('BadValue', `BSON field '${field}' value must be >= ${min}, actual value '${number}'`);
  return number;
}

export function optionalBoolean(command: Document, field: string): boolean | undefined {
  const value = command[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  throw new MongoServerError('TypeMismatch', `BSON field '${field}' is the wrong type '${typeName(value)}', expected type 'bool'`);
}

export function requireArray(command: Document, field: string): unknown[] {
  const value = command[field];
  if (!Array.isArray(value)) {
    throw new MongoServerError('FailedToParse', `BSON field '${field}' is missing or not an array`);
  }
  return value;
}

export function rejectCollation(options: Document): void {
  if (options.collation !== undefined) throw notSupported('collation');
}

function typeName(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value;
}
