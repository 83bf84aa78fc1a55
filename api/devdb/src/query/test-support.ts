import { expect } from 'vitest';
import { MongoServerError } from '../errors.ts';

/** Asserts that `run` throws a MongoServerError with the given code (and a message containing or matching `message`). */
export function expectServerError(run: () => unknown, code: number, message?: string | RegExp): MongoServerError {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(MongoServerError);
  const error = thrown as MongoServerError;
  const expectedMessage =
    message === undefined
      ? {}
      : { message: typeof message === 'string' ? expect.stringContaining(message) : expect.stringMatching(message) };
  expect({ code: error.code, message: error.message }).toMatchObject({ code, ...expectedMessage });
  return error;
}

/** Freezes a value deeply, so a test fails if code under test writes into its input. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    const isBsonValue = (value as { _bsontype?: string })._bsontype !== undefined;
    if (!isBsonValue && !(value instanceof Date)) {
      Object.freeze(value);
      for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
    }
  }
  return value;
}
