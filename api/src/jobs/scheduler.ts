import { randomUUID } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import type { Logger } from 'pino';
import { modelOf } from '../db/model-of.ts';

/**
 * One small scheduler for the API's periodic work (unpaid-order expiry, payment reconciliation, …).
 *
 * Due times live in MongoDB (`scheduled_jobs`), so a restart picks up where the last run left off, and a
 * run is claimed with a guarded update that takes a lease: with several API instances each due run
 * happens on exactly one of them. A holder that dies mid-run loses its lease when it expires and another
 * instance runs the job again, so jobs must be idempotent (they are sweeps over what is still to do).
 */

export interface JobDefinition {
  /** Stable id, e.g. `orders.expire-unpaid`. */
  name: string;
  /** Time from the end of one run to the next due time. */
  intervalMs: number;
  /** How long a run may hold the job before another instance may take it over. Default: 5 × interval, at least 60 s. */
  leaseMs?: number;
  run(context: { now: Date; log: Logger }): Promise<void>;
}

export interface ScheduledJob {
  _id: string;
  nextRunAt: Date;
  leaseOwner: string | null;
  leaseUntil: Date | null;
  runs: number;
  lastRun?: { startedAt: Date; finishedAt: Date; ok: boolean; error?: string; instance: string };
}

const scheduledJobSchema = new Schema<ScheduledJob>(
  {
    _id: { type: String, required: true },
    nextRunAt: { type: Date, required: true },
    leaseOwner: { type: String, default: null },
    leaseUntil: { type: Date, default: null },
    runs: { type: Number, required: true, default: 0 },
    lastRun: { type: Schema.Types.Mixed },
  },
  { collection: 'scheduled_jobs', versionKey: false },
);

export function scheduledJobModel(connection: Connection): Model<ScheduledJob> {
  return modelOf(connection, 'ScheduledJob', scheduledJobSchema);
}

export interface SchedulerOptions {
  connection: Connection;
  logger: Logger;
  /** Identifies this process in leases. Default: a random id. */
  instanceId?: string;
  /** How often due jobs are looked for. Default 1 s. */
  pollMs?: number;
  now?: () => Date;
}

export interface Scheduler {
  /** Adds a job; its first run is due at once unless a due time is already stored. */
  register(job: JobDefinition): Promise<void>;
  /** Claims and runs every due job once; resolves with the names of the jobs this instance ran. */
  tick(): Promise<string[]>;
  /** Makes a job due now (admin "run now", tests). */
  runSoon(name: string): Promise<void>;
  /** Polls every `pollMs` until stopped. */
  start(): void;
  /** Stops polling and waits for runs under way. */
  stop(): Promise<void>;
}

const MIN_LEASE_MS = 60_000;

export function createScheduler(options: SchedulerOptions): Scheduler {
  const jobs = scheduledJobModel(options.connection);
  const instance = options.instanceId ?? randomUUID();
  const now = options.now ?? (() => new Date());
  const log = options.logger.child({ component: 'scheduler', instance });
  const definitions = new Map<string, JobDefinition>();
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<string[]> | undefined;

  /** The guarded claim: due, and nobody holds a live lease. Exactly one instance gets the document back. */
  async function claim(job: JobDefinition, at: Date): Promise<boolean> {
    const leaseMs = job.leaseMs ?? Math.max(job.intervalMs * 5, MIN_LEASE_MS);
    const claimed = await jobs.findOneAndUpdate(
      { _id: job.name, nextRunAt: { $lte: at }, $or: [{ leaseUntil: null }, { leaseUntil: { $lte: at } }] },
      { $set: { leaseOwner: instance, leaseUntil: new Date(at.getTime() + leaseMs) } },
      { returnDocument: 'after' },
    );
    return claimed !== null;
  }

  async function runClaimed(job: JobDefinition, startedAt: Date): Promise<void> {
    let ok = true;
    let error: string | undefined;
    try {
      await job.run({ now: startedAt, log: log.child({ job: job.name }) });
    } catch (caught) {
      ok = false;
      error = caught instanceof Error ? caught.message : String(caught);
      log.error({ err: caught, job: job.name }, 'scheduled job failed; it runs again at its next due time');
    }
    const finishedAt = now();
    // Only the lease holder reschedules: a run that outlived its lease must not undo the new holder's claim.
    await jobs.updateOne(
      { _id: job.name, leaseOwner: instance },
      {
        $set: {
          nextRunAt: new Date(finishedAt.getTime() + job.intervalMs),
          leaseOwner: null,
          leaseUntil: null,
          lastRun: { startedAt, finishedAt, ok, instance, ...(error !== undefined && { error }) },
        },
        $inc: { runs: 1 },
      },
    );
  }

  async function tickOnce(): Promise<string[]> {
    const ran: string[] = [];
    for (const job of definitions.values()) {
      const at = now();
      if (!(await claim(job, at))) continue;
      await runClaimed(job, at);
      ran.push(job.name);
    }
    return ran;
  }

  function tick(): Promise<string[]> {
    // Ticks never overlap within one instance: a slow job delays the next poll instead of running twice.
    ticking ??= tickOnce().finally(() => {
      ticking = undefined;
    });
    return ticking;
  }

  return {
    tick,
    async register(job) {
      if (definitions.has(job.name)) throw new Error(`job ${job.name} is registered twice`);
      if (!(job.intervalMs > 0)) throw new Error(`job ${job.name} needs a positive interval`);
      definitions.set(job.name, job);
      await jobs.updateOne(
        { _id: job.name },
        { $setOnInsert: { nextRunAt: now(), leaseOwner: null, leaseUntil: null, runs: 0 } },
        { upsert: true },
      );
    },
    async runSoon(name) {
      if (!definitions.has(name)) throw new Error(`no job ${name}`);
      await jobs.updateOne({ _id: name }, { $set: { nextRunAt: now() } });
    },
    start() {
      if (timer) return;
      timer = setInterval(() => {
        tick().catch((error: unknown) => log.error({ err: error }, 'scheduler poll failed'));
      }, options.pollMs ?? 1000);
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await ticking?.catch(() => undefined);
    },
  };
}
