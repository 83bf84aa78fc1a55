import type { Document } from 'bson';
import { Query } from 'mingo/query';
import type { Options } from 'mingo/types';
import { canonicalFilter, canonicalOperators } from './filter-syntax.ts';
import { asServerError, BASE_OPTIONS } from './mingo-context.ts';
import { operatorConditions } from './query-operators.ts';

/** Compiles a MongoDB query filter into a predicate (compile once per command, call per document). */
export function compileFilter(filter: Document): (doc: Document) => boolean {
  const canonical = canonicalFilter(filter);
  if (Object.keys(canonical).length === 0) return () => true;
  let query: Query;
  try {
    query = new Query(canonical, BASE_OPTIONS);
  } catch (error) {
    throw asServerError(error);
  }
  return (doc) => {
    try {
      return query.test(doc);
    } catch (error) {
      throw asServerError(error);
    }
  };
}

/**
 * Compiles an operator document (`{$gte: 5, $lt: 10}`) into a test of a single value, with the
 * semantics operators have inside a value-form `$elemMatch` (as `$pull` conditions use them).
 */
export function compileValueFilter(operators: Document): (value: unknown) => boolean {
  const conditions = operatorConditions([], canonicalOperators(operators), BASE_OPTIONS as Options);
  return (value) => conditions.every((condition) => condition.matchesValue(value));
}
