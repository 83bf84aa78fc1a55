import { evalExpr } from 'mingo/core';
import type { Options } from 'mingo/types';

const TOP_LEVEL_FIELD = /^\$[^$.]+$/;

/**
 * mingo's `evalExpr`, with the two commonest group/accumulator expressions — a top-level field
 * (`'$category'`) and a constant (`1` in `{$sum: 1}`) — answered directly: on large $group inputs
 * mingo's general evaluator dominates the time. Dotted paths go to mingo (array traversal rules).
 */
export function evaluate(doc: unknown, expr: unknown, options: Options): unknown {
  if (typeof expr === 'string' && TOP_LEVEL_FIELD.test(expr)) {
    return doc !== null && typeof doc === 'object' && !Array.isArray(doc) ? (doc as Record<string, unknown>)[expr.slice(1)] : undefined;
  }
  if (typeof expr === 'number' || typeof expr === 'boolean') return expr;
  return evalExpr(doc as object, expr, options);
}
