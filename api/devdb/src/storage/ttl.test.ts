import { describe, expect, it } from 'vitest';
import { CommittedAccess } from './access.ts';
import { documentKey } from './collection.ts';
import { Engine } from './engine.ts';
import { validateIndexSpec } from './index.ts';
import { sweepExpiredDocuments } from './ttl.ts';

describe('sweepExpiredDocuments', () => {
  it('deletes documents whose indexed date is past expireAfterSeconds, honouring partial indexes', async () => {
    const engine = new Engine();
    const access = new CommittedAccess(engine);
    const orders = access.collectionForWrite('shop', 'orders');
    orders.addIndex(
      validateIndexSpec({ key: { createdAt: 1 }, name: 'ttl', expireAfterSeconds: 60, partialFilterExpression: { status: 'pending' } }),
    );
    const now = Date.parse('2026-11-23T12:00:00Z');
    const old = new Date(now - 120_000);
    access.put(orders, documentKey(1), { _id: 1, status: 'pending', createdAt: old });
    access.put(orders, documentKey(2), { _id: 2, status: 'paid', createdAt: old });
    access.put(orders, documentKey(3), { _id: 3, status: 'pending', createdAt: new Date(now - 10_000) });
    access.put(orders, documentKey(4), { _id: 4, status: 'pending', createdAt: 'not a date' });
    access.put(orders, documentKey(5), { _id: 5, status: 'pending', createdAt: [new Date(now), old] });
    await access.finish();
    expect(await sweepExpiredDocuments(engine, now)).toBe(2);
    expect([...orders.liveEntries()].map(([, doc]) => doc._id)).toEqual([2, 3, 4]);
  });
});
