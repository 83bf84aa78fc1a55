/**
 * Append-only journal files `journal.NNNNNN.log`, each a sequence of frames (see frame.ts) whose payload is
 * `{ seq, ops }`. Sequence numbers run on without gaps across files, so a missing or reordered record is detectable.
 */
import { open, readFile, readdir, truncate } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeFrame, readFrame } from './frame.ts';
import { fsyncDir, writeFully } from './file-io.ts';
import type { JournalRecord } from './types.ts';

const FILE_NAME = /^journal\.(\d+)\.log$/;

export function journalFileName(fileNumber: number): string {
  return `journal.${String(fileNumber).padStart(6, '0')}.log`;
}

/** Journal file numbers present in `dir`, ascending. */
export async function listJournalFiles(dir: string): Promise<number[]> {
  const numbers: number[] = [];
  for (const name of await readdir(dir)) {
    const match = FILE_NAME.exec(name);
    if (match) numbers.push(Number(match[1]));
  }
  return numbers.sort((a, b) => a - b);
}

export interface ReplayResult {
  lastSeq: number;
  /** Bytes of an incomplete final record cut off the file. */
  tornBytes: number;
}

/**
 * Feeds every record of one journal file to `onRecord`. A bad frame at the end of the file is a write cut short by
 * a crash: if `allowTornTail` the file is truncated to its last good record; anywhere else it is corruption.
 */
export async function replayJournalFile(
  path: string,
  options: { firstSeq: number; allowTornTail: boolean },
  onRecord: (record: JournalRecord) => void,
): Promise<ReplayResult> {
  const buf = await readFile(path);
  let expectedSeq = options.firstSeq;
  let offset = 0;
  while (offset < buf.length) {
    const frame = readFrame(buf, offset);
    if (!frame.ok) {
      if (options.allowTornTail && (frame.reachesEof || isAllZero(buf, offset))) {
        await truncateDurably(path, offset);
        return { lastSeq: expectedSeq - 1, tornBytes: buf.length - offset };
      }
      throw new Error(`corrupt journal record in ${path} at offset ${offset}: ${frame.reason}`);
    }
    if (frame.doc.seq !== expectedSeq) {
      throw new Error(`corrupt journal ${path} at offset ${offset}: expected sequence ${expectedSeq}, found ${frame.doc.seq}`);
    }
    onRecord(frame.doc.ops as JournalRecord);
    expectedSeq++;
    offset = frame.end;
  }
  return { lastSeq: expectedSeq - 1, tornBytes: 0 };
}

/** A file extended but never written (power loss) reads back as zeros. */
function isAllZero(buf: Buffer, from: number): boolean {
  for (let i = from; i < buf.length; i++) if (buf[i] !== 0) return false;
  return true;
}

async function truncateDurably(path: string, length: number): Promise<void> {
  await truncate(path, length);
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

interface Waiter {
  resolve(): void;
  reject(err: Error): void;
}
type QueueEntry = (Waiter & { frame: Buffer }) | (Waiter & { rotateTo: number });

export interface Rotation {
  /** The file that receives every record appended after the rotation. */
  fileNumber: number;
  /** Sequence number of the last record that went to the earlier files. */
  lastSeq: number;
  /** Resolves once the earlier files are fully written and closed. */
  done: Promise<void>;
}

export interface JournalStats {
  appendedRecords: number;
  /** Write+fsync rounds; with group commit usually far fewer than records. */
  fsyncs: number;
}

/**
 * Writer with group commit: records appended while a write+fsync is in flight are written together by the next
 * one. Everything (records and file switches) goes through one queue, so records are written in call order and a
 * later file never holds a record while an earlier one still misses one.
 */
export class Journal {
  readonly stats: JournalStats = { appendedRecords: 0, fsyncs: 0 };
  private readonly queue: QueueEntry[] = [];
  private draining = false;
  private drained: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  private closed = false;

  private constructor(
    private readonly dir: string,
    private handle: FileHandle,
    private fileNumber: number,
    private seq: number,
    private bytes: number,
  ) {}

  /** Opens `fileNumber` for appending; `lastSeq` is the last sequence number already on disk. */
  static async open(dir: string, fileNumber: number, lastSeq: number): Promise<Journal> {
    const handle = await openForAppend(dir, fileNumber);
    const { size } = await handle.stat();
    return new Journal(dir, handle, fileNumber, lastSeq, size);
  }

  /** Size of the file that new records go to, counting records not yet written. */
  get activeBytes(): number {
    return this.bytes;
  }

  get lastSeq(): number {
    return this.seq;
  }

  /** Resolves once the record is written and fsync'd. The record is serialized now, so callers may mutate it later. */
  append(record: JournalRecord): Promise<void> {
    if (this.closed) return Promise.reject(new Error('journal is closed'));
    if (this.failure) return Promise.reject(this.failure);
    let frame: Buffer;
    try {
      frame = encodeFrame({ seq: this.seq + 1, ops: record });
    } catch (err) {
      return Promise.reject(err);
    }
    this.seq++;
    this.bytes += frame.length;
    this.stats.appendedRecords++;
    return new Promise((resolve, reject) => this.enqueue({ frame, resolve, reject }));
  }

  /** Switches to the next file: records appended from now on go there. */
  rotate(): Rotation {
    if (this.closed) throw new Error('journal is closed');
    const fileNumber = ++this.fileNumber;
    this.bytes = 0;
    const done = new Promise<void>((resolve, reject) => this.enqueue({ rotateTo: fileNumber, resolve, reject }));
    // A failed switch also fails every later append, so a caller that stops waiting for `done` loses nothing.
    done.catch(() => undefined);
    return { fileNumber, lastSeq: this.seq, done };
  }

  /** Writes everything appended so far, then closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.drained;
    await this.handle.close();
  }

  private enqueue(entry: QueueEntry): void {
    this.queue.push(entry);
    if (!this.draining) {
      this.draining = true;
      this.drained = this.drain();
    }
  }

  private async drain(): Promise<void> {
    // Let appends made in the same tick join the first batch.
    await null;
    while (this.queue.length > 0) {
      const first = this.queue[0];
      if ('rotateTo' in first) {
        this.queue.shift();
        await this.settle([first], () => this.switchTo(first.rotateTo));
      } else {
        const end = this.queue.findIndex((entry) => 'rotateTo' in entry);
        const batch = this.queue.splice(0, end === -1 ? this.queue.length : end) as (Waiter & { frame: Buffer })[];
        await this.settle(batch, () => this.write(Buffer.concat(batch.map((entry) => entry.frame))));
      }
    }
    this.draining = false;
  }

  /** After a failed write the file may end in a partial record, so nothing more may be appended to it. */
  private async settle(waiters: Waiter[], work: () => Promise<void>): Promise<void> {
    try {
      if (this.failure) throw this.failure;
      await work();
    } catch (err) {
      this.failure ??= new Error(`journal is unusable after a failed write: ${(err as Error).message}`, { cause: err });
      for (const waiter of waiters) waiter.reject(this.failure);
      return;
    }
    for (const waiter of waiters) waiter.resolve();
  }

  private async write(data: Buffer): Promise<void> {
    await writeFully(this.handle, data);
    await this.handle.datasync();
    this.stats.fsyncs++;
  }

  private async switchTo(fileNumber: number): Promise<void> {
    const next = await openForAppend(this.dir, fileNumber);
    const previous = this.handle;
    this.handle = next;
    await previous.close();
  }
}

async function openForAppend(dir: string, fileNumber: number): Promise<FileHandle> {
  const handle = await open(join(dir, journalFileName(fileNumber)), 'a');
  try {
    await fsyncDir(dir);
  } catch (err) {
    await handle.close();
    throw err;
  }
  return handle;
}
