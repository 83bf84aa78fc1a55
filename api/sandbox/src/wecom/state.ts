import { createHash } from 'node:crypto';

/** A member of the corp's directory (a guide). Resigned members' customers go through the resigned transfer. */
export interface Member {
  userid: string;
  name: string;
  resigned: boolean;
}

export interface IssuedToken {
  token: string;
  /** Epoch ms on the sandbox clock. */
  expires_at: number;
}

export interface ContactWayRecord {
  config_id: string;
  type: 1 | 2;
  scene: 1 | 2;
  user: string[];
  state: string;
  skip_verify: boolean;
  remark: string;
  style: number;
}

/** A member following a customer, as `externalcontact/get` lists it. */
export interface FollowRecord {
  userid: string;
  remark: string;
  /** Unix seconds. */
  createtime: number;
  state?: string;
  /** 1: scanned a QR code; 0: unknown source. */
  add_way: number;
}

export interface ContactRecord {
  external_userid: string;
  name: string;
  unionid?: string;
  /** 1: a WeChat user. */
  type: 1;
  gender: 0;
  follow_users: FollowRecord[];
}

export interface WelcomeCodeRecord {
  welcome_code: string;
  userid: string;
  external_userid: string;
  /** Epoch ms on the sandbox clock. */
  issued_at: number;
  used_at?: number;
}

export interface WelcomeMessageRecord {
  welcome_code: string;
  userid: string;
  external_userid: string;
  text?: unknown;
  attachments?: unknown;
  sent_at: string;
}

/** 1 done, 2 waiting for the 24 h (the customer may refuse meanwhile), 3 refused. */
export type TransferStatus = 1 | 2 | 3;

export interface TransferRecord {
  external_userid: string;
  handover_userid: string;
  takeover_userid: string;
  resigned: boolean;
  /** Epoch ms on the sandbox clock. */
  requested_at: number;
  status: TransferStatus;
  /** Unix seconds. */
  takeover_time?: number;
  transfer_success_msg?: string;
}

export interface WecomState {
  members: Record<string, Member>;
  tokens: IssuedToken[];
  contactWays: Record<string, ContactWayRecord>;
  contacts: Record<string, ContactRecord>;
  welcomeCodes: Record<string, WelcomeCodeRecord>;
  welcomeMessages: WelcomeMessageRecord[];
  transfers: TransferRecord[];
}

export function emptyState(): WecomState {
  return { members: {}, tokens: [], contactWays: {}, contacts: {}, welcomeCodes: {}, welcomeMessages: [], transfers: [] };
}

/** A welcome code works once, within 20 s of the add-contact event. */
export const WELCOME_CODE_LIFETIME_MS = 20_000;
/** An on-duty or resigned transfer completes 24 h after it was requested unless the customer refuses. */
export const TRANSFER_COMPLETES_AFTER_MS = 24 * 3600_000;
/** A customer may be transferred at most twice within 90 days. */
export const TRANSFER_WINDOW_MS = 90 * 24 * 3600_000;
export const TRANSFERS_PER_WINDOW = 2;

/**
 * The same person always gets the same external_userid in a corp: derived from the unionid when there
 * is one, else from the name, so tests can predict it and restarts keep it.
 */
export function externalUserIdFor(corpId: string, external: { name: string; unionid?: string }): string {
  const identity = external.unionid === undefined ? `name:${external.name}` : `unionid:${external.unionid}`;
  return `wm${createHash('sha256').update(`${corpId}\n${identity}`).digest('hex').slice(0, 30)}`;
}

/** Moves the follow relation from the handover to the takeover member. */
export function completeTransfer(state: WecomState, transfer: TransferRecord, takeoverTimeMs: number): void {
  transfer.status = 1;
  transfer.takeover_time = Math.floor(takeoverTimeMs / 1000);
  const contact = state.contacts[transfer.external_userid];
  if (!contact) return;
  const handover = contact.follow_users.find((follow) => follow.userid === transfer.handover_userid);
  contact.follow_users = contact.follow_users.filter((follow) => follow.userid !== transfer.handover_userid);
  if (!contact.follow_users.some((follow) => follow.userid === transfer.takeover_userid)) {
    contact.follow_users.push({
      userid: transfer.takeover_userid,
      remark: handover?.remark ?? '',
      createtime: transfer.takeover_time,
      state: handover?.state,
      add_way: handover?.add_way ?? 0,
    });
  }
}

/** Completes every waiting transfer whose 24 h have passed on the sandbox clock; true when something changed. */
export function settleTransfers(state: WecomState, now: number): boolean {
  let changed = false;
  for (const transfer of state.transfers) {
    if (transfer.status === 2 && transfer.requested_at + TRANSFER_COMPLETES_AFTER_MS <= now) {
      completeTransfer(state, transfer, transfer.requested_at + TRANSFER_COMPLETES_AFTER_MS);
      changed = true;
    }
  }
  return changed;
}
