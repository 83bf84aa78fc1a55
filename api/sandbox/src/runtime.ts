import type Router from '@koa/router';
import type { DefaultContext, ParameterizedContext } from 'koa';
import type { CallbackDeliverer } from './deliveries.ts';

/** Printed by the CLI and shown on every page the sandbox serves. */
export const DEVELOPMENT_ONLY_NOTICE =
  'mall sandbox (WeChat / WeChat Pay / WeCom look-alike): development and tests only, NOT for production';

/** Per-request state of the sandbox's Koa app. */
export interface SandboxState {
  /** The request body exactly as received (signatures are checked over it). Empty for GET. */
  rawBody: Buffer;
}

export type SandboxContext = ParameterizedContext<SandboxState, DefaultContext>;
export type SandboxRouter = Router<SandboxState, DefaultContext>;

/** What every platform module gets from the sandbox core. */
export interface SandboxRuntime {
  /** This platform's own directory (keys, state), created before the factory runs. */
  dataDir: string;
  /** The sandbox's base URL, e.g. http://127.0.0.1:3100 (links such as the cashier page use it). */
  baseUrl: string;
  /** The app's base URL: WeCom callbacks go to `${appUrl}${wecomCallbackPath}`. */
  appUrl: string;
  /** Sends callbacks to the app with the platform's retry behaviour, recording every attempt. */
  deliver: CallbackDeliverer;
  /** The sandbox's clock (epoch ms); tests may move it to expire tokens. */
  now(): number;
  /** A line for the sandbox's log. */
  log(line: string): void;
  options: Readonly<ResolvedSandboxOptions>;
}

export interface SandboxOptions {
  /** 0 picks a free port (tests). Default 3100. */
  port?: number;
  /** Default 127.0.0.1: the sandbox holds keys and must not be reachable from elsewhere. */
  host?: string;
  /** Where generated keys and platform state live; reused on the next start. */
  dataDir: string;
  /** The app's base URL. Default http://127.0.0.1:3000. */
  appUrl?: string;
  /** Path of the app's WeCom callback. Default /api/wecom/callback. */
  wecomCallbackPath?: string;
  /** Delays between payment/refund notification attempts; WeChat Pay's schedule by default, tests shorten it. */
  payNotifyRetryDelaysMs?: readonly number[];
  /** Delays between WeCom callback attempts (WeCom retries up to 3 times). */
  wecomRetryDelaysMs?: readonly number[];
  /**
   * How WeChat Pay signs responses and notifications: with the WeChat Pay public key (`Wechatpay-Serial:
   * PUB_KEY_ID_…`, merchants onboarded since late 2024; the default) or with a platform certificate.
   */
  wechatPayMode?: 'public-key' | 'certificate';
  /** Lifetime of issued access tokens. Default 7200 s, as WeChat and WeCom. */
  tokenLifetimeSeconds?: number;
  /** The clock (epoch ms). Default Date.now. */
  now?: () => number;
  log?: (line: string) => void;
}

export type ResolvedSandboxOptions = Required<Omit<SandboxOptions, 'log' | 'now'>>;

/** A platform look-alike: its WeChat-compatible routes under `prefix`, its control routes under `/__sandbox${prefix}`. */
export interface PlatformModule {
  /** `/wechat`, `/wechatpay` or `/wecom`: the path the API's base URL for this platform ends with. */
  prefix: string;
  router: SandboxRouter;
  control: SandboxRouter;
  /** Environment variables that point the API at this platform with the sandbox's credentials. */
  apiEnv: Record<string, string>;
  close?(): Promise<void>;
}

export type PlatformFactory = (runtime: SandboxRuntime) => Promise<PlatformModule>;

/** Parses the raw body as JSON; `undefined` when it is not JSON (each platform answers that its own way). */
export function jsonBody(ctx: SandboxContext): unknown {
  try {
    return JSON.parse(ctx.state.rawBody.toString('utf8'));
  } catch {
    return undefined;
  }
}
