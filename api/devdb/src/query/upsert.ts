import type { Document } from 'bson';
import { MongoServerError } from '../errors.ts';
import { cloneValue, isPlainDocument } from '../values/bson-values.ts';
import { withIdFirst } from './paths.ts';
import { isRegexValue } from './regex.ts';

/**
 * The document an upsert starts from: the filter's equality conditions — `field: value`,
 * `field: {$eq: value}`, `field: {$in: [value]}` — at the top level and inside `$and` (and a
 * one-clause `$or`), with dotted paths expanded into embedded documents. Other conditions seed
 * nothing. A path seeded twice, or together with a path inside it, is an error, as in MongoDB.
 */
export function upsertSeed(filter: Document): Document {
  const equalities = new Map<string, unknown>();
  collectEqualities(filter, equalities);
  const seed: Document = {};
  for (const [path, value] of equalities) setPath(seed, path.split('.'), cloneValue(value));
  return withIdFirst(seed);
}

function notSingleValue(message: string) {
  return new MongoServerError('NotSingleValueField', message);
}

function collectEqualities(filter: Document, out: Map<string, unknown>): void {
  for (const key of Object.keys(filter)) {
    const value = filter[key];
    if (key === '$and' || (key === '$or' && Array.isArray(value) && value.length === 1)) {
      if (Array.isArray(value)) for (const clause of value) if (isPlainDocument(clause)) collectEqualities(clause, out);
      continue;
    }
    if (key.startsWith('$')) continue;
    const seeded = equalityValue(value);
    if (seeded.found) addEquality(out, key, seeded.value);
  }
}

function equalityValue(condition: unknown): { found: boolean; value?: unknown } {
  if (isRegexValue(condition)) return { found: false };
  if (!isPlainDocument(condition) || !Object.keys(condition)[0]?.startsWith('$')) return { found: true, value: condition };
  if (Object.hasOwn(condition, '$eq')) return { found: true, value: condition.$eq };
  const list = condition.$in;
  if (Array.isArray(list) && list.length === 1 && !isRegexValue(list[0])) return { found: true, value: list[0] };
  return { found: false };
}

function addEquality(out: Map<string, unknown>, path: string, value: unknown): void {
  for (const existing of out.keys()) {
    if (existing === path) throw notSingleValue(`cannot infer query fields to set, path '${path}' is matched twice`);
    if (existing.startsWith(`${path}.`) || path.startsWith(`${existing}.`)) {
      throw notSingleValue(`cannot infer query fields to set, both paths '${existing}' and '${path}' are matched`);
    }
  }
  out.set(path, value);
}

function setPath(doc: Document, parts: string[], value: unknown): void {
  let current = doc;
  for (const part of parts.slice(0, -1)) {
    if (!isPlainDocument(current[part])) current[part] = {};
    current = current[part] as Document;
  }
  current[parts[parts.length - 1]] = value;
}
