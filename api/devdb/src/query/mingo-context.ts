import { Context, ProcessingMode } from 'mingo/core';
import * as mingoAccumulators from 'mingo/operators/accumulator';
import * as mingoExpressions from 'mingo/operators/expression';
import * as mingoPipeline from 'mingo/operators/pipeline';
import * as mingoProjection from 'mingo/operators/projection';
import * as mingoQuery from 'mingo/operators/query';
import * as mingoWindow from 'mingo/operators/window';
import type { Options } from 'mingo/types';
import { MingoError } from 'mingo/util';
import { badValue, MongoServerError } from '../errors.ts';
import { accumulators } from './accumulators.ts';
import { dateOperators } from './date-operators.ts';
import { expressionOperators } from './expression-operators.ts';
import { queryOperators } from './query-operators.ts';
import { stages } from './stages.ts';

/**
 * The one mingo Context the engine uses, built once: all of mingo's operators, with ours in place
 * of those whose semantics differ from MongoDB's. mingo's Context keeps the first registration of
 * a name, so the overrides are merged into the operator tables before the Context is created.
 */

type OperatorTables = NonNullable<Parameters<typeof Context.init>[0]>;

const tables = {
  accumulator: { ...mingoAccumulators, ...accumulators },
  expression: { ...mingoExpressions, ...expressionOperators, ...dateOperators },
  pipeline: { ...mingoPipeline, ...stages },
  projection: { ...mingoProjection },
  query: { ...mingoQuery, ...queryOperators },
  window: { ...mingoWindow },
} as unknown as OperatorTables;

const CONTEXT = Context.init(tables);

/**
 * Options for every mingo call. Scripts stay enabled because mingo's own $setWindowFields runs
 * through $function; clients' $where, $function and $accumulator are refused with 115 before
 * mingo sees them (filter-syntax.ts, expression-operators.ts). Inputs are not cloned by mingo:
 * callers clone with the BSON-aware cloneValue (mingo's clone does not know the bson classes).
 */
export const BASE_OPTIONS: Partial<Options> = {
  context: CONTEXT,
  idKey: '_id',
  useStrictMode: true,
  scriptEnabled: true,
  failOnError: true,
  processingMode: ProcessingMode.CLONE_OFF,
};

/** mingo reports invalid queries and expressions as MingoError; the client sees MongoDB's codes. */
export function asServerError(error: unknown): unknown {
  if (!(error instanceof MingoError)) return error;
  const unknownOperator = /^accumulator '(\$\w+)' is not registered\.$/.exec(error.message);
  if (unknownOperator) return new MongoServerError('InvalidPipelineOperator', `Unrecognized expression '${unknownOperator[1]}'`);
  return badValue(error.message);
}
