import type { Document } from 'bson';
import { isPlainDocument } from '../values/bson-values.ts';

/** True for a path component that addresses an array element ("0", "12"). */
export function isArrayIndex(part: string): boolean {
  return part.length > 0 && /^\d+$/.test(part);
}

/**
 * The values a dotted path reaches, as MongoDB's matcher sees them: arrays met before the last
 * component are traversed (their embedded documents continue the path, other elements are
 * skipped), a numeric component indexes into an array, and `undefined` stands for "missing".
 * With `expandLeafArrays` an array at the end of the path yields its elements and then itself
 * (so `{a: 1}` matches `{a: [1, 2]}` and `{a: [1, 2]}` matches it too); without, only itself.
 */
export function valuesAtPath(doc: unknown, parts: readonly string[], expandLeafArrays: boolean): unknown[] {
  const out: unknown[] = [];
  collect(doc, parts, 0, expandLeafArrays, out);
  return out;
}

function collect(value: unknown, parts: readonly string[], index: number, expand: boolean, out: unknown[]): void {
  if (index === parts.length) {
    if (expand && Array.isArray(value)) for (const element of value) out.push(element);
    out.push(value);
    return;
  }
  const part = parts[index];
  if (Array.isArray(value)) {
    if (isArrayIndex(part)) {
      collect(value[Number(part)], parts, index + 1, expand, out);
      return;
    }
    for (const element of value) if (isPlainDocument(element)) collect(element, parts, index, expand, out);
    return;
  }
  if (isPlainDocument(value)) {
    collect(Object.hasOwn(value, part) ? value[part] : undefined, parts, index + 1, expand, out);
    return;
  }
  out.push(undefined);
}

/** The value at a path through embedded documents only (arrays are not traversed); `undefined` when absent. */
export function documentPathValue(doc: Document, parts: readonly string[]): unknown {
  let value: unknown = doc;
  for (const part of parts) {
    if (!isPlainDocument(value) || !Object.hasOwn(value, part)) return undefined;
    value = value[part];
  }
  return value;
}

/** The same document with `_id` as its first field, as MongoDB stores replacements and projections. */
export function withIdFirst(doc: Document): Document {
  if (!Object.hasOwn(doc, '_id') || Object.keys(doc)[0] === '_id') return doc;
  const { _id, ...rest } = doc;
  return { _id, ...rest };
}

/** A copy of `doc` with `value` at a path through embedded documents (copying each document on the way). */
export function withPathValue(doc: Document, parts: readonly string[], value: unknown): Document {
  const out = { ...doc };
  let current = out;
  for (let i = 0; i < parts.length - 1; i++) {
    const next = current[parts[i]];
    const copy: Document = isPlainDocument(next) ? { ...next } : {};
    current[parts[i]] = copy;
    current = copy;
  }
  current[parts[parts.length - 1]] = value;
  return out;
}

/** A copy of `doc` without the field at a path through embedded documents. */
export function withoutPath(doc: Document, parts: readonly string[]): Document {
  const [first, ...rest] = parts;
  if (!Object.hasOwn(doc, first)) return doc;
  const out = { ...doc };
  if (rest.length === 0) delete out[first];
  else if (isPlainDocument(out[first])) out[first] = withoutPath(out[first], rest);
  return out;
}

/**
 * A value as MongoDB would hold it after expression evaluation: fields that evaluated to missing
 * (undefined) are left out of documents and become null in arrays. Returns the input itself when
 * nothing is missing.
 */
export function withoutMissing<T>(value: T): T {
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    value.forEach((item, i) => {
      const cleaned = item === undefined ? null : withoutMissing(item);
      if (cleaned !== item) (out ??= [...value])[i] = cleaned;
    });
    return (out ?? value) as T;
  }
  if (!isPlainDocument(value)) return value;
  let out: Document | undefined;
  for (const key of Object.keys(value)) {
    const item = value[key];
    if (item === undefined) {
      out ??= { ...value };
      delete out[key];
    } else {
      const cleaned = withoutMissing(item);
      if (cleaned !== item) (out ??= { ...value })[key] = cleaned;
    }
  }
  return (out ?? value) as T;
}
