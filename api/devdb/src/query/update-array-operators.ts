import type { Document } from 'bson';
import { badValue, MongoServerError, typeMismatch } from '../errors.ts';
import { cloneValue, compareValues, indexKeyOf, isPlainDocument, valuesEqual } from '../values/bson-values.ts';
import { formatIdOf, formatValue, typeNameOf } from '../values/bson-format.ts';
import { compileFilter, compileValueFilter } from './filter.ts';
import { isValueElemMatch } from './filter-syntax.ts';
import { isRegexValue, regexOf } from './regex.ts';
import { compileSort } from './sort.ts';
import { isInteger, lastName, locate, read, type Slot, toNumber, type UpdateOperator, write } from './update-slots.ts';

/** The array update operators: $push (with $each, $position, $sort, $slice), $addToSet, $pull, $pullAll, $pop. */

/** The array at a path for $push/$addToSet: undefined when missing, an error when not an array. */
function arrayFor(slot: Slot, error: (current: unknown) => MongoServerError): unknown[] | undefined {
  const current = read(slot.container, slot.key);
  if (current === undefined) return undefined;
  if (!Array.isArray(current)) throw error(current);
  return current;
}

const PUSH_MODIFIERS = new Set(['$each', '$slice', '$sort', '$position']);

function hasEach(arg: unknown): arg is Document {
  return isPlainDocument(arg) && Object.hasOwn(arg, '$each');
}

function checkPushSort(sort: unknown): void {
  const valid =
    sort === 1 ||
    sort === -1 ||
    (isPlainDocument(sort) &&
      Object.keys(sort).length > 0 &&
      Object.keys(sort).every((key) => key !== '' && !key.startsWith('$') && (sort[key] === 1 || sort[key] === -1)));
  if (!valid) throw badValue('The $sort is invalid: use 1/-1 to sort the whole element, or {field:1/-1} to sort embedded fields');
}

interface PushSpec {
  items: unknown[];
  position: number | undefined;
  sort: ((a: unknown, b: unknown) => number) | undefined;
  slice: number | undefined;
}

const $push: UpdateOperator = {
  prepare: (arg): PushSpec => {
    if (!hasEach(arg)) return { items: [arg], position: undefined, sort: undefined, slice: undefined };
    for (const key of Object.keys(arg)) if (!PUSH_MODIFIERS.has(key)) throw badValue(`Unrecognized clause in $push: ${key}`);
    const { $each, $slice, $position, $sort } = arg;
    if (!Array.isArray($each)) throw badValue(`The argument to $each in $push must be an array but it was of type: ${typeNameOf($each)}`);
    if ($slice !== undefined && !isInteger($slice))
      throw badValue(`The value for $slice must be an integer value but was given type: ${typeNameOf($slice)}`);
    if ($position !== undefined && !isInteger($position))
      throw badValue(`The value for $position must be an integer value, not of type: ${typeNameOf($position)}`);
    if ($sort !== undefined) checkPushSort($sort);
    return {
      items: $each,
      position: $position === undefined ? undefined : toNumber($position),
      sort:
        $sort === undefined
          ? undefined
          : isPlainDocument($sort)
            ? (compileSort($sort) as PushSpec['sort'])
            : (a, b) => compareValues(a, b) * ($sort as number),
      slice: $slice === undefined ? undefined : toNumber($slice),
    };
  },
  apply: (doc, parts, prepared, env) => {
    const spec = prepared as PushSpec;
    const slot = locate(doc, parts, true) as Slot;
    const current = arrayFor(slot, (value) =>
      badValue(
        `The field '${lastName(parts)}' must be an array but is of type ${typeNameOf(value)} in document ${formatIdOf(env.original)}`,
      ),
    );
    const array = current ? [...current] : [];
    const position = spec.position ?? array.length;
    const at = position < 0 ? Math.max(0, array.length + position) : Math.min(position, array.length);
    array.splice(at, 0, ...spec.items.map(cloneValue));
    if (spec.sort) array.sort(spec.sort);
    let result = array;
    if (spec.slice !== undefined)
      result = spec.slice >= 0 ? array.slice(0, spec.slice) : array.slice(Math.max(0, array.length + spec.slice));
    write(slot, result);
  },
};

const $addToSet: UpdateOperator = {
  prepare: (arg) => {
    if (!hasEach(arg)) return [arg];
    if (Object.keys(arg).length > 1) throw badValue(`Found unexpected fields after $each in $addToSet: ${formatValue(arg)}`);
    if (!Array.isArray(arg.$each))
      throw badValue(`The argument to $each in $addToSet must be an array but it was of type ${typeNameOf(arg.$each)}`);
    return arg.$each;
  },
  apply: (doc, parts, items) => {
    const slot = locate(doc, parts, true) as Slot;
    const current = arrayFor(slot, (value) =>
      badValue(`Cannot apply $addToSet to non-array field. Field named '${lastName(parts)}' has non-array type ${typeNameOf(value)}`),
    );
    const array = current ? [...current] : [];
    const present = new Set(array.map(indexKeyOf));
    for (const item of items as unknown[]) {
      const key = indexKeyOf(item);
      if (!present.has(key)) {
        present.add(key);
        array.push(cloneValue(item));
      }
    }
    if (current === undefined || array.length !== current.length) write(slot, array);
  },
};

/** The array at a path for $pull/$pullAll/$pop: undefined when missing (a no-op). */
function existingArray(
  doc: Document,
  parts: string[],
  error: (current: unknown) => MongoServerError,
): { slot: Slot; array: unknown[] } | undefined {
  const slot = locate(doc, parts, false);
  if (!slot) return undefined;
  const current = read(slot.container, slot.key);
  if (current === undefined) return undefined;
  if (!Array.isArray(current)) throw error(current);
  return { slot, array: current };
}

/** What a $pull condition removes: elements matching a query (document), operators (value form), a regex, or equal values. */
function pullMatcher(condition: unknown): (element: unknown) => boolean {
  if (isPlainDocument(condition)) {
    if (isValueElemMatch(condition)) return compileValueFilter(condition);
    const matches = compileFilter(condition);
    return (element) => isPlainDocument(element) && matches(element);
  }
  if (isRegexValue(condition)) {
    const regex = regexOf(condition);
    return (element) => typeof element === 'string' && regex.test(element);
  }
  return (element) => valuesEqual(element, condition);
}

function removeMatching(doc: Document, parts: string[], matches: (element: unknown) => boolean): void {
  const found = existingArray(doc, parts, () => badValue('Cannot apply $pull to a non-array value'));
  if (!found) return;
  const kept = found.array.filter((element) => !matches(element));
  if (kept.length !== found.array.length) write(found.slot, kept);
}

const $pull: UpdateOperator = {
  prepare: pullMatcher,
  apply: (doc, parts, matches) => removeMatching(doc, parts, matches as (element: unknown) => boolean),
};

const $pullAll: UpdateOperator = {
  prepare: (arg) => {
    if (!Array.isArray(arg)) throw badValue(`$pullAll requires an array argument but was given a ${typeNameOf(arg)}`);
    return arg;
  },
  apply: (doc, parts, arg) => {
    const values = arg as unknown[];
    removeMatching(doc, parts, (element) => values.some((value) => valuesEqual(element, value)));
  },
};

const $pop: UpdateOperator = {
  prepare: (arg) => {
    if (arg !== 1 && arg !== -1) throw new MongoServerError('FailedToParse', `$pop expects 1 or -1, found: ${formatValue(arg)}`);
    return arg;
  },
  apply: (doc, parts, arg) => {
    const found = existingArray(doc, parts, (current) =>
      typeMismatch(`Path '${parts.join('.')}' contains an element of non-array type '${typeNameOf(current)}'`),
    );
    if (!found || found.array.length === 0) return;
    write(found.slot, arg === 1 ? found.array.slice(0, -1) : found.array.slice(1));
  },
};

export const arrayUpdateOperators: Record<string, UpdateOperator> = { $push, $addToSet, $pull, $pullAll, $pop };
