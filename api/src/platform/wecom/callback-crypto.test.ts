import { createCipheriv } from 'node:crypto';
import * as wecomCrypto from '@wecom/crypto';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../http/errors.ts';
import {
  answerUrlCheck,
  callbackKeysFromConfig,
  callbackSignature,
  decrypt,
  encrypt,
  openEvent,
  verifySignature,
  type CallbackKeys,
} from './callback-crypto.ts';

/** WeCom callback crypto: the official vectors, round trips with @wecom/crypto, and every rejection with its reason. */

// Tencent's sample (WXBizMsgCrypt, "验证回调URL" and "对用户回复的消息解密").
const OFFICIAL: CallbackKeys = {
  token: 'QDG6eK',
  corpId: 'wx5823bf96d3bd56c7',
  encodingAesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
};
const OFFICIAL_ECHOSTR = 'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==';
const OFFICIAL_MESSAGE =
  'RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==';

const KEYS: CallbackKeys = {
  token: 'sandboxToken123',
  corpId: 'ww0123456789abcdef',
  encodingAesKey: 'sandboxAbCdEfGhIjKlMnOpQrStUvWxYz0123456789',
};

function reasonOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError && error.code === 'CALLBACK_REJECTED') return (error.details as { reason: string }).reason;
    throw error;
  }
  throw new Error('expected CALLBACK_REJECTED');
}

/** AES-256-CBC over `plaintext` exactly as given (no padding added), with the keys' AES key. */
function encryptRaw(keys: CallbackKeys, plaintext: Buffer): string {
  const key = Buffer.from(`${keys.encodingAesKey}=`, 'base64');
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(plaintext), cipher.final()]).toString('base64');
}

function plaintextOf(message: string, receiveId: string): Buffer {
  const body = Buffer.from(message);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  return Buffer.concat([Buffer.alloc(16, 7), length, body, Buffer.from(receiveId)]);
}

function signedQuery(keys: CallbackKeys, encrypted: string, timestamp = '1700000000', nonce = '12345') {
  return { msg_signature: callbackSignature(keys.token, timestamp, nonce, encrypted), timestamp, nonce };
}

function envelope(encrypted: string, corpId = KEYS.corpId): string {
  return `<xml><ToUserName><![CDATA[${corpId}]]></ToUserName><Encrypt><![CDATA[${encrypted}]]></Encrypt><AgentID><![CDATA[]]></AgentID></xml>`;
}

function sealed(xml: string, keys = KEYS) {
  const encrypted = encrypt(keys, xml);
  return { body: envelope(encrypted), query: signedQuery(keys, encrypted) };
}

describe('the official WeCom test vectors', () => {
  it('URL check: the sample echostr signs to 5c45ff5e… and decrypts to 1616140317555161061', () => {
    expect(callbackSignature(OFFICIAL.token, '1409659589', '263014780', OFFICIAL_ECHOSTR)).toBe('5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3');
    const query = {
      msg_signature: '5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3',
      timestamp: '1409659589',
      nonce: '263014780',
      echostr: OFFICIAL_ECHOSTR,
    };
    expect(answerUrlCheck(OFFICIAL, query)).toBe('1616140317555161061');
  });

  it('message: the sample POST verifies and opens as a text message (kept as unknown with its fields)', () => {
    const body = `<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n<Encrypt><![CDATA[${OFFICIAL_MESSAGE}]]></Encrypt>\n<AgentID><![CDATA[218]]></AgentID>\n</xml>`;
    const query = { msg_signature: '477715d11cdb4164915debcba66cb864d751f3e6', timestamp: '1409659813', nonce: '1372623149' };
    expect(openEvent(OFFICIAL, body, query)).toEqual({
      type: 'unknown',
      msgType: 'text',
      event: undefined,
      changeType: undefined,
      raw: {
        ToUserName: 'wx5823bf96d3bd56c7',
        FromUserName: 'mycreate',
        CreateTime: '1409659813',
        MsgType: 'text',
        Content: 'hello',
        MsgId: '4561255354251345929',
        AgentID: '218',
      },
    });
  });

  it('the same echostr is refused for another corp', () => {
    expect(reasonOf(() => decrypt({ ...OFFICIAL, corpId: 'wx0000000000000000' }, OFFICIAL_ECHOSTR))).toBe('receive_id_mismatch');
  });
});

describe('encrypt / decrypt', () => {
  it('round-trips text of any length, including multi-byte characters and exact block multiples', () => {
    for (const message of ['', 'a', '<xml>欢迎光临 🛍️</xml>', 'x'.repeat(64 - 20 - KEYS.corpId.length), 'y'.repeat(5000)]) {
      expect(decrypt(KEYS, encrypt(KEYS, message))).toBe(message);
    }
  });

  it('pads to 32-byte blocks: a plaintext of exactly 64 bytes gets a whole block of padding', () => {
    const message = 'z'.repeat(64 - 20 - KEYS.corpId.length);
    expect(Buffer.from(encrypt(KEYS, message), 'base64')).toHaveLength(96);
    expect(Buffer.from(encrypt(KEYS, `${message}z`), 'base64')).toHaveLength(96);
    expect(Buffer.from(encrypt(KEYS, message.slice(1)), 'base64')).toHaveLength(64);
  });

  it('is deterministic for a given random prefix, and agrees with @wecom/crypto both ways', () => {
    const random = Buffer.alloc(16, 1);
    expect(encrypt(KEYS, 'hello', { random })).toBe(wecomCrypto.encrypt(KEYS.encodingAesKey, 'hello', KEYS.corpId, random));
    expect(wecomCrypto.decrypt(KEYS.encodingAesKey, encrypt(KEYS, '你好')).message).toBe('你好');
    expect(decrypt(KEYS, wecomCrypto.encrypt(KEYS.encodingAesKey, '你好', KEYS.corpId))).toBe('你好');
  });
});

describe('rejections, each with its own reason', () => {
  const encrypted = encrypt(KEYS, '<xml/>', { random: Buffer.alloc(16, 9) });

  it('bad signature: another token, another nonce, or a changed ciphertext', () => {
    const good = { msgSignature: callbackSignature(KEYS.token, '1', '2', encrypted), timestamp: '1', nonce: '2', encrypted };
    expect(() => verifySignature(KEYS, good)).not.toThrow();
    expect(() => verifySignature(KEYS, { ...good, msgSignature: good.msgSignature.toUpperCase() })).not.toThrow();
    expect(reasonOf(() => verifySignature({ ...KEYS, token: 'other' }, good))).toBe('bad_signature');
    expect(reasonOf(() => verifySignature(KEYS, { ...good, nonce: '3' }))).toBe('bad_signature');
    expect(reasonOf(() => verifySignature(KEYS, { ...good, encrypted: encrypted.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) }))).toBe(
      'bad_signature',
    );
    expect(reasonOf(() => verifySignature(KEYS, { ...good, msgSignature: 'abc' }))).toBe('bad_signature');
  });

  it('wrong receiveId (encrypted for another corp)', () => {
    expect(reasonOf(() => decrypt(KEYS, encrypt({ ...KEYS, corpId: 'ww0123456789abcdee' }, '<xml/>')))).toBe('receive_id_mismatch');
    expect(reasonOf(() => decrypt(KEYS, encrypt({ ...KEYS, corpId: `${KEYS.corpId}x` }, '<xml/>')))).toBe('receive_id_mismatch');
  });

  it('bad padding: a zero pad byte, a pad over 32, uneven pad bytes, 16-byte instead of 32-byte blocks', () => {
    const plain = plaintextOf('<xml/>', KEYS.corpId); // 44 bytes
    const pad = (bytes: number[]) => encryptRaw(KEYS, Buffer.concat([plain, Buffer.from(bytes)]));
    const proper = Array<number>(20).fill(20);
    expect(decrypt(KEYS, pad(proper))).toBe('<xml/>');
    expect(reasonOf(() => decrypt(KEYS, pad([...proper.slice(0, 19), 0])))).toBe('bad_padding');
    expect(reasonOf(() => decrypt(KEYS, pad([...proper.slice(0, 19), 33])))).toBe('bad_padding');
    expect(reasonOf(() => decrypt(KEYS, pad([...proper.slice(0, 18), 19, 20])))).toBe('bad_padding');
    // PKCS#7 to 16-byte blocks is valid AES padding but not WeCom's.
    expect(reasonOf(() => decrypt(KEYS, pad([4, 4, 4, 4])))).toBe('bad_padding');
  });

  it('truncated or mangled ciphertext', () => {
    expect(reasonOf(() => decrypt(KEYS, encrypted.slice(0, -4)))).toBe('bad_ciphertext_length');
    expect(reasonOf(() => decrypt(KEYS, Buffer.from(encrypted, 'base64').subarray(0, 40).toString('base64')))).toBe(
      'bad_ciphertext_length',
    );
    expect(reasonOf(() => decrypt(KEYS, encrypted.slice(0, -3)))).toBe('bad_ciphertext_encoding');
    expect(reasonOf(() => decrypt(KEYS, `${encrypted.slice(0, 8)}*${encrypted.slice(9)}`))).toBe('bad_ciphertext_encoding');
    expect(reasonOf(() => decrypt(KEYS, ''))).toBe('bad_ciphertext_encoding');
    // Cut at a block boundary: the last block left is not a padded one.
    const blockCut = Buffer.from(encrypt(KEYS, 'q'.repeat(100), { random: Buffer.alloc(16, 3) }), 'base64').subarray(0, 64);
    expect(reasonOf(() => decrypt(KEYS, blockCut.toString('base64')))).toBe('bad_padding');
  });

  it('a length field pointing past the end', () => {
    const plain = plaintextOf('<xml/>', KEYS.corpId);
    plain.writeUInt32BE(1000, 16);
    expect(reasonOf(() => decrypt(KEYS, encryptRaw(KEYS, Buffer.concat([plain, Buffer.alloc(20, 20)]))))).toBe('bad_message_length');
    expect(reasonOf(() => decrypt(KEYS, encryptRaw(KEYS, Buffer.concat([Buffer.alloc(16), Buffer.alloc(16, 16)]))))).toBe(
      'bad_message_length',
    );
  });

  it('missing query parameters, a body that is not the XML envelope, an event that is not XML', () => {
    const good = sealed('<xml><Event><![CDATA[x]]></Event></xml>');
    expect(reasonOf(() => answerUrlCheck(KEYS, { ...signedQuery(KEYS, encrypted) }))).toBe('missing_parameter');
    expect(reasonOf(() => openEvent(KEYS, good.body, { ...good.query, nonce: undefined }))).toBe('missing_parameter');
    expect(reasonOf(() => openEvent(KEYS, good.body, { ...good.query, timestamp: ['1', '2'] }))).toBe('missing_parameter');
    expect(reasonOf(() => openEvent(KEYS, '{"Encrypt":"x"}', good.query))).toBe('malformed_xml');
    expect(reasonOf(() => openEvent(KEYS, '<xml><ToUserName>a</ToUserName></xml>', good.query))).toBe('malformed_xml');
    expect(reasonOf(() => openEvent(KEYS, `<!DOCTYPE xml [<!ENTITY a "b">]>${good.body}`, good.query))).toBe('malformed_xml');
    const notXml = sealed('not xml at all');
    expect(reasonOf(() => openEvent(KEYS, notXml.body, notXml.query))).toBe('malformed_event');
  });

  it("elements named after Object's own members, which the XML parser refuses to read", () => {
    const envelope = sealed('<xml><Event><![CDATA[x]]></Event></xml>');
    const withConstructor = envelope.body.replace('<AgentID>', '<constructor>1</constructor><AgentID>');
    expect(reasonOf(() => openEvent(KEYS, withConstructor, envelope.query))).toBe('malformed_xml');
    const event = sealed('<xml><__proto__><Event>x</Event></__proto__><Event><![CDATA[change_external_contact]]></Event></xml>');
    expect(reasonOf(() => openEvent(KEYS, event.body, event.query))).toBe('malformed_event');
  });
});

describe('openEvent', () => {
  const contactXml = (changeType: string, extra = '') =>
    `<xml><ToUserName><![CDATA[${KEYS.corpId}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>1403610513</CreateTime>` +
    `<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_contact]]></Event><ChangeType><![CDATA[${changeType}]]></ChangeType>` +
    `<UserID><![CDATA[007]]></UserID><ExternalUserID><![CDATA[woAJ2GCAAAXtWyujaWJHDDGi0mACAAAA]]></ExternalUserID>${extra}</xml>`;
  const open = (xml: string) => {
    const { body, query } = sealed(xml);
    return openEvent(KEYS, Buffer.from(body), query);
  };
  const common = { toUserName: KEYS.corpId, createTime: 1403610513, userId: '007', externalUserId: 'woAJ2GCAAAXtWyujaWJHDDGi0mACAAAA' };

  it('add_external_contact with State and WelcomeCode, ids kept as strings', () => {
    expect(
      open(contactXml('add_external_contact', '<State><![CDATA[g:guide-1]]></State><WelcomeCode><![CDATA[CODE]]></WelcomeCode>')),
    ).toEqual({
      type: 'add_external_contact',
      ...common,
      state: 'g:guide-1',
      welcomeCode: 'CODE',
    });
    expect(open(contactXml('add_external_contact'))).toEqual({
      type: 'add_external_contact',
      ...common,
      state: undefined,
      welcomeCode: undefined,
    });
  });

  it('edit, del_external_contact (with Source), del_follow_user and transfer_fail', () => {
    expect(open(contactXml('edit_external_contact'))).toEqual({ type: 'edit_external_contact', ...common });
    expect(open(contactXml('del_external_contact', '<Source><![CDATA[DELETE_BY_TRANSFER]]></Source>'))).toEqual({
      type: 'del_external_contact',
      ...common,
      source: 'DELETE_BY_TRANSFER',
    });
    expect(open(contactXml('del_follow_user'))).toEqual({ type: 'del_follow_user', ...common });
    expect(open(contactXml('transfer_fail', '<FailReason><![CDATA[customer_refused]]></FailReason>'))).toEqual({
      type: 'transfer_fail',
      ...common,
      failReason: 'customer_refused',
    });
  });

  it('keeps other change types and events as unknown with their raw fields', () => {
    expect(open(contactXml('add_half_external_contact'))).toMatchObject({
      type: 'unknown',
      event: 'change_external_contact',
      changeType: 'add_half_external_contact',
      raw: { UserID: '007', CreateTime: '1403610513' },
    });
    expect(
      open('<xml><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_chat]]></Event><ChatId>wr1</ChatId></xml>'),
    ).toEqual({
      type: 'unknown',
      msgType: 'event',
      event: 'change_external_chat',
      changeType: undefined,
      raw: { MsgType: 'event', Event: 'change_external_chat', ChatId: 'wr1' },
    });
  });

  it('rejects a known change type without its ids, or a transfer_fail without a reason', () => {
    const withoutUser = contactXml('del_follow_user').replace('<UserID><![CDATA[007]]></UserID>', '');
    expect(reasonOf(() => open(withoutUser))).toBe('malformed_event');
    expect(reasonOf(() => open(contactXml('transfer_fail')))).toBe('malformed_event');
    expect(reasonOf(() => open(contactXml('edit_external_contact').replace('1403610513', 'soon')))).toBe('malformed_event');
  });
});

describe('callbackKeysFromConfig', () => {
  it('names what is missing', () => {
    try {
      callbackKeysFromConfig({ corpId: 'ww1', secret: undefined, token: undefined, encodingAesKey: undefined, apiBaseUrl: 'http://x' });
      throw new Error('expected a failure');
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({
        code: 'PLATFORM_NOT_CONFIGURED',
        details: { platform: 'wecom', missing: ['WECOM_TOKEN', 'WECOM_ENCODING_AES_KEY'] },
      });
    }
    expect(callbackKeysFromConfig({ ...KEYS, secret: undefined, apiBaseUrl: 'http://x' })).toEqual(KEYS);
  });
});
