import type { Document } from 'bson';
import { MongoServerError, notSupported } from '../errors.ts';
import type { JournalOp } from '../persistence/types.ts';
import { compileFilter } from '../query/index.ts';
import type { Collection } from '../storage/collection.ts';
import { sameIndexOptions, sameKeyPattern, validateIndexSpec, type IndexSpec } from '../storage/index.ts';
import { isPlainDocument } from '../values/bson-values.ts';
import {
  optionalBoolean,
  optionalDocument,
  rejectCollation,
  requireArray,
  targetCollection,
  type CommandContext,
  type CommandDefinition,
} from './context.ts';

const UNSUPPORTED_CREATE_OPTIONS = [
  'capped',
  'size',
  'max',
  'timeseries',
  'clusteredIndex',
  'viewOn',
  'pipeline',
  'validator',
  'validationLevel',
  'validationAction',
  'changeStreamPreAndPostImages',
  'encryptedFields',
  'storageEngine',
];

function namespaceNotFound(ctx: CommandContext, name: string): MongoServerError {
  return new MongoServerError('NamespaceNotFound', `ns does not exist: ${ctx.db}.${name}`);
}

export const create: CommandDefinition = {
  async run(command, ctx) {
    const name = targetCollection(command, 'create');
    rejectCollation(command);
    for (const option of UNSUPPORTED_CREATE_OPTIONS)
      if (command[option] !== undefined && command[option] !== false) throw notSupported(`create option '${option}'`);
    if (ctx.engine.collection(ctx.db, name)) throw new MongoServerError('NamespaceExists', `Collection ${ctx.db}.${name} already exists.`);
    const ops: JournalOp[] = [];
    ctx.engine.ensureCollection(ctx.db, name, ops);
    await ctx.engine.persist(ops);
    return { ok: 1 };
  },
};

export const drop: CommandDefinition = {
  async run(command, ctx) {
    const name = targetCollection(command, 'drop');
    const coll = ctx.engine.collection(ctx.db, name);
    const ops: JournalOp[] = [];
    if (!coll || !ctx.engine.dropCollection(ctx.db, name, ops)) return { ok: 1 };
    await ctx.engine.persist(ops);
    return { nIndexesWas: coll.indexSpecs.length, ns: coll.ns, ok: 1 };
  },
};

export const dropDatabase: CommandDefinition = {
  async run(_command, ctx) {
    const ops: JournalOp[] = [];
    ctx.engine.dropDatabase(ctx.db, ops);
    await ctx.engine.persist(ops);
    return { dropped: ctx.db, ok: 1 };
  },
};

export const listCollections: CommandDefinition = {
  run(command, ctx) {
    const filter = optionalDocument(command, 'filter');
    const matches = filter ? compileFilter(filter) : () => true;
    const nameOnly = optionalBoolean(command, 'nameOnly') ?? false;
    const infos = ctx.engine
      .collections(ctx.db)
      .map((coll) =>
        nameOnly
          ? { name: coll.name, type: 'collection' }
          : { name: coll.name, type: 'collection', options: coll.options, info: { readOnly: false }, idIndex: coll.indexSpecs[0] },
      )
      .filter(matches);
    const cursorOptions = optionalDocument(command, 'cursor') ?? {};
    return { cursor: ctx.cursors.open(`${ctx.db}.$cmd.listCollections`, infos, { batchSize: cursorOptions.batchSize }), ok: 1 };
  },
};

export const listDatabases: CommandDefinition = {
  run(command, ctx) {
    const filter = optionalDocument(command, 'filter');
    const matches = filter ? compileFilter(filter) : () => true;
    const databases = ctx.engine
      .databaseNames()
      .map((name) => ({ name, sizeOnDisk: 0, empty: ctx.engine.collections(name).every((coll) => coll.size === 0) }))
      .filter(matches);
    if (optionalBoolean(command, 'nameOnly')) return { databases: databases.map(({ name }) => ({ name })), ok: 1 };
    return { databases, totalSize: 0, ok: 1 };
  },
};

export const createIndexes: CommandDefinition = {
  async run(command, ctx) {
    const name = targetCollection(command, 'createIndexes');
    const specs = requireArray(command, 'indexes').map(validateIndexSpec);
    if (specs.length === 0) throw new MongoServerError('BadValue', 'Must specify at least one index to create');
    const ops: JournalOp[] = [];
    const existed = ctx.engine.collection(ctx.db, name);
    const coll = ctx.engine.ensureCollection(ctx.db, name, ops);
    const before = coll.indexSpecs.length;
    try {
      for (const spec of specs) {
        if (isExistingIndex(coll, spec)) continue;
        coll.addIndex(spec);
        ops.push({ op: 'createIndex', db: ctx.db, coll: name, spec });
      }
    } finally {
      await ctx.engine.persist(ops);
    }
    const reply: Document = {
      numIndexesBefore: before,
      numIndexesAfter: coll.indexSpecs.length,
      createdCollectionAutomatically: !existed,
      ok: 1,
    };
    if (reply.numIndexesAfter === before) reply.note = 'all indexes already exist';
    return reply;
  },
};

/** True when an identical index exists; throws when the name or key pattern is taken differently. */
function isExistingIndex(coll: Collection, spec: IndexSpec): boolean {
  for (const existing of coll.indexSpecs) {
    const sameName = existing.name === spec.name;
    const sameKey = sameKeyPattern(existing.key, spec.key);
    if (sameName && sameKey && (existing.name === '_id_' || sameIndexOptions(existing, spec))) return true;
    if (sameName && !sameKey) {
      throw new MongoServerError(
        'IndexKeySpecsConflict',
        `An existing index has the same name as the requested index but a different key. Requested: ${spec.name}`,
      );
    }
    if (sameName || sameKey) {
      throw new MongoServerError(
        'IndexOptionsConflict',
        sameName
          ? `An existing index has the same name as the requested index but different options: ${spec.name}`
          : `Index already exists with a different name: ${existing.name}`,
      );
    }
  }
  return false;
}

export const listIndexes: CommandDefinition = {
  run(command, ctx) {
    const name = targetCollection(command, 'listIndexes');
    const coll = ctx.engine.collection(ctx.db, name);
    if (!coll) throw namespaceNotFound(ctx, name);
    const cursorOptions = optionalDocument(command, 'cursor') ?? {};
    return { cursor: ctx.cursors.open(coll.ns, coll.indexSpecs, { batchSize: cursorOptions.batchSize }), ok: 1 };
  },
};

export const dropIndexes: CommandDefinition = {
  async run(command, ctx) {
    const name = targetCollection(command, Object.keys(command)[0]);
    const coll = ctx.engine.collection(ctx.db, name);
    if (!coll) throw namespaceNotFound(ctx, name);
    ctx.engine.assertWritable();
    const nIndexesWas = coll.indexSpecs.length;
    const names = indexNamesToDrop(coll, command.index);
    const ops: JournalOp[] = [];
    for (const indexName of names) {
      coll.dropIndex(indexName);
      ops.push({ op: 'dropIndex', db: ctx.db, coll: name, name: indexName });
    }
    await ctx.engine.persist(ops);
    return { nIndexesWas, ok: 1 };
  },
};

function indexNamesToDrop(coll: Collection, which: unknown): string[] {
  if (which === '*') return [...coll.indexes.keys()];
  const requested = Array.isArray(which) ? which : [which];
  return requested.map((entry) => {
    if (entry === '_id_') throw new MongoServerError('InvalidOptions', 'cannot drop _id index');
    const found = coll.indexSpecs.find((spec) =>
      typeof entry === 'string' ? spec.name === entry : isPlainDocument(entry) && sameKeyPattern(spec.key, entry),
    );
    if (!found)
      throw new MongoServerError(
        'IndexNotFound',
        `index not found with name [${typeof entry === 'string' ? entry : JSON.stringify(entry)}]`,
      );
    if (found.name === '_id_') throw new MongoServerError('InvalidOptions', 'cannot drop _id index');
    return found.name;
  });
}
