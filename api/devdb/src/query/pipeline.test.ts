import { Decimal128, Long, ObjectId } from 'bson';
import type { Document } from 'bson';
import { describe, expect, it } from 'vitest';
import { runPipeline } from './index.ts';
import { deepFreeze, expectServerError } from './test-support.ts';

const userA = new ObjectId('65a1b2c3d4e5f60718293a01');
const userB = new ObjectId('65a1b2c3d4e5f60718293a02');

const orders = deepFreeze([
  {
    _id: 1,
    user: userA,
    status: 'paid',
    total: 300,
    items: [
      { sku: 'a', qty: 1 },
      { sku: 'b', qty: 2 },
    ],
    at: new Date('2026-01-01T17:00:00Z'),
  },
  { _id: 2, user: userB, status: 'paid', total: 500, items: [{ sku: 'a', qty: 3 }], at: new Date('2026-01-02T03:00:00Z') },
  { _id: 3, user: userA, status: 'new', total: 200, items: [], at: new Date('2026-01-03T10:00:00Z') },
  { _id: 4, user: userB, status: 'cancelled', total: 100, at: new Date('2026-01-04T10:00:00Z') },
]);

const users = deepFreeze([
  { _id: userA, name: 'Ann', roles: ['admin'] },
  { _id: userB, name: 'Bob', roles: [] },
]);

const collections: Record<string, Document[]> = { users, orders };

function run(pipeline: Document[], docs: Document[] = orders, now?: Date): Document[] {
  return runPipeline(docs, pipeline, { resolveCollection: (name) => collections[name] ?? [], now });
}

describe('runPipeline: filtering, shaping and paging', () => {
  it('$match uses MongoDB filter semantics, including ObjectIds', () => {
    expect(run([{ $match: { user: new ObjectId(userA.toHexString()), total: { $gt: 250 } } }]).map((d) => d._id)).toEqual([1]);
    expect(run([{ $match: { 'items.sku': 'a' } }]).map((d) => d._id)).toEqual([1, 2]);
  });

  it('$project, $addFields/$set, $unset, $replaceRoot and $replaceWith', () => {
    expect(run([{ $match: { _id: 1 } }, { $project: { status: 1, double: { $multiply: ['$total', 2] } } }])).toEqual([
      { _id: 1, status: 'paid', double: 600 },
    ]);
    const [withFields] = run([
      { $match: { _id: 1 } },
      { $set: { 'extra.flag': true, total: { $add: ['$total', 1] } } },
      { $unset: ['items', 'at', 'user'] },
    ]);
    expect(withFields).toEqual({ _id: 1, status: 'paid', total: 301, extra: { flag: true } });
    expect(run([{ $match: { _id: 2 } }, { $replaceRoot: { newRoot: { $first: '$items' } } }])).toEqual([{ sku: 'a', qty: 3 }]);
    expect(run([{ $match: { _id: 2 } }, { $replaceWith: { id: '$_id' } }])).toEqual([{ id: 2 }]);
  });

  it('$sort uses the BSON order (ObjectId before boolean), then $skip and $limit', () => {
    const mixed = [{ _id: 1, v: true }, { _id: 2, v: new ObjectId() }, { _id: 3, v: 'text' }, { _id: 4 }];
    expect(run([{ $sort: { v: 1 } }], mixed).map((d) => d._id)).toEqual([4, 3, 2, 1]);
    expect(run([{ $sort: { total: -1 } }, { $skip: 1 }, { $limit: 2 }]).map((d) => d._id)).toEqual([1, 3]);
  });

  it('$count counts, and emits nothing for no input', () => {
    expect(run([{ $match: { status: 'paid' } }, { $count: 'n' }])).toEqual([{ n: 2 }]);
    expect(run([{ $match: { status: 'none' } }, { $count: 'n' }])).toEqual([]);
  });

  it("runs the driver's countDocuments pipeline", () => {
    const pipeline = [{ $match: { status: 'paid' } }, { $skip: 0 }, { $limit: 10 }, { $group: { _id: 1, n: { $sum: 1 } } }];
    expect(run(pipeline)).toEqual([{ _id: 1, n: 2 }]);
    expect(run([{ $match: { status: 'none' } }, { $group: { _id: 1, n: { $sum: 1 } } }])).toEqual([]);
  });

  it('$sample returns distinct documents', () => {
    const sample = run([{ $sample: { size: 3 } }]);
    expect(sample).toHaveLength(3);
    expect(new Set(sample.map((d) => d._id)).size).toBe(3);
    expect(run([{ $sample: { size: 10 } }])).toHaveLength(4);
  });
});

describe('runPipeline: grouping', () => {
  it('$group with every common accumulator', () => {
    const result = run([
      { $sort: { _id: 1 } },
      {
        $group: {
          _id: '$user',
          sum: { $sum: '$total' },
          avg: { $avg: '$total' },
          min: { $min: '$total' },
          max: { $max: '$total' },
          first: { $first: '$status' },
          last: { $last: '$status' },
          statuses: { $push: '$status' },
          big: { $addToSet: { $gt: ['$total', 150] } },
          count: { $count: {} },
        },
      },
      { $sort: { _id: 1 } },
    ]);
    expect(result).toEqual([
      { _id: userA, sum: 500, avg: 250, min: 200, max: 300, first: 'paid', last: 'new', statuses: ['paid', 'new'], big: [true], count: 2 },
      {
        _id: userB,
        sum: 600,
        avg: 300,
        min: 100,
        max: 500,
        first: 'paid',
        last: 'cancelled',
        statuses: ['paid', 'cancelled'],
        big: [true, false],
        count: 2,
      },
    ]);
  });

  it('groups missing and null keys together as null and equal numbers of any type together', () => {
    const docs = [{ k: null, n: 1 }, { n: 2 }, { k: 1, n: 3 }, { k: 1.0, n: 4 }];
    expect(run([{ $group: { _id: '$k', n: { $sum: '$n' } } }, { $sort: { _id: 1 } }], docs)).toEqual([
      { _id: null, n: 3 },
      { _id: 1, n: 7 },
    ]);
  });

  it('$push and $addToSet skip missing values', () => {
    const docs = [{ g: 1, v: 'a' }, { g: 1 }, { g: 1, v: 'a' }];
    expect(run([{ $group: { _id: '$g', all: { $push: '$v' }, set: { $addToSet: '$v' } } }], docs)).toEqual([
      { _id: 1, all: ['a', 'a'], set: ['a'] },
    ]);
  });

  it('$sortByCount and $bucket', () => {
    expect(run([{ $sortByCount: '$status' }, { $limit: 1 }])).toEqual([{ _id: 'paid', count: 2 }]);
    expect(
      run([
        {
          $bucket: { groupBy: '$total', boundaries: [0, 250, 1000], default: 'other', output: { n: { $sum: 1 }, ids: { $push: '$_id' } } },
        },
      ]),
    ).toEqual([
      { _id: 0, n: 2, ids: [3, 4] },
      { _id: 250, n: 2, ids: [1, 2] },
    ]);
    expect(run([{ $bucket: { groupBy: '$total', boundaries: [0, 250], default: 'other' } }])).toEqual([
      { _id: 0, count: 2 },
      { _id: 'other', count: 2 },
    ]);
    expectServerError(() => run([{ $bucket: { groupBy: '$total', boundaries: [0, 250] } }]), 2, 'no default was specified');
  });

  it('$sum, $avg and arithmetic fail with 115 on Decimal128; Longs compute as numbers', () => {
    const docs = [{ v: Decimal128.fromString('1.5'), n: Long.fromNumber(40) }];
    expectServerError(() => run([{ $project: { x: { $add: ['$v', 1] } } }], docs), 115, 'devdb');
    expectServerError(() => run([{ $project: { x: { $round: ['$v', 1] } } }], docs), 115);
    expect(run([{ $project: { _id: 0, x: { $add: ['$n', 2] }, y: { $abs: { $subtract: [0, '$n'] } } } }], docs)).toEqual([
      { x: 42, y: 40 },
    ]);
    const [dates] = run([
      { $match: { _id: 1 } },
      { $project: { _id: 0, later: { $add: ['$at', 60_000] }, gap: { $subtract: [{ $add: ['$at', 5] }, '$at'] } } },
    ]);
    expect(dates).toEqual({ later: new Date('2026-01-01T17:01:00Z'), gap: 5 });
    expectServerError(() => run([{ $group: { _id: null, s: { $sum: '$v' } } }], docs), 115, 'Decimal128');
    expectServerError(() => run([{ $group: { _id: null, s: { $avg: '$v' } } }], docs), 115, 'Decimal128');
  });

  it('$setWindowFields computes running totals per partition', () => {
    const result = run([
      {
        $setWindowFields: {
          partitionBy: '$user',
          sortBy: { at: 1 },
          output: { running: { $sum: '$total', window: { documents: ['unbounded', 'current'] } } },
        },
      },
      { $project: { running: 1 } },
      { $sort: { _id: 1 } },
    ]);
    expect(result).toEqual([
      { _id: 1, running: 300 },
      { _id: 2, running: 500 },
      { _id: 3, running: 500 },
      { _id: 4, running: 600 },
    ]);
  });
});

describe('runPipeline: arrays and joins', () => {
  it('$unwind with and without its options', () => {
    const docs = [{ _id: 1, a: [1, 2] }, { _id: 2, a: [] }, { _id: 3, a: null }, { _id: 4 }, { _id: 5, a: '' }];
    expect(run([{ $unwind: '$a' }], docs)).toEqual([
      { _id: 1, a: 1 },
      { _id: 1, a: 2 },
      { _id: 5, a: '' },
    ]);
    expect(run([{ $unwind: { path: '$a', preserveNullAndEmptyArrays: true, includeArrayIndex: 'i' } }], docs)).toEqual([
      { _id: 1, a: 1, i: 0 },
      { _id: 1, a: 2, i: 1 },
      { _id: 2, i: null },
      { _id: 3, a: null, i: null },
      { _id: 4, i: null },
      { _id: 5, a: '', i: null },
    ]);
    expect(run([{ $unwind: '$items' }, { $set: { 'items.flag': '$_id' } }, { $project: { items: 1 } }]).map((d) => d.items.flag)).toEqual([
      1, 1, 2,
    ]);
  });

  it('$lookup by localField/foreignField matches ObjectIds', () => {
    const result = run([
      { $match: { _id: { $in: [1, 4] } } },
      { $lookup: { from: 'users', localField: 'user', foreignField: '_id', as: 'buyer' } },
      { $project: { name: { $first: '$buyer.name' } } },
    ]);
    expect(result).toEqual([
      { _id: 1, name: 'Ann' },
      { _id: 4, name: 'Bob' },
    ]);
  });

  it('$lookup matches array and missing local fields the way $in would, in foreign order', () => {
    const docs = [{ _id: 1, owners: [userB, userA] }, { _id: 2 }];
    const withNull = { ...collections, people: [{ _id: 'p1', ref: null }, { _id: 'p2' }, { _id: 'p3', ref: [userA] }] };
    const result = runPipeline(
      docs,
      [
        { $lookup: { from: 'users', localField: 'owners', foreignField: '_id', as: 'found' } },
        { $lookup: { from: 'people', localField: 'owners', foreignField: 'ref', as: 'refs' } },
      ],
      {
        resolveCollection: (name) => withNull[name as keyof typeof withNull] ?? [],
      },
    );
    expect(result.map((d) => [d.found.map((u: Document) => u.name), d.refs.map((p: Document) => p._id)])).toEqual([
      [['Ann', 'Bob'], ['p3']],
      [[], ['p1', 'p2']],
    ]);
  });

  it('$graphLookup follows references with a validated restrictSearchWithMatch', () => {
    const staff = [
      { _id: 'ceo' },
      { _id: 'cto', boss: 'ceo' },
      { _id: 'dev', boss: 'cto', active: true },
      { _id: 'old', boss: 'cto', active: false },
    ];
    const result = runPipeline(
      staff.slice(0, 1),
      [
        {
          $graphLookup: {
            from: 'staff',
            startWith: '$_id',
            connectFromField: '_id',
            connectToField: 'boss',
            as: 'reports',
            restrictSearchWithMatch: { active: { $ne: false } },
          },
        },
      ],
      { resolveCollection: () => staff },
    );
    expect(result[0].reports.map((d: Document) => d._id).sort()).toEqual(['cto', 'dev']);
  });

  it('$lookup with let and a pipeline', () => {
    const result = run(
      [
        {
          $lookup: {
            from: 'orders',
            let: { uid: '$_id' },
            pipeline: [{ $match: { $expr: { $eq: ['$user', '$$uid'] }, status: 'paid' } }, { $project: { _id: 1 } }],
            as: 'paid',
          },
        },
      ],
      users,
    );
    expect(result.map((u) => [u.name, u.paid])).toEqual([
      ['Ann', [{ _id: 1 }]],
      ['Bob', [{ _id: 2 }]],
    ]);
  });

  it('$facet runs sub-pipelines over the same input; $unionWith appends another collection', () => {
    expect(
      run([{ $facet: { count: [{ $count: 'n' }], top: [{ $sort: { total: -1 } }, { $limit: 1 }, { $project: { _id: 1 } }] } }]),
    ).toEqual([{ count: [{ n: 4 }], top: [{ _id: 2 }] }]);
    expect(
      run([{ $project: { _id: 1 } }, { $unionWith: { coll: 'users', pipeline: [{ $project: { name: 1, _id: 0 } }] } }]).slice(-2),
    ).toEqual([{ name: 'Ann' }, { name: 'Bob' }]);
  });
});

describe('runPipeline: expressions and variables', () => {
  it('$$NOW is the context time', () => {
    const now = new Date('2030-05-06T07:08:09Z');
    expect(run([{ $limit: 1 }, { $project: { _id: 0, now: '$$NOW' } }], orders, now)).toEqual([{ now }]);
    expect(run([{ $match: { $expr: { $lt: ['$at', '$$NOW'] } } }, { $count: 'n' }], orders, new Date('2026-01-02T00:00:00Z'))).toEqual([
      { n: 1 },
    ]);
  });

  it('$toObjectId, $toString, $type and $convert know ObjectId', () => {
    const [result] = run([
      { $match: { _id: 1 } },
      {
        $project: {
          _id: 0,
          hex: { $toString: '$user' },
          back: { $toObjectId: { $toString: '$user' } },
          type: { $type: '$user' },
          converted: { $convert: { input: 'zz', to: 'objectId', onError: 'bad' } },
          created: { $toDate: '$user' },
        },
      },
    ]);
    expect(result).toEqual({ hex: userA.toHexString(), back: userA, type: 'objectId', converted: 'bad', created: userA.getTimestamp() });
  });

  it('leaves fields that evaluate to missing out of documents and nulls them in arrays', () => {
    const [result] = run([
      { $limit: 1 },
      { $project: { _id: 0, obj: { $ifNull: [null, { a: '$nope', b: 1 }] }, arr: ['$nope', 1], gone: '$nope' } },
    ]);
    expect(result).toEqual({ obj: { b: 1 }, arr: [null, 1] });
    expect(Object.keys(result.obj)).toEqual(['b']);
  });

  it('compares mixed types in expressions in BSON order', () => {
    const [result] = run([
      { $limit: 1 },
      { $project: { _id: 0, a: { $lt: ['$user', true] }, b: { $gt: [{ $literal: 'x' }, 5] }, c: { $cmp: ['$missing', null] } } },
    ]);
    expect(result).toEqual({ a: true, b: true, c: -1 });
  });
});

describe('runPipeline: validation', () => {
  it.each([
    '$out',
    '$merge',
    '$changeStream',
    '$geoNear',
    '$search',
    '$searchMeta',
    '$vectorSearch',
    '$collStats',
    '$indexStats',
    '$listSessions',
    '$currentOp',
    '$planCacheStats',
  ])('rejects %s with 115', (stage) => {
    expectServerError(() => run([{ [stage]: {} }]), 115, 'not supported by devdb');
  });

  it('rejects unknown stages with 40324, also inside $facet and $lookup', () => {
    expectServerError(() => run([{ $foo: {} }]), 40324, "Unrecognized pipeline stage name: '$foo'");
    expectServerError(() => run([{ $facet: { a: [{ $bar: 1 }] } }]), 40324);
    expectServerError(() => run([{ $lookup: { from: 'users', pipeline: [{ $baz: 1 }], as: 'x' } }]), 40324);
  });

  it('rejects bad $limit and $skip values and server-side JavaScript', () => {
    expectServerError(() => run([{ $limit: 0 }]), 2, 'the limit must be positive');
    expectServerError(() => run([{ $skip: -1 }]), 2);
    expectServerError(() => run([{ $group: { _id: null, x: { $accumulator: {} } } }]), 115);
    expectServerError(() => run([{ $project: { x: { $function: { body: '', args: [], lang: 'js' } } } }]), 115);
  });

  it('rejects a stage object with two stage names (40323)', () => {
    expectServerError(() => run([{ $match: {}, $sort: { n: 1 } }]), 40323, 'exactly one field');
  });

  it('reports unknown expression operators as InvalidPipelineOperator (168)', () => {
    expectServerError(() => run([{ $project: { x: { $noSuchOperator: 1 } } }]), 168, "Unrecognized expression '$noSuchOperator'");
  });

  it('never modifies its input documents (they are frozen here)', () => {
    expect(() => run([{ $unwind: '$items' }, { $set: { 'items.qty': 0 } }, { $unset: 'at' }, { $addFields: { 'x.y': 1 } }])).not.toThrow();
    expect(orders[0].items).toEqual([
      { sku: 'a', qty: 1 },
      { sku: 'b', qty: 2 },
    ]);
  });
});
