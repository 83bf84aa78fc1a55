import { Long, UUID } from 'bson';
import type { Document } from 'bson';
import { describe, expect, it } from 'vitest';
import { CursorRegistry } from '../cursors.ts';
import type { JournalRecord } from '../persistence/types.ts';
import { SessionRegistry } from '../sessions.ts';
import { Engine } from '../storage/engine.ts';
import { createDispatcher } from './index.ts';

/** A journal whose appends complete only when the test says so (or fail). */
class ControlledSink {
  readonly pending: Array<{ record: JournalRecord; settle: (error?: Error) => void }> = [];

  append(record: JournalRecord): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ record, settle: (error) => (error ? reject(error) : resolve()) });
    });
  }

  completeAll(error?: Error): void {
    for (const entry of this.pending.splice(0)) entry.settle(error);
  }
}

function setup() {
  const engine = new Engine();
  const sink = new ControlledSink();
  engine.setSink(sink);
  const dispatcher = createDispatcher({
    engine,
    sessions: new SessionRegistry(engine),
    cursors: new CursorRegistry(),
    identity: { advertisedHost: '127.0.0.1:1', replicaSetName: 'rs0', startedAt: new Date(), persistent: true },
    log: () => {},
  });
  const run = (command: Document) => dispatcher.run({ ...command, $db: 'shop' }, 1);
  return { engine, sink, run };
}

/** Lets pending promise callbacks run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('dispatcher durability and retries', () => {
  it('answers a write only after its journal record is durable', async () => {
    const { sink, run } = setup();
    let answered = false;
    const insert = run({ insert: 'items', documents: [{ _id: 1, qty: 5 }] }).then((reply) => {
      answered = true;
      return reply;
    });
    await settle();
    expect(answered).toBe(false);
    sink.completeAll();
    expect(await insert).toMatchObject({ ok: 1, n: 1 });
  });

  it('holds a no-op write until the write it observed is durable', async () => {
    const { sink, run } = setup();
    const insert = run({ insert: 'items', documents: [{ _id: 1, qty: 5 }] });
    await settle();
    let noOpAnswered = false;
    const noOp = run({ update: 'items', updates: [{ q: { _id: 1 }, u: { $set: { qty: 5 } } }] }).then((reply) => {
      noOpAnswered = true;
      return reply;
    });
    await settle();
    expect(noOpAnswered).toBe(false);
    sink.completeAll();
    expect(await noOp).toMatchObject({ ok: 1, n: 1, nModified: 0 });
    await insert;
  });

  it('answers a retried write that arrives while the first attempt waits with the same reply, applying it once', async () => {
    const { engine, sink, run } = setup();
    await Promise.all([run({ insert: 'items', documents: [{ _id: 1, qty: 5 }] }), settle().then(() => sink.completeAll())]);
    const retryable = {
      update: 'items',
      updates: [{ q: { _id: 1 }, u: { $inc: { qty: -1 } } }],
      lsid: { id: new UUID() },
      txnNumber: Long.fromNumber(7),
    };
    const first = run(retryable);
    await settle();
    const retry = run(retryable);
    await settle();
    sink.completeAll();
    const [a, b] = await Promise.all([first, retry]);
    expect(a).toEqual(b);
    expect(engine.collection('shop', 'items')?.current('n:1')?.qty).toBe(4);
    // Once answered, later retries get the remembered reply too.
    expect(await run(retryable)).toEqual(a);
    expect(engine.collection('shop', 'items')?.current('n:1')?.qty).toBe(4);
  });

  it('refuses every write after the journal failed, so memory never runs ahead of disk', async () => {
    const { engine, sink, run } = setup();
    const failed = run({ insert: 'items', documents: [{ _id: 1 }] });
    await settle();
    sink.completeAll(new Error('disk full'));
    expect(await failed).toMatchObject({ ok: 0, code: 1 });
    const next = await run({ insert: 'items', documents: [{ _id: 2 }] });
    expect(next.ok === 0 || next.writeErrors?.[0]?.code === 1).toBe(true);
    expect(JSON.stringify(next)).toMatch(/journal failed/);
    expect(engine.collection('shop', 'items')?.current('n:2')).toBeNull();
    expect(await run({ find: 'items', filter: {} })).toMatchObject({ ok: 1 });
  });
});
