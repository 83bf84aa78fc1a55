import { evalExpr } from 'mingo/core';
import { ObjectId } from 'bson';
import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluate.ts';
import { BASE_OPTIONS } from './mingo-context.ts';
import type { Options } from 'mingo/types';

const options = BASE_OPTIONS as Options;

describe('evaluate', () => {
  it('answers top-level fields and constants exactly as mingo would', () => {
    const docs = [{ a: 1, b: [1, 2], c: { d: 1 }, id: new ObjectId() }, { a: null }, {}, { b: [] }];
    const expressions = ['$a', '$b', '$c', '$id', '$missing', 1, 0, true, '$c.d', { $add: ['$a', 1] }];
    for (const doc of docs) {
      for (const expr of expressions) {
        let expected: unknown;
        try {
          expected = evalExpr(doc, expr, options);
        } catch {
          continue;
        }
        expect(evaluate(doc, expr, options)).toEqual(expected);
      }
    }
  });
});
