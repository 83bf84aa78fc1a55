import { createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';

/** A key WeChat Pay signs with, named by the `Wechatpay-Serial` it sends. */
export interface PlatformKey {
  /** `PUB_KEY_ID_…` (public-key mode) or the platform certificate's serial, as WeChat Pay writes it. */
  serial: string;
  key: KeyObject;
  /** SPKI PEM: sensitive fields (guide name, mobile) are RSA-OAEP encrypted with it. */
  publicKeyPem: string;
  /** When it may be used (epoch ms); a WeChat Pay public key has no expiry. */
  validFrom: number;
  validTo: number;
}

export type PlatformKeyMode = 'public-key' | 'certificate';

/** Serials are hex (certificates: upper case from WeChat Pay, lower case from the library) or `PUB_KEY_ID_…`. */
function serialKey(serial: string): string {
  return serial.trim().toLowerCase();
}

export function isCertificatePem(pem: string): boolean {
  return pem.includes('-----BEGIN CERTIFICATE-----');
}

/**
 * The platform keys a client trusts. Public-key mode: one key under its `PUB_KEY_ID_…`. Certificate mode:
 * the configured certificate plus any learnt from `GET /v3/certificates` (rotation), newest first for use.
 */
export class PlatformKeys {
  readonly mode: PlatformKeyMode;
  private readonly bySerial = new Map<string, PlatformKey>();

  constructor(configuredPem: string, publicKeyId: string | undefined) {
    if (isCertificatePem(configuredPem)) {
      this.mode = 'certificate';
      this.addCertificates([readPlatformCertificate(configuredPem)]);
    } else {
      if (publicKeyId === undefined) throw new Error('a WeChat Pay public key needs its id (PUB_KEY_ID_…)');
      this.mode = 'public-key';
      const key = createPublicKey(configuredPem);
      this.bySerial.set(serialKey(publicKeyId), {
        serial: publicKeyId,
        key,
        publicKeyPem: spkiPem(key),
        validFrom: Number.NEGATIVE_INFINITY,
        validTo: Number.POSITIVE_INFINITY,
      });
    }
  }

  /** The key named `serial` if it is valid at `nowMs`: WeChat Pay signs nothing with an expired certificate. */
  find(serial: string, nowMs: number): PlatformKey | undefined {
    const key = this.bySerial.get(serialKey(serial));
    return key !== undefined && key.validFrom <= nowMs && nowMs <= key.validTo ? key : undefined;
  }

  /** Trusts more platform certificates (from `readPlatformCertificate`). */
  addCertificates(certificates: readonly PlatformKey[]): void {
    for (const certificate of certificates) this.bySerial.set(serialKey(certificate.serial), certificate);
  }

  serials(): string[] {
    return [...this.bySerial.values()].map((entry) => entry.serial);
  }

  /**
   * The key to name in `Wechatpay-Serial` and encrypt sensitive fields with: the public key, or the
   * newest certificate valid at `nowMs` (the one WeChat Pay expects after a rotation).
   */
  current(nowMs: number): PlatformKey {
    const keys = [...this.bySerial.values()];
    const valid = keys.filter((entry) => entry.validFrom <= nowMs && nowMs <= entry.validTo);
    const candidates = valid.length > 0 ? valid : keys;
    return candidates.reduce((newest, entry) => (entry.validFrom > newest.validFrom ? entry : newest));
  }
}

/** A platform certificate's key; `expectedSerial` (from a download's listing) must be the certificate's own serial. */
export function readPlatformCertificate(pem: string, expectedSerial?: string): PlatformKey {
  const certificate = new X509Certificate(pem);
  if (expectedSerial !== undefined && serialKey(expectedSerial) !== serialKey(certificate.serialNumber)) {
    throw new Error(`certificate serial ${certificate.serialNumber} does not match the listed ${expectedSerial}`);
  }
  return {
    serial: certificate.serialNumber,
    key: certificate.publicKey,
    publicKeyPem: spkiPem(certificate.publicKey),
    validFrom: Date.parse(certificate.validFrom),
    validTo: Date.parse(certificate.validTo),
  };
}

function spkiPem(key: KeyObject): string {
  return key.export({ type: 'spki', format: 'pem' }).toString();
}
