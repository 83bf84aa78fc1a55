import { appendFile, rename, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeFrame } from './frame.ts';
import { Persistence } from './index.ts';
import { flipByte, frameOffsets, tempDir } from './test-support.ts';
import type { PersistedState } from './types.ts';

const RECORDS = 5;

/** A directory whose journal holds records putting _id 0..RECORDS-1; returns the journal path. */
async function journalWithRecords(): Promise<{ dir: string; journal: string }> {
  const dir = await tempDir();
  const { persistence } = await Persistence.open(dir);
  for (let i = 0; i < RECORDS; i++) await persistence.append([{ op: 'put', db: 'd', coll: 'c', doc: { _id: i } }]);
  await persistence.close();
  return { dir, journal: join(dir, 'journal.000001.log') };
}

function ids(state: PersistedState): unknown[] {
  return state.databases[0]?.collections[0]?.docs.map((doc) => doc._id) ?? [];
}

/** Reopens, checks what survived and that the file was cut back to `goodBytes`, then that appends continue. */
async function expectRecovered(dir: string, journal: string, survivors: number, goodBytes: number, tornBytes: number) {
  const first = await Persistence.open(dir);
  expect(first.recoveredTornBytes).toBe(tornBytes);
  expect(ids(first.state)).toEqual(Array.from({ length: survivors }, (_, i) => i));
  expect((await stat(journal)).size).toBe(goodBytes);
  await first.persistence.append([{ op: 'put', db: 'd', coll: 'c', doc: { _id: 'later' } }]);
  await first.persistence.close();

  const second = await Persistence.open(dir);
  expect(second.recoveredTornBytes).toBe(0);
  expect(ids(second.state)).toEqual([...Array.from({ length: survivors }, (_, i) => i), 'later']);
  await second.persistence.close();
}

describe('torn journal tail', () => {
  it('drops garbage appended after the last record', async () => {
    const { dir, journal } = await journalWithRecords();
    const size = (await stat(journal)).size;
    await appendFile(journal, 'garbage!');
    await expectRecovered(dir, journal, RECORDS, size, 8);
  });

  it('drops a record cut off in its payload', async () => {
    const { dir, journal } = await journalWithRecords();
    const offsets = await frameOffsets(journal);
    const size = (await stat(journal)).size;
    await truncate(journal, size - 3);
    await expectRecovered(dir, journal, RECORDS - 1, offsets[RECORDS - 1], size - 3 - offsets[RECORDS - 1]);
  });

  it('drops a record cut off in its length header', async () => {
    const { dir, journal } = await journalWithRecords();
    const offsets = await frameOffsets(journal);
    await truncate(journal, offsets[RECORDS - 1] + 3);
    await expectRecovered(dir, journal, RECORDS - 1, offsets[RECORDS - 1], 3);
  });

  it('drops a last record whose payload fails its checksum', async () => {
    const { dir, journal } = await journalWithRecords();
    const offsets = await frameOffsets(journal);
    const size = (await stat(journal)).size;
    await flipByte(journal, size - 4);
    await expectRecovered(dir, journal, RECORDS - 1, offsets[RECORDS - 1], size - offsets[RECORDS - 1]);
  });

  it('drops a last record with a valid checksum but undecodable BSON', async () => {
    const { dir, journal } = await journalWithRecords();
    const size = (await stat(journal)).size;
    const payload = Buffer.from([5, 0, 0, 0, 7]); // claims 5 bytes but lacks the terminating 0
    const frame = Buffer.alloc(8);
    frame.writeUInt32LE(payload.length, 0);
    frame.writeUInt32LE(crc32(payload), 4);
    await appendFile(journal, Buffer.concat([frame, payload]));
    await expectRecovered(dir, journal, RECORDS, size, 13);
  });

  it('drops a zero-filled tail (file extended but never written)', async () => {
    const { dir, journal } = await journalWithRecords();
    const size = (await stat(journal)).size;
    await appendFile(journal, Buffer.alloc(4096));
    await expectRecovered(dir, journal, RECORDS, size, 4096);
  });
});

describe('journal corruption', () => {
  it('is an error naming the file and offset when a middle record is damaged', async () => {
    const { dir, journal } = await journalWithRecords();
    const offsets = await frameOffsets(journal);
    const size = (await stat(journal)).size;
    await flipByte(journal, offsets[2] + 12);
    await expect(Persistence.open(dir)).rejects.toThrow(`corrupt journal record in ${journal} at offset ${offsets[2]}: checksum mismatch`);
    expect((await stat(journal)).size).toBe(size);
    // The failed open released the lock.
    await expect(Persistence.open(dir)).rejects.toThrow(/corrupt journal record/);
  });

  it('is an error when an earlier journal file ends in a torn record', async () => {
    const { dir, journal } = await journalWithRecords();
    await writeFile(
      join(dir, 'journal.000002.log'),
      encodeFrame({ seq: RECORDS + 1, ops: [{ op: 'put', db: 'd', coll: 'c', doc: { _id: 'next' } }] }),
    );
    await appendFile(journal, 'torn');
    await expect(Persistence.open(dir)).rejects.toThrow(`corrupt journal record in ${journal} at offset`);
  });

  it('is an error when a journal file in the middle is missing', async () => {
    const { dir, journal } = await journalWithRecords();
    await rename(journal, join(dir, 'journal.000002.log'));
    await writeFile(journal, '');
    await rename(join(dir, 'journal.000002.log'), join(dir, 'journal.000003.log'));
    await expect(Persistence.open(dir)).rejects.toThrow(/journal\.000002\.log is missing/);
  });

  it('is an error when sequence numbers do not follow on', async () => {
    const { dir } = await journalWithRecords();
    await writeFile(
      join(dir, 'journal.000002.log'),
      encodeFrame({ seq: RECORDS + 2, ops: [{ op: 'put', db: 'd', coll: 'c', doc: { _id: 'skipped' } }] }),
    );
    await expect(Persistence.open(dir)).rejects.toThrow(`expected sequence ${RECORDS + 1}, found ${RECORDS + 2}`);
  });
});
