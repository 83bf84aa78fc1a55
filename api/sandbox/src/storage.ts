import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Reads a JSON file written by `writeJsonFile`; `undefined` when it does not exist. */
export async function readJsonFile<T>(file: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return JSON.parse(text) as T;
}

/** Writes through a temporary file and a rename, so a crash leaves the old or the new file, never half of one. */
export async function writeJsonFile(file: string, value: unknown): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, file);
}

/**
 * A platform's state kept in one JSON file: read at start, written after every change (writes are
 * serialised, the last one wins). The sandbox is small, so whole-file writes are fine.
 */
export class JsonState<T> {
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly file: string,
    readonly value: T,
  ) {}

  static async open<T>(file: string, initial: () => T): Promise<JsonState<T>> {
    return new JsonState(file, (await readJsonFile<T>(file)) ?? initial());
  }

  /** Persists the current value; resolves when it is on disk. */
  save(): Promise<void> {
    const snapshot = JSON.stringify(this.value);
    // A failed write is reported to its caller only; the next save still runs.
    const write = this.writing.catch(() => undefined).then(() => writeJsonFile(this.file, JSON.parse(snapshot)));
    this.writing = write;
    return write;
  }
}
