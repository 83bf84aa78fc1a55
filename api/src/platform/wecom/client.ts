import { z } from 'zod';
import type { Config } from '@mall/config';
import { AppError } from '../../http/errors.ts';
import { AccessTokenCache } from '../access-token-cache.ts';
import { callWithoutToken, callWithToken, type ErrcodeApi, type ErrcodeCall } from '../errcode-api.ts';
import { PlatformError, platformNotConfigured } from '../errors.ts';

/** WeCom errcodes meaning the access token is unusable: 40014 invalid, 42001 expired, 40001 (also sent for a stale token). */
export const WECOM_INVALID_TOKEN_CODES = [40014, 42001, 40001] as const;
/** `send_welcome_msg` refused: the customer already got a welcome message (or the chat has started). */
export const WELCOME_CODE_USED = 41051;
/** A `state` travels back in the add-contact event and in `externalcontact/get`; WeCom allows 30 characters. */
export const CONTACT_WAY_STATE_MAX_CHARS = 30;
export const CONTACT_WAY_REMARK_MAX_CHARS = 30;
/** `transfer_customer` takes at most 100 customers per call. */
export const TRANSFER_MAX_CUSTOMERS = 100;
/** `send_welcome_msg` takes at most 9 attachments. */
export const WELCOME_MAX_ATTACHMENTS = 9;

export interface NewContactWay {
  /** 1: one member (单人). */
  type: 1;
  /** 1: shown inside the mini-program (contact plugin); 2: a QR code. */
  scene: 1 | 2;
  userIds: string[];
  /** Ours, ≤ 30 characters: comes back in the add-contact event and the customer's follow record. */
  state: string;
  /** Add without the member confirming. Default true. */
  skipVerify?: boolean;
  remark?: string;
}

export interface ContactWay {
  configId: string;
  type: number;
  scene: number;
  userIds: string[];
  state?: string;
  skipVerify: boolean;
  remark?: string;
  /** URL of the QR image (scene 2). */
  qrCode?: string;
}

export interface ContactWayChanges {
  userIds?: string[];
  state?: string;
  skipVerify?: boolean;
  remark?: string;
}

export interface WecomCustomer {
  externalContact: {
    externalUserId: string;
    name: string;
    avatar?: string;
    /** 1: a WeChat user; 2: a WeCom user. */
    type: number;
    /** Present when the corp is bound to a WeChat open platform account. */
    unionid?: string;
  };
  followUsers: {
    userId: string;
    /** The contact way's `state` the customer came through. */
    state?: string;
    /** Unix seconds. */
    createTime: number;
    remark?: string;
  }[];
}

export type WelcomeAttachment =
  | { type: 'image'; mediaId: string }
  | { type: 'image'; picUrl: string }
  | { type: 'link'; title: string; url: string; picUrl?: string; description?: string }
  | { type: 'miniprogram'; title: string; picMediaId: string; appId: string; page: string };

export interface WelcomeMessage {
  welcomeCode: string;
  text?: string;
  attachments?: WelcomeAttachment[];
}

export interface CustomerTransfer {
  handoverUserId: string;
  takeoverUserId: string;
  externalUserIds: string[];
  /** What the customer is told (on-duty transfers only). */
  transferSuccessMsg?: string;
}

/** Per customer: errcode 0 when the transfer was accepted (it completes after 24 h unless refused). */
export interface CustomerTransferOutcome {
  externalUserId: string;
  errcode: number;
}

export interface TransferResultQuery {
  handoverUserId: string;
  takeoverUserId: string;
  cursor?: string;
  /** Ask about transfers from a member who left (`resigned/transfer_result`). */
  resigned?: boolean;
}

/** 1 done, 2 waiting (24 h), 3 refused by the customer, 4 takeover member at the customer limit, 5 no transfer record. */
export type TransferStatus = 1 | 2 | 3 | 4 | 5;

export interface TransferResult {
  customers: { externalUserId: string; status: TransferStatus; /** Unix seconds. */ takeoverTime?: number }[];
  nextCursor?: string;
}

/** The WeCom server API calls the mall makes (客户联系). */
export interface WecomClient {
  addContactWay(input: NewContactWay): Promise<{ configId: string; qrCode?: string }>;
  getContactWay(configId: string): Promise<ContactWay>;
  updateContactWay(configId: string, changes: ContactWayChanges): Promise<void>;
  deleteContactWay(configId: string): Promise<void>;
  getCustomer(externalUserId: string): Promise<WecomCustomer>;
  /** Within 20 s of the add-contact event, once; a second attempt fails with errcode 41051 (see `isWelcomeCodeUsed`). */
  sendWelcomeMessage(message: WelcomeMessage): Promise<void>;
  transferCustomers(transfer: CustomerTransfer): Promise<CustomerTransferOutcome[]>;
  /** Customers of a member who left; the handover member must have resigned. */
  transferResignedCustomers(transfer: Omit<CustomerTransfer, 'transferSuccessMsg'>): Promise<CustomerTransferOutcome[]>;
  transferResult(query: TransferResultQuery): Promise<TransferResult>;
}

/** Whether `error` is WeCom refusing a welcome message because one was already sent (41051). */
export function isWelcomeCodeUsed(error: unknown): boolean {
  return error instanceof PlatformError && error.failure.platform === 'wecom' && error.failure.code === WELCOME_CODE_USED;
}

function invalid(path: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', { details: [{ in: 'wecom', path: [path], message }] });
}

function checkLength(path: string, value: string | undefined, max: number): void {
  if (value !== undefined && [...value].length > max) throw invalid(path, `at most ${max} characters`);
}

function checkUserIds(userIds: string[]): void {
  if (userIds.length !== 1 || userIds[0] === '') throw invalid('userIds', 'a type-1 contact way has exactly one member');
}

function checkCustomers(externalUserIds: string[]): void {
  if (externalUserIds.length === 0 || externalUserIds.length > TRANSFER_MAX_CUSTOMERS) {
    throw invalid('externalUserIds', `from 1 to ${TRANSFER_MAX_CUSTOMERS} customers per transfer`);
  }
}

const tokenReply = z.object({ access_token: z.string().min(1), expires_in: z.number().int().positive() });
const addContactWayReply = z.object({ config_id: z.string().min(1), qr_code: z.string().optional() });
const contactWayReply = z.object({
  contact_way: z.object({
    config_id: z.string(),
    type: z.number(),
    scene: z.number(),
    user: z.array(z.string()).default([]),
    state: z.string().optional(),
    skip_verify: z.boolean().default(false),
    remark: z.string().optional(),
    qr_code: z.string().optional(),
  }),
});
const customerReply = z.object({
  external_contact: z.object({
    external_userid: z.string(),
    name: z.string(),
    avatar: z.string().optional(),
    type: z.number(),
    unionid: z.string().optional(),
  }),
  follow_user: z
    .array(z.object({ userid: z.string(), state: z.string().optional(), createtime: z.number(), remark: z.string().optional() }))
    .default([]),
});
const transferReply = z.object({ customer: z.array(z.object({ external_userid: z.string(), errcode: z.number() })).default([]) });
const transferResultReply = z.object({
  customer: z
    .array(
      z.object({
        external_userid: z.string(),
        status: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5)]),
        takeover_time: z.number().optional(),
      }),
    )
    .default([]),
  next_cursor: z.string().optional(),
});

function parseReply<T>(schema: z.ZodType<T>, operation: string, reply: unknown): T {
  const parsed = schema.safeParse(reply);
  if (!parsed.success) {
    throw new PlatformError({
      platform: 'wecom',
      operation,
      code: 'BAD_REPLY',
      message: `unexpected reply: ${parsed.error.issues[0]?.message ?? ''}`,
    });
  }
  return parsed.data;
}

/** Empty strings are how WeCom leaves optional text unset; they become `undefined`. */
function optionalText(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function attachmentBody(attachment: WelcomeAttachment): Record<string, unknown> {
  switch (attachment.type) {
    case 'image':
      return { msgtype: 'image', image: 'mediaId' in attachment ? { media_id: attachment.mediaId } : { pic_url: attachment.picUrl } };
    case 'link':
      return {
        msgtype: 'link',
        link: { title: attachment.title, url: attachment.url, picurl: attachment.picUrl, desc: attachment.description },
      };
    case 'miniprogram':
      return {
        msgtype: 'miniprogram',
        miniprogram: { title: attachment.title, pic_media_id: attachment.picMediaId, appid: attachment.appId, page: attachment.page },
      };
  }
}

/** A client for WeCom's server API with the corp's 客户联系 secret; the token is cached and refreshed as needed. */
export function createWecomClient(config: Config['wecom'], options: { now?: () => number } = {}): WecomClient {
  const { corpId, secret } = config;
  if (corpId === undefined || secret === undefined) throw platformNotConfigured('wecom', missingCredentials(config));
  const now = options.now ?? Date.now;
  const base = { platform: 'wecom' as const, baseUrl: config.apiBaseUrl };

  const tokens = new AccessTokenCache(async () => {
    const reply = await callWithoutToken(base, {
      operation: 'gettoken',
      method: 'GET',
      path: '/cgi-bin/gettoken',
      query: { corpid: corpId, corpsecret: secret },
    });
    const token = parseReply(tokenReply, 'gettoken', reply);
    return { token: token.access_token, expiresAt: now() + token.expires_in * 1000 };
  }, now);
  const api: ErrcodeApi = { ...base, tokens, invalidTokenCodes: WECOM_INVALID_TOKEN_CODES };

  async function call(call: ErrcodeCall): Promise<unknown> {
    const reply = await callWithToken(api, call);
    if ('binary' in reply) {
      throw new PlatformError({
        platform: 'wecom',
        operation: call.operation,
        code: 'BAD_REPLY',
        message: 'the reply is not JSON',
        status: reply.binary.status,
      });
    }
    return reply.json;
  }

  const post = (operation: string, path: string, json: unknown) => call({ operation, method: 'POST', path, json });

  async function transfer(
    operation: string,
    path: string,
    body: Record<string, unknown>,
    externalUserIds: string[],
  ): Promise<CustomerTransferOutcome[]> {
    checkCustomers(externalUserIds);
    const reply = parseReply(transferReply, operation, await post(operation, path, { ...body, external_userid: externalUserIds }));
    return reply.customer.map((customer) => ({ externalUserId: customer.external_userid, errcode: customer.errcode }));
  }

  return {
    async addContactWay(input) {
      checkUserIds(input.userIds);
      checkLength('state', input.state, CONTACT_WAY_STATE_MAX_CHARS);
      checkLength('remark', input.remark, CONTACT_WAY_REMARK_MAX_CHARS);
      const reply = await post('add_contact_way', '/cgi-bin/externalcontact/add_contact_way', {
        type: input.type,
        scene: input.scene,
        user: input.userIds,
        state: input.state,
        skip_verify: input.skipVerify ?? true,
        remark: input.remark,
      });
      const created = parseReply(addContactWayReply, 'add_contact_way', reply);
      return { configId: created.config_id, qrCode: optionalText(created.qr_code) };
    },

    async getContactWay(configId) {
      const reply = await post('get_contact_way', '/cgi-bin/externalcontact/get_contact_way', { config_id: configId });
      const way = parseReply(contactWayReply, 'get_contact_way', reply).contact_way;
      return {
        configId: way.config_id,
        type: way.type,
        scene: way.scene,
        userIds: way.user,
        state: optionalText(way.state),
        skipVerify: way.skip_verify,
        remark: optionalText(way.remark),
        qrCode: optionalText(way.qr_code),
      };
    },

    async updateContactWay(configId, changes) {
      if (changes.userIds !== undefined) checkUserIds(changes.userIds);
      checkLength('state', changes.state, CONTACT_WAY_STATE_MAX_CHARS);
      checkLength('remark', changes.remark, CONTACT_WAY_REMARK_MAX_CHARS);
      await post('update_contact_way', '/cgi-bin/externalcontact/update_contact_way', {
        config_id: configId,
        user: changes.userIds,
        state: changes.state,
        skip_verify: changes.skipVerify,
        remark: changes.remark,
      });
    },

    async deleteContactWay(configId) {
      await post('del_contact_way', '/cgi-bin/externalcontact/del_contact_way', { config_id: configId });
    },

    async getCustomer(externalUserId) {
      const reply = await call({
        operation: 'externalcontact_get',
        method: 'GET',
        path: '/cgi-bin/externalcontact/get',
        query: { external_userid: externalUserId },
      });
      const customer = parseReply(customerReply, 'externalcontact_get', reply);
      const contact = customer.external_contact;
      return {
        externalContact: {
          externalUserId: contact.external_userid,
          name: contact.name,
          avatar: optionalText(contact.avatar),
          type: contact.type,
          unionid: optionalText(contact.unionid),
        },
        followUsers: customer.follow_user.map((follow) => ({
          userId: follow.userid,
          state: optionalText(follow.state),
          createTime: follow.createtime,
          remark: optionalText(follow.remark),
        })),
      };
    },

    async sendWelcomeMessage(message) {
      const attachments = message.attachments ?? [];
      if ((message.text === undefined || message.text === '') && attachments.length === 0)
        throw invalid('text', 'a welcome message needs text or an attachment');
      if (attachments.length > WELCOME_MAX_ATTACHMENTS) throw invalid('attachments', `at most ${WELCOME_MAX_ATTACHMENTS} attachments`);
      await post('send_welcome_msg', '/cgi-bin/externalcontact/send_welcome_msg', {
        welcome_code: message.welcomeCode,
        text: message.text === undefined || message.text === '' ? undefined : { content: message.text },
        attachments: attachments.length === 0 ? undefined : attachments.map(attachmentBody),
      });
    },

    transferCustomers(input) {
      return transfer(
        'transfer_customer',
        '/cgi-bin/externalcontact/transfer_customer',
        { handover_userid: input.handoverUserId, takeover_userid: input.takeoverUserId, transfer_success_msg: input.transferSuccessMsg },
        input.externalUserIds,
      );
    },

    transferResignedCustomers(input) {
      return transfer(
        'resigned_transfer_customer',
        '/cgi-bin/externalcontact/resigned/transfer_customer',
        { handover_userid: input.handoverUserId, takeover_userid: input.takeoverUserId },
        input.externalUserIds,
      );
    },

    async transferResult(query) {
      const operation = query.resigned ? 'resigned_transfer_result' : 'transfer_result';
      const path = query.resigned ? '/cgi-bin/externalcontact/resigned/transfer_result' : '/cgi-bin/externalcontact/transfer_result';
      const reply = await post(operation, path, {
        handover_userid: query.handoverUserId,
        takeover_userid: query.takeoverUserId,
        cursor: query.cursor,
      });
      const result = parseReply(transferResultReply, operation, reply);
      return {
        customers: result.customer.map((customer) => ({
          externalUserId: customer.external_userid,
          status: customer.status,
          takeoverTime: customer.takeover_time,
        })),
        nextCursor: optionalText(result.next_cursor),
      };
    },
  };
}

function missingCredentials(config: Config['wecom']): string[] {
  return [...(config.corpId === undefined ? ['WECOM_CORPID'] : []), ...(config.secret === undefined ? ['WECOM_SECRET'] : [])];
}

/**
 * The API's WeCom client. Without WECOM_CORPID / WECOM_SECRET the server still starts; each call then
 * fails with 503 PLATFORM_NOT_CONFIGURED naming the missing variables.
 */
export function wecomClientFromConfig(config: Config, options: { now?: () => number } = {}): WecomClient {
  const missing = missingCredentials(config.wecom);
  if (missing.length === 0) return createWecomClient(config.wecom, options);
  const unavailable = () => Promise.reject(platformNotConfigured('wecom', missing));
  return {
    addContactWay: unavailable,
    getContactWay: unavailable,
    updateContactWay: unavailable,
    deleteContactWay: unavailable,
    getCustomer: unavailable,
    sendWelcomeMessage: unavailable,
    transferCustomers: unavailable,
    transferResignedCustomers: unavailable,
    transferResult: unavailable,
  };
}
