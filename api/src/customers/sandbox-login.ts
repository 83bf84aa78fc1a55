import { isSandboxUrl, type Config } from '@mall/config';
import { sandboxLoginCodeReplySchema, sandboxLoginCodeRequestSchema } from '@mall/shared';
import { defineRoute, type Route } from '../http/routes.ts';
import { PlatformError } from '../platform/errors.ts';
import { platformFetch } from '../platform/http.ts';

const WECHAT_PREFIX = '/wechat';

function jsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The sandbox's control base URL (`http://127.0.0.1:3100`) when the mini-program API is the local sandbox
 * (`…/wechat`), else undefined: real WeChat has no such thing.
 */
export function sandboxControlUrl(config: Pick<Config, 'sandbox' | 'wechat'>): string | undefined {
  const { apiBaseUrl } = config.wechat;
  if (!config.sandbox || !isSandboxUrl(apiBaseUrl) || !apiBaseUrl.endsWith(WECHAT_PREFIX)) return undefined;
  return apiBaseUrl.slice(0, -WECHAT_PREFIX.length);
}

/**
 * Development only: the H5 build has no `wx.login`, so it asks for a test user's login code here and logs in
 * with it like the mini-program does. The API fetches the code from the sandbox itself because the page may only
 * call its own origin (CSP `connect-src 'self'`) and the sandbox sends no CORS headers. Not registered (404)
 * unless the mini-program API is the sandbox, which production configuration refuses.
 */
export function sandboxLoginRoutes(config: Pick<Config, 'sandbox' | 'wechat'>): Route[] {
  const controlUrl = sandboxControlUrl(config);
  if (controlUrl === undefined) return [];
  return [
    defineRoute({
      operationId: 'devSandboxLoginCode',
      method: 'post',
      path: '/api/dev/sandbox-login-code',
      summary: "Development only (sandbox): a test user's wx.login code, for the H5 build",
      tag: 'development',
      access: 'public',
      body: sandboxLoginCodeRequestSchema,
      reply: { status: 200, description: 'A single-use login code, valid 5 minutes', schema: sandboxLoginCodeReplySchema },
      errors: ['PLATFORM_ERROR'],
      async handle(_ctx, { body }) {
        const operation = 'sandbox_login_code';
        const reply = await platformFetch({
          platform: 'wechat',
          operation,
          method: 'POST',
          url: `${controlUrl}/__sandbox/wechat/login-code`,
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ user: body.user }),
        });
        const parsed = reply.status === 200 ? sandboxLoginCodeReplySchema.safeParse(jsonOrUndefined(reply.text())) : undefined;
        if (!parsed?.success) {
          throw new PlatformError({
            platform: 'wechat',
            operation,
            code: 'BAD_REPLY',
            message: 'the sandbox gave no login code',
            status: reply.status,
          });
        }
        return { code: parsed.data.code };
      },
    }),
  ];
}
