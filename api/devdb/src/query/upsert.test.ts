import { ObjectId } from 'bson';
import { describe, expect, it } from 'vitest';
import { applyUpdate, upsertSeed } from './index.ts';
import { expectServerError } from './test-support.ts';

describe('upsertSeed', () => {
  it('seeds equalities, $eq and one-element $in, expanding dotted paths', () => {
    const id = new ObjectId();
    expect(upsertSeed({ 'a.b': 1, 'a.c': 'x', status: { $eq: 'new' }, tag: { $in: ['t'] }, _id: id })).toEqual({
      _id: id,
      a: { b: 1, c: 'x' },
      status: 'new',
      tag: 't',
    });
  });

  it('puts _id first and copies values', () => {
    const nested = { x: [1] };
    const seed = upsertSeed({ doc: nested, _id: 5 });
    expect(Object.keys(seed)).toEqual(['_id', 'doc']);
    seed.doc.x.push(2);
    expect(nested.x).toEqual([1]);
  });

  it('skips ranges, multi-value $in, regexes and other operators', () => {
    expect(
      upsertSeed({
        a: { $gt: 1 },
        b: { $in: [1, 2] },
        c: /x/,
        d: { $exists: true },
        e: { $in: [/x/] },
        $or: [{ f: 1 }, { g: 2 }],
        $expr: { $eq: [1, 1] },
      }),
    ).toEqual({});
  });

  it('seeds from $and clauses and from a one-clause $or', () => {
    expect(upsertSeed({ $and: [{ a: 1 }, { b: { $eq: 2 } }], $or: [{ c: 3 }] })).toEqual({ a: 1, b: 2, c: 3 });
  });

  it('keeps whole documents and arrays given as equality values', () => {
    expect(upsertSeed({ a: { x: 1, y: 2 }, b: [1, 2], n: null })).toEqual({ a: { x: 1, y: 2 }, b: [1, 2], n: null });
  });

  it('rejects a path matched twice or together with a path inside it', () => {
    expectServerError(() => upsertSeed({ a: 1, $and: [{ a: 2 }] }), 54, "cannot infer query fields to set, path 'a' is matched twice");
    expectServerError(
      () => upsertSeed({ a: { x: 1 }, 'a.y': 2 }),
      54,
      "cannot infer query fields to set, both paths 'a' and 'a.y' are matched",
    );
  });

  it('is the base the upsert update is applied to, with $setOnInsert', () => {
    const seed = upsertSeed({ email: 'a@b.c', 'profile.tier': 'gold' });
    const { doc } = applyUpdate(
      seed,
      { $set: { 'profile.name': 'A' }, $setOnInsert: { createdAt: 1 }, $inc: { visits: 1 } },
      { isUpsertInsert: true },
    );
    expect(doc).toEqual({ email: 'a@b.c', profile: { tier: 'gold', name: 'A' }, createdAt: 1, visits: 1 });
  });
});
