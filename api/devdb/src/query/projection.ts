import type { Document } from 'bson';
import { evalExpr } from 'mingo/core';
import type { Options } from 'mingo/types';
import { compileFilter } from './filter.ts';
import { rejectScriptOperators } from './filter-syntax.ts';
import { asServerError, BASE_OPTIONS } from './mingo-context.ts';
import { withoutMissing } from './paths.ts';
import { positionalIndex } from './positional.ts';
import { applyProjection, parseProjection, type ProjectionContext } from './projector.ts';

/**
 * Compiles a find projection: inclusion or exclusion, `_id` rules, dotted paths, `field.$` (which
 * needs the query passed per call), `$slice`, `$elemMatch` and aggregation expressions. The result
 * shares unchanged values with the input document; treat it as read-only.
 */
export function compileProjection(projection: Document): (doc: Document, query?: Document) => Document {
  rejectScriptOperators(projection);
  const plan = parseProjection(projection, {
    find: true,
    elemMatch: (field, spec) => {
      const matches = compileFilter({ [field]: { $elemMatch: spec } });
      return (element) => matches({ [field]: [element] });
    },
  });
  if (!plan) return (doc) => doc;
  return (doc, query) => {
    const context: ProjectionContext = {
      evaluate: (expr, root) => evalExpr(root, expr, BASE_OPTIONS as Options),
      positionalIndex: (root, path) => positionalIndex(root, path, query),
    };
    try {
      return withoutMissing(applyProjection(plan, doc, context));
    } catch (error) {
      throw asServerError(error);
    }
  };
}
