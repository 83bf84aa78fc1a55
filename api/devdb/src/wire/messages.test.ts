import { Binary, Long, ObjectId, serialize, type Document } from 'bson';
import { describe, expect, it } from 'vitest';
import { crc32c } from './crc32c.ts';
import {
  commandOf,
  decodeMessage,
  encodeMsg,
  encodeReply,
  MsgFlag,
  OpCode,
  WireProtocolError,
  type LegacyQuery,
  type OpMsg,
} from './messages.ts';

// Hand-built messages, so the decoder is tested against the wire format rather than against our own encoder.

function withHeader(payload: Buffer, opCode: number, requestId = 7): Buffer {
  const header = Buffer.alloc(16);
  header.writeInt32LE(16 + payload.length, 0);
  header.writeInt32LE(requestId, 4);
  header.writeInt32LE(0, 8);
  header.writeInt32LE(opCode, 12);
  return Buffer.concat([header, payload]);
}

function cstring(text: string): Buffer {
  return Buffer.concat([Buffer.from(text, 'utf8'), Buffer.from([0])]);
}

function int32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeInt32LE(value);
  return out;
}

function bodySection(document: Document): Buffer {
  return Buffer.concat([Buffer.from([0]), serialize(document)]);
}

function sequenceSection(identifier: string, documents: Document[], sizeAdjustment = 0): Buffer {
  const content = Buffer.concat([cstring(identifier), ...documents.map((d) => serialize(d))]);
  return Buffer.concat([Buffer.from([1]), int32(4 + content.length + sizeAdjustment), content]);
}

function opMsg(sections: Buffer[], opts: { flagBits?: number; checksum?: 'valid' | number } = {}): Buffer {
  const flagBits = (opts.flagBits ?? 0) | (opts.checksum === undefined ? 0 : MsgFlag.ChecksumPresent);
  const flags = Buffer.alloc(4);
  flags.writeUInt32LE(flagBits >>> 0);
  const payload = Buffer.concat([flags, ...sections, opts.checksum === undefined ? Buffer.alloc(0) : Buffer.alloc(4)]);
  const message = withHeader(payload, OpCode.Msg);
  if (opts.checksum !== undefined) {
    const end = message.length - 4;
    message.writeUInt32LE(opts.checksum === 'valid' ? crc32c(message.subarray(0, end)) : opts.checksum, end);
  }
  return message;
}

function opQuery(query: Document, selector?: Document): Buffer {
  return withHeader(
    Buffer.concat([
      int32(4),
      cstring('admin.$cmd'),
      int32(0),
      int32(-1),
      serialize(query),
      selector ? serialize(selector) : Buffer.alloc(0),
    ]),
    OpCode.Query,
  );
}

function decodeMsg(buf: Buffer): OpMsg {
  const msg = decodeMessage(buf);
  if (msg.kind !== 'msg') throw new Error(`expected OP_MSG, got ${msg.kind}`);
  return msg;
}

describe('encodeMsg / decodeMessage', () => {
  it('round-trips a body with BSON types', () => {
    const id = new ObjectId();
    const body = {
      find: 'items',
      filter: { _id: id, tags: ['a', 'b'] },
      at: new Date(1_700_000_000_000),
      big: Long.fromString('9007199254740993'),
      blob: new Binary(Buffer.from([1, 2, 3])),
      $db: 'shop',
    };
    const buf = encodeMsg({ requestId: 41, responseTo: 12, body });
    expect(buf.readInt32LE(0)).toBe(buf.length);
    expect(buf.readInt32LE(8)).toBe(12);
    expect(buf.readInt32LE(12)).toBe(OpCode.Msg);

    const msg = decodeMsg(buf);
    expect(msg).toMatchObject({ kind: 'msg', requestId: 41, flagBits: 0, moreToCome: false, exhaustAllowed: false });
    expect(msg.sequences.size).toBe(0);
    expect(Object.keys(msg.body)).toEqual(Object.keys(body));
    expect(msg.body.filter._id.equals(id)).toBe(true);
    expect(msg.body.at).toEqual(body.at);
    expect(String(msg.body.big)).toBe('9007199254740993');
    expect(Buffer.from(msg.body.blob.buffer)).toEqual(Buffer.from([1, 2, 3]));
  });

  it('sets and reads moreToCome', () => {
    const msg = decodeMsg(encodeMsg({ requestId: 1, responseTo: 0, body: { ping: 1 }, moreToCome: true }));
    expect(msg.moreToCome).toBe(true);
    expect(msg.flagBits).toBe(MsgFlag.MoreToCome);
  });

  it('reads exhaustAllowed, an optional bit', () => {
    const msg = decodeMsg(opMsg([bodySection({ hello: 1 })], { flagBits: MsgFlag.ExhaustAllowed }));
    expect(msg.exhaustAllowed).toBe(true);
    expect(msg.moreToCome).toBe(false);
  });

  it('ignores unknown optional flag bits', () => {
    expect(decodeMsg(opMsg([bodySection({ ping: 1 })], { flagBits: 1 << 20 })).body).toEqual({ ping: 1 });
  });

  it('decodes kind-1 sequences, in any position relative to the body', () => {
    const msg = decodeMsg(
      opMsg([sequenceSection('documents', [{ a: 1 }, { a: 2 }]), bodySection({ insert: 'c', $db: 'test' }), sequenceSection('empty', [])]),
    );
    expect(msg.body).toEqual({ insert: 'c', $db: 'test' });
    expect(msg.sequences.get('documents')).toEqual([{ a: 1 }, { a: 2 }]);
    expect(msg.sequences.get('empty')).toEqual([]);
  });
});

describe('legacy OP_QUERY', () => {
  it('decodes the handshake query', () => {
    const handshake = { ismaster: 1, helloOk: true, client: { driver: { name: 'x' } }, compression: [] };
    const msg = decodeMessage(opQuery(handshake)) as LegacyQuery;
    expect(msg).toEqual({
      kind: 'query',
      requestId: 7,
      fullCollectionName: 'admin.$cmd',
      flags: 4,
      numberToSkip: 0,
      numberToReturn: -1,
      query: handshake,
    });
  });

  it('decodes an optional returnFieldsSelector', () => {
    const msg = decodeMessage(opQuery({ ismaster: 1 }, { ok: 1 })) as LegacyQuery;
    expect(msg.returnFieldsSelector).toEqual({ ok: 1 });
  });
});

describe('encodeReply', () => {
  it('writes an OP_REPLY with all fields', () => {
    const documents = [{ ismaster: true, ok: 1 }, { second: 'x' }];
    const buf = encodeReply({
      requestId: 5,
      responseTo: 99,
      documents,
      responseFlags: 8,
      cursorId: 123456789012345n,
      startingFrom: 3,
    });
    expect(buf.readInt32LE(0)).toBe(buf.length);
    expect(buf.readInt32LE(4)).toBe(5);
    expect(buf.readInt32LE(8)).toBe(99);
    expect(buf.readInt32LE(12)).toBe(OpCode.Reply);
    expect(buf.readInt32LE(16)).toBe(8);
    expect(buf.readBigInt64LE(20)).toBe(123456789012345n);
    expect(buf.readInt32LE(28)).toBe(3);
    expect(buf.readInt32LE(32)).toBe(2);
    const first = serialize(documents[0]);
    expect(buf.subarray(36, 36 + first.length)).toEqual(Buffer.from(first));
    expect(buf.subarray(36 + first.length)).toEqual(Buffer.from(serialize(documents[1])));
  });

  it('defaults flags, cursor id and startingFrom to 0', () => {
    const buf = encodeReply({ requestId: 1, responseTo: 2, documents: [{ ok: 1 }] });
    expect(buf.readInt32LE(16)).toBe(0);
    expect(buf.readBigInt64LE(20)).toBe(0n);
    expect(buf.readInt32LE(28)).toBe(0);
    expect(buf.readInt32LE(32)).toBe(1);
  });
});

describe('commandOf', () => {
  it('merges sequences into a new command object after the body fields', () => {
    const msg = decodeMsg(
      opMsg([bodySection({ update: 'c', ordered: true, $db: 'test' }), sequenceSection('updates', [{ q: {}, u: { $set: { a: 1 } } }])]),
    );
    const command = commandOf(msg);
    expect(command).toEqual({ update: 'c', ordered: true, $db: 'test', updates: [{ q: {}, u: { $set: { a: 1 } } }] });
    expect(Object.keys(command)[0]).toBe('update');
    expect(msg.body).not.toHaveProperty('updates');
  });

  it('rejects a sequence that repeats a body field', () => {
    const msg = decodeMsg(opMsg([bodySection({ insert: 'c', documents: [] }), sequenceSection('documents', [{ a: 1 }])]));
    expect(() => commandOf(msg)).toThrow(WireProtocolError);
    expect(() => commandOf(msg)).toThrow(/documents/);
  });

  it('keeps an identifier named __proto__ as a plain field', () => {
    const command = commandOf(decodeMsg(opMsg([bodySection({ insert: 'c' }), sequenceSection('__proto__', [{ a: 1 }])])));
    expect(Object.getPrototypeOf(command)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(command, '__proto__')?.value).toEqual([{ a: 1 }]);
  });
});

describe('checksum', () => {
  it('accepts a correct CRC-32C and strips it from the sections', () => {
    const msg = decodeMsg(opMsg([bodySection({ ping: 1 })], { checksum: 'valid' }));
    expect(msg.body).toEqual({ ping: 1 });
    expect(msg.flagBits & MsgFlag.ChecksumPresent).toBe(MsgFlag.ChecksumPresent);
  });

  it('rejects a wrong checksum', () => {
    expect(() => decodeMessage(opMsg([bodySection({ ping: 1 })], { checksum: 0x12345678 }))).toThrow(/checksum mismatch/);
  });

  it('rejects content altered after checksumming', () => {
    const buf = opMsg([bodySection({ ping: 1 })], { checksum: 'valid' });
    buf[buf.length - 6] ^= 0x01;
    expect(() => decodeMessage(buf)).toThrow(WireProtocolError);
  });
});

describe('malformed messages', () => {
  const flagsOnly = (flagBits: number): Buffer => withHeader(int32(flagBits), OpCode.Msg);
  const body = bodySection({ ping: 1 });

  const corruptBson = (): Buffer => {
    const section = bodySection({ a: 'text' });
    section[5] = 0x7e; // element type byte of field "a": no such BSON type
    return opMsg([section]);
  };

  const cases: Array<[string, () => Buffer, RegExp]> = [
    ['shorter than a header', () => Buffer.alloc(10), /shorter than the 16-byte header/],
    [
      'messageLength disagreeing with the buffer',
      () => {
        const buf = opMsg([body]);
        buf.writeInt32LE(buf.length + 1, 0);
        return buf;
      },
      /does not match/,
    ],
    ['an unknown opcode', () => withHeader(Buffer.alloc(8), 2002), /unsupported opCode 2002/],
    ['OP_COMPRESSED', () => withHeader(Buffer.alloc(9), OpCode.Compressed), /OP_COMPRESSED/],
    ['an OP_MSG without flagBits', () => withHeader(Buffer.alloc(2), OpCode.Msg), /flagBits/],
    ['unknown required flag bits', () => opMsg([body], { flagBits: 1 << 3 }), /unknown required flag/],
    ['checksumPresent without room for a checksum', () => flagsOnly(MsgFlag.ChecksumPresent), /too short to hold a checksum/],
    ['no sections', () => flagsOnly(0), /no kind-0/],
    ['no kind-0 section', () => opMsg([sequenceSection('documents', [{ a: 1 }])]), /no kind-0/],
    ['two kind-0 sections', () => opMsg([body, body]), /more than one kind-0/],
    ['an unknown section kind', () => opMsg([body, Buffer.from([2, 5, 0, 0, 0, 0])]), /section kind 2/],
    ['a truncated body section', () => opMsg([body.subarray(0, body.length - 3)]), /OP_MSG body section needs/],
    ['a body with a BSON size below 5', () => opMsg([Buffer.from([0, 4, 0, 0, 0])]), /invalid BSON size 4/],
    ['a body that is not valid BSON', corruptBson, /not valid BSON/],
    [
      'a body whose last byte is not NUL',
      () => {
        const section = bodySection({ ping: 1 });
        section[section.length - 1] = 1;
        return opMsg([section]);
      },
      /not valid BSON/,
    ],
    ['a section kind byte with nothing after it', () => opMsg([body, Buffer.from([1])]), /document sequence size needs/],
    [
      'a sequence size overrunning the message',
      () => opMsg([body, sequenceSection('documents', [{ a: 1 }], 10)]),
      /document sequence of \d+ bytes needs/,
    ],
    ['a sequence size below 5', () => opMsg([body, Buffer.from([1, 4, 0, 0, 0])]), /invalid size 4/],
    ['a negative sequence size', () => opMsg([body, Buffer.from([1, 0xff, 0xff, 0xff, 0xff])]), /invalid size -1/],
    [
      'a sequence whose size cuts its last document short',
      () => opMsg([body, sequenceSection('documents', [{ a: 1 }], -2), Buffer.alloc(2)]),
      /document 0 of sequence "documents" needs/,
    ],
    [
      'a sequence identifier without NUL',
      () => opMsg([body, Buffer.from([1, 7, 0, 0, 0, 0x61, 0x62, 0x63])]),
      /identifier is not NUL-terminated/,
    ],
    [
      'a sequence identifier that is not UTF-8',
      () => opMsg([body, Buffer.concat([Buffer.from([1]), int32(6), Buffer.from([0xff, 0])])]),
      /not valid UTF-8/,
    ],
    [
      'two sequences with the same identifier',
      () => opMsg([body, sequenceSection('d', []), sequenceSection('d', [])]),
      /two document sequences named "d"/,
    ],
    [
      'an OP_QUERY cut inside its collection name',
      () => withHeader(Buffer.concat([int32(0), Buffer.from('admin')]), OpCode.Query),
      /fullCollectionName/,
    ],
    [
      'an OP_QUERY without a query document',
      () => withHeader(Buffer.concat([int32(0), cstring('a.$cmd'), int32(0), int32(-1)]), OpCode.Query),
      /OP_QUERY query needs/,
    ],
    [
      'an OP_QUERY with trailing bytes',
      () => {
        const query = opQuery({ ismaster: 1 }, { a: 1 });
        return withHeader(Buffer.concat([query.subarray(16), Buffer.from([0])]), OpCode.Query);
      },
      /1 unexpected trailing bytes/,
    ],
  ];

  it.each(cases)('rejects %s', (_name, build, message) => {
    const buf = build();
    expect(() => decodeMessage(buf)).toThrow(WireProtocolError);
    expect(() => decodeMessage(buf)).toThrow(message);
  });

  it('only ever throws WireProtocolError for truncated or bit-flipped messages', () => {
    const sections = [
      bodySection({ insert: 'c', $db: 'test', nested: { x: [1, 'two', 3.5] } }),
      sequenceSection('documents', [{ a: 1 }, { b: 'x' }]),
    ];
    const sources = [opMsg(sections), opMsg(sections, { checksum: 'valid' }), opQuery({ ismaster: 1, client: { app: 'x' } })];
    const variants: Buffer[] = [];
    for (const source of sources) {
      for (let length = 0; length < source.length; length++) {
        const truncated = Buffer.from(source.subarray(0, length));
        if (length >= 4) truncated.writeInt32LE(length, 0);
        variants.push(truncated);
      }
      for (let index = 16; index < source.length; index++) {
        for (const bit of [0x01, 0x80]) {
          const flipped = Buffer.from(source);
          flipped[index] ^= bit;
          variants.push(flipped);
        }
      }
    }
    for (const buf of variants) {
      try {
        decodeMessage(buf);
      } catch (err) {
        expect(err).toBeInstanceOf(WireProtocolError);
      }
    }
  });
});
