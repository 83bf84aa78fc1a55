import { randomBytes } from 'node:crypto';
import Router from '@koa/router';
import type { DefaultContext } from 'koa';
import { jsonBody, type SandboxContext, type SandboxRouter, type SandboxRuntime, type SandboxState } from '../runtime.ts';
import type { JsonState } from '../storage.ts';
import { qrPng } from '../qr-image.ts';
import { sameSecret } from '../secrets.ts';
import type { WecomCredentials } from './keys.ts';
import {
  settleTransfers,
  TRANSFER_WINDOW_MS,
  TRANSFERS_PER_WINDOW,
  WELCOME_CODE_LIFETIME_MS,
  type ContactWayRecord,
  type TransferRecord,
  type WecomState,
} from './state.ts';

/** A refusal as WeCom answers it: HTTP 200 with a non-zero errcode. */
class WecomFault extends Error {
  constructor(
    readonly errcode: number,
    readonly errmsg: string,
  ) {
    super(errmsg);
  }
}

// WeCom's global error codes (企业微信 全局错误码) used here.
const ERR = {
  invalidSecret: 40001,
  invalidCorpId: 40013,
  invalidToken: 40014,
  invalidParameter: 40058,
  invalidExternalUserId: 40096,
  notResigned: 40097,
  transferTooFrequent: 40128,
  transferInProgress: 40129,
  sameHandoverAndTakeover: 40130,
  notFollower: 40131,
  missingToken: 41001,
  missingCorpId: 41002,
  missingSecret: 41004,
  missingUserId: 41009,
  missingExternalUserId: 41035,
  missingType: 41037,
  missingScene: 41038,
  invalidType: 41039,
  invalidScene: 41040,
  tooManyUsers: 41041,
  missingConfigId: 41043,
  invalidConfigId: 41044,
  missingWelcomeCode: 41049,
  invalidWelcomeCode: 41050,
  welcomeAlreadySent: 41051,
  tokenExpired: 42001,
  invalidCursor: 50100,
  userNotFound: 60111,
  notExternalContact: 84061,
} as const;

const STATE_MAX_CHARS = 30;
const REMARK_MAX_CHARS = 30;
const CONTACT_WAY_MAX_USERS = 100;
const TRANSFER_MAX_CUSTOMERS = 100;
const TRANSFER_MESSAGE_MAX_CHARS = 200;
const WELCOME_MAX_ATTACHMENTS = 9;
const TRANSFER_RESULT_PAGE = 100;

type Body = Record<string, unknown>;

function requestBody(ctx: SandboxContext): Body {
  const body = jsonBody(ctx);
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new WecomFault(ERR.invalidParameter, 'invalid parameter, Warning: wrong json format.');
  return body as Body;
}

function optionalString(body: Body, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new WecomFault(ERR.invalidParameter, `invalid parameter: ${name} must be a string`);
  return value;
}

function characters(value: string): number {
  return [...value].length;
}

/** The shared part of every WeCom-compatible handler: errcode 0 merged into the result, faults as their errcode. */
function answer(handler: (ctx: SandboxContext) => Promise<Body> | Body) {
  return async (ctx: SandboxContext) => {
    try {
      ctx.body = { errcode: 0, errmsg: 'ok', ...(await handler(ctx)) };
    } catch (error) {
      if (!(error instanceof WecomFault)) throw error;
      ctx.body = { errcode: error.errcode, errmsg: error.errmsg };
    }
  };
}

export interface WecomContext {
  runtime: SandboxRuntime;
  credentials: WecomCredentials;
  store: JsonState<WecomState>;
}

/** Where a scene-2 contact way's QR image is served, and what the QR encodes. */
function qrImageUrl(runtime: SandboxRuntime, configId: string): string {
  return `${runtime.baseUrl}/wecom/__qr/${configId}`;
}

function contactWayPageUrl(runtime: SandboxRuntime, configId: string): string {
  return `${runtime.baseUrl}/__sandbox/wecom/contact-ways/${configId}`;
}

export function contactWayView(runtime: SandboxRuntime, way: ContactWayRecord): Body {
  return { ...way, party: [], is_temp: false, ...(way.scene === 2 ? { qr_code: qrImageUrl(runtime, way.config_id) } : {}) };
}

/** The routes WeCom's server API has (`https://qyapi.weixin.qq.com` → `${baseUrl}/wecom`). */
export function wecomApiRouter({ runtime, credentials, store }: WecomContext): SandboxRouter {
  const router = new Router<SandboxState, DefaultContext>();
  const state = store.value;

  function authorize(ctx: SandboxContext): void {
    const token = ctx.query.access_token;
    if (typeof token !== 'string' || token === '') throw new WecomFault(ERR.missingToken, 'access_token missing');
    const issued = state.tokens.find((candidate) => candidate.token === token);
    if (!issued) throw new WecomFault(ERR.invalidToken, 'invalid access_token');
    if (issued.expires_at <= runtime.now()) throw new WecomFault(ERR.tokenExpired, 'access_token expired');
  }

  /** Completes transfers whose 24 h have passed before anything reads customers or results. */
  async function settle(): Promise<void> {
    if (settleTransfers(state, runtime.now())) await store.save();
  }

  function activeMember(userid: unknown): string {
    if (typeof userid !== 'string' || userid === '') throw new WecomFault(ERR.missingUserId, 'userid missing');
    const member = state.members[userid];
    if (!member || member.resigned) throw new WecomFault(ERR.userNotFound, `userid not found: ${userid}`);
    return userid;
  }

  function contactWayUsers(value: unknown, type: 1 | 2): string[] {
    if (!Array.isArray(value) || value.length === 0)
      throw new WecomFault(ERR.invalidParameter, 'invalid parameter: user must list members');
    if (value.length > CONTACT_WAY_MAX_USERS) throw new WecomFault(ERR.tooManyUsers, 'too many users in contact way');
    if (type === 1 && value.length !== 1)
      throw new WecomFault(ERR.invalidParameter, 'invalid parameter: a type 1 contact way has exactly one user');
    return value.map((userid) => activeMember(userid));
  }

  function boundedText(body: Body, name: string, max: number): string | undefined {
    const value = optionalString(body, name);
    if (value !== undefined && characters(value) > max)
      throw new WecomFault(ERR.invalidParameter, `invalid parameter: ${name} exceeds ${max} characters`);
    return value;
  }

  function contactWayOf(body: Body): ContactWayRecord {
    const configId = optionalString(body, 'config_id');
    if (!configId) throw new WecomFault(ERR.missingConfigId, 'config_id missing');
    const way = state.contactWays[configId];
    if (!way) throw new WecomFault(ERR.invalidConfigId, 'invalid config_id');
    return way;
  }

  router.get('/cgi-bin/gettoken', async (ctx) => {
    const { corpid, corpsecret } = ctx.query;
    let fault: WecomFault | undefined;
    if (typeof corpid !== 'string' || corpid === '') fault = new WecomFault(ERR.missingCorpId, 'corpid missing');
    else if (corpid !== credentials.corpId) fault = new WecomFault(ERR.invalidCorpId, 'invalid corpid');
    else if (typeof corpsecret !== 'string' || corpsecret === '') fault = new WecomFault(ERR.missingSecret, 'corpsecret missing');
    else if (!sameSecret(corpsecret, credentials.secret)) fault = new WecomFault(ERR.invalidSecret, 'invalid credential');
    if (fault) {
      ctx.body = { errcode: fault.errcode, errmsg: fault.errmsg };
      return;
    }
    const now = runtime.now();
    // While a token is valid WeCom hands out the same one; only an expired (or revoked) one is replaced.
    let current = state.tokens.find((token) => token.expires_at > now);
    if (!current) {
      current = {
        token: `sandbox_${randomBytes(24).toString('base64url')}`,
        expires_at: now + runtime.options.tokenLifetimeSeconds * 1000,
      };
      // Expired tokens are kept for a day so they answer 42001 (expired) rather than 40014 (unknown).
      state.tokens = [...state.tokens.filter((token) => token.expires_at > now - 24 * 3600_000), current];
      await store.save();
    }
    ctx.body = { errcode: 0, errmsg: 'ok', access_token: current.token, expires_in: Math.ceil((current.expires_at - now) / 1000) };
  });

  router.post(
    '/cgi-bin/externalcontact/add_contact_way',
    answer(async (ctx) => {
      authorize(ctx);
      const body = requestBody(ctx);
      if (body.type === undefined) throw new WecomFault(ERR.missingType, 'type missing');
      if (body.type !== 1 && body.type !== 2) throw new WecomFault(ERR.invalidType, 'invalid type');
      if (body.scene === undefined) throw new WecomFault(ERR.missingScene, 'scene missing');
      if (body.scene !== 1 && body.scene !== 2) throw new WecomFault(ERR.invalidScene, 'invalid scene');
      const skipVerify = body.skip_verify ?? true;
      if (typeof skipVerify !== 'boolean') throw new WecomFault(ERR.invalidParameter, 'invalid parameter: skip_verify must be a boolean');
      const style = body.style ?? 1;
      if (typeof style !== 'number' || !Number.isInteger(style)) throw new WecomFault(ERR.invalidParameter, 'invalid parameter: style');
      const way: ContactWayRecord = {
        config_id: randomBytes(16).toString('hex'),
        type: body.type,
        scene: body.scene,
        user: contactWayUsers(body.user, body.type),
        state: boundedText(body, 'state', STATE_MAX_CHARS) ?? '',
        skip_verify: skipVerify,
        remark: boundedText(body, 'remark', REMARK_MAX_CHARS) ?? '',
        style,
      };
      state.contactWays[way.config_id] = way;
      await store.save();
      // Scene 1 (inside the mini-program) is shown by the contact plugin and needs no image.
      return { config_id: way.config_id, ...(way.scene === 2 ? { qr_code: qrImageUrl(runtime, way.config_id) } : {}) };
    }),
  );

  router.post(
    '/cgi-bin/externalcontact/get_contact_way',
    answer((ctx) => {
      authorize(ctx);
      return { contact_way: contactWayView(runtime, contactWayOf(requestBody(ctx))) };
    }),
  );

  router.post(
    '/cgi-bin/externalcontact/update_contact_way',
    answer(async (ctx) => {
      authorize(ctx);
      const body = requestBody(ctx);
      const way = contactWayOf(body);
      // Everything is checked before anything changes.
      const user = body.user === undefined ? way.user : contactWayUsers(body.user, way.type);
      const wayState = boundedText(body, 'state', STATE_MAX_CHARS) ?? way.state;
      const remark = boundedText(body, 'remark', REMARK_MAX_CHARS) ?? way.remark;
      const skipVerify = body.skip_verify ?? way.skip_verify;
      if (typeof skipVerify !== 'boolean') throw new WecomFault(ERR.invalidParameter, 'invalid parameter: skip_verify must be a boolean');
      Object.assign(way, { user, state: wayState, remark, skip_verify: skipVerify });
      await store.save();
      return {};
    }),
  );

  router.post(
    '/cgi-bin/externalcontact/del_contact_way',
    answer(async (ctx) => {
      authorize(ctx);
      const way = contactWayOf(requestBody(ctx));
      delete state.contactWays[way.config_id];
      await store.save();
      return {};
    }),
  );

  router.get(
    '/cgi-bin/externalcontact/get',
    answer(async (ctx) => {
      authorize(ctx);
      await settle();
      const externalUserId = ctx.query.external_userid;
      if (typeof externalUserId !== 'string' || externalUserId === '')
        throw new WecomFault(ERR.missingExternalUserId, 'external_userid missing');
      const contact = state.contacts[externalUserId];
      if (!contact || contact.follow_users.length === 0) throw new WecomFault(ERR.notExternalContact, 'not external contact');
      const { follow_users: followUsers, ...externalContact } = contact;
      return {
        external_contact: externalContact,
        follow_user: followUsers.map((follow) => ({ ...follow, description: '', tags: [], oper_userid: follow.userid })),
      };
    }),
  );

  router.post(
    '/cgi-bin/externalcontact/send_welcome_msg',
    answer(async (ctx) => {
      authorize(ctx);
      const body = requestBody(ctx);
      const code = optionalString(body, 'welcome_code');
      if (!code) throw new WecomFault(ERR.missingWelcomeCode, 'welcome_code missing');
      const issued = state.welcomeCodes[code];
      if (!issued) throw new WecomFault(ERR.invalidWelcomeCode, 'invalid welcome_code');
      if (issued.used_at !== undefined) throw new WecomFault(ERR.welcomeAlreadySent, 'welcome message already sent');
      if (runtime.now() - issued.issued_at > WELCOME_CODE_LIFETIME_MS)
        throw new WecomFault(ERR.invalidWelcomeCode, 'invalid welcome_code: expired');

      const text = body.text;
      const content = typeof text === 'object' && text !== null ? (text as Body).content : undefined;
      if (text !== undefined && (typeof content !== 'string' || content === ''))
        throw new WecomFault(ERR.invalidParameter, 'invalid parameter: text.content');
      const attachments = body.attachments ?? [];
      if (!Array.isArray(attachments) || attachments.length > WELCOME_MAX_ATTACHMENTS) {
        throw new WecomFault(ERR.invalidParameter, `invalid parameter: at most ${WELCOME_MAX_ATTACHMENTS} attachments`);
      }
      if (text === undefined && attachments.length === 0)
        throw new WecomFault(ERR.invalidParameter, 'invalid parameter: text or attachments required');

      issued.used_at = runtime.now();
      state.welcomeMessages.push({
        welcome_code: code,
        userid: issued.userid,
        external_userid: issued.external_userid,
        text,
        attachments: body.attachments,
        sent_at: new Date(runtime.now()).toISOString(),
      });
      await store.save();
      return {};
    }),
  );

  function transferRoute(resigned: boolean) {
    return answer(async (ctx) => {
      authorize(ctx);
      await settle();
      const body = requestBody(ctx);
      const handover = optionalString(body, 'handover_userid');
      if (!handover) throw new WecomFault(ERR.missingUserId, 'handover_userid missing');
      const handoverMember = state.members[handover];
      if (!handoverMember) throw new WecomFault(ERR.userNotFound, `userid not found: ${handover}`);
      if (resigned && !handoverMember.resigned) throw new WecomFault(ERR.notResigned, 'the handover member has not resigned');
      const takeover = activeMember(body.takeover_userid);
      if (takeover === handover) throw new WecomFault(ERR.sameHandoverAndTakeover, 'handover_userid and takeover_userid are the same');
      const customers = body.external_userid;
      if (!Array.isArray(customers) || customers.length === 0) throw new WecomFault(ERR.missingExternalUserId, 'external_userid missing');
      if (customers.length > TRANSFER_MAX_CUSTOMERS)
        throw new WecomFault(ERR.invalidParameter, `invalid parameter: at most ${TRANSFER_MAX_CUSTOMERS} customers`);
      const message = resigned ? undefined : boundedText(body, 'transfer_success_msg', TRANSFER_MESSAGE_MAX_CHARS);

      const now = runtime.now();
      const outcomes = customers.map((customer: unknown) => {
        const externalUserId = typeof customer === 'string' ? customer : String(customer);
        const contact = state.contacts[externalUserId];
        const history = state.transfers.filter((transfer) => transfer.external_userid === externalUserId);
        let errcode = 0;
        if (!contact) errcode = ERR.invalidExternalUserId;
        else if (!contact.follow_users.some((follow) => follow.userid === handover)) errcode = ERR.notFollower;
        else if (history.some((transfer) => transfer.status === 2)) errcode = ERR.transferInProgress;
        else if (
          history.filter((transfer) => transfer.status !== 3 && transfer.requested_at > now - TRANSFER_WINDOW_MS).length >=
          TRANSFERS_PER_WINDOW
        ) {
          errcode = ERR.transferTooFrequent;
        }
        if (errcode === 0) {
          state.transfers.push({
            external_userid: externalUserId,
            handover_userid: handover,
            takeover_userid: takeover,
            resigned,
            requested_at: now,
            status: 2,
            ...(message === undefined ? {} : { transfer_success_msg: message }),
          });
        }
        return { external_userid: externalUserId, errcode };
      });
      await store.save();
      return { customer: outcomes };
    });
  }

  function transferResultRoute(resigned: boolean) {
    return answer(async (ctx) => {
      authorize(ctx);
      await settle();
      const body = requestBody(ctx);
      const handover = optionalString(body, 'handover_userid');
      const takeover = optionalString(body, 'takeover_userid');
      if (!handover || !takeover) throw new WecomFault(ERR.missingUserId, 'handover_userid and takeover_userid are required');
      const cursor = optionalString(body, 'cursor') || '0';
      const offset = /^\d+$/.test(cursor) ? Number(cursor) : NaN;
      if (!Number.isSafeInteger(offset)) throw new WecomFault(ERR.invalidCursor, 'invalid cursor');

      // The latest transfer of each customer between these two members.
      const latest = new Map<string, TransferRecord>();
      for (const transfer of state.transfers) {
        if (transfer.resigned === resigned && transfer.handover_userid === handover && transfer.takeover_userid === takeover) {
          latest.set(transfer.external_userid, transfer);
        }
      }
      const all = [...latest.values()];
      const page = all.slice(offset, offset + TRANSFER_RESULT_PAGE);
      const next = offset + TRANSFER_RESULT_PAGE < all.length ? String(offset + TRANSFER_RESULT_PAGE) : '';
      return {
        customer: page.map((transfer) => ({
          external_userid: transfer.external_userid,
          status: transfer.status,
          ...(transfer.takeover_time === undefined ? {} : { takeover_time: transfer.takeover_time }),
        })),
        next_cursor: next,
      };
    });
  }

  router.post('/cgi-bin/externalcontact/transfer_customer', transferRoute(false));
  router.post('/cgi-bin/externalcontact/resigned/transfer_customer', transferRoute(true));
  router.post('/cgi-bin/externalcontact/transfer_result', transferResultRoute(false));
  router.post('/cgi-bin/externalcontact/resigned/transfer_result', transferResultRoute(true));

  // The image behind a scene-2 contact way's qr_code; it encodes the sandbox's page for that contact way.
  router.get('/__qr/:configId', async (ctx) => {
    const way = state.contactWays[ctx.params.configId];
    if (!way || way.scene !== 2) {
      ctx.status = 404;
      ctx.body = { sandbox_error: 'no such QR contact way' };
      return;
    }
    ctx.type = 'image/png';
    ctx.body = await qrPng(contactWayPageUrl(runtime, way.config_id), 300);
  });

  return router;
}
