import type net from 'node:net';
import type { Document } from 'bson';
import { MessageFramer } from './framing.ts';
import { ErrorCode } from '../errors.ts';
import { decodeMessage, encodeMsg, encodeReply, WireProtocolError, type IncomingMessage } from './messages.ts';

/** Answers one message. `null` sends nothing (used for moreToCome requests). */
export type MessageHandler = (msg: IncomingMessage) => Promise<Document | null>;

/** Client disconnects surface as these; they are normal and not worth a log line. */
const QUIET_SOCKET_ERRORS = new Set(['ECONNRESET', 'EPIPE']);

let lastRequestId = 0;

/** Request ids for messages devdb sends: one counter per process, wrapping within int32. */
function nextRequestId(): number {
  lastRequestId = lastRequestId >= 0x7fffffff ? 1 : lastRequestId + 1;
  return lastRequestId;
}

/**
 * Serves one client connection: frames and decodes incoming messages, passes them to
 * `handle` one at a time and writes each reply in request order.
 *
 * Protocol errors and exceptions escaping `handle` close the connection: command
 * failures are expected to come back as `{ ok: 0, ... }` documents, so anything
 * thrown here means bad framing or a bug, and the stream cannot be trusted any more.
 */
export function serveConnection(socket: net.Socket, handle: MessageHandler, log: (line: string) => void = () => {}): void {
  const framer = new MessageFramer();
  const pending: Buffer[] = [];
  let draining = false;
  const peer = `${socket.remoteAddress}:${socket.remotePort}`;

  // Each request is answered by a single write, so Nagle's algorithm would only add latency.
  socket.setNoDelay(true);

  const abort = (err: unknown): void => {
    if (socket.destroyed) return;
    const reason =
      err instanceof WireProtocolError
        ? `protocol error: ${err.message}`
        : `handler failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`;
    log(`devdb wire: closing connection from ${peer}: ${reason}`);
    socket.destroy();
  };

  const encode = (msg: IncomingMessage, body: Document): Buffer =>
    msg.kind === 'query'
      ? encodeReply({ requestId: nextRequestId(), responseTo: msg.requestId, documents: [body] })
      : encodeMsg({ requestId: nextRequestId(), responseTo: msg.requestId, body });

  const respond = async (frame: Buffer): Promise<void> => {
    const msg = decodeMessage(frame);
    const reply = await handle(msg);
    if (reply === null || socket.destroyed || (msg.kind === 'msg' && msg.moreToCome)) return;
    let encoded: Buffer;
    try {
      encoded = encode(msg, reply);
    } catch (err) {
      // A reply BSON cannot hold (over 16 MB) is the command's failure, not the connection's.
      encoded = encode(msg, {
        ok: 0,
        code: ErrorCode.BSONObjectTooLarge,
        codeName: 'BSONObjectTooLarge',
        errmsg: `devdb could not encode the reply: ${err instanceof Error ? err.message : String(err)}`,
      });
    }
    socket.write(encoded);
  };

  // Messages of one connection are handled strictly one after another, which keeps
  // replies in request order. Reading pauses meanwhile so a client flooding
  // moreToCome messages cannot queue unbounded work.
  const drain = async (): Promise<void> => {
    draining = true;
    socket.pause();
    try {
      while (pending.length > 0 && !socket.destroyed) {
        await respond(pending.shift()!);
      }
    } catch (err) {
      abort(err);
    }
    draining = false;
    if (!socket.destroyed) socket.resume();
  };

  socket.on('data', (chunk: Buffer) => {
    try {
      for (const frame of framer.push(chunk)) pending.push(frame);
    } catch (err) {
      abort(err);
      return;
    }
    if (!draining && pending.length > 0) void drain();
  });

  socket.on('error', (err: NodeJS.ErrnoException) => {
    if (!QUIET_SOCKET_ERRORS.has(err.code ?? '')) {
      log(`devdb wire: socket error on connection from ${peer}: ${err.message}`);
    }
  });
}
