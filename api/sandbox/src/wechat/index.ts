import { createHmac, randomBytes, randomInt } from 'node:crypto';
import path from 'node:path';
import Router from '@koa/router';
import {
  jsonBody,
  type PlatformFactory,
  type SandboxContext,
  type SandboxRouter,
  type SandboxRuntime,
  type SandboxState,
} from '../runtime.ts';
import { dictionary } from '../dictionary.ts';
import { JsonState, readJsonFile, writeJsonFile } from '../storage.ts';
import { qrPng } from '../qr-image.ts';
import { sameSecret } from '../secrets.ts';
import {
  checkCodeRequest,
  checkShippingInfo,
  checkSubscribeMessage,
  checkTextCheck,
  isRecord,
  NORMAL_LABEL,
  SENSITIVE_WORDS,
  type Checked,
  type JsonRecord,
  type ShippingInfo,
  type SubscribeMessage,
} from './requests.ts';

/**
 * The mini-program server API look-alike (`/wechat`, like https://api.weixin.qq.com): access tokens,
 * login codes, mini-program codes, subscribe messages, shipping info and the content check. Errors are
 * `{errcode, errmsg}` with HTTP 200, as WeChat answers them.
 *
 * Mini-program codes are QR codes (not WeChat's round "sun" codes) holding a URL:
 * `https://sandbox.mp.weixin.qq.local/wxa?appid=…&page=…&scene=…&env_version=…` (query-encoded; `page` is
 * absent for the home page), so a test can read back exactly what the app asked for.
 */
const MINI_PROGRAM_CODE_URL = 'https://sandbox.mp.weixin.qq.local/wxa';
/** Login codes work once, within five minutes. */
const LOGIN_CODE_LIFETIME_MS = 5 * 60_000;
/** A stable token with less than this left is replaced on the next stable_token call (the old one runs out). */
const STABLE_TOKEN_RENEWAL_MS = 5 * 60_000;
/** How long a classic token stays valid after /cgi-bin/token issues its successor. */
const CLASSIC_TOKEN_OVERLAP_MS = 5 * 60_000;
/** Expired tokens are remembered this long (so they answer 42001, not 40001), then forgotten. */
const EXPIRED_TOKEN_MEMORY_MS = 24 * 3_600_000;
const MAX_RECORDED = 1_000;

/** Generated on first start; the API gets the appid and secret through `apiEnv`. */
interface WechatApp {
  appId: string;
  appSecret: string;
  /** Keys the openid/unionid derivation, so each test user keeps its ids across restarts. */
  identitySeed: string;
}

interface RecordedSubscribeMessage extends SubscribeMessage {
  at: string;
}

interface RecordedShippingUpload extends ShippingInfo {
  at: string;
}

interface WechatState {
  tokens: Record<string, { expiresAt: number }>;
  stableToken?: string;
  classicToken?: string;
  loginCodes: Record<string, { user: string; expiresAt: number; used: boolean }>;
  /** Users who logged in (jscode2session), by openid: messages and checks may only name them. */
  users: Record<string, { user: string; unionid: string }>;
  /** Users who refused subscribe messages: all templates, or one. */
  refusals: { openid: string; templateId?: string }[];
  subscribeMessages: RecordedSubscribeMessage[];
  shippingUploads: RecordedShippingUpload[];
  /** The next this many shipping uploads fail with `errcode` (a WeChat outage, for the app's retries). */
  shippingUploadFailures?: { remaining: number; errcode: number };
}

async function loadApp(dataDir: string): Promise<WechatApp> {
  const file = path.join(dataDir, 'app.json');
  const existing = await readJsonFile<WechatApp>(file);
  if (existing) return existing;
  const app: WechatApp = {
    appId: `wx${randomBytes(8).toString('hex')}`,
    appSecret: `sandbox${randomBytes(16).toString('hex')}`,
    identitySeed: `sandbox${randomBytes(32).toString('hex')}`,
  };
  await writeJsonFile(file, app);
  return app;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomAlphanumeric(length: number): string {
  return Array.from({ length }, () => ALPHANUMERIC[randomInt(ALPHANUMERIC.length)]).join('');
}

/** WeChat appends a request id to every errmsg. */
function fail(ctx: SandboxContext, errcode: number, errmsg: string): void {
  ctx.status = 200;
  ctx.body = {
    errcode,
    errmsg: `${errmsg} rid: ${randomBytes(4).toString('hex')}-${randomBytes(4).toString('hex')}-${randomBytes(4).toString('hex')}`,
  };
}

function controlError(ctx: SandboxContext, message: string): void {
  ctx.status = 400;
  ctx.body = { sandbox_error: message };
}

function queryString(ctx: SandboxContext, name: string): string | undefined {
  const value = ctx.query[name];
  return typeof value === 'string' ? value : undefined;
}

/** Test user names, e.g. `alice`. */
const USER_NAME = /^[\p{L}\p{N}_.@-]{1,64}$/u;

export const createWechatPlatform: PlatformFactory = async (runtime: SandboxRuntime) => {
  const app = await loadApp(runtime.dataDir);
  const state = await JsonState.open<WechatState>(path.join(runtime.dataDir, 'state.json'), () => ({
    tokens: {},
    loginCodes: {},
    users: {},
    refusals: [],
    subscribeMessages: [],
    shippingUploads: [],
  }));
  state.value.tokens = dictionary(state.value.tokens);
  state.value.loginCodes = dictionary(state.value.loginCodes);
  state.value.users = dictionary(state.value.users);
  const tokenLifetimeMs = runtime.options.tokenLifetimeSeconds * 1000;

  /** The same user always gets the same ids: openids share a per-app prefix as WeChat's do; unionids span apps. */
  function identityOf(user: string): { openid: string; unionid: string } {
    const digest = (purpose: string) => createHmac('sha256', app.identitySeed).update(`${purpose}\n${user}`).digest('base64url');
    const appPrefix = createHmac('sha256', app.identitySeed).update(`openid-prefix\n${app.appId}`).digest('base64url').slice(0, 5);
    return { openid: `o${appPrefix}${digest(`openid\n${app.appId}`).slice(0, 22)}`, unionid: `U${digest('unionid').slice(0, 27)}` };
  }

  function issueToken(expiresAt: number): string {
    const now = runtime.now();
    for (const [token, issued] of Object.entries(state.value.tokens)) {
      if (issued.expiresAt < now - EXPIRED_TOKEN_MEMORY_MS) delete state.value.tokens[token];
    }
    const token = randomBytes(96).toString('base64url');
    state.value.tokens[token] = { expiresAt };
    return token;
  }

  function tokenReply(ctx: SandboxContext, token: string): void {
    const secondsLeft = Math.floor((state.value.tokens[token].expiresAt - runtime.now()) / 1000);
    ctx.body = { access_token: token, expires_in: secondsLeft };
  }

  /** Checks grant type, appid and secret in WeChat's order; answers and returns false when one is wrong. */
  function credentialsAccepted(
    ctx: SandboxContext,
    grantType: string,
    given: { grant_type?: unknown; appid?: unknown; secret?: unknown },
  ): boolean {
    if (given.grant_type !== grantType) fail(ctx, 40002, 'invalid grant_type');
    else if (given.appid === undefined || given.appid === '') fail(ctx, 41002, 'appid missing');
    else if (given.appid !== app.appId) fail(ctx, 40013, 'invalid appid');
    else if (given.secret === undefined || given.secret === '') fail(ctx, 41004, 'appsecret missing');
    else if (typeof given.secret !== 'string' || !sameSecret(given.secret, app.appSecret)) fail(ctx, 40125, 'invalid appsecret');
    else return true;
    return false;
  }

  /** Token-protected endpoints: 40001 for a token we never issued (or revoked), 42001 for an expired one. */
  function withToken(handler: (ctx: SandboxContext, body: JsonRecord) => Promise<void> | void) {
    return async (ctx: SandboxContext) => {
      const token = queryString(ctx, 'access_token');
      const issued = token === undefined ? undefined : state.value.tokens[token];
      if (issued === undefined) return fail(ctx, 40001, 'invalid credential, access_token is invalid or not latest');
      if (issued.expiresAt <= runtime.now()) return fail(ctx, 42001, 'access_token expired');
      const body = jsonBody(ctx);
      if (!isRecord(body)) return fail(ctx, 47001, 'data format error');
      await handler(ctx, body);
    };
  }

  /** Answers the check's error and returns undefined, or returns its value. */
  function accepted<T>(ctx: SandboxContext, checked: Checked<T>): T | undefined {
    if (checked.ok) return checked.value;
    fail(ctx, checked.errcode, checked.errcode === 47001 ? `data format error hint: [${checked.problem}]` : checked.problem);
    return undefined;
  }

  function loggedIn(ctx: SandboxContext, openid: string): boolean {
    if (state.value.users[openid] !== undefined) return true;
    fail(ctx, 40003, 'invalid openid');
    return false;
  }

  const router: SandboxRouter = new Router<SandboxState>();

  router.post('/cgi-bin/stable_token', async (ctx) => {
    const body = jsonBody(ctx);
    if (!isRecord(body)) return fail(ctx, 47001, 'data format error');
    if (!credentialsAccepted(ctx, 'client_credential', body)) return;
    if (body.force_refresh !== undefined && typeof body.force_refresh !== 'boolean')
      return fail(ctx, 47001, 'data format error hint: [force_refresh]');
    const now = runtime.now();
    const current = state.value.stableToken;
    const currentExpiry = current === undefined ? undefined : state.value.tokens[current]?.expiresAt;
    const stillGood = currentExpiry !== undefined && currentExpiry - now > STABLE_TOKEN_RENEWAL_MS;
    if (current !== undefined && stillGood && body.force_refresh !== true) return tokenReply(ctx, current);
    // A forced refresh ends the previous token at once; a normal renewal lets it run out.
    if (current !== undefined && body.force_refresh === true) delete state.value.tokens[current];
    state.value.stableToken = issueToken(now + tokenLifetimeMs);
    await state.save();
    tokenReply(ctx, state.value.stableToken);
  });

  router.get('/cgi-bin/token', async (ctx) => {
    if (!credentialsAccepted(ctx, 'client_credential', ctx.query)) return;
    const now = runtime.now();
    const previous = state.value.classicToken === undefined ? undefined : state.value.tokens[state.value.classicToken];
    if (previous !== undefined) previous.expiresAt = Math.min(previous.expiresAt, now + CLASSIC_TOKEN_OVERLAP_MS);
    state.value.classicToken = issueToken(now + tokenLifetimeMs);
    await state.save();
    tokenReply(ctx, state.value.classicToken);
  });

  router.get('/sns/jscode2session', async (ctx) => {
    if (!credentialsAccepted(ctx, 'authorization_code', ctx.query)) return;
    const code = queryString(ctx, 'js_code');
    if (code === undefined || code === '') return fail(ctx, 41008, 'missing code');
    const login = state.value.loginCodes[code];
    if (login === undefined || login.expiresAt <= runtime.now()) return fail(ctx, 40029, 'invalid code');
    if (login.used) return fail(ctx, 40163, 'code been used');
    login.used = true;
    const { openid, unionid } = identityOf(login.user);
    state.value.users[openid] = { user: login.user, unionid };
    await state.save();
    ctx.body = { openid, session_key: randomBytes(16).toString('base64'), unionid };
  });

  router.post(
    '/wxa/getwxacodeunlimit',
    withToken(async (ctx, body) => {
      const request = accepted(ctx, checkCodeRequest(body));
      if (request === undefined) return;
      const content = new URL(MINI_PROGRAM_CODE_URL);
      content.searchParams.set('appid', app.appId);
      if (request.page !== undefined) content.searchParams.set('page', request.page);
      content.searchParams.set('scene', request.scene);
      content.searchParams.set('env_version', request.envVersion);
      ctx.type = 'image/png';
      ctx.body = await qrPng(content.toString(), request.width);
    }),
  );

  router.post(
    '/cgi-bin/message/subscribe/send',
    withToken(async (ctx, body) => {
      const message = accepted(ctx, checkSubscribeMessage(body));
      if (message === undefined || !loggedIn(ctx, message.touser)) return;
      const refused = state.value.refusals.some(
        (refusal) => refusal.openid === message.touser && (refusal.templateId === undefined || refusal.templateId === message.template_id),
      );
      if (refused) return fail(ctx, 43101, 'user refuse to accept the msg');
      keepNewest(state.value.subscribeMessages, { at: new Date(runtime.now()).toISOString(), ...message });
      await state.save();
      ctx.body = { errcode: 0, errmsg: 'ok' };
    }),
  );

  router.post(
    '/wxa/sec/order/upload_shipping_info',
    withToken(async (ctx, body) => {
      const upload = accepted(ctx, checkShippingInfo(body));
      if (upload === undefined) return;
      const failures = state.value.shippingUploadFailures;
      if (failures !== undefined && failures.remaining > 0) {
        failures.remaining -= 1;
        await state.save();
        return fail(ctx, failures.errcode, 'system error');
      }
      keepNewest(state.value.shippingUploads, { at: new Date(runtime.now()).toISOString(), ...upload });
      await state.save();
      ctx.body = { errcode: 0, errmsg: 'ok' };
    }),
  );

  router.post(
    '/wxa/msg_sec_check',
    withToken((ctx, body) => {
      const check = accepted(ctx, checkTextCheck(body));
      if (check === undefined || !loggedIn(ctx, check.openid)) return;
      const text = check.content.toLowerCase();
      const hits = SENSITIVE_WORDS.filter(({ word }) => text.includes(word.toLowerCase()));
      const worst = hits.find((hit) => hit.suggest === 'risky') ?? hits[0];
      const result = worst === undefined ? { suggest: 'pass', label: NORMAL_LABEL } : { suggest: worst.suggest, label: worst.label };
      ctx.body = {
        errcode: 0,
        errmsg: 'ok',
        result,
        detail: [
          { strategy: 'content_model', errcode: 0, ...result, prob: worst === undefined ? 0 : 90 },
          ...hits.map((hit) => ({ strategy: 'keyword', errcode: 0, suggest: hit.suggest, label: hit.label, level: 20, keyword: hit.word })),
        ],
        trace_id: `${randomBytes(4).toString('hex')}-${randomBytes(4).toString('hex')}-${randomBytes(4).toString('hex')}`,
      };
    }),
  );

  const control: SandboxRouter = new Router<SandboxState>();

  /** A login code for test user `user`, as wx.login gives the mini-program (GET too, for the H5 development flow). */
  const issueLoginCode = async (ctx: SandboxContext, user: unknown) => {
    if (typeof user !== 'string' || !USER_NAME.test(user))
      return controlError(ctx, 'user must be a name of 1 to 64 letters, digits, _ . @ -');
    const now = runtime.now();
    for (const [code, login] of Object.entries(state.value.loginCodes)) {
      if (login.expiresAt <= now) delete state.value.loginCodes[code];
    }
    const code = randomAlphanumeric(32);
    state.value.loginCodes[code] = { user, expiresAt: now + LOGIN_CODE_LIFETIME_MS, used: false };
    await state.save();
    ctx.body = { code };
  };
  control.post('/login-code', (ctx) => issueLoginCode(ctx, (jsonBody(ctx) as { user?: unknown } | undefined)?.user));
  control.get('/login-code', (ctx) => issueLoginCode(ctx, ctx.query.user));

  control.get('/users/:user', (ctx) => {
    const { user } = ctx.params;
    if (!USER_NAME.test(user)) return controlError(ctx, 'user must be a name of 1 to 64 letters, digits, _ . @ -');
    const identity = identityOf(user);
    ctx.body = { user, ...identity, loggedIn: state.value.users[identity.openid] !== undefined };
  });

  control.post('/tokens/revoke', async (ctx) => {
    const revoked = Object.keys(state.value.tokens).length;
    state.value.tokens = dictionary();
    delete state.value.stableToken;
    delete state.value.classicToken;
    await state.save();
    ctx.body = { revoked };
  });

  control.post('/subscribe-refusals', async (ctx) => {
    const body = jsonBody(ctx);
    if (!isRecord(body) || typeof body.openid !== 'string' || body.openid === '')
      return controlError(ctx, 'body must be {openid, template_id?}');
    if (body.template_id !== undefined && typeof body.template_id !== 'string') return controlError(ctx, 'template_id must be a string');
    state.value.refusals.push({ openid: body.openid, ...(body.template_id === undefined ? {} : { templateId: body.template_id }) });
    await state.save();
    ctx.body = { refusals: state.value.refusals.filter((refusal) => refusal.openid === body.openid) };
  });
  control.delete('/subscribe-refusals', async (ctx) => {
    const openid = queryString(ctx, 'openid');
    if (openid === undefined || openid === '') return controlError(ctx, 'openid query parameter required');
    state.value.refusals = state.value.refusals.filter((refusal) => refusal.openid !== openid);
    await state.save();
    ctx.body = { refusals: [] };
  });

  control.get('/subscribe-messages', (ctx) => {
    const touser = queryString(ctx, 'touser');
    ctx.body = state.value.subscribeMessages.filter((message) => touser === undefined || message.touser === touser);
  });
  control.get('/shipping-uploads', (ctx) => {
    ctx.body = state.value.shippingUploads;
  });
  control.post('/shipping-upload-failures', async (ctx) => {
    const body = jsonBody(ctx);
    const count = isRecord(body) ? body.count : undefined;
    const errcode = isRecord(body) ? (body.errcode ?? -1) : undefined;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) return controlError(ctx, 'body must be {count ≥ 0, errcode?}');
    if (typeof errcode !== 'number' || !Number.isInteger(errcode) || errcode === 0)
      return controlError(ctx, 'errcode must be a non-zero integer');
    state.value.shippingUploadFailures = { remaining: count, errcode };
    await state.save();
    ctx.body = state.value.shippingUploadFailures;
  });
  control.get('/sensitive-words', (ctx) => {
    ctx.body = SENSITIVE_WORDS;
  });

  return {
    prefix: '/wechat',
    router,
    control,
    apiEnv: { WECHAT_API_BASE_URL: `${runtime.baseUrl}/wechat`, WECHAT_APPID: app.appId, WECHAT_SECRET: app.appSecret },
  };
};

function keepNewest<T>(list: T[], entry: T): void {
  list.push(entry);
  if (list.length > MAX_RECORDED) list.splice(0, list.length - MAX_RECORDED);
}
