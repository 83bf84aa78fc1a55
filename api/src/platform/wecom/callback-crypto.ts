import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Config } from '@mall/config';
import { AppError } from '../../http/errors.ts';
import { platformNotConfigured } from '../errors.ts';

/**
 * WeCom's callback encryption (企业微信 加解密方案): events and the URL check arrive AES-256-CBC encrypted
 * with the EncodingAESKey and signed with the callback Token. Written out here rather than taken from
 * `@wecom/crypto` because that library accepts any padding byte, and strict padding is part of telling a
 * forged or damaged callback from a real one.
 */

/** The three values set together on the WeCom console's callback page, plus the corp they belong to. */
export interface CallbackKeys {
  token: string;
  encodingAesKey: string;
  /** The receiveId every plaintext must end with (our CorpID for self-built apps). */
  corpId: string;
}

/** Why a callback was refused: one reason per check, so logs tell a wrong key from a forged request. */
export type CallbackRejection =
  | 'missing_parameter'
  | 'bad_signature'
  | 'malformed_xml'
  | 'bad_ciphertext_encoding'
  | 'bad_ciphertext_length'
  | 'bad_padding'
  | 'bad_message_length'
  | 'receive_id_mismatch'
  | 'malformed_event';

/** WeCom pads to 32-byte blocks (not AES's 16), so the padding byte runs from 1 to 32. */
const PAD_BLOCK_BYTES = 32;
const RANDOM_BYTES = 16;
const LENGTH_BYTES = 4;
const AES_BLOCK_BYTES = 16;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function rejected(reason: CallbackRejection): AppError {
  return new AppError('CALLBACK_REJECTED', { details: { reason } });
}

/** The keys from configuration; 503 PLATFORM_NOT_CONFIGURED naming what is missing. */
export function callbackKeysFromConfig(wecom: Config['wecom']): CallbackKeys {
  const { token, encodingAesKey, corpId } = wecom;
  if (token === undefined || encodingAesKey === undefined || corpId === undefined) {
    const missing = [
      ...(corpId === undefined ? ['WECOM_CORPID'] : []),
      ...(token === undefined ? ['WECOM_TOKEN'] : []),
      ...(encodingAesKey === undefined ? ['WECOM_ENCODING_AES_KEY'] : []),
    ];
    throw platformNotConfigured('wecom', missing);
  }
  return { token, encodingAesKey, corpId };
}

function aesKey(encodingAesKey: string): { key: Buffer; iv: Buffer } {
  // 43 base64 characters plus "=" decode to exactly 32 bytes; configuration already checks the 43 characters.
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  if (!/^[A-Za-z0-9+/]{43}$/.test(encodingAesKey) || key.length !== 32) throw new Error('a WeCom EncodingAESKey is 43 base64 characters');
  return { key, iv: key.subarray(0, AES_BLOCK_BYTES) };
}

/** `msg_signature`: SHA-1 over the token, timestamp, nonce and ciphertext, sorted as strings and joined. */
export function callbackSignature(token: string, timestamp: string, nonce: string, encrypted: string): string {
  return createHash('sha1').update([token, timestamp, nonce, encrypted].sort().join('')).digest('hex');
}

export interface SignedCiphertext {
  msgSignature: string;
  timestamp: string;
  nonce: string;
  encrypted: string;
}

export function verifySignature(keys: CallbackKeys, signed: SignedCiphertext): void {
  const expected = Buffer.from(callbackSignature(keys.token, signed.timestamp, signed.nonce, signed.encrypted), 'utf8');
  const given = Buffer.from(signed.msgSignature.toLowerCase(), 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw rejected('bad_signature');
}

/** Decrypts `Encrypt` / `echostr` and returns the message; the receiveId must be our CorpID. */
export function decrypt(keys: CallbackKeys, encrypted: string): string {
  if (encrypted === '' || !BASE64.test(encrypted)) throw rejected('bad_ciphertext_encoding');
  const ciphertext = Buffer.from(encrypted, 'base64');
  if (ciphertext.length === 0 || ciphertext.length % AES_BLOCK_BYTES !== 0) throw rejected('bad_ciphertext_length');

  const { key, iv } = aesKey(keys.encodingAesKey);
  const decipher = createDecipheriv('aes-256-cbc', key, iv);
  decipher.setAutoPadding(false);
  const padded = Buffer.concat([decipher.update(ciphertext), decipher.final()]);

  const padLength = padded[padded.length - 1] ?? 0;
  const padValid =
    padded.length % PAD_BLOCK_BYTES === 0 &&
    padLength >= 1 &&
    padLength <= PAD_BLOCK_BYTES &&
    padded.subarray(padded.length - padLength).every((byte) => byte === padLength);
  if (!padValid) throw rejected('bad_padding');
  const plaintext = padded.subarray(0, padded.length - padLength);
  if (plaintext.length < RANDOM_BYTES + LENGTH_BYTES) throw rejected('bad_message_length');
  const messageLength = plaintext.readUInt32BE(RANDOM_BYTES);
  const messageEnd = RANDOM_BYTES + LENGTH_BYTES + messageLength;
  if (messageEnd > plaintext.length) throw rejected('bad_message_length');

  const receiveId = plaintext.subarray(messageEnd);
  const corpId = Buffer.from(keys.corpId, 'utf8');
  if (receiveId.length !== corpId.length || !timingSafeEqual(receiveId, corpId)) throw rejected('receive_id_mismatch');
  return plaintext.subarray(RANDOM_BYTES + LENGTH_BYTES, messageEnd).toString('utf8');
}

/** Encrypts `message` as WeCom does (passive replies, tests). `random` fixes the 16 leading bytes for reproducible output. */
export function encrypt(keys: CallbackKeys, message: string, options: { random?: Buffer } = {}): string {
  const random = options.random ?? randomBytes(RANDOM_BYTES);
  if (random.length !== RANDOM_BYTES) throw new Error('the random prefix is 16 bytes');
  const body = Buffer.from(message, 'utf8');
  const length = Buffer.alloc(LENGTH_BYTES);
  length.writeUInt32BE(body.length);
  const plaintext = Buffer.concat([random, length, body, Buffer.from(keys.corpId, 'utf8')]);
  const padLength = PAD_BLOCK_BYTES - (plaintext.length % PAD_BLOCK_BYTES);

  const { key, iv } = aesKey(keys.encodingAesKey);
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.concat([plaintext, Buffer.alloc(padLength, padLength)])), cipher.final()]).toString('base64');
}

/** Query parameters as Koa parses them. */
export type CallbackQuery = Record<string, string | string[] | undefined>;

function queryValue(query: CallbackQuery, name: string): string {
  const value = query[name];
  if (typeof value !== 'string' || value === '') throw rejected('missing_parameter');
  return value;
}

/** The console's URL check: `GET ?msg_signature&timestamp&nonce&echostr`; answer the returned plaintext, nothing else. */
export function answerUrlCheck(keys: CallbackKeys, query: CallbackQuery): string {
  const signed = {
    msgSignature: queryValue(query, 'msg_signature'),
    timestamp: queryValue(query, 'timestamp'),
    nonce: queryValue(query, 'nonce'),
    encrypted: queryValue(query, 'echostr'),
  };
  verifySignature(keys, signed);
  return decrypt(keys, signed.encrypted);
}

interface ExternalContactFields {
  /** The CorpID the event is for. */
  toUserName: string;
  /** When it happened, Unix seconds. */
  createTime: number;
  /** Our member (the guide). */
  userId: string;
  externalUserId: string;
}

/** A decrypted callback: the 客户联系 changes we act on, typed; everything else as `unknown` with its fields. */
export type WecomCallbackEvent =
  | (ExternalContactFields & {
      type: 'add_external_contact';
      /** The `state` of the contact way the customer used. */
      state?: string;
      /** For `send_welcome_msg`, usable once within 20 s; absent when the console sends its own welcome message. */
      welcomeCode?: string;
    })
  | (ExternalContactFields & { type: 'edit_external_contact' })
  /** Our member removed the customer; `source` is `DELETE_BY_TRANSFER` when a transfer did it. */
  | (ExternalContactFields & { type: 'del_external_contact'; source?: string })
  /** The customer removed our member. */
  | (ExternalContactFields & { type: 'del_follow_user' })
  /** A transfer did not happen: `customer_refused` or `customer_limit_exceed`; `userId` is the takeover member. */
  | (ExternalContactFields & { type: 'transfer_fail'; failReason: string })
  | {
      type: 'unknown';
      msgType?: string;
      event?: string;
      changeType?: string;
      /** Every element of the decrypted `<xml>`. */
      raw: Record<string, unknown>;
    };

const xmlParser = new XMLParser({
  // Ids such as UserID "007" must stay strings; CDATA keeps its exact text.
  parseTagValue: false,
  trimValues: false,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

/** The children of the root `<xml>` element (text between elements dropped), or `undefined` for anything else. */
function parseXmlRoot(xml: string): Record<string, unknown> | undefined {
  // WeCom never sends a DTD; refusing one keeps entity expansion out of the picture.
  if (/<!DOCTYPE/i.test(xml) || XMLValidator.validate(xml) !== true) return undefined;
  let parsed: Record<string, unknown>;
  try {
    // Valid XML can still be refused here: the parser throws on elements named `__proto__` or `constructor`.
    parsed = xmlParser.parse(xml) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const root = parsed.xml;
  if (typeof root !== 'object' || root === null || Array.isArray(root)) return undefined;
  return Object.fromEntries(Object.entries(root).filter(([name]) => name !== '#text'));
}

function text(fields: Record<string, unknown>, name: string): string | undefined {
  const value = fields[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function externalContactEvent(fields: Record<string, unknown>): WecomCallbackEvent {
  const changeType = text(fields, 'ChangeType');
  const known = ['add_external_contact', 'edit_external_contact', 'del_external_contact', 'del_follow_user', 'transfer_fail'] as const;
  const type = known.find((candidate) => candidate === changeType);
  if (type === undefined)
    return { type: 'unknown', msgType: text(fields, 'MsgType'), event: 'change_external_contact', changeType, raw: fields };

  const toUserName = text(fields, 'ToUserName');
  const createTime = Number(text(fields, 'CreateTime'));
  const userId = text(fields, 'UserID');
  const externalUserId = text(fields, 'ExternalUserID');
  if (toUserName === undefined || !Number.isSafeInteger(createTime) || userId === undefined || externalUserId === undefined) {
    throw rejected('malformed_event');
  }
  const common = { toUserName, createTime, userId, externalUserId };
  switch (type) {
    case 'add_external_contact':
      return { type, ...common, state: text(fields, 'State'), welcomeCode: text(fields, 'WelcomeCode') };
    case 'del_external_contact':
      return { type, ...common, source: text(fields, 'Source') };
    case 'transfer_fail': {
      const failReason = text(fields, 'FailReason');
      if (failReason === undefined) throw rejected('malformed_event');
      return { type, ...common, failReason };
    }
    default:
      return { type, ...common };
  }
}

/**
 * An event `POST`: `<xml><ToUserName/><Encrypt/><AgentID/></xml>` with `msg_signature`, `timestamp` and
 * `nonce` in the query. Verifies, decrypts and parses it; every failure is 401 CALLBACK_REJECTED with a reason.
 */
export function openEvent(keys: CallbackKeys, rawXmlBody: string | Buffer, query: CallbackQuery): WecomCallbackEvent {
  const signed = {
    msgSignature: queryValue(query, 'msg_signature'),
    timestamp: queryValue(query, 'timestamp'),
    nonce: queryValue(query, 'nonce'),
  };
  const envelope = parseXmlRoot(typeof rawXmlBody === 'string' ? rawXmlBody : rawXmlBody.toString('utf8'));
  const encrypted = envelope === undefined ? undefined : text(envelope, 'Encrypt');
  if (encrypted === undefined) throw rejected('malformed_xml');
  verifySignature(keys, { ...signed, encrypted });

  const fields = parseXmlRoot(decrypt(keys, encrypted));
  if (fields === undefined) throw rejected('malformed_event');
  const event = text(fields, 'Event');
  if (event === 'change_external_contact') return externalContactEvent(fields);
  return { type: 'unknown', msgType: text(fields, 'MsgType'), event, changeType: text(fields, 'ChangeType'), raw: fields };
}
