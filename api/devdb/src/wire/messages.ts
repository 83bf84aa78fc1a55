import { deserialize, serialize, type Document } from 'bson';
import { crc32c } from './crc32c.ts';
import { MAX_MESSAGE_SIZE_BYTES } from '../limits.ts';

/** The opcodes devdb speaks. Every other opcode is rejected. */
export const OpCode = {
  /** Legacy reply; only sent in answer to the handshake's OP_QUERY. */
  Reply: 1,
  /** Legacy query; drivers still use it for the first hello of every connection. */
  Query: 2004,
  /** Compression wrapper; rejected because devdb never advertises compression. */
  Compressed: 2012,
  Msg: 2013,
} as const;

/** OP_MSG flagBits. */
export const MsgFlag = {
  ChecksumPresent: 1 << 0,
  MoreToCome: 1 << 1,
  ExhaustAllowed: 1 << 16,
} as const;

/** The low 16 flag bits are "required": a receiver must reject any it does not know. */
const REQUIRED_FLAGS_MASK = 0xffff;
const KNOWN_REQUIRED_FLAGS = MsgFlag.ChecksumPresent | MsgFlag.MoreToCome;

/** messageLength, requestID, responseTo, opCode. */
export const HEADER_SIZE = 16;
/** The maxMessageSizeBytes devdb advertises in hello; larger frames are rejected. */
export const MAX_MESSAGE_SIZE = MAX_MESSAGE_SIZE_BYTES;

const CHECKSUM_SIZE = 4;
const MSG_SECTIONS_OFFSET = HEADER_SIZE + 4;
const REPLY_DOCUMENTS_OFFSET = HEADER_SIZE + 20;

export interface LegacyQuery {
  kind: 'query';
  requestId: number;
  fullCollectionName: string;
  flags: number;
  numberToSkip: number;
  numberToReturn: number;
  query: Document;
  returnFieldsSelector?: Document;
}

export interface OpMsg {
  kind: 'msg';
  requestId: number;
  flagBits: number;
  moreToCome: boolean;
  exhaustAllowed: boolean;
  body: Document;
  /** Kind-1 sections by identifier (`documents`, `updates`, `deletes`, ...). */
  sequences: Map<string, Document[]>;
}

export type IncomingMessage = LegacyQuery | OpMsg;

/** Malformed or unsupported bytes on the wire. The connection cannot continue and must be closed. */
export class WireProtocolError extends Error {
  override name = 'WireProtocolError';
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Bounds-checked little-endian reader over one region of a message; every overrun is a WireProtocolError. */
class Reader {
  constructor(
    private readonly buf: Buffer,
    private offset: number,
    private readonly end: number,
  ) {}

  get remaining(): number {
    return this.end - this.offset;
  }

  uint8(what: string): number {
    this.need(1, what);
    return this.buf[this.offset++];
  }

  int32(what: string): number {
    this.need(4, what);
    const value = this.buf.readInt32LE(this.offset);
    this.offset += 4;
    return value;
  }

  cstring(what: string): string {
    const nul = this.buf.indexOf(0, this.offset);
    if (nul === -1 || nul >= this.end) {
      throw new WireProtocolError(`${what} is not NUL-terminated within its section`);
    }
    let text: string;
    try {
      text = utf8.decode(this.buf.subarray(this.offset, nul));
    } catch {
      throw new WireProtocolError(`${what} is not valid UTF-8`);
    }
    this.offset = nul + 1;
    return text;
  }

  document(what: string): Document {
    this.need(4, what);
    const size = this.buf.readInt32LE(this.offset);
    if (size < 5) {
      throw new WireProtocolError(`${what} has an invalid BSON size ${size}`);
    }
    this.need(size, what);
    const bytes = this.buf.subarray(this.offset, this.offset + size);
    this.offset += size;
    try {
      return deserialize(bytes);
    } catch (err) {
      throw new WireProtocolError(`${what} is not valid BSON: ${(err as Error).message}`, { cause: err });
    }
  }

  /** A reader over the next `size` bytes; this reader moves past them. */
  take(size: number, what: string): Reader {
    this.need(size, what);
    const region = new Reader(this.buf, this.offset, this.offset + size);
    this.offset += size;
    return region;
  }

  private need(size: number, what: string): void {
    if (size > this.remaining) {
      throw new WireProtocolError(`${what} needs ${size} bytes but only ${this.remaining} remain in the message`);
    }
  }
}

/** Decodes one complete message as delivered by MessageFramer. */
export function decodeMessage(buf: Buffer): IncomingMessage {
  if (buf.length < HEADER_SIZE) {
    throw new WireProtocolError(`message of ${buf.length} bytes is shorter than the ${HEADER_SIZE}-byte header`);
  }
  const messageLength = buf.readInt32LE(0);
  if (messageLength !== buf.length) {
    throw new WireProtocolError(`messageLength ${messageLength} does not match the ${buf.length} bytes of the message`);
  }
  const requestId = buf.readInt32LE(4);
  const opCode = buf.readInt32LE(12);
  switch (opCode) {
    case OpCode.Msg:
      return decodeMsg(buf, requestId);
    case OpCode.Query:
      return decodeQuery(buf, requestId);
    case OpCode.Compressed:
      throw new WireProtocolError('OP_COMPRESSED is not supported: devdb never advertises compression');
    default:
      throw new WireProtocolError(`unsupported opCode ${opCode}`);
  }
}

function decodeMsg(buf: Buffer, requestId: number): OpMsg {
  if (buf.length < MSG_SECTIONS_OFFSET) {
    throw new WireProtocolError('OP_MSG is too short to hold flagBits');
  }
  const flagBits = buf.readUInt32LE(HEADER_SIZE);
  const unknownRequired = flagBits & REQUIRED_FLAGS_MASK & ~KNOWN_REQUIRED_FLAGS;
  if (unknownRequired !== 0) {
    throw new WireProtocolError(`OP_MSG sets unknown required flag bits 0x${unknownRequired.toString(16)}`);
  }
  let sectionsEnd = buf.length;
  if (flagBits & MsgFlag.ChecksumPresent) {
    verifyChecksum(buf);
    sectionsEnd -= CHECKSUM_SIZE;
  }

  const sections = new Reader(buf, MSG_SECTIONS_OFFSET, sectionsEnd);
  let body: Document | undefined;
  const sequences = new Map<string, Document[]>();
  while (sections.remaining > 0) {
    const kind = sections.uint8('OP_MSG section kind');
    if (kind === 0) {
      if (body !== undefined) {
        throw new WireProtocolError('OP_MSG has more than one kind-0 (body) section');
      }
      body = sections.document('OP_MSG body section');
    } else if (kind === 1) {
      const { identifier, documents } = readDocumentSequence(sections);
      if (sequences.has(identifier)) {
        throw new WireProtocolError(`OP_MSG has two document sequences named "${identifier}"`);
      }
      sequences.set(identifier, documents);
    } else {
      throw new WireProtocolError(`OP_MSG section kind ${kind} is not supported`);
    }
  }
  if (body === undefined) {
    throw new WireProtocolError('OP_MSG has no kind-0 (body) section');
  }

  return {
    kind: 'msg',
    requestId,
    flagBits,
    moreToCome: (flagBits & MsgFlag.MoreToCome) !== 0,
    exhaustAllowed: (flagBits & MsgFlag.ExhaustAllowed) !== 0,
    body,
    sequences,
  };
}

function verifyChecksum(buf: Buffer): void {
  if (buf.length < MSG_SECTIONS_OFFSET + CHECKSUM_SIZE) {
    throw new WireProtocolError('OP_MSG sets checksumPresent but is too short to hold a checksum');
  }
  const checksumOffset = buf.length - CHECKSUM_SIZE;
  const expected = buf.readUInt32LE(checksumOffset);
  const actual = crc32c(buf.subarray(0, checksumOffset));
  if (expected !== actual) {
    throw new WireProtocolError(
      `OP_MSG checksum mismatch: message carries 0x${expected.toString(16)}, content hashes to 0x${actual.toString(16)}`,
    );
  }
}

/** Kind-1 section: int32 size (counting itself), cstring identifier, then BSON documents filling the size exactly. */
function readDocumentSequence(sections: Reader): { identifier: string; documents: Document[] } {
  const size = sections.int32('document sequence size');
  // The size counts its own 4 bytes and must leave room for at least the identifier's NUL.
  if (size < 5) {
    throw new WireProtocolError(`document sequence has an invalid size ${size}`);
  }
  const sequence = sections.take(size - 4, `document sequence of ${size} bytes`);
  const identifier = sequence.cstring('document sequence identifier');
  const documents: Document[] = [];
  while (sequence.remaining > 0) {
    documents.push(sequence.document(`document ${documents.length} of sequence "${identifier}"`));
  }
  return { identifier, documents };
}

function decodeQuery(buf: Buffer, requestId: number): LegacyQuery {
  const reader = new Reader(buf, HEADER_SIZE, buf.length);
  const flags = reader.int32('OP_QUERY flags');
  const fullCollectionName = reader.cstring('OP_QUERY fullCollectionName');
  const numberToSkip = reader.int32('OP_QUERY numberToSkip');
  const numberToReturn = reader.int32('OP_QUERY numberToReturn');
  const query = reader.document('OP_QUERY query');
  const message: LegacyQuery = { kind: 'query', requestId, fullCollectionName, flags, numberToSkip, numberToReturn, query };
  if (reader.remaining > 0) {
    message.returnFieldsSelector = reader.document('OP_QUERY returnFieldsSelector');
  }
  if (reader.remaining > 0) {
    throw new WireProtocolError(`OP_QUERY has ${reader.remaining} unexpected trailing bytes`);
  }
  return message;
}

/**
 * The command document an OP_MSG stands for: the body with each document sequence
 * added as an array field named by its identifier. Returns a new object.
 */
export function commandOf(msg: OpMsg): Document {
  const command: Document = { ...msg.body };
  for (const [identifier, documents] of msg.sequences) {
    if (Object.hasOwn(command, identifier)) {
      throw new WireProtocolError(`field "${identifier}" appears both in the OP_MSG body and as a document sequence`);
    }
    // defineProperty rather than assignment so an identifier like "__proto__" stays a plain field.
    Object.defineProperty(command, identifier, { value: documents, enumerable: true, writable: true, configurable: true });
  }
  return command;
}

export function encodeReply(opts: {
  requestId: number;
  responseTo: number;
  documents: Document[];
  responseFlags?: number;
  cursorId?: bigint;
  startingFrom?: number;
}): Buffer {
  const serialized = opts.documents.map((document) => serialize(document));
  const length = serialized.reduce((total, bytes) => total + bytes.length, REPLY_DOCUMENTS_OFFSET);
  const out = Buffer.allocUnsafe(length);
  writeHeader(out, opts.requestId, opts.responseTo, OpCode.Reply);
  out.writeInt32LE(opts.responseFlags ?? 0, HEADER_SIZE);
  out.writeBigInt64LE(opts.cursorId ?? 0n, HEADER_SIZE + 4);
  out.writeInt32LE(opts.startingFrom ?? 0, HEADER_SIZE + 12);
  out.writeInt32LE(serialized.length, HEADER_SIZE + 16);
  let offset = REPLY_DOCUMENTS_OFFSET;
  for (const bytes of serialized) {
    out.set(bytes, offset);
    offset += bytes.length;
  }
  return out;
}

/** An OP_MSG with a single kind-0 section and no checksum. */
export function encodeMsg(opts: { requestId: number; responseTo: number; body: Document; moreToCome?: boolean }): Buffer {
  const body = serialize(opts.body);
  const out = Buffer.allocUnsafe(MSG_SECTIONS_OFFSET + 1 + body.length);
  writeHeader(out, opts.requestId, opts.responseTo, OpCode.Msg);
  out.writeUInt32LE(opts.moreToCome ? MsgFlag.MoreToCome : 0, HEADER_SIZE);
  out[MSG_SECTIONS_OFFSET] = 0;
  out.set(body, MSG_SECTIONS_OFFSET + 1);
  return out;
}

function writeHeader(out: Buffer, requestId: number, responseTo: number, opCode: number): void {
  out.writeInt32LE(out.length, 0);
  out.writeInt32LE(requestId, 4);
  out.writeInt32LE(responseTo, 8);
  out.writeInt32LE(opCode, 12);
}
