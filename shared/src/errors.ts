import { z } from 'zod';

/**
 * Every error the API returns: a machine-readable English code, its HTTP status, and the message a
 * shopper or staff member sees (Chinese). Clients branch on `code`, never on `message`.
 */
export const errorCatalogue = {
  VALIDATION_FAILED: { status: 400, message: '提交的信息有误，请检查后重试' },
  MALFORMED_REQUEST: { status: 400, message: '请求格式不正确' },
  INVALID_CREDENTIALS: { status: 401, message: '用户名或密码错误' },
  UNAUTHENTICATED: { status: 401, message: '请先登录，或登录已过期' },
  FORBIDDEN: { status: 403, message: '没有权限执行此操作' },
  NOT_FOUND: { status: 404, message: '请求的内容不存在' },
  METHOD_NOT_ALLOWED: { status: 405, message: '不支持该请求方式' },
  CONFLICT: { status: 409, message: '数据冲突，请刷新后重试' },
  PAYLOAD_TOO_LARGE: { status: 413, message: '提交的内容过大' },
  RATE_LIMITED: { status: 429, message: '操作过于频繁，请稍后再试' },
  INTERNAL: { status: 500, message: '系统繁忙，请稍后再试' },
  /** A WeChat, WeChat Pay or WeCom call failed: refused (details carry the platform's code), unreachable, or unverifiable. */
  PLATFORM_ERROR: { status: 502, message: '微信服务暂时不可用，请稍后再试' },
  /** The platform's credentials are not configured on this server. */
  PLATFORM_NOT_CONFIGURED: { status: 503, message: '该功能尚未开通，请联系商家' },
  /** A callback (payment notification, WeCom event) whose signature, timestamp or encryption does not check out. */
  CALLBACK_REJECTED: { status: 401, message: '回调签名校验失败' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

export const errorCodes = Object.keys(errorCatalogue) as [ErrorCode, ...ErrorCode[]];

export const errorCodeSchema = z.enum(errorCodes);

export const errorEnvelopeSchema = z.object({
  error: z.object({
    code: errorCodeSchema,
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ErrorEnvelope = z.infer<typeof errorEnvelopeSchema>;
