import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';

/** Writes all of `data` at the handle's position; a single write may be cut short. */
export async function writeFully(handle: FileHandle, data: Buffer): Promise<void> {
  let written = 0;
  while (written < data.length) {
    written += (await handle.write(data, written, data.length - written)).bytesWritten;
  }
}

/** Makes file creations, renames and deletions in `dir` durable. */
export async function fsyncDir(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (err) {
    // Windows cannot open or fsync a directory; NTFS journals metadata itself.
    if (process.platform !== 'win32') throw err;
  } finally {
    await handle?.close();
  }
}
