import { HEADER_SIZE, MAX_MESSAGE_SIZE, WireProtocolError } from './messages.ts';

/**
 * Cuts a TCP byte stream into whole wire messages using each header's messageLength.
 *
 * Chunks are kept as a list and only joined once a message is complete, so a large
 * message arriving in many small chunks is copied once, not once per chunk.
 * After push() throws, the stream is out of sync and the connection must be closed.
 */
export class MessageFramer {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** messageLength of the message being collected, once its first 4 bytes have arrived. */
  private expected: number | null = null;

  /** Adds a chunk and returns every message it completes, in order. */
  push(chunk: Buffer): Buffer[] {
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const messages: Buffer[] = [];
    for (;;) {
      if (this.expected === null) {
        if (this.buffered < 4) break;
        this.expected = checkedLength(this.peekInt32());
      }
      if (this.buffered < this.expected) break;
      messages.push(this.take(this.expected));
      this.expected = null;
    }
    return messages;
  }

  private peekInt32(): number {
    const first = this.chunks[0];
    if (first.length >= 4) return first.readInt32LE(0);
    const head = Buffer.allocUnsafe(4);
    let filled = 0;
    for (const chunk of this.chunks) {
      filled += chunk.copy(head, filled, 0, Math.min(chunk.length, 4 - filled));
      if (filled === 4) break;
    }
    return head.readInt32LE(0);
  }

  /** Removes the first `size` buffered bytes; the caller guarantees that many are buffered. */
  private take(size: number): Buffer {
    this.buffered -= size;
    const first = this.chunks[0];
    if (first.length >= size) {
      // Common case: the whole message sits in one chunk, so a view avoids copying.
      if (first.length === size) this.chunks.shift();
      else this.chunks[0] = first.subarray(size);
      return first.subarray(0, size);
    }
    const message = Buffer.allocUnsafe(size);
    let filled = 0;
    let consumed = 0;
    while (filled < size) {
      const chunk = this.chunks[consumed];
      const needed = size - filled;
      if (chunk.length <= needed) {
        chunk.copy(message, filled);
        filled += chunk.length;
        consumed++;
      } else {
        chunk.copy(message, filled, 0, needed);
        filled += needed;
        this.chunks[consumed] = chunk.subarray(needed);
      }
    }
    // One splice rather than a shift per chunk keeps tiny-chunk streams linear.
    this.chunks.splice(0, consumed);
    return message;
  }
}

function checkedLength(messageLength: number): number {
  if (messageLength < HEADER_SIZE) {
    throw new WireProtocolError(`messageLength ${messageLength} is smaller than the ${HEADER_SIZE}-byte header`);
  }
  if (messageLength > MAX_MESSAGE_SIZE) {
    throw new WireProtocolError(`messageLength ${messageLength} exceeds maxMessageSizeBytes ${MAX_MESSAGE_SIZE}`);
  }
  return messageLength;
}
