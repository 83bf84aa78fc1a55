import type { Document, Long } from 'bson';
import { badValue, notSupported } from '../errors.ts';
import { compareValues, isPlainDocument } from '../values/bson-values.ts';
import { formatValue } from '../values/bson-format.ts';
import { valuesAtPath } from './paths.ts';

/**
 * MongoDB's sort order: BSON's total order (compareValues) per key; a missing field sorts as null;
 * an array sorts by its smallest element ascending and its largest descending; an empty array
 * sorts before null. Ties keep their input order (Array.prototype.sort is stable).
 */

/** The key of an empty array: below null, above MinKey. */
const EMPTY_ARRAY = Symbol('empty array');

interface SortKey {
  parts: string[];
  direction: 1 | -1;
}

function parseSortSpec(spec: unknown): SortKey[] {
  if (!isPlainDocument(spec)) throw badValue(`The $sort key specification must be an object, not ${formatValue(spec)}`);
  return Object.keys(spec).map((path) => {
    const value = spec[path];
    if (isPlainDocument(value) && Object.hasOwn(value, '$meta')) throw notSupported(`Sorting by {$meta: ${formatValue(value.$meta)}}`);
    const direction =
      typeof value === 'number' ? value : (value as { _bsontype?: string } | null)?._bsontype === 'Long' ? (value as Long).toNumber() : NaN;
    if (direction !== 1 && direction !== -1) throw badValue('$sort key ordering must be 1 (for ascending) or -1 (for descending)');
    if (path === '' || path.split('.').includes('')) throw badValue(`The sort key '${path}' contains an empty field name`);
    return { parts: path.split('.'), direction };
  });
}

function compareKeyValues(a: unknown, b: unknown): number {
  // Fast paths for the common keys; NaN (which sorts before all numbers) takes the general path.
  if (typeof a === 'number' && typeof b === 'number' && a === a && b === b) return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (a === EMPTY_ARRAY || b === EMPTY_ARRAY) {
    if (a === b) return 0;
    const other = a === EMPTY_ARRAY ? b : a;
    const sign = a === EMPTY_ARRAY ? -1 : 1;
    return compareValues(other, null) < 0 ? -sign : sign;
  }
  return compareValues(a, b);
}

/** The value a document sorts by for one key: the extreme (min ascending, max descending) of what the path reaches. */
function sortValue(doc: Document, key: SortKey): unknown {
  let chosen: unknown;
  let found = false;
  for (const value of valuesAtPath(doc, key.parts, false)) {
    const candidates = Array.isArray(value) ? (value.length === 0 ? [EMPTY_ARRAY] : value) : [value === undefined ? null : value];
    for (const candidate of candidates) {
      if (!found || compareKeyValues(candidate, chosen) * key.direction < 0) chosen = candidate;
      found = true;
    }
  }
  return found ? chosen : null;
}

/** A comparator for Array.prototype.sort; each document's keys are computed once per comparator. */
export function compileSort(spec: Document): (a: Document, b: Document) => number {
  const keys = parseSortSpec(spec);
  if (keys.length === 0) return () => 0;
  const cache = new WeakMap<Document, unknown[]>();
  const sortValues = (doc: Document): unknown[] => {
    // $push's $sort also orders non-document elements, which cannot be WeakMap keys.
    if (typeof doc !== 'object' || doc === null) return keys.map((key) => sortValue(doc, key));
    let values = cache.get(doc);
    if (!values) {
      values = keys.map((key) => sortValue(doc, key));
      cache.set(doc, values);
    }
    return values;
  };
  return (a, b) => {
    const va = sortValues(a);
    const vb = sortValues(b);
    for (let i = 0; i < keys.length; i++) {
      const order = compareKeyValues(va[i], vb[i]);
      if (order !== 0) return order * keys[i].direction;
    }
    return 0;
  };
}
