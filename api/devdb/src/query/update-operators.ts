import { Long, Timestamp } from 'bson';
import type { Document } from 'bson';
import { badValue, notSupported, typeMismatch } from '../errors.ts';
import { cloneValue, compareValues, isPlainDocument } from '../values/bson-values.ts';
import { formatIdOf, formatValue, typeNameOf } from '../values/bson-format.ts';
import { arrayUpdateOperators } from './update-array-operators.ts';
import { isInteger, isLong, lastName, locate, read, type Slot, type UpdateOperator, write } from './update-slots.ts';

/**
 * MongoDB's update operators, applied in place to a private copy of a document at concrete paths
 * (positional components already resolved). mingo's versions skip type errors silently ($inc on a
 * string, $push to a non-array), reject any write to `_id`, and compare with JS semantics; these
 * report MongoDB's errors and use the BSON order and equality.
 */

function isNumeric(value: unknown): boolean {
  if ((value as { _bsontype?: string } | null)?._bsontype === 'Decimal128')
    throw notSupported('Decimal128 in update arithmetic (store money as integer fen)');
  return typeof value === 'number' || isLong(value);
}

function arithmetic(a: unknown, b: unknown, operation: 'add' | 'multiply'): unknown {
  if (isLong(a) || isLong(b)) {
    // With a Long involved the result is a 64-bit Long, unless a fractional double makes it a double.
    const x = isLong(a) ? a.toBigInt() : (a as number);
    const y = isLong(b) ? b.toBigInt() : (b as number);
    if (typeof x === 'number' && !Number.isInteger(x)) return operation === 'add' ? x + Number(y) : x * Number(y);
    if (typeof y === 'number' && !Number.isInteger(y)) return operation === 'add' ? Number(x) + y : Number(x) * y;
    const result = operation === 'add' ? BigInt(x) + BigInt(y) : BigInt(x) * BigInt(y);
    return Long.fromBigInt(BigInt.asIntN(64, result));
  }
  return operation === 'add' ? (a as number) + (b as number) : (a as number) * (b as number);
}

function numericOperator(name: '$inc' | '$mul', verb: string, operation: 'add' | 'multiply'): UpdateOperator {
  return {
    prepare: (arg, path) => {
      if (!isNumeric(arg)) throw typeMismatch(`Cannot ${verb} with non-numeric argument: {${path}: ${formatValue(arg)}}`);
      return arg;
    },
    apply: (doc, parts, arg, env) => {
      const slot = locate(doc, parts, true) as Slot;
      const current = read(slot.container, slot.key);
      if (current === undefined) {
        write(slot, operation === 'add' ? arg : arithmetic(0, arg, 'multiply'));
        return;
      }
      if (!isNumeric(current)) {
        throw typeMismatch(
          `Cannot apply ${name} to a value of non-numeric type. ${formatIdOf(env.original)} has the field '${lastName(parts)}' of non-numeric type ${typeNameOf(current)}`,
        );
      }
      write(slot, arithmetic(current, arg, operation));
    },
  };
}

function extremeOperator(keepIfBelow: boolean): UpdateOperator {
  return {
    apply: (doc, parts, arg) => {
      const slot = locate(doc, parts, true) as Slot;
      const current = read(slot.container, slot.key);
      const order = current === undefined ? 0 : compareValues(arg, current);
      if (current === undefined || (keepIfBelow ? order < 0 : order > 0)) write(slot, cloneValue(arg));
    },
  };
}

const setOperator: UpdateOperator = {
  apply: (doc, parts, arg) => write(locate(doc, parts, true) as Slot, cloneValue(arg)),
};

const $unset: UpdateOperator = {
  apply: (doc, parts) => {
    const slot = locate(doc, parts, false);
    if (!slot || read(slot.container, slot.key) === undefined) return;
    // An array element is nulled rather than removed, so the other elements keep their positions.
    if (Array.isArray(slot.container)) slot.container[Number(slot.key)] = null;
    else delete slot.container[slot.key];
  },
};

const $currentDate: UpdateOperator = {
  prepare: (arg, path) => {
    if (typeof arg === 'boolean') return arg;
    if (isPlainDocument(arg) && Object.keys(arg).length === 1 && (arg.$type === 'date' || arg.$type === 'timestamp')) return arg;
    throw badValue(
      `${formatValue(arg)} is not valid type for $currentDate on '${path}'. Please use a boolean ('true') or a $type expression ({$type: 'timestamp/date'}).`,
    );
  },
  apply: (doc, parts, arg, env) => {
    const timestamp = isPlainDocument(arg) && arg.$type === 'timestamp';
    const value = timestamp ? new Timestamp({ t: Math.floor(env.now.getTime() / 1000), i: 1 }) : new Date(env.now.getTime());
    write(locate(doc, parts, true) as Slot, value);
  },
};

const BIT_OPERATIONS = new Set(['and', 'or', 'xor']);

function isInt32(value: unknown): value is number {
  return typeof value === 'number' && (value | 0) === value;
}

/** $bit on int32 values stays int32 (JS bitwise operators are 32-bit); otherwise it is 64-bit, as a Long. */
function bitwise(a: unknown, b: unknown, operation: string): unknown {
  if (isInt32(a) && isInt32(b)) return operation === 'and' ? a & b : operation === 'or' ? a | b : a ^ b;
  const x = isLong(a) ? a.toBigInt() : BigInt(a as number);
  const y = isLong(b) ? b.toBigInt() : BigInt(b as number);
  return Long.fromBigInt(BigInt.asIntN(64, operation === 'and' ? x & y : operation === 'or' ? x | y : x ^ y));
}

const $bit: UpdateOperator = {
  prepare: (arg, path) => {
    if (!isPlainDocument(arg) || Object.keys(arg).length === 0) {
      throw badValue(
        `The $bit modifier is not compatible with a ${typeNameOf(arg)}. You must pass in an embedded document: {$bit: {${path}: {and/or/xor: #}}`,
      );
    }
    for (const key of Object.keys(arg)) {
      if (!BIT_OPERATIONS.has(key))
        throw badValue(
          `The $bit modifier only supports 'and', 'or', and 'xor', not '${key}' which is an unknown operator: {${key}: ${formatValue(arg[key])}}`,
        );
      if (!isInteger(arg[key]))
        throw badValue(
          `The $bit modifier field must be an Integer(32/64 bit); a '${typeNameOf(arg[key])}' is not supported here: {${key}: ${formatValue(arg[key])}}`,
        );
    }
    return arg;
  },
  apply: (doc, parts, arg, env) => {
    const slot = locate(doc, parts, true) as Slot;
    const current = read(slot.container, slot.key);
    if (current !== undefined && !isInteger(current)) {
      throw badValue(
        `Cannot apply $bit to a value of non-integral type.${formatIdOf(env.original)} has the field ${lastName(parts)} of non-integer type ${typeNameOf(current)}`,
      );
    }
    let value: unknown = current ?? 0;
    for (const operation of Object.keys(arg as Document)) value = bitwise(value, (arg as Document)[operation], operation);
    write(slot, value);
  },
};

export const UPDATE_OPERATORS: Record<string, UpdateOperator> = {
  $set: setOperator,
  $setOnInsert: setOperator,
  $unset,
  $inc: numericOperator('$inc', 'increment', 'add'),
  $mul: numericOperator('$mul', 'multiply', 'multiply'),
  $min: extremeOperator(true),
  $max: extremeOperator(false),
  $currentDate,
  ...arrayUpdateOperators,
  $bit,
};

/** `$rename`: moves the value at `from` to `to` (appended there); an array on either path is an error, a missing source a no-op. */
export function applyRename(doc: Document, from: string[], to: string[]): void {
  let container: unknown = doc;
  for (let i = 0; i < from.length - 1; i++) {
    const next: unknown = (container as Document)[from[i]];
    if (Array.isArray(next))
      throw badValue(`The source field cannot be an array element, '${from.join('.')}' in doc with ${from[i]}: ${formatValue(next)}`);
    if (!isPlainDocument(next)) return;
    container = next;
  }
  const source = container as Document;
  const name = lastName(from);
  if (!Object.hasOwn(source, name)) return;
  let target: unknown = doc;
  for (let i = 0; i < to.length - 1 && isPlainDocument(target); i++) {
    target = target[to[i]];
    if (Array.isArray(target))
      throw badValue(`The destination field cannot be an array element, '${to.join('.')}' in doc with ${to[i]}: ${formatValue(target)}`);
  }
  const value = source[name];
  delete source[name];
  write(locate(doc, to, true) as Slot, value);
}
