import { Timestamp } from 'bson';
import type { Document } from 'bson';
import { Aggregator } from 'mingo/aggregator';
import type { Options } from 'mingo/types';
import { badValue, MongoServerError, notSupported } from '../errors.ts';
import { cloneValue, isPlainDocument } from '../values/bson-values.ts';
import { rejectScriptOperators } from './filter-syntax.ts';
import { asServerError, BASE_OPTIONS } from './mingo-context.ts';
import { withoutMissing } from './paths.ts';

export interface PipelineContext {
  /** The documents of another collection of the same database ($lookup, $unionWith, $graphLookup). */
  resolveCollection: (name: string) => Document[];
  /** The value of $$NOW (defaults to the time of the call). */
  now?: Date;
}

/** Stages devdb runs: its own (stages.ts) and those it leaves to mingo. */
const SUPPORTED_STAGES = new Set([
  '$addFields',
  '$bucket',
  '$bucketAuto',
  '$count',
  '$densify',
  '$documents',
  '$facet',
  '$fill',
  '$graphLookup',
  '$group',
  '$limit',
  '$lookup',
  '$match',
  '$project',
  '$redact',
  '$replaceRoot',
  '$replaceWith',
  '$sample',
  '$set',
  '$setWindowFields',
  '$skip',
  '$sort',
  '$sortByCount',
  '$unionWith',
  '$unset',
  '$unwind',
]);

/** Real MongoDB stages devdb does not implement (code 115 rather than "unrecognized"). */
const UNSUPPORTED_STAGES = new Set([
  '$out',
  '$merge',
  '$changeStream',
  '$changeStreamSplitLargeEvent',
  '$geoNear',
  '$search',
  '$searchMeta',
  '$vectorSearch',
  '$collStats',
  '$indexStats',
  '$listSessions',
  '$listLocalSessions',
  '$currentOp',
  '$planCacheStats',
  '$listSearchIndexes',
  '$shardedDataDistribution',
  '$queryStats',
  '$listSampledQueries',
]);

const UPDATE_STAGES = new Set(['$addFields', '$set', '$project', '$unset', '$replaceRoot', '$replaceWith']);
const NOT_IN_FACET = new Set(['$facet', '$documents']);

type PipelinePlace = 'top' | 'facet' | 'update';

function validateStages(pipeline: unknown, place: PipelinePlace): Document[] {
  if (!Array.isArray(pipeline)) throw badValue('a pipeline must be an array of stage objects');
  for (const stage of pipeline) {
    if (!isPlainDocument(stage)) throw badValue("Each element of the 'pipeline' array must be an object");
    const keys = Object.keys(stage);
    if (keys.length !== 1)
      throw new MongoServerError('Location40323', 'A pipeline stage specification object must contain exactly one field.');
    const name = keys[0];
    const spec = stage[name];
    if (UNSUPPORTED_STAGES.has(name)) throw notSupported(`The ${name} aggregation stage`);
    if (!SUPPORTED_STAGES.has(name)) throw new MongoServerError('Location40324', `Unrecognized pipeline stage name: '${name}'`);
    if (place === 'update' && !UPDATE_STAGES.has(name))
      throw new MongoServerError('InvalidOptions', `${name} is not allowed to be used within an update`);
    if (place === 'facet' && NOT_IN_FACET.has(name)) throw badValue(`${name} is not allowed to be used within a $facet stage`);
    validateStageSpec(name, spec);
  }
  return pipeline as Document[];
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/** Checks mingo would skip, and the sub-pipelines of $facet, $lookup and $unionWith. */
function validateStageSpec(name: string, spec: unknown): void {
  switch (name) {
    case '$limit':
      if (!isNonNegativeInteger(spec) || spec === 0) throw badValue(`the limit must be positive, found ${String(spec)}`);
      break;
    case '$skip':
      if (!isNonNegativeInteger(spec))
        throw badValue(`invalid argument to $skip stage: Expected a non-negative number, found ${String(spec)}`);
      break;
    case '$facet':
      if (!isPlainDocument(spec) || Object.keys(spec).length === 0) throw badValue('the $facet specification must be a non-empty object');
      for (const key of Object.keys(spec)) validateStages(spec[key], 'facet');
      break;
    case '$lookup':
      if (isPlainDocument(spec) && spec.pipeline !== undefined) validateStages(spec.pipeline, 'top');
      break;
    case '$unionWith':
      if (isPlainDocument(spec) && spec.pipeline !== undefined) validateStages(spec.pipeline, 'top');
      break;
    case '$graphLookup':
      if (!isPlainDocument(spec)) throw badValue('the $graphLookup specification must be an object');
      for (const field of ['from', 'connectFromField', 'connectToField', 'as']) {
        if (typeof spec[field] !== 'string' || spec[field] === '') throw badValue(`$graphLookup needs a non-empty string '${field}'`);
      }
      if (spec.startWith === undefined) throw badValue("$graphLookup needs 'startWith'");
      break;
    default:
      break;
  }
}

/**
 * Replaces $$NOW and $$CLUSTER_TIME with literals, so the whole pipeline sees the caller's clock
 * (mingo reads the system clock itself and has no $$CLUSTER_TIME). Query-language parts of `$match`
 * are left alone: there "$$NOW" is just a string.
 */
function bindSystemVariables(value: unknown, now: Date): unknown {
  if (value === '$$NOW') return { $literal: now };
  if (value === '$$CLUSTER_TIME') return { $literal: new Timestamp({ t: Math.floor(now.getTime() / 1000), i: 1 }) };
  if (Array.isArray(value)) return value.map((item) => bindSystemVariables(item, now));
  if (!isPlainDocument(value)) return value;
  const out: Document = {};
  for (const key of Object.keys(value)) {
    if (key === '$literal') out[key] = value[key];
    else if (key === '$match') out[key] = bindInFilter(value[key], now);
    else out[key] = bindSystemVariables(value[key], now);
  }
  return out;
}

function bindInFilter(filter: unknown, now: Date): unknown {
  if (!isPlainDocument(filter)) return filter;
  const out: Document = {};
  for (const key of Object.keys(filter)) {
    const value = filter[key];
    if (key === '$expr') out[key] = bindSystemVariables(value, now);
    else if ((key === '$and' || key === '$or' || key === '$nor') && Array.isArray(value))
      out[key] = value.map((clause) => bindInFilter(clause, now));
    else out[key] = value;
  }
  return out;
}

/** Stages that only read their input documents, so a pipeline made of them needs no defensive copy. */
const READ_ONLY_STAGES = new Set(['$match', '$group', '$sort', '$skip', '$limit', '$count', '$sortByCount']);

function run(docs: Document[], pipeline: Document[], now: Date, options: Partial<Options>): Document[] {
  rejectScriptOperators(pipeline);
  const stages = bindSystemVariables(pipeline, now) as Document[];
  const readOnly = stages.every((stage) => READ_ONLY_STAGES.has(Object.keys(stage)[0]));
  try {
    return new Aggregator(stages, options).run<Document>(readOnly ? docs : docs.map(cloneValue)).map(withoutMissing);
  } catch (error) {
    throw asServerError(error);
  }
}

/** Runs an aggregation pipeline over `docs` (which are not modified) and returns the results. */
export function runPipeline(docs: Document[], pipeline: Document[], context: PipelineContext): Document[] {
  const options: Partial<Options> = {
    ...BASE_OPTIONS,
    collectionResolver: (name) => context.resolveCollection(name).map(cloneValue),
  };
  return run(docs, validateStages(pipeline, 'top'), context.now ?? new Date(), options);
}

/** Runs an update pipeline (only the stages MongoDB allows in updates) over one document. */
export function runUpdatePipeline(doc: Document, pipeline: Document[]): Document {
  const [result] = run([doc], validateStages(pipeline, 'update'), new Date(), BASE_OPTIONS);
  return result;
}
