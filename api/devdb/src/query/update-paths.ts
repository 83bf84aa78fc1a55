import type { Document } from 'bson';
import { badValue, MongoServerError } from '../errors.ts';
import { isPlainDocument } from '../values/bson-values.ts';
import { formatValue } from '../values/bson-format.ts';
import { compileFilter } from './filter.ts';
import { isArrayIndex } from './paths.ts';

/**
 * Update paths: parsing, conflict detection, and resolution of the positional components
 * `$` (the element the query matched), `$[]` (every element) and `$[id]` (elements passing
 * arrayFilters' `id` filter) into concrete paths.
 */

const FILTER_IDENTIFIER = /^\$\[([a-z][a-zA-Z0-9]*)\]$/;

export function isPositionalPart(part: string): boolean {
  return part === '$' || part === '$[]' || FILTER_IDENTIFIER.test(part);
}

export function parseUpdatePath(path: string): string[] {
  if (path === '') throw new MongoServerError('EmptyFieldName', 'An empty update path is not valid.');
  const parts = path.split('.');
  if (parts.includes(''))
    throw new MongoServerError('EmptyFieldName', `The update path '${path}' contains an empty field name, which is not allowed.`);
  for (const part of parts) {
    if (part.startsWith('$[') && part.endsWith(']') && part !== '$[]' && !FILTER_IDENTIFIER.test(part)) {
      throw badValue(
        `The array filter identifier in '${path}' must begin with a lowercase letter and contain only alphanumeric characters, found '${part}'`,
      );
    }
    if (part.startsWith('$') && !isPositionalPart(part)) {
      throw new MongoServerError(
        'DollarPrefixedFieldName',
        `The dollar ($) prefixed field '${part}' in '${path}' is not valid for storage.`,
      );
    }
  }
  if (parts.filter((part) => part === '$').length > 1) throw badValue(`Too many positional (i.e. '$') elements found in path '${path}'`);
  return parts;
}

function isPrefix(prefix: readonly string[], path: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((part, i) => part === path[i]);
}

/** Throws 40 when two paths are the same or one contains the other. */
export function rejectConflicts(paths: readonly (readonly string[])[], message: (path: string, at: string) => string): void {
  const sorted = [...paths].sort((a, b) => a.length - b.length);
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length; j++) {
      if (isPrefix(sorted[i], sorted[j])) {
        throw new MongoServerError('ConflictingUpdateOperators', message(sorted[j].join('.'), sorted[i].join('.')));
      }
    }
  }
}

/** MongoDB's application order: field by field, names in byte order, numeric names in numeric order. */
export function comparePaths(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] === b[i]) continue;
    if (isArrayIndex(a[i]) && isArrayIndex(b[i])) return Number(a[i]) - Number(b[i]);
    return a[i] < b[i] ? -1 : 1;
  }
  return a.length - b.length;
}

/** Compiled arrayFilters by identifier; tracks which were used. */
export class ArrayFilters {
  private readonly filters = new Map<string, (element: unknown) => boolean>();
  private readonly used = new Set<string>();

  constructor(specs: readonly Document[]) {
    for (const spec of specs) {
      if (!isPlainDocument(spec)) throw new MongoServerError('FailedToParse', 'Each array filter must be an object');
      const identifier = filterIdentifier(spec);
      if (this.filters.has(identifier))
        throw new MongoServerError('FailedToParse', `Found multiple array filters with the same top-level field name ${identifier}`);
      const matches = compileFilter(spec);
      this.filters.set(identifier, (element) => matches({ [identifier]: element }));
    }
  }

  test(identifier: string, path: string): (element: unknown) => boolean {
    const filter = this.filters.get(identifier);
    if (!filter) throw badValue(`No array filter found for identifier '${identifier}' in path '${path}'`);
    this.used.add(identifier);
    return filter;
  }

  /** Every filter must be named by some path of the update (checked on the paths, before any document is touched). */
  requireAllUsed(paths: readonly (readonly string[])[], update: Document): void {
    for (const parts of paths) {
      for (const part of parts) {
        const identifier = FILTER_IDENTIFIER.exec(part)?.[1];
        if (identifier) this.test(identifier, parts.join('.'));
      }
    }
    for (const identifier of this.filters.keys()) {
      if (!this.used.has(identifier)) {
        throw new MongoServerError(
          'FailedToParse',
          `The array filter for identifier '${identifier}' was not used in the update ${formatValue(update)}`,
        );
      }
    }
  }
}

/** The one identifier an array filter's field names start with (`{'x.a': 1, 'x.b': 2}` → "x"). */
function filterIdentifier(spec: Document): string {
  const names = new Set<string>();
  const collect = (filter: Document) => {
    for (const key of Object.keys(filter)) {
      if ((key === '$and' || key === '$or' || key === '$nor') && Array.isArray(filter[key])) {
        for (const clause of filter[key]) if (isPlainDocument(clause)) collect(clause);
      } else if (!key.startsWith('$')) {
        names.add(key.split('.')[0]);
      }
    }
  };
  collect(spec);
  if (names.size === 0)
    throw new MongoServerError('FailedToParse', 'Cannot use an expression without a top-level field name in arrayFilters');
  if (names.size > 1) {
    const [first, second] = names;
    throw new MongoServerError(
      'FailedToParse',
      `Error parsing array filter :: caused by :: Expected a single top-level field name, found '${first}' and '${second}'`,
    );
  }
  return [...names][0];
}

export interface PositionalResolver {
  /** The index the query matched in the array at `arrayPath`, for `$`. */
  matchedIndex(arrayPath: string[]): number | undefined;
  arrayFilters: ArrayFilters;
}

function child(value: unknown, part: string): unknown {
  if (Array.isArray(value)) return isArrayIndex(part) ? value[Number(part)] : undefined;
  return isPlainDocument(value) && Object.hasOwn(value, part) ? value[part] : undefined;
}

/** The concrete paths a (possibly positional) update path stands for in `doc`. */
export function expandPositional(doc: Document, parts: readonly string[], resolver: PositionalResolver): string[][] {
  if (!parts.some(isPositionalPart)) return [[...parts]];
  const out: string[][] = [];
  const walk = (value: unknown, i: number, prefix: string[]) => {
    if (i === parts.length) {
      out.push(prefix);
      return;
    }
    const part = parts[i];
    if (!isPositionalPart(part)) {
      walk(child(value, part), i + 1, [...prefix, part]);
      return;
    }
    if (part === '$') {
      const index = resolver.matchedIndex(prefix);
      if (index === undefined) throw badValue('The positional operator did not find the match needed from the query.');
      walk(child(value, String(index)), i + 1, [...prefix, String(index)]);
      return;
    }
    if (value === undefined) throw badValue(`The path '${prefix.join('.')}' must exist in the document in order to apply array updates.`);
    if (!Array.isArray(value))
      throw badValue(`Cannot apply array updates to non-array element ${prefix[prefix.length - 1]}: ${formatValue(value)}`);
    const test = part === '$[]' ? undefined : resolver.arrayFilters.test(part.slice(2, -1), parts.join('.'));
    value.forEach((element, index) => {
      if (!test || test(element)) walk(element, i + 1, [...prefix, String(index)]);
    });
  };
  walk(doc, 0, []);
  return out;
}
