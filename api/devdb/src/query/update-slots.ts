import type { Document, Long } from 'bson';
import { MongoServerError } from '../errors.ts';
import { isPlainDocument } from '../values/bson-values.ts';
import { formatValue } from '../values/bson-format.ts';
import { isArrayIndex } from './paths.ts';

/** What update operators are made of: their shape, and reading and writing a document at a path. */

export interface ApplyEnvironment {
  /** The document as it was before the update (for error messages). */
  original: Document;
  now: Date;
}

/**
 * Validates an operator's argument for one path, before anything is applied, and returns it in
 * the form `apply` takes (a compiled $pull condition, a parsed $push spec).
 */
export type Prepare = (arg: unknown, path: string) => unknown;
/** Applies an operator at a concrete path of the (mutable) document. */
export type Apply = (doc: Document, parts: string[], prepared: unknown, env: ApplyEnvironment) => void;

export interface UpdateOperator {
  prepare?: Prepare;
  apply: Apply;
}

function pathNotViable(message: string): MongoServerError {
  return new MongoServerError('PathNotViable', message);
}

export interface Slot {
  container: Document | unknown[];
  key: string;
}

export function read(container: Document | unknown[], key: string): unknown {
  if (Array.isArray(container)) return container[Number(key)];
  return Object.hasOwn(container, key) ? container[key] : undefined;
}

/** Writes a field or array element (an index past the end pads the array with nulls, as MongoDB does). */
export function write(slot: Slot, value: unknown): void {
  const { container, key } = slot;
  if (Array.isArray(container)) {
    const index = Number(key);
    while (container.length < index) container.push(null);
    container[index] = value;
  } else {
    container[key] = value;
  }
}

/**
 * The container and key a path ends in. With `create`, missing embedded documents are created (a
 * scalar in the way is an error); without, a path that does not exist gives undefined.
 */
export function locate(doc: Document, parts: string[], create: boolean): Slot | undefined {
  let container: Document | unknown[] = doc;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (Array.isArray(container) && !isArrayIndex(part)) {
      if (!create) return undefined;
      throw pathNotViable(`Cannot create field '${part}' in element {${parts[i - 1]}: ${formatValue(container)}}`);
    }
    if (i === parts.length - 1) return { container, key: part };
    let next = read(container, part);
    if (next === undefined) {
      if (!create) return undefined;
      next = {};
      write({ container, key: part }, next);
    } else if (!isPlainDocument(next) && !Array.isArray(next)) {
      if (!create) return undefined;
      throw pathNotViable(`Cannot create field '${parts[i + 1]}' in element {${part}: ${formatValue(next)}}`);
    }
    container = next as Document | unknown[];
  }
  throw new Error('an update path cannot be empty');
}

export function lastName(parts: string[]): string {
  return parts[parts.length - 1];
}

export function isLong(value: unknown): value is Long {
  return (value as { _bsontype?: string } | null)?._bsontype === 'Long';
}

export function isInteger(value: unknown): boolean {
  return (typeof value === 'number' && Number.isInteger(value)) || isLong(value);
}

export function toNumber(value: unknown): number {
  return isLong(value) ? value.toNumber() : (value as number);
}
