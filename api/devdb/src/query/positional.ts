import type { Document } from 'bson';
import { isPlainDocument } from '../values/bson-values.ts';
import { compileFilter } from './filter.ts';
import { documentPathValue, withPathValue } from './paths.ts';

/**
 * MongoDB's positional `$` (in updates and find projections): the index of the first element of the
 * array at `arrayPath` that the query's conditions on that array match. The conditions are the
 * query's top-level (and `$and`) clauses on the array path or below it; an element matches when
 * they hold for the document with the array narrowed to that element alone.
 */

const compiled = new WeakMap<Document, Map<string, ((doc: Document) => boolean) | null>>();

function clausesOn(query: Document, path: string, out: Document[]): Document[] {
  for (const key of Object.keys(query)) {
    if (key === '$and' && Array.isArray(query.$and)) {
      for (const clause of query.$and) if (isPlainDocument(clause)) clausesOn(clause, path, out);
    } else if (key === path || key.startsWith(`${path}.`)) {
      out.push({ [key]: query[key] });
    }
  }
  return out;
}

function arrayMatcher(query: Document, path: string): ((doc: Document) => boolean) | null {
  let byPath = compiled.get(query);
  if (!byPath) {
    byPath = new Map();
    compiled.set(query, byPath);
  }
  let matcher = byPath.get(path);
  if (matcher === undefined) {
    const clauses = clausesOn(query, path, []);
    matcher = clauses.length === 0 ? null : compileFilter({ $and: clauses });
    byPath.set(path, matcher);
  }
  return matcher;
}

/** The matched index, or undefined when the path holds no array or no element matches. */
export function positionalIndex(doc: Document, arrayPath: readonly string[], query: Document | undefined): number | undefined {
  if (!query) return undefined;
  const array = documentPathValue(doc, arrayPath);
  if (!Array.isArray(array)) return undefined;
  const matches = arrayMatcher(query, arrayPath.join('.'));
  if (!matches) return undefined;
  const index = array.findIndex((element) => matches(withPathValue(doc, arrayPath, [element])));
  return index < 0 ? undefined : index;
}
