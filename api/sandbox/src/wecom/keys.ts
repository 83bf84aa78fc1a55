import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { readJsonFile, writeJsonFile } from '../storage.ts';

/** The corp's credentials as the WeCom console would show them; every secret starts with `sandbox`. */
export interface WecomCredentials {
  corpId: string;
  secret: string;
  /** Callback Token: letters and digits, ≤ 32. */
  token: string;
  /** Callback EncodingAESKey: 43 letters and digits. */
  encodingAesKey: string;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `length` random letters and digits (rejection sampling keeps them uniform). */
export function randomAlphanumeric(length: number): string {
  let result = '';
  while (result.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && result.length < length) result += ALPHANUMERIC[byte % 62];
    }
  }
  return result;
}

function generate(): WecomCredentials {
  return {
    corpId: `ww${randomBytes(8).toString('hex')}`,
    secret: `sandbox${randomBytes(27).toString('base64url')}`,
    token: `sandbox${randomAlphanumeric(25)}`,
    encodingAesKey: `sandbox${randomAlphanumeric(36)}`,
  };
}

/** The credentials kept in `dataDir`, generated on first start so restarts (and the API's `.env`) keep working. */
export async function loadOrCreateCredentials(dataDir: string): Promise<WecomCredentials> {
  const file = path.join(dataDir, 'credentials.json');
  const stored = await readJsonFile<WecomCredentials>(file);
  if (stored) return stored;
  const created = generate();
  await writeJsonFile(file, created);
  return created;
}
