import type { Document } from 'bson';
import { isPlainDocument } from '../values/bson-values.ts';

/**
 * Values a dotted path reaches in a document, the way MongoDB indexes them: arrays met on the way
 * are traversed element by element, a terminal array contributes each element (multikey), and a
 * path that reaches nothing contributes `null` (missing fields index as null).
 * With `missing: 'skip'` unreached paths contribute nothing (what `distinct` wants).
 * `sawArray` tells the caller the path was multikey (compound indexes allow one such path).
 */
export function indexValuesAtPath(
  doc: Document,
  path: string[],
  missing: 'null' | 'skip' = 'null',
): { values: unknown[]; sawArray: boolean } {
  const values: unknown[] = [];
  let sawArray = false;
  const walk = (value: unknown, depth: number): void => {
    if (depth === path.length) {
      if (Array.isArray(value)) {
        sawArray = true;
        if (value.length === 0) values.push([]);
        else for (const element of value) values.push(element);
      } else {
        if (value !== undefined) values.push(value);
        else if (missing === 'null') values.push(null);
      }
      return;
    }
    if (Array.isArray(value)) {
      sawArray = true;
      const component = path[depth];
      if (/^\d+$/.test(component)) {
        walk(value[Number(component)], depth + 1);
        return;
      }
      let reached = false;
      for (const element of value) {
        if (isPlainDocument(element)) {
          reached = true;
          walk(element[component], depth + 1);
        }
      }
      if (!reached && missing === 'null') values.push(null);
      return;
    }
    if (isPlainDocument(value)) {
      walk(value[path[depth]], depth + 1);
      return;
    }
    if (missing === 'null') values.push(null);
  };
  walk(doc, 0);
  return { values, sawArray };
}

/** The value at a dotted path without array traversal (for `_id` and error messages). */
export function valueAtPath(doc: Document, path: string): unknown {
  let value: unknown = doc;
  for (const component of path.split('.')) {
    if (!isPlainDocument(value) && !Array.isArray(value)) return undefined;
    value = (value as Document)[component];
  }
  return value;
}
