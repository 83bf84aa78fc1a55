import { type Long } from 'bson';
import { describe, expect, it } from 'vitest';
import { CursorRegistry } from './cursors.ts';

const docs = (n: number, size = 0) => Array.from({ length: n }, (_, i) => ({ _id: i, pad: 'x'.repeat(size) }));

describe('CursorRegistry', () => {
  it('hands out the first batch, then getMore batches, and closes when exhausted', () => {
    const cursors = new CursorRegistry();
    const first = cursors.open('db.c', docs(250), {});
    expect(first.firstBatch).toHaveLength(101);
    const id = (first.id as Long).toBigInt();
    expect(id).toBeGreaterThan(0n);
    const second = cursors.getMore(id, 'db.c', 100);
    expect(second.nextBatch.map((d: { _id: number }) => d._id)).toEqual(Array.from({ length: 100 }, (_, i) => 101 + i));
    const last = cursors.getMore(id, 'db.c', undefined);
    expect(last.nextBatch).toHaveLength(49);
    expect((last.id as Long).toBigInt()).toBe(0n);
    expect(cursors.openCount).toBe(0);
    expect(() => cursors.getMore(id, 'db.c', 1)).toThrow(expect.objectContaining({ code: 43 }));
  });

  it('returns everything at once for a small result or singleBatch, and an empty first batch for batchSize 0', () => {
    const cursors = new CursorRegistry();
    expect((cursors.open('db.c', docs(5), {}).id as Long).toBigInt()).toBe(0n);
    const single = cursors.open('db.c', docs(500), { singleBatch: true, batchSize: 10 });
    expect(single.firstBatch).toHaveLength(10);
    expect((single.id as Long).toBigInt()).toBe(0n);
    const empty = cursors.open('db.c', docs(3), { batchSize: 0 });
    expect(empty.firstBatch).toHaveLength(0);
    expect(cursors.getMore((empty.id as Long).toBigInt(), 'db.c', 0).nextBatch).toHaveLength(3);
  });

  it('cuts batches at 16 MB', () => {
    const cursors = new CursorRegistry();
    const first = cursors.open('db.c', docs(40, 1024 * 1024), { batchSize: 1000 });
    expect(first.firstBatch.length).toBeLessThan(16);
    expect(first.firstBatch.length).toBeGreaterThan(10);
  });

  it('refuses getMore on another namespace and kills cursors by id', () => {
    const cursors = new CursorRegistry();
    const id = (cursors.open('db.c', docs(200), {}).id as Long).toBigInt();
    expect(() => cursors.getMore(id, 'db.other', 1)).toThrow(expect.objectContaining({ code: 13 }));
    const killed = cursors.kill([id, 42n]);
    expect(killed.cursorsKilled.map((l) => l.toBigInt())).toEqual([id]);
    expect(killed.cursorsNotFound.map((l) => l.toBigInt())).toEqual([42n]);
  });

  it('closes idle cursors after the timeout unless noCursorTimeout', () => {
    const cursors = new CursorRegistry(1_000);
    const idle = (cursors.open('db.c', docs(200), {}).id as Long).toBigInt();
    const pinned = (cursors.open('db.c', docs(200), { noTimeout: true }).id as Long).toBigInt();
    cursors.sweep(Date.now() + 5_000);
    expect(() => cursors.getMore(idle, 'db.c', 1)).toThrow(expect.objectContaining({ code: 43 }));
    expect(cursors.getMore(pinned, 'db.c', 1).nextBatch).toHaveLength(1);
  });
});
