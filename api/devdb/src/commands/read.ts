import type { Document } from 'bson';
import { Long } from 'bson';
import { MongoServerError, notSupported } from '../errors.ts';
import { compileProjection, compileSort, runPipeline } from '../query/index.ts';
import { indexValuesAtPath } from '../storage/paths.ts';
import { indexKeyOf, compareValues, isPlainDocument } from '../values/bson-values.ts';
import {
  optionalBoolean,
  optionalDocument,
  optionalInteger,
  rejectCollation,
  targetCollection,
  type CommandContext,
  type CommandDefinition,
} from './context.ts';

const UNSUPPORTED_FIND_OPTIONS = ['tailable', 'awaitData', 'min', 'max', 'returnKey', 'showRecordId', 'oplogReplay'];

function matching(ctx: CommandContext, name: string, filter: Document, limit?: number): Document[] {
  return ctx.access.find(ctx.access.collection(ctx.db, name), filter, limit).map((stored) => stored.doc);
}

export const find: CommandDefinition = {
  inTransaction: true,
  run(command, ctx) {
    const name = targetCollection(command, 'find');
    rejectCollation(command);
    for (const option of UNSUPPORTED_FIND_OPTIONS) if (command[option]) throw notSupported(`find option '${option}'`);
    const filter = optionalDocument(command, 'filter') ?? {};
    const sort = optionalDocument(command, 'sort');
    const projection = optionalDocument(command, 'projection');
    const skip = optionalInteger(command, 'skip', { min: 0 }) ?? 0;
    const rawLimit = optionalInteger(command, 'limit') ?? 0;
    const batchSize = optionalInteger(command, 'batchSize', { min: 0 });
    let singleBatch = optionalBoolean(command, 'singleBatch') ?? false;
    if (rawLimit < 0) singleBatch = true;
    const limit = Math.abs(rawLimit);
    const sorted = sort !== undefined && Object.keys(sort).length > 0;
    // Without a sort the scan can stop once skip + limit documents matched.
    let docs = matching(ctx, name, filter, !sorted && limit > 0 ? skip + limit : undefined);
    if (sorted) docs.sort(compileSort(sort));
    if (skip > 0 || limit > 0) docs = docs.slice(skip, limit > 0 ? skip + limit : undefined);
    if (projection && Object.keys(projection).length > 0) {
      const project = compileProjection(projection);
      docs = docs.map((doc) => project(doc, filter));
    }
    const cursor = ctx.cursors.open(`${ctx.db}.${name}`, docs, {
      batchSize,
      singleBatch,
      noTimeout: optionalBoolean(command, 'noCursorTimeout'),
    });
    return { cursor, ok: 1 };
  },
};

/** A cursor id as the driver sends it (a Long, or a number once promoted); null if it is not one. */
function cursorId(raw: unknown): bigint | null {
  if (raw instanceof Long) return raw.toBigInt();
  if (typeof raw === 'number' && Number.isSafeInteger(raw)) return BigInt(raw);
  return null;
}

export const getMore: CommandDefinition = {
  inTransaction: true,
  run(command, ctx) {
    const id = cursorId(command.getMore);
    if (id === null) throw new MongoServerError('TypeMismatch', "BSON field 'getMore' must be a cursor id (long)");
    if (typeof command.collection !== 'string') throw new MongoServerError('TypeMismatch', "BSON field 'collection' must be a string");
    const batchSize = optionalInteger(command, 'batchSize', { min: 0 });
    return { cursor: ctx.cursors.getMore(id, `${ctx.db}.${command.collection}`, batchSize), ok: 1 };
  },
};

export const killCursors: CommandDefinition = {
  inTransaction: true,
  run(command, ctx) {
    targetCollection(command, 'killCursors');
    const ids = Array.isArray(command.cursors) ? command.cursors : null;
    if (!ids) throw new MongoServerError('TypeMismatch', "BSON field 'cursors' must be an array of cursor ids");
    const parsed = ids.map((raw: unknown) => {
      const id = cursorId(raw);
      if (id === null) throw new MongoServerError('TypeMismatch', "BSON field 'cursors' must contain cursor ids (long)");
      return id;
    });
    return { ...ctx.cursors.kill(parsed), cursorsAlive: [], cursorsUnknown: [], ok: 1 };
  },
};

export const count: CommandDefinition = {
  run(command, ctx) {
    const name = targetCollection(command, 'count');
    rejectCollation(command);
    const query = optionalDocument(command, 'query') ?? {};
    const skip = optionalInteger(command, 'skip', { min: 0 }) ?? 0;
    const limit = Math.abs(optionalInteger(command, 'limit') ?? 0);
    let n = Math.max(0, matching(ctx, name, query).length - skip);
    if (limit > 0) n = Math.min(n, limit);
    return { n, ok: 1 };
  },
};

export const distinct: CommandDefinition = {
  inTransaction: true,
  run(command, ctx) {
    const name = targetCollection(command, 'distinct');
    rejectCollation(command);
    if (typeof command.key !== 'string' || command.key === '')
      throw new MongoServerError('TypeMismatch', "BSON field 'key' must be a non-empty string");
    const path = command.key.split('.');
    const seen = new Map<string, unknown>();
    for (const doc of matching(ctx, name, optionalDocument(command, 'query') ?? {})) {
      for (const value of indexValuesAtPath(doc, path, 'skip').values) {
        const key = indexKeyOf(value);
        if (!seen.has(key)) seen.set(key, value);
      }
    }
    return { values: [...seen.values()].sort(compareValues), ok: 1 };
  },
};

export const aggregate: CommandDefinition = {
  inTransaction: true,
  run(command, ctx) {
    if (command.aggregate === 1) throw notSupported('Collection-less aggregate (aggregate: 1)');
    const name = targetCollection(command, 'aggregate');
    rejectCollation(command);
    if (command.explain) throw notSupported('explain');
    if (!Array.isArray(command.pipeline) || !command.pipeline.every(isPlainDocument)) {
      throw new MongoServerError('TypeMismatch', "'pipeline' option must be specified as an array of objects");
    }
    const cursorOptions = optionalDocument(command, 'cursor');
    if (!cursorOptions)
      throw new MongoServerError('FailedToParse', "The 'cursor' option is required, except for aggregate with the explain argument");
    const pipeline = command.pipeline as Document[];
    // A leading $match also selects the input through the collection's indexes; the pipeline still
    // runs it (and validates the stage), which is cheap on documents that already match.
    const leadingMatch = pipeline[0]?.$match;
    const input = matching(ctx, name, isPlainDocument(leadingMatch) && Object.keys(pipeline[0]).length === 1 ? leadingMatch : {});
    const resolved = new Map<string, Document[]>();
    const docs = runPipeline(input, pipeline, {
      resolveCollection: (other) => {
        let docsOfOther = resolved.get(other);
        if (!docsOfOther) {
          docsOfOther = matching(ctx, other, {});
          resolved.set(other, docsOfOther);
        }
        return docsOfOther;
      },
      now: new Date(),
    });
    const cursor = ctx.cursors.open(`${ctx.db}.${name}`, docs, { batchSize: optionalInteger(cursorOptions, 'batchSize', { min: 0 }) });
    return { cursor, ok: 1 };
  },
};
