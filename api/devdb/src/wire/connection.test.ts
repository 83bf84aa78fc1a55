import net from 'node:net';
import { once } from 'node:events';
import { deserialize, serialize, type Document } from 'bson';
import mongoose from 'mongoose';
import { afterEach, describe, expect, it } from 'vitest';
import { serveConnection, type MessageHandler } from './connection.ts';
import { MessageFramer } from './framing.ts';
import { commandOf, decodeMessage, encodeMsg, OpCode, type IncomingMessage, type OpMsg } from './messages.ts';

interface TestServer {
  port: number;
  logLines: string[];
}

const openServers: Array<{ server: net.Server; sockets: Set<net.Socket> }> = [];

async function startServer(handle: MessageHandler): Promise<TestServer> {
  const logLines: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serveConnection(socket, handle, (line) => logLines.push(line));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  openServers.push({ server, sockets });
  return { port: (server.address() as net.AddressInfo).port, logLines };
}

afterEach(async () => {
  for (const { server, sockets } of openServers.splice(0)) {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A raw client that collects whole reply messages. */
async function connectRaw(port: number): Promise<{ socket: net.Socket; replies: Buffer[]; nextReply: () => Promise<Buffer> }> {
  const socket = net.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  const framer = new MessageFramer();
  const replies: Buffer[] = [];
  const waiters: Array<() => void> = [];
  socket.on('data', (chunk: Buffer) => {
    replies.push(...framer.push(chunk));
    waiters.splice(0).forEach((wake) => wake());
  });
  let taken = 0;
  const nextReply = async (): Promise<Buffer> => {
    while (replies.length <= taken) await new Promise<void>((wake) => waiters.push(wake));
    return replies[taken++];
  };
  return { socket, replies, nextReply };
}

function legacyHello(requestId: number): Buffer {
  const query = serialize({ ismaster: 1, helloOk: true });
  const collection = Buffer.from('admin.$cmd\0');
  const buf = Buffer.alloc(16 + 4 + collection.length + 8 + query.length);
  buf.writeInt32LE(buf.length, 0);
  buf.writeInt32LE(requestId, 4);
  buf.writeInt32LE(OpCode.Query, 12);
  collection.copy(buf, 20);
  buf.writeInt32LE(-1, 20 + collection.length + 4);
  buf.set(query, 20 + collection.length + 8);
  return buf;
}

const replyBody = (buf: Buffer): Document => (decodeMessage(buf) as OpMsg).body;
const waitForClose = (socket: net.Socket): Promise<unknown> => (socket.closed ? Promise.resolve() : once(socket, 'close'));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('serveConnection', () => {
  it('answers a legacy OP_QUERY with an OP_REPLY', async () => {
    const { port } = await startServer(async (msg) => (msg.kind === 'query' ? { ismaster: true, ok: 1 } : null));
    const client = await connectRaw(port);
    client.socket.write(legacyHello(77));
    const reply = await client.nextReply();
    expect(reply.readInt32LE(8)).toBe(77);
    expect(reply.readInt32LE(12)).toBe(OpCode.Reply);
    expect(reply.readInt32LE(32)).toBe(1);
    expect(deserialize(reply.subarray(36))).toEqual({ ismaster: true, ok: 1 });
    client.socket.destroy();
  });

  it('handles one message at a time and replies in request order', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const { port } = await startServer(async (msg) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      // The first request is the slowest; its reply must still come first.
      await sleep(msg.requestId === 1 ? 60 : msg.requestId === 2 ? 20 : 0);
      inFlight--;
      return { ok: 1, echo: msg.requestId };
    });
    const client = await connectRaw(port);
    client.socket.write(Buffer.concat([1, 2, 3].map((requestId) => encodeMsg({ requestId, responseTo: 0, body: { ping: 1 } }))));
    const replies = [await client.nextReply(), await client.nextReply(), await client.nextReply()];

    expect(replies.map((reply) => reply.readInt32LE(8))).toEqual([1, 2, 3]);
    expect(replies.map((reply) => replyBody(reply).echo)).toEqual([1, 2, 3]);
    expect(maxInFlight).toBe(1);
    const replyIds = replies.map((reply) => reply.readInt32LE(4));
    expect(replyIds[1]).toBeGreaterThan(replyIds[0]);
    expect(replyIds[2]).toBeGreaterThan(replyIds[1]);
    client.socket.destroy();
  });

  it('sends nothing for a moreToCome request, even when the handler returns a document', async () => {
    const seen: IncomingMessage[] = [];
    const { port } = await startServer(async (msg) => {
      seen.push(msg);
      return { ok: 1 };
    });
    const client = await connectRaw(port);
    client.socket.write(encodeMsg({ requestId: 1, responseTo: 0, body: { insert: 'c' }, moreToCome: true }));
    client.socket.write(encodeMsg({ requestId: 2, responseTo: 0, body: { ping: 1 } }));
    const reply = await client.nextReply();
    expect(reply.readInt32LE(8)).toBe(2);
    await sleep(20);
    expect(client.replies).toHaveLength(1);
    expect(seen.map((msg) => msg.requestId)).toEqual([1, 2]);
    client.socket.destroy();
  });

  it('sends nothing when the handler returns null', async () => {
    const { port } = await startServer(async (msg) => (msg.requestId === 1 ? null : { ok: 1 }));
    const client = await connectRaw(port);
    client.socket.write(encodeMsg({ requestId: 1, responseTo: 0, body: { ping: 1 } }));
    client.socket.write(encodeMsg({ requestId: 2, responseTo: 0, body: { ping: 1 } }));
    expect((await client.nextReply()).readInt32LE(8)).toBe(2);
    client.socket.destroy();
  });

  it('logs and closes the connection on a bad frame', async () => {
    const { port, logLines } = await startServer(async () => ({ ok: 1 }));
    const client = await connectRaw(port);
    const badLength = Buffer.alloc(16);
    badLength.writeInt32LE(8, 0);
    client.socket.write(badLength);
    await waitForClose(client.socket);
    expect(logLines).toHaveLength(1);
    expect(logLines[0]).toMatch(/protocol error: messageLength 8/);
  });

  it('logs and closes the connection on an undecodable message', async () => {
    const { port, logLines } = await startServer(async () => ({ ok: 1 }));
    const client = await connectRaw(port);
    const compressed = encodeMsg({ requestId: 1, responseTo: 0, body: { ping: 1 } });
    compressed.writeInt32LE(OpCode.Compressed, 12);
    client.socket.write(compressed);
    await waitForClose(client.socket);
    expect(logLines).toEqual([expect.stringMatching(/protocol error: OP_COMPRESSED/)]);
  });

  it('logs and closes the connection when the handler throws, without answering later requests', async () => {
    const handled: number[] = [];
    const { port, logLines } = await startServer(async (msg) => {
      handled.push(msg.requestId);
      throw new Error('boom');
    });
    const client = await connectRaw(port);
    client.socket.write(Buffer.concat([1, 2].map((requestId) => encodeMsg({ requestId, responseTo: 0, body: { ping: 1 } }))));
    await waitForClose(client.socket);
    expect(handled).toEqual([1]);
    expect(client.replies).toHaveLength(0);
    expect(logLines).toEqual([expect.stringMatching(/handler failed: Error: boom/)]);
  });

  it('stays quiet when the client resets the connection', async () => {
    let serverSocketClosed: Promise<unknown> = Promise.resolve();
    const logLines: string[] = [];
    const server = net.createServer((socket) => {
      // Not events.once: it would reject on the 'error' event the reset causes.
      serverSocketClosed = new Promise((resolve) => socket.on('close', resolve));
      serveConnection(
        socket,
        async () => {
          await sleep(30);
          return { ok: 1 };
        },
        (line) => logLines.push(line),
      );
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    openServers.push({ server, sockets: new Set() });

    const client = await connectRaw((server.address() as net.AddressInfo).port);
    client.socket.write(encodeMsg({ requestId: 1, responseTo: 0, body: { ping: 1 } }));
    await sleep(5);
    client.socket.resetAndDestroy();
    await serverSocketClosed;
    await sleep(40);
    expect(logLines).toEqual([]);
  });
});

describe('serveConnection with the MongoDB driver', () => {
  it('completes the handshake, a ping and an insertMany', async () => {
    const received: IncomingMessage[] = [];
    const { port, logLines } = await startServer(async (msg) => {
      received.push(msg);
      const command = msg.kind === 'query' ? msg.query : commandOf(msg);
      const name = Object.keys(command)[0];
      if (name === 'ismaster' || name === 'isMaster' || name === 'hello') {
        return {
          ismaster: true,
          helloOk: true,
          isWritablePrimary: true,
          maxWireVersion: 21,
          minWireVersion: 0,
          maxBsonObjectSize: 16777216,
          maxMessageSizeBytes: 48000000,
          maxWriteBatchSize: 100000,
          logicalSessionTimeoutMinutes: 30,
          localTime: new Date(),
          connectionId: 1,
          ok: 1,
        };
      }
      if (name === 'ping' || name === 'endSessions') return { ok: 1 };
      if (name === 'insert') return { ok: 1, n: command.documents.length };
      return { ok: 0, errmsg: `no such command: '${name}'`, code: 59, codeName: 'CommandNotFound' };
    });

    const client = new mongoose.mongo.MongoClient(`mongodb://127.0.0.1:${port}/?directConnection=true`);
    try {
      expect(await client.db('admin').command({ ping: 1 })).toEqual({ ok: 1 });
      const result = await client
        .db('shop')
        .collection('items')
        .insertMany([{ sku: 'a' }, { sku: 'b' }, { sku: 'c' }]);
      expect(result.insertedCount).toBe(3);
    } finally {
      await client.close();
    }

    const handshake = received.find((msg) => msg.kind === 'query');
    expect(handshake).toMatchObject({ fullCollectionName: 'admin.$cmd', query: { ismaster: 1, helloOk: true } });
    expect(handshake?.kind === 'query' && handshake.query.client.driver.name).toBe('nodejs');

    const insert = received.find((msg): msg is OpMsg => msg.kind === 'msg' && 'insert' in msg.body);
    expect(insert?.body).toMatchObject({ insert: 'items', ordered: true, $db: 'shop' });
    expect(insert?.body).not.toHaveProperty('documents');
    expect(insert?.sequences.get('documents')?.map((doc) => doc.sku)).toEqual(['a', 'b', 'c']);
    expect(logLines).toEqual([]);
  });
});
