import { generateKeyPair, randomBytes, randomInt } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import forge from 'node-forge';
import { readJsonFile, writeJsonFile } from '../storage.ts';

/** First line of every PEM handed to the API, so production configuration recognises and refuses sandbox keys. */
export const SANDBOX_PEM_MARKER = '# sandbox-generated: development only';

export function markPem(pem: string): string {
  return `${SANDBOX_PEM_MARKER}\n${pem.trim()}\n`;
}

/** Everything the merchant and WeChat Pay hold; generated on first start and kept in `keys.json`. */
export interface WechatPayKeys {
  mchid: string;
  /** 32 bytes, starting with `sandbox` so production refuses it. */
  apiV3Key: string;
  /** The merchant's API key pair and certificate (apiclient_key.pem / apiclient_cert.pem). */
  merchant: { privateKeyPem: string; publicKeyPem: string; certificatePem: string; serialNo: string };
  /** Certificate mode: WeChat Pay's platform key and its self-signed certificate. */
  platform: { privateKeyPem: string; certificatePem: string; serialNo: string; effectiveTime: string; expireTime: string };
  /** Public-key mode: WeChat Pay's public key and its id (`PUB_KEY_ID_…`). */
  publicKey: { privateKeyPem: string; publicKeyPem: string; keyId: string };
}

const KEYS_FILE = 'keys.json';
const CERTIFICATE_YEARS = 5;
const generateRsaKeyPair = promisify(generateKeyPair);

/** Loads the keys from `dataDir`, generating and persisting them on first start. */
export async function loadOrCreateKeys(dataDir: string, now: number): Promise<WechatPayKeys> {
  const file = path.join(dataDir, KEYS_FILE);
  const stored = await readJsonFile<WechatPayKeys>(file);
  if (stored !== undefined) {
    assertKeysShape(stored, file);
    return stored;
  }
  const keys = await generateKeys(now);
  await writeJsonFile(file, keys);
  // The files the merchant downloads from the merchant platform, for tools that want paths.
  await writeFile(path.join(dataDir, 'apiclient_key.pem'), markPem(keys.merchant.privateKeyPem), { mode: 0o600 });
  await writeFile(path.join(dataDir, 'apiclient_cert.pem'), markPem(keys.merchant.certificatePem), { mode: 0o600 });
  return keys;
}

async function generateKeys(now: number): Promise<WechatPayKeys> {
  const [merchantPair, platformPair, publicKeyPair] = await Promise.all([rsaKeyPair(), rsaKeyPair(), rsaKeyPair()]);
  const mchid = `19${digits(8)}`;
  const notBefore = new Date(now - 60_000);
  const notAfter = new Date(now);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + CERTIFICATE_YEARS);
  const merchantSerial = certificateSerial();
  const platformSerial = certificateSerial();
  return {
    mchid,
    apiV3Key: `sandbox${base62(25)}`,
    merchant: {
      ...merchantPair,
      serialNo: merchantSerial,
      certificatePem: selfSignedCertificate(merchantPair, merchantSerial, notBefore, notAfter, [
        { name: 'commonName', value: mchid },
        { name: 'organizationName', value: 'WeChat Pay sandbox merchant (development only)' },
        { name: 'organizationalUnitName', value: 'sandbox' },
        { name: 'countryName', value: 'CN' },
      ]),
    },
    platform: {
      privateKeyPem: platformPair.privateKeyPem,
      serialNo: platformSerial,
      effectiveTime: notBefore.toISOString(),
      expireTime: notAfter.toISOString(),
      certificatePem: selfSignedCertificate(platformPair, platformSerial, notBefore, notAfter, [
        { name: 'commonName', value: 'Tenpay.com sandbox platform (development only)' },
        { name: 'organizationName', value: 'WeChat Pay sandbox' },
        { name: 'countryName', value: 'CN' },
      ]),
    },
    publicKey: {
      ...publicKeyPair,
      keyId: `PUB_KEY_ID_01${mchid}${notBefore.toISOString().slice(0, 10).replaceAll('-', '')}${digits(14)}`,
    },
  };
}

async function rsaKeyPair(): Promise<{ privateKeyPem: string; publicKeyPem: string }> {
  const { privateKey, publicKey } = await generateRsaKeyPair('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

function selfSignedCertificate(
  pair: { privateKeyPem: string; publicKeyPem: string },
  serialNo: string,
  notBefore: Date,
  notAfter: Date,
  subject: forge.pki.CertificateField[],
): string {
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.publicKeyFromPem(pair.publicKeyPem);
  certificate.serialNumber = serialNo;
  certificate.validity.notBefore = notBefore;
  certificate.validity.notAfter = notAfter;
  certificate.setSubject(subject);
  certificate.setIssuer(subject);
  certificate.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, nonRepudiation: true },
  ]);
  certificate.sign(forge.pki.privateKeyFromPem(pair.privateKeyPem), forge.md.sha256.create());
  return forge.pki.certificateToPem(certificate);
}

/** 40 upper-case hex digits, as WeChat's serials; the first digit is 1–7 so the DER integer stays positive and 20 bytes long. */
export function certificateSerial(): string {
  return `${randomInt(1, 8)}${randomBytes(20).toString('hex').slice(1)}`.toUpperCase();
}

function digits(count: number): string {
  return Array.from({ length: count }, () => randomInt(10)).join('');
}

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function base62(count: number): string {
  return Array.from({ length: count }, () => BASE62[randomInt(BASE62.length)]).join('');
}

function assertKeysShape(keys: WechatPayKeys, file: string): void {
  const pems = [
    keys.merchant?.privateKeyPem,
    keys.merchant?.certificatePem,
    keys.platform?.privateKeyPem,
    keys.platform?.certificatePem,
    keys.publicKey?.privateKeyPem,
    keys.publicKey?.publicKeyPem,
  ];
  const complete =
    typeof keys.mchid === 'string' &&
    typeof keys.apiV3Key === 'string' &&
    Buffer.byteLength(keys.apiV3Key) === 32 &&
    pems.every((pem) => typeof pem === 'string' && pem.includes('-----BEGIN')) &&
    typeof keys.merchant.serialNo === 'string' &&
    typeof keys.platform.serialNo === 'string' &&
    typeof keys.publicKey.keyId === 'string';
  if (!complete) throw new Error(`${file} is incomplete or from another version; delete it to generate new WeChat Pay sandbox keys`);
}
