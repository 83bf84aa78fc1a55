import type { Document } from 'bson';
import { badValue, MongoServerError } from '../errors.ts';
import { cloneValue, isPlainDocument, valuesEqual } from '../values/bson-values.ts';
import { formatValue, typeNameOf } from '../values/bson-format.ts';
import { identicalValues } from './identical.ts';
import { withIdFirst } from './paths.ts';
import { runUpdatePipeline } from './pipeline.ts';
import { positionalIndex } from './positional.ts';
import { applyRename, UPDATE_OPERATORS } from './update-operators.ts';
import { ArrayFilters, comparePaths, expandPositional, isPositionalPart, parseUpdatePath, rejectConflicts } from './update-paths.ts';

export interface UpdateOptions {
  /** True when the update builds the document an upsert inserts ($setOnInsert applies only then). */
  isUpsertInsert: boolean;
  arrayFilters?: Document[];
  /** The query that selected the document (for the positional `$`). */
  query?: Document;
}

export interface UpdateResult {
  doc: Document;
  /** False when the update left the document exactly as it was. */
  modified: boolean;
}

/**
 * Applies an update — operators, a replacement document, or a pipeline — the way MongoDB does,
 * to a copy: the input document is never modified.
 */
export function applyUpdate(doc: Document, update: Document | Document[], options: UpdateOptions): UpdateResult {
  let result: Document;
  if (Array.isArray(update)) result = pipelineUpdate(doc, update);
  else if (!isPlainDocument(update)) throw new MongoServerError('FailedToParse', 'Update argument must be either an object or an array');
  else if (Object.keys(update)[0]?.startsWith('$')) result = operatorUpdate(doc, update, options);
  else result = replacementUpdate(doc, update);
  return { doc: result, modified: !identicalValues(doc, result) };
}

function idAlteredError(newId: unknown): MongoServerError {
  return new MongoServerError(
    'ImmutableField',
    `After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${formatValue(newId)}`,
  );
}

/** A replacement keeps the original `_id` (first) and may only repeat it. */
function replacementUpdate(doc: Document, replacement: Document): Document {
  for (const key of Object.keys(replacement)) {
    if (key.startsWith('$')) {
      throw new MongoServerError(
        'DollarPrefixedFieldName',
        `The dollar ($) prefixed field '${key}' in '${key}' is not allowed in the context of an update's replacement document. Consider using an aggregation pipeline with $replaceWith.`,
      );
    }
  }
  const out = cloneValue(replacement);
  if (Object.hasOwn(doc, '_id')) {
    if (Object.hasOwn(out, '_id') && !valuesEqual(out._id, doc._id)) throw idAlteredError(out._id);
    out._id = cloneValue(doc._id);
  }
  return withIdFirst(out);
}

/** A pipeline update; a result without `_id` gets the original one back. */
function pipelineUpdate(doc: Document, pipeline: Document[]): Document {
  const out = runUpdatePipeline(doc, pipeline);
  if (Object.hasOwn(doc, '_id')) {
    if (!Object.hasOwn(out, '_id')) out._id = cloneValue(doc._id);
    else if (!valuesEqual(out._id, doc._id)) throw idAlteredError(out._id);
  }
  return withIdFirst(out);
}

interface UpdateEntry {
  op: string;
  parts: string[];
  /** The argument as the operator's `prepare` returned it. */
  prepared: unknown;
  /** For $rename, the source path (`parts` is the destination). */
  from?: string[];
}

const UNKNOWN_MODIFIER = (name: string) =>
  new MongoServerError(
    'FailedToParse',
    `Unknown modifier: ${name}. Expected a valid update modifier or pipeline-style update specified as an array`,
  );

function parseOperators(update: Document): UpdateEntry[] {
  const entries: UpdateEntry[] = [];
  for (const op of Object.keys(update)) {
    if (op !== '$rename' && !Object.hasOwn(UPDATE_OPERATORS, op)) throw UNKNOWN_MODIFIER(op);
    const fields = update[op];
    if (!isPlainDocument(fields)) {
      throw new MongoServerError(
        'FailedToParse',
        `Modifiers operate on fields but we found type ${typeNameOf(fields)} instead. For example: {$mod: {<field>: ...}} not {${op}: ${formatValue(fields)}}`,
      );
    }
    for (const path of Object.keys(fields)) {
      const parts = parseUpdatePath(path);
      if (op === '$rename') {
        entries.push(renameEntry(path, parts, fields[path]));
        continue;
      }
      const prepare = UPDATE_OPERATORS[op].prepare;
      entries.push({ op, parts, prepared: prepare ? prepare(fields[path], path) : fields[path] });
    }
  }
  return entries;
}

function renameEntry(path: string, from: string[], target: unknown): UpdateEntry {
  if (typeof target !== 'string') throw badValue(`The 'to' field for $rename must be a string: ${path}: ${formatValue(target)}`);
  const to = parseUpdatePath(target);
  if (from.some(isPositionalPart)) throw badValue(`The source field for $rename may not be dynamic: ${path}`);
  if (to.some(isPositionalPart)) throw badValue(`The destination field for $rename may not be dynamic: ${target}`);
  const shorter = Math.min(from.length, to.length);
  if (from.slice(0, shorter).every((part, i) => part === to[i])) {
    throw badValue(`The source and target field for $rename must not be on the same path: ${path}: ${formatValue(target)}`);
  }
  return { op: '$rename', parts: to, prepared: target, from };
}

function operatorUpdate(doc: Document, update: Document, options: UpdateOptions): Document {
  const entries = parseOperators(update);
  const declaredPaths = entries.flatMap((entry) => (entry.from ? [entry.from, entry.parts] : [entry.parts]));
  rejectConflicts(declaredPaths, (path, at) => `Updating the path '${path}' would create a conflict at '${at}'`);
  const arrayFilters = new ArrayFilters(options.arrayFilters ?? []);
  arrayFilters.requireAllUsed(declaredPaths, update);

  // Positional paths resolve against the document as matched; conflicts forbid an update from
  // changing an array that another of its paths iterates.
  const resolver = { matchedIndex: (arrayPath: string[]) => positionalIndex(doc, arrayPath, options.query), arrayFilters };
  const steps = entries
    .filter((entry) => entry.op !== '$setOnInsert' || options.isUpsertInsert)
    .flatMap((entry) => expandPositional(doc, entry.parts, resolver).map((parts) => ({ ...entry, parts })));
  rejectConflicts(
    steps.map((step) => step.parts),
    (path) => `Update created a conflict at '${path}'`,
  );
  steps.sort((a, b) => comparePaths(a.parts, b.parts));

  const out = cloneValue(doc);
  const env = { original: doc, now: new Date() };
  for (const step of steps) {
    if (step.from) applyRename(out, step.from, step.parts);
    else UPDATE_OPERATORS[step.op].apply(out, step.parts, step.prepared, env);
  }
  if (Object.hasOwn(doc, '_id') && !(Object.hasOwn(out, '_id') && valuesEqual(out._id, doc._id))) {
    throw new MongoServerError('ImmutableField', "Performing an update on the path '_id' would modify the immutable field '_id'");
  }
  return out;
}
