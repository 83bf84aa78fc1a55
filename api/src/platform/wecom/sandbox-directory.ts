import { isSandboxUrl, type Config } from '@mall/config';
import { platformFetch } from '../http.ts';
import { PlatformError } from '../errors.ts';

const WECOM_PREFIX = '/wecom';

/**
 * The corp's member directory as far as the mall can change it. Real WeCom members are made in WeCom's own
 * console, so in production this does nothing; against the local sandbox it adds the member, so a guide given
 * a WeCom userid in development can be added by customers at once (the sandbox, like WeCom, refuses contact
 * ways for userids it does not know).
 */
export interface WecomDirectory {
  memberAssigned(member: { userId: string; name: string }): Promise<void>;
}

export function wecomDirectoryFromConfig(config: Pick<Config, 'sandbox' | 'wecom'>): WecomDirectory {
  const { apiBaseUrl } = config.wecom;
  if (!config.sandbox || !isSandboxUrl(apiBaseUrl) || !apiBaseUrl.endsWith(WECOM_PREFIX)) return { memberAssigned: async () => undefined };
  const membersUrl = `${apiBaseUrl.slice(0, -WECOM_PREFIX.length)}/__sandbox/wecom/members`;
  return {
    async memberAssigned({ userId, name }) {
      const reply = await platformFetch({
        platform: 'wecom',
        operation: 'sandbox_member',
        method: 'POST',
        url: membersUrl,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ userid: userId, name }),
      });
      if (reply.status !== 200) {
        throw new PlatformError({
          platform: 'wecom',
          operation: 'sandbox_member',
          code: 'BAD_REPLY',
          message: reply.text(),
          status: reply.status,
        });
      }
    },
  };
}
