import { AppError } from '../http/errors.ts';

/** The platforms the API calls: the mini-program server API, WeChat Pay, WeCom, the Kuaidi100 logistics trace. */
export type PlatformName = 'wechat' | 'wechatpay' | 'wecom' | 'kuaidi100';

/** What went wrong with a platform call, carried in the error's details (never shown to shoppers as such). */
export interface PlatformFailure {
  platform: PlatformName;
  /** The operation, e.g. `jscode2session`, `transactions_jsapi`. */
  operation: string;
  /** The platform's own code (`errcode` 40029, WeChat Pay `ORDER_NOT_EXIST`), or ours: `UNREACHABLE`, `TIMEOUT`, `BAD_SIGNATURE`, `BAD_REPLY`. */
  code: string | number;
  message: string;
  /** HTTP status of the platform's reply, when there was one. */
  status?: number;
}

/** A failed platform call as the API's `PLATFORM_ERROR` (502), with the platform's code in `details`. */
export class PlatformError extends AppError {
  readonly failure: PlatformFailure;

  constructor(failure: PlatformFailure, options: { cause?: unknown } = {}) {
    super('PLATFORM_ERROR', { details: failure, cause: options.cause });
    this.failure = failure;
  }
}

/** The platform's credentials are missing: the feature is unavailable on this server (503). */
export function platformNotConfigured(platform: PlatformName, missing: readonly string[]): AppError {
  return new AppError('PLATFORM_NOT_CONFIGURED', { details: { platform, missing } });
}
