import type { Document } from 'bson';
import { evalExpr, OpType } from 'mingo/core';
import { type Iterator, Lazy } from 'mingo/lazy';
import { $graphLookup as mingoGraphLookup, $lookup as mingoLookup } from 'mingo/operators/pipeline';
import { Query } from 'mingo/query';
import type { AnyObject, Options } from 'mingo/types';
import { badValue } from '../errors.ts';
import { compareValues, indexKeyOf, isPlainDocument, sameTypeBracket } from '../values/bson-values.ts';
import { formatValue } from '../values/bson-format.ts';
import { compareExpressionValues } from './expression-operators.ts';
import { canonicalFilter } from './filter-syntax.ts';
import { documentPathValue, valuesAtPath, withoutPath, withPathValue } from './paths.ts';
import { applyAddFields, applyProjection, parseAddFields, parseProjection, type ProjectionContext } from './projector.ts';
import { evaluate } from './evaluate.ts';
import { compileSort } from './sort.ts';

/**
 * Pipeline stages that replace mingo's, registered into its Context (so they also run inside
 * `$facet`, `$lookup` and `$unionWith` sub-pipelines). Each builds new documents rather than
 * writing into its input. Why each differs from mingo's:
 * - `$match`: MongoDB filter semantics and errors (filter-syntax.ts, query-operators.ts).
 * - `$sort`, `$sortByCount`, `$bucket`: BSON total order; mingo orders ObjectId, Long and mixed types wrongly.
 * - `$group`: groups by MongoDB equality (a missing `_id` is null; numbers of any type that are equal group together).
 * - `$project`, `$unset`, `$addFields`/`$set`: see projector.ts.
 * - `$unwind`: keeps non-array values such as "" and {} (mingo drops them) and removes an empty array's field.
 * - `$count`: emits nothing for no input (mingo emits a count of 0).
 * - `$sample`: draws without replacement (mingo can return a document twice).
 * - `$lookup` (localField/foreignField form): MongoDB equality (`foreignField $in localValues`), and
 *   joined documents in the foreign collection's order; forms with a pipeline are mingo's.
 * - `$graphLookup`: mingo's, with `restrictSearchWithMatch` validated and normalized like `$match`.
 */

type Stage = (collection: Iterator, spec: unknown, options: Options) => Iterator;
type AccumulatorFunction = (collection: unknown[], expr: unknown, options: Options) => unknown;

function projectionContext(options: Options): ProjectionContext {
  return { evaluate: (expr, root) => evalExpr(root, expr, options) };
}

const $match: Stage = (collection, spec, options) => {
  const query = new Query(canonicalFilter(spec), options);
  return collection.filter((doc: AnyObject) => query.test(doc));
};

const $sort: Stage = (collection, spec) => {
  if (!isPlainDocument(spec) || Object.keys(spec).length === 0) throw badValue('$sort stage must have at least one sort key');
  const compare = compileSort(spec);
  return collection.transform((docs: Document[]) => Lazy([...docs].sort(compare)));
};

interface OutputField {
  name: string;
  accumulate: AccumulatorFunction;
  expr: unknown;
}

/** Parses `{field: {$accumulator: expr}, ...}` (everything in a $group but `_id`). */
function outputFields(spec: Document, options: Options): OutputField[] {
  return Object.keys(spec)
    .filter((name) => name !== '_id')
    .map((name) => {
      if (name.includes('.')) throw badValue(`The field name '${name}' cannot contain '.'`);
      const accumulator = spec[name];
      if (!isPlainDocument(accumulator) || Object.keys(accumulator).length !== 1) {
        throw badValue(`The field '${name}' must be an accumulator object`);
      }
      const [op] = Object.keys(accumulator);
      const accumulate = options.context.getOperator(OpType.ACCUMULATOR, op) as AccumulatorFunction | null;
      if (!accumulate) throw badValue(`unknown group operator '${op}'`);
      return { name, accumulate, expr: accumulator[op] };
    });
}

/** A group key as MongoDB keeps it: missing is null, and missing fields of a key document are left out. */
function groupKey(value: unknown): unknown {
  if (value === undefined) return null;
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : groupKey(item)));
  if (!isPlainDocument(value)) return value;
  const out: Document = {};
  for (const key of Object.keys(value)) if (value[key] !== undefined) out[key] = groupKey(value[key]);
  return out;
}

interface Group {
  id: unknown;
  members: AnyObject[];
}

function addToGroup(groups: Map<string, Group>, id: unknown, doc: AnyObject): void {
  const key = indexKeyOf(id);
  const group = groups.get(key);
  if (group) group.members.push(doc);
  else groups.set(key, { id, members: [doc] });
}

function groupDocuments(groups: Iterable<Group>, fields: OutputField[], options: Options): Document[] {
  return [...groups].map(({ id, members }) => {
    const out: Document = { _id: id };
    for (const field of fields) out[field.name] = field.accumulate(members, field.expr, options);
    return out;
  });
}

const $group: Stage = (collection, spec, options) => {
  if (!isPlainDocument(spec)) throw badValue("a group's fields must be specified in an object");
  if (!Object.hasOwn(spec, '_id')) throw badValue('a group specification must include an _id');
  const fields = outputFields(spec, options);
  return collection.transform((docs: AnyObject[]) => {
    const groups = new Map<string, Group>();
    for (const doc of docs) addToGroup(groups, groupKey(evaluate(doc, spec._id, options)), doc);
    return Lazy(groupDocuments(groups.values(), fields, options));
  });
};

const $project: Stage = (collection, spec, options) => {
  if (!isPlainDocument(spec)) throw badValue('$project specification must be an object');
  const plan = parseProjection(spec, { find: false });
  const context = projectionContext(options);
  return plan ? collection.map((doc: Document) => applyProjection(plan, doc, context)) : collection;
};

const $unset: Stage = (collection, spec, options) => {
  const fields = typeof spec === 'string' ? [spec] : spec;
  if (!Array.isArray(fields) || fields.length === 0 || !fields.every((field) => typeof field === 'string')) {
    throw badValue('$unset specification must be a string or an array of strings');
  }
  return $project(collection, Object.fromEntries(fields.map((field) => [field, 0])), options);
};

const $addFields: Stage = (collection, spec, options) => {
  if (!isPlainDocument(spec) || Object.keys(spec).length === 0) throw badValue('$addFields/$set specification must be a non-empty object');
  const tree = parseAddFields(spec);
  const context = projectionContext(options);
  return collection.map((doc: Document) => applyAddFields(tree, doc, context));
};

function fieldPath(value: unknown, stage: string, option: string): string[] {
  if (typeof value !== 'string' || !value.startsWith('$') || value.length < 2) {
    throw badValue(`${option} option to ${stage} stage should be prefixed with a '$': ${formatValue(value)}`);
  }
  return value.slice(1).split('.');
}

const $unwind: Stage = (collection, spec) => {
  const options = typeof spec === 'string' ? { path: spec } : spec;
  if (!isPlainDocument(options))
    throw badValue(`expected either a string or an object as specification for $unwind stage, got ${formatValue(spec)}`);
  for (const key of Object.keys(options)) {
    if (!['path', 'includeArrayIndex', 'preserveNullAndEmptyArrays'].includes(key))
      throw badValue(`unrecognized option to $unwind stage: ${key}`);
  }
  const path = fieldPath(options.path, '$unwind', 'path');
  const { includeArrayIndex, preserveNullAndEmptyArrays } = options;
  if (
    includeArrayIndex !== undefined &&
    (typeof includeArrayIndex !== 'string' || includeArrayIndex === '' || includeArrayIndex.startsWith('$'))
  ) {
    throw badValue("includeArrayIndex option to $unwind stage should be a non-empty string not starting with '$'");
  }
  if (preserveNullAndEmptyArrays !== undefined && typeof preserveNullAndEmptyArrays !== 'boolean') {
    throw badValue('expected a boolean for the preserveNullAndEmptyArrays option to $unwind stage');
  }
  const indexPath = typeof includeArrayIndex === 'string' ? includeArrayIndex.split('.') : undefined;
  const withIndex = (doc: Document, index: number | null) => (indexPath ? withPathValue(doc, indexPath, index) : doc);
  const unwindOne = (doc: Document): Document[] => {
    const value = documentPathValue(doc, path);
    if (Array.isArray(value)) {
      if (value.length > 0) return value.map((element, i) => withIndex(withPathValue(doc, path, element), i));
      return preserveNullAndEmptyArrays ? [withIndex(withoutPath(doc, path), null)] : [];
    }
    if (value === null || value === undefined) return preserveNullAndEmptyArrays ? [withIndex(doc, null)] : [];
    return [withIndex(doc, null)];
  };
  return collection.transform((docs: Document[]) => Lazy(docs.flatMap(unwindOne)));
};

const $count: Stage = (collection, name) => {
  if (typeof name !== 'string' || name === '' || name.startsWith('$') || name.includes('.') || name.includes('\0')) {
    throw badValue('the count field must be a non-empty string that does not start with $ or contain a .');
  }
  return collection.transform((docs: unknown[]) => Lazy(docs.length === 0 ? [] : [{ [name]: docs.length }]));
};

const $sortByCount: Stage = (collection, expr, options) => {
  const isPath = typeof expr === 'string' && expr.startsWith('$');
  const isExpression = isPlainDocument(expr) && Object.keys(expr).length === 1 && Object.keys(expr)[0].startsWith('$');
  if (!isPath && !isExpression) throw badValue('the sortByCount field must be defined as a $-prefixed path or an expression object');
  return $sort($group(collection, { _id: expr, count: { $sum: 1 } }, options), { count: -1 }, options);
};

/** `$bucket`: documents grouped by the boundary range their `groupBy` value falls in (BSON order), sorted by bucket. */
const $bucket: Stage = (collection, spec, options) => {
  if (!isPlainDocument(spec)) throw badValue('Argument to $bucket stage must be an object');
  const { groupBy, boundaries, output } = spec;
  const hasDefault = Object.hasOwn(spec, 'default');
  if (groupBy === undefined || boundaries === undefined) throw badValue("$bucket requires 'groupBy' and 'boundaries' to be specified");
  if (!Array.isArray(boundaries) || boundaries.length < 2)
    throw badValue("The $bucket 'boundaries' field must be an array with at least two values");
  for (let i = 1; i < boundaries.length; i++) {
    if (!sameTypeBracket(boundaries[i - 1], boundaries[i]))
      throw badValue("All values in the the 'boundaries' option to $bucket must have the same type");
    if (compareValues(boundaries[i - 1], boundaries[i]) >= 0)
      throw badValue("The 'boundaries' option to $bucket must be sorted in ascending order");
  }
  const lower = boundaries[0];
  const upper = boundaries[boundaries.length - 1];
  if (
    hasDefault &&
    sameTypeBracket(spec.default, lower) &&
    compareValues(spec.default, lower) >= 0 &&
    compareValues(spec.default, upper) < 0
  ) {
    throw badValue("The $bucket 'default' field must be less than the lowest boundary or greater than or equal to the highest boundary");
  }
  if (output !== undefined && !isPlainDocument(output)) throw badValue("The $bucket 'output' field must be an object");
  const fields = outputFields(output ?? { count: { $sum: 1 } }, options);
  const bucketOf = (value: unknown): unknown => {
    if (compareExpressionValues(value, lower) >= 0 && compareExpressionValues(value, upper) < 0) {
      let i = boundaries.length - 2;
      while (compareExpressionValues(value, boundaries[i]) < 0) i--;
      return boundaries[i];
    }
    if (!hasDefault) throw badValue('$bucket could not find a matching branch for an input, and no default was specified.');
    return spec.default;
  };
  return collection.transform((docs: AnyObject[]) => {
    const groups = new Map<string, Group>();
    for (const doc of docs) addToGroup(groups, bucketOf(evalExpr(doc, groupBy, options)), doc);
    const buckets = [...groups.values()].sort((a, b) => compareValues(a.id, b.id));
    return Lazy(groupDocuments(buckets, fields, options));
  });
};

const $sample: Stage = (collection, spec) => {
  const size = isPlainDocument(spec) ? spec.size : undefined;
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 0)
    throw badValue('size argument to $sample must be a non-negative integer');
  return collection.transform((docs: unknown[]) => {
    const pool = [...docs];
    const count = Math.min(size, pool.length);
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(Math.random() * (pool.length - i));
      [pool[i], pool[j]] = [pool[j], pool[i]];
    }
    return Lazy(pool.slice(0, count));
  });
};

/** The join keys of a local value: an array stands for its elements, missing for null. */
function localKeys(doc: Document, parts: string[]): Set<string> {
  const keys = new Set<string>();
  for (const value of valuesAtPath(doc, parts, false)) {
    for (const item of Array.isArray(value) ? value : [value]) keys.add(indexKeyOf(item));
  }
  return keys;
}

const $lookup: Stage = (collection, spec, options) => {
  if (!isPlainDocument(spec) || spec.pipeline !== undefined || spec.localField === undefined)
    return mingoLookup(collection, spec as never, options);
  const { from, localField, foreignField, as } = spec;
  for (const [name, value] of Object.entries({ from, localField, foreignField, as })) {
    if (typeof value !== 'string' || value === '')
      throw badValue(`$lookup argument '${name}' must be a non-empty string, found ${formatValue(value)}`);
  }
  const foreign = options.collectionResolver?.(from as string) ?? [];
  const foreignParts = (foreignField as string).split('.');
  const byKey = new Map<string, number[]>();
  foreign.forEach((doc, position) => {
    for (const key of new Set(valuesAtPath(doc, foreignParts, true).map(indexKeyOf))) {
      const positions = byKey.get(key);
      if (positions) positions.push(position);
      else byKey.set(key, [position]);
    }
  });
  const localParts = (localField as string).split('.');
  const asParts = (as as string).split('.');
  return collection.map((doc: Document) => {
    const positions = new Set<number>();
    for (const key of localKeys(doc, localParts)) for (const position of byKey.get(key) ?? []) positions.add(position);
    const joined = [...positions].sort((a, b) => a - b).map((position) => foreign[position]);
    return withPathValue(doc, asParts, joined);
  });
};

const $graphLookup: Stage = (collection, spec, options) => {
  if (!isPlainDocument(spec) || spec.restrictSearchWithMatch === undefined) return mingoGraphLookup(collection, spec as never, options);
  return mingoGraphLookup(
    collection,
    { ...spec, restrictSearchWithMatch: canonicalFilter(spec.restrictSearchWithMatch) } as never,
    options,
  );
};

export const stages: Record<`$${string}`, Stage> = {
  $match,
  $sort,
  $group,
  $project,
  $unset,
  $addFields,
  $set: $addFields,
  $unwind,
  $count,
  $sortByCount,
  $bucket,
  $sample,
  $lookup,
  $graphLookup,
};
