import { serialize, type Document } from 'bson';
import { describe, expect, it } from 'vitest';
import { MessageFramer } from './framing.ts';
import { commandOf, decodeMessage, encodeMsg, MAX_MESSAGE_SIZE, WireProtocolError, type OpMsg } from './messages.ts';

const message = (requestId: number, body: object = { ping: 1, requestId }): Buffer => encodeMsg({ requestId, responseTo: 0, body });

const requestIds = (frames: Buffer[]): number[] => frames.map((frame) => decodeMessage(frame).requestId);

describe('MessageFramer', () => {
  it('returns a message delivered in one chunk unchanged', () => {
    const buf = message(1);
    const frames = new MessageFramer().push(buf);
    expect(frames).toEqual([buf]);
  });

  it('reassembles messages fed one byte at a time', () => {
    const stream = Buffer.concat([message(1), message(2), message(3)]);
    const framer = new MessageFramer();
    const frames: Buffer[] = [];
    for (let i = 0; i < stream.length; i++) {
      frames.push(...framer.push(stream.subarray(i, i + 1)));
    }
    expect(requestIds(frames)).toEqual([1, 2, 3]);
  });

  it('splits many messages arriving in one chunk', () => {
    const messages = Array.from({ length: 500 }, (_, i) => message(i + 1));
    const frames = new MessageFramer().push(Buffer.concat(messages));
    expect(frames).toHaveLength(500);
    expect(requestIds(frames)).toEqual(messages.map((_, i) => i + 1));
  });

  it('handles chunk boundaries falling anywhere, including inside the length prefix', () => {
    const stream = Buffer.concat([message(1), message(2), message(3)]);
    for (let cut = 1; cut < stream.length; cut++) {
      const framer = new MessageFramer();
      const frames = [...framer.push(stream.subarray(0, cut)), ...framer.push(stream.subarray(cut))];
      expect(requestIds(frames)).toEqual([1, 2, 3]);
    }
  });

  it('ignores empty chunks', () => {
    const framer = new MessageFramer();
    expect(framer.push(Buffer.alloc(0))).toEqual([]);
    expect(requestIds(framer.push(message(4)))).toEqual([4]);
  });

  it('reassembles a 20 MB message arriving in 64 KiB chunks, followed by a small one', () => {
    const documents = Array.from({ length: 20 }, (_, i) => ({ i, payload: Buffer.alloc(1024 * 1024, i) }));
    const large = insertWithSequence(8, documents);
    expect(large.length).toBeGreaterThan(20 * 1024 * 1024);
    const stream = Buffer.concat([large, message(9)]);

    const framer = new MessageFramer();
    const frames: Buffer[] = [];
    for (let offset = 0; offset < stream.length; offset += 64 * 1024) {
      frames.push(...framer.push(stream.subarray(offset, offset + 64 * 1024)));
    }
    expect(requestIds(frames)).toEqual([8, 9]);
    expect(frames[0].equals(large)).toBe(true);
    const command = commandOf(decodeMessage(frames[0]) as OpMsg);
    expect(command.documents).toHaveLength(20);
    expect(command.documents[19].i).toBe(19);
  });

  it('rejects a messageLength smaller than the header', () => {
    const buf = message(1);
    buf.writeInt32LE(15, 0);
    expect(() => new MessageFramer().push(buf)).toThrow(WireProtocolError);
    expect(() => new MessageFramer().push(buf)).toThrow(/smaller than the 16-byte header/);
  });

  it('rejects a negative messageLength', () => {
    const buf = message(1);
    buf.writeInt32LE(-1, 0);
    expect(() => new MessageFramer().push(buf)).toThrow(WireProtocolError);
  });

  it('rejects a messageLength above maxMessageSizeBytes as soon as the length is known', () => {
    const prefix = Buffer.alloc(4);
    prefix.writeInt32LE(MAX_MESSAGE_SIZE + 1);
    const framer = new MessageFramer();
    expect(framer.push(prefix.subarray(0, 3))).toEqual([]);
    expect(() => framer.push(prefix.subarray(3))).toThrow(/exceeds maxMessageSizeBytes/);
  });

  it('accepts a messageLength of exactly maxMessageSizeBytes', () => {
    const prefix = Buffer.alloc(16);
    prefix.writeInt32LE(MAX_MESSAGE_SIZE);
    expect(new MessageFramer().push(prefix)).toEqual([]);
  });
});

/** An OP_MSG insert whose documents travel in a kind-1 section, as the driver sends them. */
function insertWithSequence(requestId: number, documents: Document[]): Buffer {
  const head = encodeMsg({ requestId, responseTo: 0, body: { insert: 'c', $db: 'test' } });
  const content = Buffer.concat([Buffer.from('documents\0'), ...documents.map((d) => serialize(d))]);
  const sizeField = Buffer.alloc(4);
  sizeField.writeInt32LE(4 + content.length);
  const out = Buffer.concat([head, Buffer.from([1]), sizeField, content]);
  out.writeInt32LE(out.length, 0);
  return out;
}
