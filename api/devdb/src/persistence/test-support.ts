import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EJSON } from 'bson';
import { onTestFinished } from 'vitest';

/** A fresh directory under the OS temp dir, removed after the current test. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'devdb-persistence-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Canonical Extended JSON: compares values including their exact BSON types (int vs double, Long, ...). */
export function canonical(value: unknown): string {
  return EJSON.stringify(value as never, { relaxed: false });
}

/** Start offsets of the frames in a journal or snapshot file (walks the length headers only). */
export async function frameOffsets(path: string): Promise<number[]> {
  const buf = await readFile(path);
  const offsets: number[] = [];
  for (let offset = 0; offset + 8 <= buf.length; offset += 8 + buf.readUInt32LE(offset)) offsets.push(offset);
  return offsets;
}

export async function flipByte(path: string, position: number): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    const byte = Buffer.alloc(1);
    await handle.read(byte, 0, 1, position);
    byte[0] ^= 0xff;
    await handle.write(byte, 0, 1, position);
  } finally {
    await handle.close();
  }
}
