import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mongoose, { Schema } from 'mongoose';
import { connectTarget, DEVDB_ONLY, errorOf, isDevdb, type Target } from './harness.ts';

const { Binary, Long, ObjectId } = mongoose.mongo;

let target: Target;

const orderSchema = new Schema(
  {
    _id: Number,
    customer: String,
    status: String,
    amount: Number,
    items: { type: [new Schema({ sku: String, qty: Number }, { _id: false })], default: undefined },
    at: Date,
    tags: { type: Schema.Types.Mixed },
  },
  { versionKey: false },
);
const customerSchema = new Schema({ _id: String, name: String, tier: String }, { versionKey: false });

function Order() {
  return target.conn.models.Order ?? target.conn.model('Order', orderSchema, 'orders');
}
function Customer() {
  return target.conn.models.Customer ?? target.conn.model('Customer', customerSchema, 'customers');
}

beforeAll(async () => {
  target = await connectTarget();
  await Order().insertMany([
    // 2026-01-01T17:00Z is already 2026-01-02 01:00 in Shanghai (UTC+8).
    {
      _id: 1,
      customer: 'ann',
      status: 'paid',
      amount: 100,
      items: [
        { sku: 'a', qty: 1 },
        { sku: 'b', qty: 2 },
      ],
      at: new Date('2026-01-01T17:00:00Z'),
      tags: ['x'],
    },
    { _id: 2, customer: 'bob', status: 'paid', amount: 250, items: [{ sku: 'a', qty: 3 }], at: new Date('2026-01-01T15:00:00Z'), tags: [] },
    { _id: 3, customer: 'ann', status: 'pending', amount: 40, items: [], at: new Date('2026-01-02T16:30:00Z') },
    // 2025-12-31T16:00Z is exactly 2026-01-01 00:00 in Shanghai: a different year there.
    { _id: 4, customer: 'cy', status: 'paid', amount: 10, items: [{ sku: 'c', qty: 5 }], at: new Date('2025-12-31T16:00:00Z'), tags: null },
  ]);
  await Customer().insertMany([
    { _id: 'ann', name: 'Ann', tier: 'gold' },
    { _id: 'bob', name: 'Bob', tier: 'silver' },
    { _id: 'dan', name: 'Dan', tier: 'none' },
  ]);
});

afterAll(async () => {
  await target?.close();
});

describe('basic stages', () => {
  it('$match + $group + $sort', async () => {
    const rows = await Order().aggregate([
      { $match: { status: 'paid' } },
      { $group: { _id: '$customer', total: { $sum: '$amount' } } },
      { $sort: { total: -1 } },
    ]);
    expect(rows).toEqual([
      { _id: 'bob', total: 250 },
      { _id: 'ann', total: 100 },
      { _id: 'cy', total: 10 },
    ]);
  });

  it('accumulators: $sum (value and 1), $avg, $min, $max, $push, $addToSet, $first, $last', async () => {
    const rows = await Order().aggregate([
      { $sort: { _id: 1 } },
      {
        $group: {
          _id: '$customer',
          total: { $sum: '$amount' },
          n: { $sum: 1 },
          avg: { $avg: '$amount' },
          min: { $min: '$amount' },
          max: { $max: '$amount' },
          amounts: { $push: '$amount' },
          statuses: { $addToSet: '$status' },
          first: { $first: '$_id' },
          last: { $last: '$_id' },
        },
      },
      { $sort: { _id: 1 } },
    ]);
    expect(rows.length).toBe(3);
    const ann = rows[0];
    expect(ann).toMatchObject({ _id: 'ann', total: 140, n: 2, avg: 70, min: 40, max: 100, amounts: [100, 40], first: 1, last: 3 });
    expect([...ann.statuses].sort()).toEqual(['paid', 'pending']);
    expect(rows[1]).toMatchObject({ _id: 'bob', total: 250, n: 1, avg: 250, amounts: [250] });
    expect(rows[2]).toMatchObject({ _id: 'cy', total: 10, n: 1 });
  });

  it('$group with _id null and a compound _id', async () => {
    const all = await Order().aggregate([{ $group: { _id: null, total: { $sum: '$amount' }, n: { $sum: 1 } } }]);
    expect(all).toEqual([{ _id: null, total: 400, n: 4 }]);
    const compound = await Order().aggregate([
      { $group: { _id: { c: '$customer', s: '$status' }, n: { $sum: 1 } } },
      { $sort: { '_id.c': 1, '_id.s': 1 } },
    ]);
    expect(compound).toEqual([
      { _id: { c: 'ann', s: 'paid' }, n: 1 },
      { _id: { c: 'ann', s: 'pending' }, n: 1 },
      { _id: { c: 'bob', s: 'paid' }, n: 1 },
      { _id: { c: 'cy', s: 'paid' }, n: 1 },
    ]);
  });

  it('$project with expressions, $addFields, $skip, $limit', async () => {
    const projected = await Order().aggregate([
      { $sort: { _id: 1 } },
      {
        $project: {
          customer: 1,
          double: { $multiply: ['$amount', 2] },
          nItems: { $size: { $ifNull: ['$items', []] } },
          big: { $gt: ['$amount', 50] },
          label: { $concat: ['$customer', '-', { $toString: '$_id' }] },
          flag: { $cond: [{ $eq: ['$status', 'paid'] }, 'P', 'N'] },
        },
      },
    ]);
    expect(projected[0]).toEqual({ _id: 1, customer: 'ann', double: 200, nItems: 2, big: true, label: 'ann-1', flag: 'P' });
    expect(projected[2]).toEqual({ _id: 3, customer: 'ann', double: 80, nItems: 0, big: false, label: 'ann-3', flag: 'N' });
    const page = await Order().aggregate([
      { $sort: { _id: 1 } },
      { $skip: 1 },
      { $limit: 2 },
      { $addFields: { twice: { $multiply: ['$amount', 2] } } },
      { $project: { twice: 1 } },
    ]);
    expect(page).toEqual([
      { _id: 2, twice: 500 },
      { _id: 3, twice: 80 },
    ]);
  });

  it('$count', async () => {
    expect(await Order().aggregate([{ $match: { status: 'paid' } }, { $count: 'paid' }])).toEqual([{ paid: 3 }]);
    expect(await Order().aggregate([{ $match: { status: 'nope' } }, { $count: 'n' }])).toEqual([]);
  });

  it('$facet', async () => {
    const [facets] = await Order().aggregate([
      {
        $facet: {
          byStatus: [{ $group: { _id: '$status', n: { $sum: 1 } } }, { $sort: { _id: 1 } }],
          top: [{ $sort: { amount: -1 } }, { $limit: 1 }, { $project: { _id: 1 } }],
          total: [{ $count: 'n' }],
        },
      },
    ]);
    expect(facets).toEqual({
      byStatus: [
        { _id: 'paid', n: 3 },
        { _id: 'pending', n: 1 },
      ],
      top: [{ _id: 2 }],
      total: [{ n: 4 }],
    });
  });
});

describe('$lookup', () => {
  it('localField/foreignField form', async () => {
    const rows = await Order().aggregate([
      { $sort: { _id: 1 } },
      { $lookup: { from: 'customers', localField: 'customer', foreignField: '_id', as: 'cust' } },
      { $project: { customer: 1, cust: 1 } },
    ]);
    expect(rows.map((r) => r.cust.map((c: { name: string }) => c.name))).toEqual([['Ann'], ['Bob'], ['Ann'], []]);
    expect(rows[0].cust[0]).toEqual({ _id: 'ann', name: 'Ann', tier: 'gold' });
  });

  it('let/pipeline form', async () => {
    const rows = await Customer().aggregate([
      { $sort: { _id: 1 } },
      {
        $lookup: {
          from: 'orders',
          let: { c: '$_id' },
          pipeline: [{ $match: { $expr: { $eq: ['$customer', '$$c'] } } }, { $group: { _id: null, total: { $sum: '$amount' } } }],
          as: 'totals',
        },
      },
      { $project: { total: { $ifNull: [{ $first: '$totals.total' }, 0] } } },
    ]);
    expect(rows).toEqual([
      { _id: 'ann', total: 140 },
      { _id: 'bob', total: 250 },
      { _id: 'dan', total: 0 },
    ]);
  });
});

describe('$unwind', () => {
  it('drops documents with missing, null or empty arrays by default', async () => {
    const rows = await Order().aggregate([{ $sort: { _id: 1 } }, { $unwind: '$items' }, { $project: { sku: '$items.sku' } }]);
    expect(rows).toEqual([
      { _id: 1, sku: 'a' },
      { _id: 1, sku: 'b' },
      { _id: 2, sku: 'a' },
      { _id: 4, sku: 'c' },
    ]);
  });

  it('preserveNullAndEmptyArrays and includeArrayIndex', async () => {
    const rows = await Order().aggregate([
      { $sort: { _id: 1 } },
      { $unwind: { path: '$tags', preserveNullAndEmptyArrays: true, includeArrayIndex: 'idx' } },
      { $project: { tags: 1, idx: 1 } },
    ]);
    expect(rows).toEqual([
      { _id: 1, tags: 'x', idx: 0 },
      { _id: 2, idx: null },
      { _id: 3, idx: null },
      { _id: 4, tags: null, idx: null },
    ]);
    const items = await Order().aggregate([
      { $sort: { _id: 1 } },
      { $unwind: { path: '$items', includeArrayIndex: 'pos' } },
      { $group: { _id: '$_id', positions: { $push: '$pos' } } },
      { $sort: { _id: 1 } },
    ]);
    expect(items).toEqual([
      { _id: 1, positions: [0, 1] },
      { _id: 2, positions: [0] },
      { _id: 4, positions: [0] },
    ]);
  });
});

describe('dates in Asia/Shanghai', () => {
  const tz = 'Asia/Shanghai';

  it('$dateToString', async () => {
    const rows = await Order().aggregate([
      { $sort: { _id: 1 } },
      {
        $project: {
          local: { $dateToString: { format: '%Y-%m-%d', date: '$at', timezone: tz } },
          utc: { $dateToString: { format: '%Y-%m-%d', date: '$at' } },
          time: { $dateToString: { format: '%H:%M', date: '$at', timezone: tz } },
        },
      },
    ]);
    expect(rows).toEqual([
      { _id: 1, local: '2026-01-02', utc: '2026-01-01', time: '01:00' },
      { _id: 2, local: '2026-01-01', utc: '2026-01-01', time: '23:00' },
      { _id: 3, local: '2026-01-03', utc: '2026-01-02', time: '00:30' },
      { _id: 4, local: '2026-01-01', utc: '2025-12-31', time: '00:00' },
    ]);
  });

  it('$dateTrunc to the local day', async () => {
    const rows = await Order().aggregate([
      { $sort: { _id: 1 } },
      { $project: { day: { $dateTrunc: { date: '$at', unit: 'day', timezone: tz } } } },
    ]);
    expect(rows.map((r) => (r.day as Date).toISOString())).toEqual([
      '2026-01-01T16:00:00.000Z',
      '2025-12-31T16:00:00.000Z',
      '2026-01-02T16:00:00.000Z',
      '2025-12-31T16:00:00.000Z',
    ]);
  });

  it('$year, $month, $dayOfMonth, $hour with and without timezone', async () => {
    const rows = await Order().aggregate([
      { $sort: { _id: 1 } },
      {
        $project: {
          y: { $year: { date: '$at', timezone: tz } },
          m: { $month: { date: '$at', timezone: tz } },
          d: { $dayOfMonth: { date: '$at', timezone: tz } },
          h: { $hour: { date: '$at', timezone: tz } },
          yUtc: { $year: '$at' },
          dUtc: { $dayOfMonth: '$at' },
        },
      },
    ]);
    expect(rows).toEqual([
      { _id: 1, y: 2026, m: 1, d: 2, h: 1, yUtc: 2026, dUtc: 1 },
      { _id: 2, y: 2026, m: 1, d: 1, h: 23, yUtc: 2026, dUtc: 1 },
      { _id: 3, y: 2026, m: 1, d: 3, h: 0, yUtc: 2026, dUtc: 2 },
      { _id: 4, y: 2026, m: 1, d: 1, h: 0, yUtc: 2025, dUtc: 31 },
    ]);
  });

  it('offset timezones, week/month truncation, $dateAdd, $dateDiff, $dateFromString, $dayOfWeek, $isoWeek, $dateToParts', async () => {
    // Order 1: 2026-01-01T17:00Z is Friday 2026-01-02 01:00 in Shanghai.
    const [row] = await Order().aggregate([
      { $match: { _id: 1 } },
      {
        $project: {
          _id: 0,
          offset: { $dateToString: { format: '%Y-%m-%d %H:%M', date: '$at', timezone: '+08:00' } },
          week: { $dateTrunc: { date: '$at', unit: 'week', timezone: tz } },
          weekMonday: { $dateTrunc: { date: '$at', unit: 'week', timezone: tz, startOfWeek: 'monday' } },
          month: { $dateTrunc: { date: '$at', unit: 'month', timezone: tz } },
          plusDay: { $dateAdd: { startDate: '$at', unit: 'day', amount: 1, timezone: tz } },
          days: { $dateDiff: { startDate: new Date('2026-01-01T15:00:00Z'), endDate: '$at', unit: 'day', timezone: tz } },
          daysUtc: { $dateDiff: { startDate: new Date('2026-01-01T15:00:00Z'), endDate: '$at', unit: 'day' } },
          parsed: { $dateFromString: { dateString: '2026-01-02T00:00:00', timezone: tz } },
          weekday: { $dayOfWeek: { date: '$at', timezone: tz } },
          isoWeek: { $isoWeek: { date: '$at', timezone: tz } },
          parts: { $dateToParts: { date: '$at', timezone: tz } },
        },
      },
    ]);
    expect(row.offset).toBe('2026-01-02 01:00');
    expect((row.week as Date).toISOString()).toBe('2025-12-27T16:00:00.000Z');
    expect((row.weekMonday as Date).toISOString()).toBe('2025-12-28T16:00:00.000Z');
    expect((row.month as Date).toISOString()).toBe('2025-12-31T16:00:00.000Z');
    expect((row.plusDay as Date).toISOString()).toBe('2026-01-02T17:00:00.000Z');
    expect(row.days).toBe(1);
    expect(row.daysUtc).toBe(0);
    expect((row.parsed as Date).toISOString()).toBe('2026-01-01T16:00:00.000Z');
    expect(row.weekday).toBe(6);
    expect(row.isoWeek).toBe(1);
    expect(row.parts).toEqual({ year: 2026, month: 1, day: 2, hour: 1, minute: 0, second: 0, millisecond: 0 });
  });

  it('daily sales grouped by the Shanghai calendar day', async () => {
    const rows = await Order().aggregate([
      { $group: { _id: { $dateToString: { format: '%Y-%m-%d', date: '$at', timezone: tz } }, total: { $sum: '$amount' } } },
      { $sort: { _id: 1 } },
    ]);
    expect(rows).toEqual([
      { _id: '2026-01-01', total: 260 },
      { _id: '2026-01-02', total: 100 },
      { _id: '2026-01-03', total: 40 },
    ]);
  });
});

describe('sort order across BSON types', () => {
  const oid = new ObjectId('65a1b2c3d4e5f60718293a4b');
  const expected = [
    'a_null',
    'b_missing',
    'n_int',
    'n_long',
    'n_double',
    's_abc',
    's_b',
    'o_object',
    'x_bin',
    'y_oid',
    'z_false',
    'z_true',
    'zz_date',
  ];

  beforeAll(async () => {
    await target.db
      .collection('mixed')
      .insertMany([
        { _id: 'zz_date', v: new Date('2020-01-01T00:00:00Z') },
        { _id: 'z_true', v: true },
        { _id: 's_b', v: 'b' },
        { _id: 'y_oid', v: oid },
        { _id: 'n_double', v: 7.5 },
        { _id: 'a_null', v: null },
        { _id: 'x_bin', v: new Binary(Buffer.from([1])) },
        { _id: 'o_object', v: { a: 1 } },
        { _id: 'n_int', v: 5 },
        { _id: 'z_false', v: false },
        { _id: 'b_missing' },
        { _id: 's_abc', v: 'abc' },
        { _id: 'n_long', v: Long.fromNumber(6) },
      ] as never[]);
  });

  it('find: null/missing < numbers < strings < objects < binData < ObjectId < booleans < dates', async () => {
    const asc = await target.db.collection('mixed').find({}).sort({ v: 1, _id: 1 }).toArray();
    expect(asc.map((d) => d._id)).toEqual(expected);
    const desc = await target.db.collection('mixed').find({}).sort({ v: -1, _id: -1 }).toArray();
    expect(desc.map((d) => d._id)).toEqual([...expected].reverse());
  });

  it('aggregate $sort uses the same order', async () => {
    const rows = await target.db
      .collection('mixed')
      .aggregate([{ $sort: { v: 1, _id: 1 } }, { $project: { _id: 1 } }])
      .toArray();
    expect(rows.map((d) => d._id)).toEqual(expected);
  });

  it('comparison operators only compare within a type bracket', async () => {
    const gtNumber = await target.db
      .collection('mixed')
      .find({ v: { $gt: 0 } })
      .sort({ _id: 1 })
      .toArray();
    expect(gtNumber.map((d) => d._id)).toEqual(['n_double', 'n_int', 'n_long']);
    const gtString = await target.db
      .collection('mixed')
      .find({ v: { $gte: 'a' } })
      .sort({ _id: 1 })
      .toArray();
    expect(gtString.map((d) => d._id)).toEqual(['s_abc', 's_b']);
  });
});

describe('unsupported and unknown stages', () => {
  it.skipIf(!isDevdb)(`$out and $merge fail with 115 — ${DEVDB_ONLY}`, async () => {
    const out = await errorOf(() =>
      Order()
        .aggregate([{ $match: {} }, { $out: 'copy' }])
        .exec(),
    );
    expect(out.code).toBe(115);
    expect(out.message).toMatch(/devdb/);
    const merge = await errorOf(() =>
      Order()
        .aggregate([{ $merge: { into: 'copy' } }])
        .exec(),
    );
    expect(merge.code).toBe(115);
    expect(await target.db.listCollections({ name: 'copy' }).toArray()).toEqual([]);
  });

  it('an unknown stage is 40324', async () => {
    const err = await errorOf(() =>
      Order()
        .aggregate([{ $bogus: {} } as never])
        .exec(),
    );
    expect(err.code).toBe(40324);
  });
});
