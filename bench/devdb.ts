/**
 * devdb figures (issue: embedded engine): single insert p50/p99, bulk insert of 10k documents,
 * findOne by unique key at 100k documents, a $match/$group aggregate over 100k documents, and
 * journal throughput with fsync (sequential and with concurrent clients for group commit).
 * Everything goes through mongoose, as the app will use it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { start } from '@mall/devdb';
import { ms, report, timeEach, timeOnce } from './stats.ts';

const itemSchema = new mongoose.Schema({
  sku: { type: String, unique: true },
  store: String,
  category: Number,
  priceFen: Number,
  stock: Number,
});

function item(i: number) {
  return { sku: `SKU-${i}`, store: `store-${i % 50}`, category: i % 20, priceFen: 100 + (i % 997), stock: i % 100 };
}

async function inMemoryFigures(): Promise<void> {
  const server = await start({ port: 0 });
  const conn = await mongoose.createConnection(server.uri, { maxPoolSize: 20 }).asPromise();
  const Item = conn.model('Item', itemSchema);
  await Item.init();
  try {
    const single = await timeEach(2_000, (i) => Item.create(item(1_000_000 + i)));
    report('single insert (in-memory), 2,000 sequential', `p50 ${ms(single.p50)}  p99 ${ms(single.p99)}`);

    await Item.deleteMany({});
    const bulk = await timeOnce(() =>
      Item.insertMany(
        Array.from({ length: 10_000 }, (_, i) => item(i)),
        { lean: true },
      ),
    );
    report('bulk insert of 10,000 documents (insertMany)', `${ms(bulk)}  (${Math.round(10_000 / (bulk / 1000))} docs/s)`);

    for (let offset = 10_000; offset < 100_000; offset += 10_000) {
      await Item.insertMany(
        Array.from({ length: 10_000 }, (_, i) => item(offset + i)),
        { lean: true },
      );
    }
    const lookups = await timeEach(5_000, (i) => Item.findOne({ sku: `SKU-${(i * 7919) % 100_000}` }).lean());
    report('findOne by unique key at 100,000 documents (goal p50 <= 1 ms)', `p50 ${ms(lookups.p50)}  p99 ${ms(lookups.p99)}`);

    const aggregate = await timeEach(10, () =>
      Item.aggregate([
        { $match: { stock: { $gte: 10 } } },
        { $group: { _id: '$category', gmv: { $sum: '$priceFen' }, n: { $sum: 1 } } },
        { $sort: { gmv: -1 } },
      ]),
    );
    report('$match/$group/$sort aggregate over 100,000 documents', `p50 ${ms(aggregate.p50)}  p99 ${ms(aggregate.p99)}`);
  } finally {
    await conn.close();
    await server.stop();
  }
}

async function journalFigures(): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'devdb-bench-'));
  const server = await start({ port: 0, dataDir });
  const conn = await mongoose.createConnection(server.uri, { maxPoolSize: 50 }).asPromise();
  const Item = conn.model('Item', itemSchema);
  await Item.init();
  try {
    const count = 1_000;
    const sequential = await timeOnce(async () => {
      for (let i = 0; i < count; i++) await Item.create(item(i));
    });
    report(
      'journal: sequential acknowledged inserts (fsync each)',
      `${Math.round(count / (sequential / 1000))} ops/s  (${ms(sequential / count)} each)`,
    );

    const concurrent = 5_000;
    const clients = 50;
    const grouped = await timeOnce(() =>
      Promise.all(
        Array.from({ length: clients }, async (_, client) => {
          for (let i = client; i < concurrent; i += clients) await Item.create(item(100_000 + i));
        }),
      ),
    );
    report(`journal: ${clients} concurrent clients (group commit)`, `${Math.round(concurrent / (grouped / 1000))} ops/s`);
  } finally {
    await conn.close();
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

process.stdout.write('devdb (embedded engine, development and tests only)\n');
await inMemoryFigures();
await journalFigures();
