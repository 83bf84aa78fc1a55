/**
 * Durable storage for the in-memory engine: a group-committed journal of after-images plus periodic snapshots.
 * See journal.ts and snapshot.ts for the file formats and recovery.ts for startup.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Journal, journalFileName, listJournalFiles } from './journal.ts';
import { DirectoryLock } from './lock.ts';
import { recover } from './recovery.ts';
import { encodeSnapshot, writeSnapshot } from './snapshot.ts';
import type { JournalRecord, PersistedState } from './types.ts';

export type * from './types.ts';

export interface PersistenceOptions {
  /** Compact in the background once the active journal file grows past this. Default 64 MiB. */
  compactAfterBytes?: number;
}

export interface PersistenceStats {
  appendedRecords: number;
  /** Journal write+fsync rounds. */
  fsyncs: number;
  compactions: number;
}

export interface OpenedPersistence {
  persistence: Persistence;
  state: PersistedState;
  /** Bytes of an incomplete last journal record (a write cut short by a crash) that were discarded. */
  recoveredTornBytes: number;
}

const DEFAULT_COMPACT_AFTER_BYTES = 64 * 1024 * 1024;

export class Persistence {
  private stateProvider: (() => PersistedState) | undefined;
  private compaction: Promise<void> | undefined;
  private compactions = 0;
  private closed = false;

  private constructor(
    private readonly dir: string,
    private readonly lock: DirectoryLock,
    private readonly journal: Journal,
    private readonly compactAfterBytes: number,
  ) {}

  /** Creates `dir` if missing, takes its lock and recovers the state stored in it. */
  static async open(dir: string, options: PersistenceOptions = {}): Promise<OpenedPersistence> {
    await mkdir(dir, { recursive: true });
    const lock = await DirectoryLock.acquire(dir);
    try {
      const recovery = await recover(dir);
      const journal = await Journal.open(dir, recovery.activeJournal, recovery.lastSeq);
      const persistence = new Persistence(dir, lock, journal, options.compactAfterBytes ?? DEFAULT_COMPACT_AFTER_BYTES);
      return { persistence, state: recovery.state, recoveredTornBytes: recovery.recoveredTornBytes };
    } catch (err) {
      await lock.release();
      throw err;
    }
  }

  get stats(): PersistenceStats {
    return { ...this.journal.stats, compactions: this.compactions };
  }

  /**
   * Resolves once the record is durable. Records are applied at recovery in call order, and the record is
   * serialized before this returns.
   */
  append(record: JournalRecord): Promise<void> {
    if (this.closed) return Promise.reject(new Error('persistence is closed'));
    const durable = this.journal.append(record);
    if (this.stateProvider && !this.compaction && this.journal.activeBytes > this.compactAfterBytes) {
      this.compact().catch((err: unknown) => console.error('devdb: background compaction failed:', err));
    }
    return durable;
  }

  /**
   * `provider` returns the engine's current committed state. It must already include every record passed to
   * `append` (update memory before or in the same synchronous step as appending). It may return live objects.
   */
  setStateProvider(provider: () => PersistedState): void {
    this.stateProvider = provider;
  }

  /** Writes a snapshot of the current state and deletes the journal files it covers. */
  async compact(): Promise<void> {
    while (this.compaction) await this.compaction.catch(() => undefined);
    if (this.closed) throw new Error('persistence is closed');
    const run = this.runCompaction();
    this.compaction = run;
    try {
      await run;
    } finally {
      this.compaction = undefined;
    }
  }

  /** Writes all pending records, then releases the directory. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.compaction?.catch(() => undefined);
    await this.journal.close();
    await this.lock.release();
  }

  private async runCompaction(): Promise<void> {
    const provider = this.stateProvider;
    if (!provider) throw new Error('compact() needs a state provider (setStateProvider)');
    // State and journal position are taken in one synchronous step, so no append falls between them.
    const state = provider();
    const rotation = this.journal.rotate();
    const snapshot = encodeSnapshot(state, { journalStart: rotation.fileNumber, lastSeq: rotation.lastSeq });

    await writeSnapshot(this.dir, snapshot);
    await rotation.done;
    for (const n of await listJournalFiles(this.dir)) {
      if (n < rotation.fileNumber) await rm(join(this.dir, journalFileName(n)));
    }
    this.compactions++;
  }
}
