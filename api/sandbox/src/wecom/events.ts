import type { CallbackDelivery } from '../deliveries.ts';
import type { SandboxRuntime } from '../runtime.ts';
import { cdata, sealCallback, type Tampering } from './crypto.ts';
import type { WecomCredentials } from './keys.ts';

/** WeCom waits 5 s for the app's answer before it counts the attempt as failed. */
const CALLBACK_TIMEOUT_MS = 5_000;

/** The 客户联系 change types the sandbox sends. */
export type ExternalContactChange = 'add_external_contact' | 'del_external_contact' | 'del_follow_user' | 'transfer_fail';

export interface ExternalContactEvent {
  changeType: ExternalContactChange;
  userId: string;
  externalUserId: string;
  /** Further elements in order, e.g. State and WelcomeCode; undefined values are left out. */
  extra?: [name: string, value: string | undefined][];
}

/** The decrypted XML of a `change_external_contact` event, as WeCom writes it. */
export function externalContactXml(corpId: string, createTime: number, event: ExternalContactEvent): string {
  const elements: [string, string][] = [
    ['ToUserName', cdata(corpId)],
    ['FromUserName', cdata('sys')],
    ['CreateTime', String(createTime)],
    ['MsgType', cdata('event')],
    ['Event', cdata('change_external_contact')],
    ['ChangeType', cdata(event.changeType)],
    ['UserID', cdata(event.userId)],
    ['ExternalUserID', cdata(event.externalUserId)],
    ...(event.extra ?? []).flatMap(([name, value]): [string, string][] => (value === undefined ? [] : [[name, cdata(value)]])),
  ];
  return `<xml>${elements.map(([name, value]) => `<${name}>${value}</${name}>`).join('')}</xml>`;
}

/** The app's callback URL: `${appUrl}${wecomCallbackPath}`. */
export function callbackUrl(runtime: SandboxRuntime): string {
  return `${runtime.appUrl}${runtime.options.wecomCallbackPath}`;
}

/**
 * Encrypts and signs `event` and POSTs it to the app's callback URL with WeCom's retries; only a 200
 * answer counts as received. `tampering` breaks one thing for negative tests.
 */
export function sendExternalContactEvent(
  runtime: SandboxRuntime,
  credentials: WecomCredentials,
  event: ExternalContactEvent,
  tampering?: Tampering,
): CallbackDelivery {
  const createTime = Math.floor(runtime.now() / 1000);
  const sealed = sealCallback(
    credentials,
    credentials.corpId,
    externalContactXml(credentials.corpId, createTime, event),
    String(createTime),
    tampering,
  );
  const url = new URL(callbackUrl(runtime));
  for (const [name, value] of Object.entries(sealed.query)) url.searchParams.set(name, value);
  return runtime.deliver.send({
    kind: `change_external_contact/${event.changeType}${tampering ? ` (tampered: ${tampering})` : ''}`,
    url: url.toString(),
    headers: { 'Content-Type': 'text/xml; charset=utf-8' },
    body: sealed.body,
    retryDelaysMs: runtime.options.wecomRetryDelaysMs,
    acknowledged: (status) => status === 200,
    timeoutMs: CALLBACK_TIMEOUT_MS,
  });
}
