import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../db/database.ts';
import { createLogger } from '../logger.ts';
import { startTestDatabaseServer, type TestDatabaseServer } from '../testing/database.ts';
import { createScheduler, scheduledJobModel, type JobDefinition } from './scheduler.ts';

let server: TestDatabaseServer;
let db: Database;
const clock = { now: new Date('2026-11-23T10:00:00+08:00').getTime() };
const logger = createLogger('silent');

function scheduler(instanceId: string) {
  return createScheduler({ connection: db.connection, logger, instanceId, now: () => new Date(clock.now) });
}

function countingJob(name: string, intervalMs: number, body: () => Promise<void> = async () => undefined) {
  const runs: string[] = [];
  const job: JobDefinition = {
    name,
    intervalMs,
    async run({ now }) {
      runs.push(now.toISOString());
      await body();
    },
  };
  return { job, runs };
}

beforeAll(async () => {
  server = await startTestDatabaseServer();
});

beforeEach(async () => {
  db = await server.connect();
});

afterAll(async () => {
  await server.stop();
});

describe('the job scheduler', () => {
  it('runs a job when due, then again one interval after the run', async () => {
    const one = scheduler('a');
    const { job, runs } = countingJob('sweep', 60_000);
    await one.register(job);
    expect(await one.tick()).toEqual(['sweep']);
    expect(await one.tick()).toEqual([]);
    clock.now += 59_999;
    expect(await one.tick()).toEqual([]);
    clock.now += 1;
    expect(await one.tick()).toEqual(['sweep']);
    expect(runs).toHaveLength(2);
    const stored = await scheduledJobModel(db.connection).findById('sweep').lean();
    expect(stored).toMatchObject({ runs: 2, leaseOwner: null, leaseUntil: null, lastRun: { ok: true, instance: 'a' } });
  });

  it('runs each due run on exactly one of several instances polling at once', async () => {
    const instances = ['a', 'b', 'c', 'd'].map(scheduler);
    const { job, runs } = countingJob('reconcile', 30_000, () => new Promise((resolve) => setTimeout(resolve, 20)));
    for (const instance of instances) await instance.register({ ...job });
    for (let round = 0; round < 5; round += 1) {
      const ran = await Promise.all(instances.map((instance) => instance.tick()));
      expect(ran.flat()).toEqual(['reconcile']);
      clock.now += 30_000;
    }
    expect(runs).toHaveLength(5);
  });

  it('lets another instance take over a run whose holder died, once the lease expires', async () => {
    const crashed = scheduler('crashed');
    const { job } = countingJob('expire', 10_000);
    await crashed.register({ ...job, leaseMs: 60_000 });
    // The holder claimed the run and died before finishing: the lease stays with it.
    await scheduledJobModel(db.connection).updateOne(
      { _id: 'expire' },
      { $set: { leaseOwner: 'crashed', leaseUntil: new Date(clock.now + 60_000) } },
    );
    const survivor = scheduler('survivor');
    const { job: sameJob, runs } = countingJob('expire', 10_000);
    await survivor.register({ ...sameJob, leaseMs: 60_000 });
    expect(await survivor.tick()).toEqual([]);
    clock.now += 60_000;
    expect(await survivor.tick()).toEqual(['expire']);
    expect(runs).toHaveLength(1);
  });

  it('keeps due times across restarts', async () => {
    const first = scheduler('first');
    await first.register(countingJob('daily', 86_400_000).job);
    await first.tick();
    await first.stop();
    const restarted = scheduler('restarted');
    const { job, runs } = countingJob('daily', 86_400_000);
    await restarted.register(job);
    expect(await restarted.tick()).toEqual([]);
    clock.now += 86_400_000;
    expect(await restarted.tick()).toEqual(['daily']);
    expect(runs).toHaveLength(1);
  });

  it('records a failed run and runs it again at the next due time', async () => {
    const one = scheduler('a');
    let fail = true;
    const { job, runs } = countingJob('flaky', 5_000, async () => {
      if (fail) throw new Error('payment platform unreachable');
    });
    await one.register(job);
    expect(await one.tick()).toEqual(['flaky']);
    expect((await scheduledJobModel(db.connection).findById('flaky').lean())?.lastRun).toMatchObject({
      ok: false,
      error: 'payment platform unreachable',
    });
    fail = false;
    clock.now += 5_000;
    await one.tick();
    expect(runs).toHaveLength(2);
    expect((await scheduledJobModel(db.connection).findById('flaky').lean())?.lastRun?.ok).toBe(true);
  });

  it('makes a job due at once on request, refuses unknown names and double registration', async () => {
    const one = scheduler('a');
    const { job, runs } = countingJob('report', 3_600_000);
    await one.register(job);
    await one.tick();
    await one.runSoon('report');
    expect(await one.tick()).toEqual(['report']);
    expect(runs).toHaveLength(2);
    await expect(one.runSoon('nothing')).rejects.toThrow('no job nothing');
    await expect(one.register(job)).rejects.toThrow('registered twice');
  });

  it('polls on its own once started, and stops', async () => {
    const one = createScheduler({ connection: db.connection, logger, pollMs: 10 });
    const { job, runs } = countingJob('polled', 1);
    await one.register(job);
    one.start();
    await new Promise((resolve) => setTimeout(resolve, 150));
    await one.stop();
    const counted = runs.length;
    expect(counted).toBeGreaterThan(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(runs.length).toBe(counted);
  });
});
