import { Types } from 'mongoose';
import { GUIDE_CODE_LENGTH, UNAMBIGUOUS_CODE_ALPHABET } from '@mall/shared';
import { CONTACT_WAY_STATE_MAX_CHARS } from '../platform/wecom/client.ts';

/**
 * The `state` of our contact ways, which WeCom hands back in the add-contact event: the guide's code for the
 * guide's general contact way (`K7M2QP`), and `<code>.<shopper key>` for one made for one shopper
 * (`K7M2QP.ZB9x2hQk0c3aBcDe`), the key being the shopper's ObjectId's 12 bytes in base64url (16 characters).
 */

const SHOPPER_KEY_CHARS = 16;
const STATE = new RegExp(`^([${UNAMBIGUOUS_CODE_ALPHABET}]{${GUIDE_CODE_LENGTH}})(?:\\.([A-Za-z0-9_-]{${SHOPPER_KEY_CHARS}}))?$`);

export function shopperKey(shopperId: Types.ObjectId): string {
  return Buffer.from(shopperId.toHexString(), 'hex').toString('base64url');
}

export function generalState(guideCode: string): string {
  return checked(guideCode);
}

export function shopperState(guideCode: string, shopperId: Types.ObjectId): string {
  return checked(`${guideCode}.${shopperKey(shopperId)}`);
}

function checked(state: string): string {
  if (!STATE.test(state) || state.length > CONTACT_WAY_STATE_MAX_CHARS) throw new Error(`not a contact-way state: ${state}`);
  return state;
}

export interface ParsedState {
  guideCode: string;
  shopperId?: Types.ObjectId;
}

/** Our state, or undefined for anything else (a contact way made in WeCom's console, another tool's). */
export function parseState(state: string | undefined): ParsedState | undefined {
  const match = state === undefined ? null : STATE.exec(state);
  if (match === null) return undefined;
  const [, guideCode, key] = match as unknown as [string, string, string | undefined];
  if (key === undefined) return { guideCode };
  // 16 base64url characters are exactly the 12 bytes of an ObjectId.
  return { guideCode, shopperId: new Types.ObjectId(Buffer.from(key, 'base64url').toString('hex')) };
}
