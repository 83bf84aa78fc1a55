import path from 'node:path';
import { dictionary } from '../dictionary.ts';
import type { PlatformFactory } from '../runtime.ts';
import { JsonState } from '../storage.ts';
import { wecomApiRouter } from './api.ts';
import { wecomControlRouter } from './control.ts';
import { loadOrCreateCredentials } from './keys.ts';
import { emptyState, type WecomState } from './state.ts';

/**
 * The WeCom look-alike (企业微信 客户联系): access tokens, 「联系我」 contact ways with a QR image,
 * customer details, welcome messages, on-duty and resigned transfers, and encrypted
 * `change_external_contact` callbacks to the app, driven by the control routes.
 */
export const createWecomPlatform: PlatformFactory = async (runtime) => {
  const credentials = await loadOrCreateCredentials(runtime.dataDir);
  const store = await JsonState.open<WecomState>(path.join(runtime.dataDir, 'state.json'), emptyState);
  const state = store.value;
  state.members = dictionary(state.members);
  state.contactWays = dictionary(state.contactWays);
  state.contacts = dictionary(state.contacts);
  state.welcomeCodes = dictionary(state.welcomeCodes);
  const context = { runtime, credentials, store };
  return {
    prefix: '/wecom',
    router: wecomApiRouter(context),
    control: wecomControlRouter(context),
    apiEnv: {
      WECOM_API_BASE_URL: `${runtime.baseUrl}/wecom`,
      WECOM_CORPID: credentials.corpId,
      WECOM_SECRET: credentials.secret,
      WECOM_TOKEN: credentials.token,
      WECOM_ENCODING_AES_KEY: credentials.encodingAesKey,
    },
  };
};
