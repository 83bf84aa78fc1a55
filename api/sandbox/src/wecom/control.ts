import { randomBytes } from 'node:crypto';
import Router from '@koa/router';
import type { DefaultContext } from 'koa';
import type { CallbackDelivery } from '../deliveries.ts';
import { jsonBody, type SandboxContext, type SandboxRouter, type SandboxState } from '../runtime.ts';
import { contactWayView, type WecomContext } from './api.ts';
import { encryptMessage, msgSignature, randomNonce, type Tampering } from './crypto.ts';
import { callbackUrl, sendExternalContactEvent } from './events.ts';
import { completeTransfer, externalUserIdFor, settleTransfers, type ContactRecord } from './state.ts';

/** A control request the sandbox refuses: 4xx with `{ sandbox_error }`, nothing changed. */
class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type Body = Record<string, unknown>;

const USERID = /^[A-Za-z0-9_.@-]{1,64}$/;
const STATE_MAX_CHARS = 30;
const URL_CHECK_TIMEOUT_MS = 5_000;
const TAMPERINGS: readonly Tampering[] = ['signature', 'corp-id', 'padding'];

function controlBody(ctx: SandboxContext): Body {
  const body = ctx.state.rawBody.length === 0 ? {} : jsonBody(ctx);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ControlError(400, 'the body must be a JSON object');
  return body as Body;
}

function requiredString(body: Body, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value.trim() === '') throw new ControlError(400, `${name} is required (a non-empty string)`);
  return value;
}

function optionalString(body: Body, name: string): string | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new ControlError(400, `${name} must be a non-empty string when given`);
  return value;
}

function handle(handler: (ctx: SandboxContext) => Promise<unknown> | unknown) {
  return async (ctx: SandboxContext) => {
    try {
      ctx.body = await handler(ctx);
    } catch (error) {
      if (!(error instanceof ControlError)) throw error;
      ctx.status = error.status;
      ctx.body = { sandbox_error: error.message };
    }
  };
}

function deliveryView(delivery: CallbackDelivery): { id: number; kind: string; url: string } {
  return { id: delivery.id, kind: delivery.kind, url: delivery.url };
}

/** Digits, like the echostr plaintexts WeCom sends (e.g. 1616140317555161061). */
function echoPlaintext(): string {
  return (randomBytes(8).readBigUInt64BE() % 10n ** 19n).toString();
}

/**
 * Test and development controls under `/__sandbox/wecom`: the member directory, customers adding and
 * removing guides (each sending the encrypted event to the app), tampered events, the console's URL
 * check, and views of what the app did.
 */
export function wecomControlRouter({ runtime, credentials, store }: WecomContext): SandboxRouter {
  const router = new Router<SandboxState, DefaultContext>();
  const state = store.value;

  function followedContact(userid: string, externalUserId: string): ContactRecord {
    const contact = state.contacts[externalUserId];
    if (!contact || !contact.follow_users.some((follow) => follow.userid === userid)) {
      throw new ControlError(404, `${externalUserId} is not a customer of ${userid}`);
    }
    return contact;
  }

  router.post(
    '/members',
    handle(async (ctx) => {
      const body = controlBody(ctx);
      const userid = requiredString(body, 'userid');
      if (!USERID.test(userid)) throw new ControlError(400, 'userid: 1 to 64 letters, digits and _ . @ -');
      const name = requiredString(body, 'name');
      const resigned = body.resigned ?? false;
      if (typeof resigned !== 'boolean') throw new ControlError(400, 'resigned must be a boolean');
      state.members[userid] = { userid, name, resigned };
      await store.save();
      return state.members[userid];
    }),
  );

  router.get('/members', (ctx) => {
    ctx.body = Object.values(state.members);
  });

  // Invalidates every access token at once (as a secret reset would): the next call gets 40014.
  router.post(
    '/tokens/revoke',
    handle(async () => {
      const revoked = state.tokens.length;
      state.tokens = [];
      await store.save();
      return { revoked };
    }),
  );

  router.post(
    '/add-contact',
    handle(async (ctx) => {
      const body = controlBody(ctx);
      const configId = optionalString(body, 'config_id');
      const way = configId === undefined ? undefined : state.contactWays[configId];
      if (configId !== undefined && !way) throw new ControlError(404, `no contact way ${configId}`);

      const userid = optionalString(body, 'userid') ?? (way?.user.length === 1 ? way.user[0] : undefined);
      if (userid === undefined) throw new ControlError(400, 'userid is required (or a config_id of a one-member contact way)');
      if (way && !way.user.includes(userid)) throw new ControlError(400, `${userid} is not a member of contact way ${way.config_id}`);
      const member = state.members[userid];
      if (!member || member.resigned)
        throw new ControlError(400, `${userid} is not an active member; add it with POST /__sandbox/wecom/members`);

      const external = body.external;
      if (typeof external !== 'object' || external === null || Array.isArray(external))
        throw new ControlError(400, 'external {name, unionid?} is required');
      const name = requiredString(external as Body, 'name');
      const unionid = optionalString(external as Body, 'unionid');
      const contactState = optionalString(body, 'state') ?? (way?.state || undefined);
      if (contactState !== undefined && [...contactState].length > STATE_MAX_CHARS)
        throw new ControlError(400, `state exceeds ${STATE_MAX_CHARS} characters`);

      const now = runtime.now();
      const externalUserId = externalUserIdFor(credentials.corpId, { name, unionid });
      const contact: ContactRecord = state.contacts[externalUserId] ?? {
        external_userid: externalUserId,
        name,
        type: 1,
        gender: 0,
        follow_users: [],
      };
      contact.name = name;
      if (unionid !== undefined) contact.unionid = unionid;
      contact.follow_users = [
        ...contact.follow_users.filter((follow) => follow.userid !== userid),
        { userid, remark: '', createtime: Math.floor(now / 1000), state: contactState, add_way: way?.scene === 2 ? 1 : 0 },
      ];
      state.contacts[externalUserId] = contact;
      // Codes are useless after 20 s; keeping a day of them is plenty to answer 41051 / 41050 correctly.
      for (const [code, issued] of Object.entries(state.welcomeCodes)) {
        if (issued.issued_at < now - 24 * 3600_000) delete state.welcomeCodes[code];
      }
      const welcomeCode = randomBytes(24).toString('base64url');
      state.welcomeCodes[welcomeCode] = { welcome_code: welcomeCode, userid, external_userid: externalUserId, issued_at: now };
      await store.save();

      const delivery = sendExternalContactEvent(runtime, credentials, {
        changeType: 'add_external_contact',
        userId: userid,
        externalUserId,
        extra: [
          ['State', contactState],
          ['WelcomeCode', welcomeCode],
        ],
      });
      return {
        userid,
        external_userid: externalUserId,
        state: contactState ?? null,
        welcome_code: welcomeCode,
        delivery: deliveryView(delivery),
      };
    }),
  );

  /** Ends one member's relation with a customer and tells the app with `changeType`. */
  const endRelation = (changeType: 'del_external_contact' | 'del_follow_user') =>
    handle(async (ctx) => {
      const body = controlBody(ctx);
      const userid = requiredString(body, 'userid');
      const externalUserId = requiredString(body, 'external_userid');
      const contact = followedContact(userid, externalUserId);
      contact.follow_users = contact.follow_users.filter((follow) => follow.userid !== userid);
      await store.save();
      const delivery = sendExternalContactEvent(runtime, credentials, { changeType, userId: userid, externalUserId });
      return { delivery: deliveryView(delivery) };
    });
  // The member deleted the customer.
  router.post('/del-contact', endRelation('del_external_contact'));
  // The customer deleted the member.
  router.post('/del-follow-user', endRelation('del_follow_user'));

  // An add_external_contact event with one thing wrong; the app must refuse it (and WeCom retries it).
  router.post(
    '/tamper',
    handle((ctx) => {
      const how = controlBody(ctx).how;
      const tampering = TAMPERINGS.find((candidate) => candidate === how);
      if (tampering === undefined) throw new ControlError(400, `how must be one of ${TAMPERINGS.join(', ')}`);
      const delivery = sendExternalContactEvent(
        runtime,
        credentials,
        {
          changeType: 'add_external_contact',
          userId: 'tampered',
          externalUserId: `wm${randomBytes(15).toString('hex')}`,
          extra: [['State', 'tampered']],
        },
        tampering,
      );
      return { delivery: deliveryView(delivery) };
    }),
  );

  // What the console's 「保存」 on the callback settings does: GET the URL and expect the plaintext back.
  router.post(
    '/url-check',
    handle(async () => {
      const expected = echoPlaintext();
      const echostr = encryptMessage(credentials.encodingAesKey, expected, credentials.corpId);
      const timestamp = String(Math.floor(runtime.now() / 1000));
      const nonce = randomNonce();
      const url = new URL(callbackUrl(runtime));
      url.searchParams.set('msg_signature', msgSignature(credentials.token, timestamp, nonce, echostr));
      url.searchParams.set('timestamp', timestamp);
      url.searchParams.set('nonce', nonce);
      url.searchParams.set('echostr', echostr);
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(URL_CHECK_TIMEOUT_MS) });
        const received = await response.text();
        return {
          ok: response.status === 200 && received === expected,
          status: response.status,
          expected,
          received: received.slice(0, 500),
        };
      } catch (error) {
        return { ok: false, expected, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
      }
    }),
  );

  router.get('/contacts', async (ctx) => {
    if (settleTransfers(state, runtime.now())) await store.save();
    ctx.body = Object.values(state.contacts);
  });

  router.get('/contact-ways', (ctx) => {
    ctx.body = Object.values(state.contactWays).map((way) => contactWayView(runtime, way));
  });

  // What a scene-2 QR code points at.
  router.get('/contact-ways/:configId', (ctx) => {
    const way = state.contactWays[ctx.params.configId];
    if (!way) {
      ctx.status = 404;
      ctx.body = { sandbox_error: `no contact way ${ctx.params.configId}` };
      return;
    }
    ctx.body = contactWayView(runtime, way);
  });

  router.get('/welcome-messages', (ctx) => {
    ctx.body = state.welcomeMessages;
  });

  router.get('/transfers', async (ctx) => {
    if (settleTransfers(state, runtime.now())) await store.save();
    ctx.body = state.transfers;
  });

  // Completes every waiting transfer now instead of after 24 h.
  router.post(
    '/transfers/complete',
    handle(async () => {
      settleTransfers(state, runtime.now());
      const waiting = state.transfers.filter((transfer) => transfer.status === 2);
      for (const transfer of waiting) completeTransfer(state, transfer, runtime.now());
      await store.save();
      return { completed: waiting.length };
    }),
  );

  // The customer refuses a waiting transfer: status 3 and a transfer_fail event (UserID = the takeover member).
  router.post(
    '/transfers/refuse',
    handle(async (ctx) => {
      const externalUserId = requiredString(controlBody(ctx), 'external_userid');
      settleTransfers(state, runtime.now());
      const transfer = state.transfers.find((candidate) => candidate.external_userid === externalUserId && candidate.status === 2);
      if (!transfer) throw new ControlError(404, `no waiting transfer of ${externalUserId}`);
      transfer.status = 3;
      await store.save();
      const delivery = sendExternalContactEvent(runtime, credentials, {
        changeType: 'transfer_fail',
        userId: transfer.takeover_userid,
        externalUserId,
        extra: [['FailReason', 'customer_refused']],
      });
      return { delivery: deliveryView(delivery) };
    }),
  );

  return router;
}
