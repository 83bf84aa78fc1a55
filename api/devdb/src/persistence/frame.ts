/**
 * Framing shared by journal and snapshot files: `[u32 LE payload length][u32 LE CRC-32 of payload][BSON payload]`.
 * The length lets a reader skip to the next frame; the CRC detects torn or flipped bytes.
 */
import { crc32 } from 'node:zlib';
import * as BSON from 'bson';
import type { Document } from 'bson';

const HEADER_BYTES = 8;

/** bson.serialize silently truncates documents larger than its internal buffer (17 MB by default), so grow it first. */
export function serializeBson(doc: Document): Buffer {
  BSON.setInternalBufferSize(BSON.calculateObjectSize(doc));
  const bytes = BSON.serialize(doc);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function encodeFrame(doc: Document): Buffer {
  const payload = serializeBson(doc);
  const frame = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
  frame.writeUInt32LE(payload.length, 0);
  frame.writeUInt32LE(crc32(payload), 4);
  payload.copy(frame, HEADER_BYTES);
  return frame;
}

export type FrameRead =
  | { ok: true; doc: Document; end: number }
  /** `reachesEof`: the bad frame is the last thing in the buffer, as a write cut short by a crash would be. */
  | { ok: false; reason: string; reachesEof: boolean };

export function readFrame(buf: Buffer, offset: number): FrameRead {
  const remaining = buf.length - offset;
  if (remaining < HEADER_BYTES) {
    return { ok: false, reason: `incomplete frame header (${remaining} bytes)`, reachesEof: true };
  }
  const length = buf.readUInt32LE(offset);
  if (length > remaining - HEADER_BYTES) {
    return { ok: false, reason: `frame length ${length} exceeds the ${remaining - HEADER_BYTES} bytes left`, reachesEof: true };
  }
  const end = offset + HEADER_BYTES + length;
  const payload = buf.subarray(offset + HEADER_BYTES, end);
  const reachesEof = end === buf.length;
  if (crc32(payload) !== buf.readUInt32LE(offset + 4)) return { ok: false, reason: 'checksum mismatch', reachesEof };
  try {
    return { ok: true, doc: BSON.deserialize(payload), end };
  } catch (err) {
    return { ok: false, reason: `undecodable BSON: ${(err as Error).message}`, reachesEof };
  }
}
