import type { Document } from 'bson';
import { MongoServerError } from '../errors.ts';
import { applyUpdate, compileProjection, compileSort, upsertSeed } from '../query/index.ts';
import type { StoredDocument } from '../storage/access.ts';
import { documentKey } from '../storage/collection.ts';
import { isPlainDocument, valuesEqual } from '../values/bson-values.ts';
import {
  optionalBoolean,
  optionalDocument,
  rejectCollation,
  requireArray,
  targetCollection,
  type CommandContext,
  type CommandDefinition,
} from './context.ts';
import { checkSize, prepareForStorage } from './documents.ts';

/**
 * Runs each statement of a write command; statement errors become `writeErrors` (an ordered
 * command stops at the first), and whatever succeeded is made durable before the reply.
 */
async function runStatements(
  ctx: CommandContext,
  command: Document,
  field: string,
  runOne: (statement: unknown, index: number) => void,
): Promise<Document[]> {
  const statements = requireArray(command, field);
  const ordered = optionalBoolean(command, 'ordered') ?? true;
  const writeErrors: Document[] = [];
  for (let i = 0; i < statements.length; i++) {
    try {
      runOne(statements[i], i);
    } catch (error) {
      if (!(error instanceof MongoServerError) || (ctx.inTransaction && error.errorLabels.length > 0)) {
        await ctx.access.finish();
        throw error;
      }
      writeErrors.push(error.toWriteError(i));
      if (ordered || ctx.inTransaction) break;
    }
  }
  await ctx.access.finish();
  return writeErrors;
}

function withWriteErrors(reply: Document, writeErrors: Document[]): Document {
  if (writeErrors.length > 0) reply.writeErrors = writeErrors;
  return reply;
}

function requireStatement(statement: unknown, kind: string): Document {
  if (!isPlainDocument(statement)) throw new MongoServerError('FailedToParse', `${kind} statement must be an object`);
  return statement;
}

export const insert: CommandDefinition = {
  isWrite: true,
  inTransaction: true,
  async run(command, ctx) {
    const name = targetCollection(command, 'insert');
    let n = 0;
    const writeErrors = await runStatements(ctx, command, 'documents', (raw) => {
      insertDocument(ctx, name, raw);
      n++;
    });
    return withWriteErrors({ n, ok: 1 }, writeErrors);
  },
};

interface UpdateSpec {
  query: Document;
  update: Document | Document[];
  arrayFilters?: Document[];
}

function parseUpdate(query: unknown, update: unknown, arrayFilters: unknown): UpdateSpec {
  if (!isPlainDocument(query)) throw new MongoServerError('TypeMismatch', 'the query (q) must be an object');
  if (!isPlainDocument(update) && !Array.isArray(update)) {
    throw new MongoServerError('FailedToParse', 'the update (u) must be an object or an aggregation pipeline');
  }
  if (arrayFilters !== undefined && !(Array.isArray(arrayFilters) && arrayFilters.every(isPlainDocument))) {
    throw new MongoServerError('TypeMismatch', 'arrayFilters must be an array of objects');
  }
  return { query, update, arrayFilters: arrayFilters as Document[] | undefined };
}

function isReplacement(update: Document | Document[]): boolean {
  return !Array.isArray(update) && !Object.keys(update).some((key) => key.startsWith('$'));
}

/** Stores a new document (an `_id` is generated when missing); a taken `_id` is a duplicate key. */
function insertDocument(ctx: CommandContext, name: string, raw: unknown): Document {
  const doc = prepareForStorage(raw);
  const coll = ctx.access.collectionForWrite(ctx.db, name);
  const key = documentKey(doc._id);
  if (ctx.access.get(coll, key)) throw coll.duplicateIdError(doc._id);
  ctx.access.put(coll, key, doc);
  return doc;
}

/** Applies an update to one stored document; returns the new version (stored only if it changed). */
function updateStored(ctx: CommandContext, name: string, target: StoredDocument, spec: UpdateSpec) {
  const { doc, modified } = applyUpdate(target.doc, spec.update, {
    isUpsertInsert: false,
    arrayFilters: spec.arrayFilters,
    query: spec.query,
  });
  if (modified) {
    if (!valuesEqual(doc._id, target.doc._id)) {
      throw new MongoServerError('ImmutableField', "Performing an update on the path '_id' would modify the immutable field '_id'");
    }
    checkSize(doc);
    ctx.access.put(ctx.access.collectionForWrite(ctx.db, name), target.key, doc);
  }
  return { doc, modified };
}

/** The document an upsert inserts: the filter's equalities, then the update (or the replacement). */
function upsert(ctx: CommandContext, name: string, spec: UpdateSpec): Document {
  const seed = upsertSeed(spec.query);
  if (isReplacement(spec.update)) {
    const replacement = spec.update as Document;
    return insertDocument(
      ctx,
      name,
      replacement._id === undefined && seed._id !== undefined ? { _id: seed._id, ...replacement } : replacement,
    );
  }
  return insertDocument(
    ctx,
    name,
    applyUpdate(seed, spec.update, { isUpsertInsert: true, arrayFilters: spec.arrayFilters, query: spec.query }).doc,
  );
}

export const update: CommandDefinition = {
  isWrite: true,
  inTransaction: true,
  async run(command, ctx) {
    const name = targetCollection(command, 'update');
    let n = 0;
    let nModified = 0;
    const upserted: Document[] = [];
    const writeErrors = await runStatements(ctx, command, 'updates', (raw, index) => {
      const statement = requireStatement(raw, 'update');
      rejectCollation(statement);
      const spec = parseUpdate(statement.q, statement.u, statement.arrayFilters);
      const multi = optionalBoolean(statement, 'multi') ?? false;
      if (multi && isReplacement(spec.update)) {
        throw new MongoServerError('FailedToParse', 'multi update is not supported for replacement-style update');
      }
      const targets = ctx.access.find(ctx.access.collection(ctx.db, name), spec.query, multi ? undefined : 1);
      for (const target of targets) {
        if (updateStored(ctx, name, target, spec).modified) nModified++;
        n++;
      }
      if (targets.length === 0 && optionalBoolean(statement, 'upsert')) {
        const doc = upsert(ctx, name, spec);
        n++;
        upserted.push({ index, _id: doc._id });
      }
    });
    const reply: Document = { n, nModified, ok: 1 };
    if (upserted.length > 0) reply.upserted = upserted;
    return withWriteErrors(reply, writeErrors);
  },
};

export const del: CommandDefinition = {
  isWrite: true,
  inTransaction: true,
  async run(command, ctx) {
    const name = targetCollection(command, 'delete');
    let n = 0;
    const writeErrors = await runStatements(ctx, command, 'deletes', (raw) => {
      const statement = requireStatement(raw, 'delete');
      rejectCollation(statement);
      if (!isPlainDocument(statement.q)) throw new MongoServerError('TypeMismatch', 'the query (q) must be an object');
      const limit = statement.limit ?? 0;
      if (limit !== 0 && limit !== 1)
        throw new MongoServerError('FailedToParse', `The limit field in delete objects must be 0 or 1. Got ${String(limit)}`);
      const coll = ctx.access.collection(ctx.db, name);
      if (!coll) return;
      for (const target of ctx.access.find(coll, statement.q, limit === 1 ? 1 : undefined)) {
        ctx.access.remove(coll, target.key);
        n++;
      }
    });
    return withWriteErrors({ n, ok: 1 }, writeErrors);
  },
};

export const findAndModify: CommandDefinition = {
  isWrite: true,
  inTransaction: true,
  async run(command, ctx) {
    const name = targetCollection(command, Object.keys(command)[0]);
    rejectCollation(command);
    const query = optionalDocument(command, 'query') ?? {};
    const sort = optionalDocument(command, 'sort');
    const fields = optionalDocument(command, 'fields');
    const remove = optionalBoolean(command, 'remove') ?? false;
    const returnNew = optionalBoolean(command, 'new') ?? false;
    const wantsUpsert = optionalBoolean(command, 'upsert') ?? false;
    if (remove && (command.update !== undefined || returnNew || wantsUpsert)) {
      throw new MongoServerError('FailedToParse', 'Cannot specify both an update and remove=true, nor new or upsert with remove');
    }
    if (!remove && command.update === undefined)
      throw new MongoServerError('FailedToParse', 'Either an update or remove=true must be specified');
    const project = fields ? compileProjection(fields) : (doc: Document) => doc;
    const matches = ctx.access.find(ctx.access.collection(ctx.db, name), query, sort ? undefined : 1);
    if (sort) {
      const order = compileSort(sort);
      matches.sort((a, b) => order(a.doc, b.doc));
    }
    const target = matches[0];
    let value: Document | null = null;
    let lastErrorObject: Document;
    try {
      if (remove) {
        if (target) ctx.access.remove(ctx.access.collectionForWrite(ctx.db, name), target.key);
        value = target?.doc ?? null;
        lastErrorObject = { n: target ? 1 : 0 };
      } else {
        const spec = parseUpdate(query, command.update, command.arrayFilters);
        if (target) {
          const { doc } = updateStored(ctx, name, target, spec);
          value = returnNew ? doc : target.doc;
          lastErrorObject = { n: 1, updatedExisting: true };
        } else if (wantsUpsert) {
          const doc = upsert(ctx, name, spec);
          value = returnNew ? doc : null;
          lastErrorObject = { n: 1, updatedExisting: false, upserted: doc._id };
        } else {
          lastErrorObject = { n: 0, updatedExisting: false };
        }
      }
    } finally {
      await ctx.access.finish();
    }
    return { lastErrorObject, value: value ? project(value, query) : null, ok: 1 };
  },
};
