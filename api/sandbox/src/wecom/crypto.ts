import { createCipheriv, createHash, randomBytes } from 'node:crypto';

/*
 * WeCom's side of the callback encryption: AES-256-CBC with key = base64(EncodingAESKey + "="),
 * IV = its first 16 bytes, PKCS#7 padding to 32-byte blocks, plaintext = random(16) ‖ length(4, big-endian)
 * ‖ message ‖ receiveId; msg_signature = SHA-1 of the sorted [token, timestamp, nonce, ciphertext].
 * Written independently of the API's code so a shared mistake cannot hide.
 */

const WECOM_PAD_BLOCK = 32;

export interface CallbackSecrets {
  token: string;
  encodingAesKey: string;
}

/** What a sealed message can be made to get wrong, for negative tests of the app's verification. */
export type Tampering = 'signature' | 'corp-id' | 'padding';

export function msgSignature(token: string, timestamp: string, nonce: string, encrypted: string): string {
  return createHash('sha1').update([token, timestamp, nonce, encrypted].sort().join('')).digest('hex');
}

/** Encrypts `message` for `receiveId`; `brokenPadding` writes a last byte no PKCS#7 unpadding may accept. */
export function encryptMessage(
  encodingAesKey: string,
  message: string,
  receiveId: string,
  options: { brokenPadding?: boolean } = {},
): string {
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  const body = Buffer.from(message, 'utf8');
  const header = Buffer.alloc(20);
  randomBytes(16).copy(header);
  header.writeUInt32BE(body.length, 16);
  const plain = Buffer.concat([header, body, Buffer.from(receiveId, 'utf8')]);
  const padLength = WECOM_PAD_BLOCK - (plain.length % WECOM_PAD_BLOCK);
  const padded = Buffer.concat([plain, Buffer.alloc(padLength, padLength)]);
  // 0 is never a valid pad length, whatever the block size.
  if (options.brokenPadding) padded[padded.length - 1] = 0;
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(padded), cipher.final()]).toString('base64');
}

/** Digits, as WeCom's nonces are. */
export function randomNonce(): string {
  return String(randomBytes(4).readUInt32BE(0));
}

/** XML character data; a `]]>` inside is split across two sections. */
export function cdata(value: string): string {
  return `<![CDATA[${value.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

export interface SealedCallback {
  query: { msg_signature: string; timestamp: string; nonce: string };
  /** The envelope POSTed to the app. */
  body: string;
}

/** An event as WeCom POSTs it: the inner XML encrypted into `<Encrypt>`, the signature in the query. */
export function sealCallback(
  secrets: CallbackSecrets,
  corpId: string,
  innerXml: string,
  timestamp: string,
  tampering?: Tampering,
): SealedCallback {
  const receiveId = tampering === 'corp-id' ? `ww${randomBytes(8).toString('hex')}` : corpId;
  const encrypted = encryptMessage(secrets.encodingAesKey, innerXml, receiveId, { brokenPadding: tampering === 'padding' });
  const nonce = randomNonce();
  // A signature made with another token: well-formed, but not ours.
  const signingToken = tampering === 'signature' ? `${secrets.token}x` : secrets.token;
  return {
    query: { msg_signature: msgSignature(signingToken, timestamp, nonce, encrypted), timestamp, nonce },
    body: `<xml><ToUserName>${cdata(corpId)}</ToUserName><Encrypt>${cdata(encrypted)}</Encrypt><AgentID>${cdata('')}</AgentID></xml>`,
  };
}
