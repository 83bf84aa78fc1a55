export { startSandbox, WECHATPAY_RETRY_DELAYS_MS, WECOM_RETRY_DELAYS_MS, type RunningSandbox } from './server.ts';
export { DEVELOPMENT_ONLY_NOTICE, type SandboxOptions } from './runtime.ts';
export type { RecordedRequest, RequestFilter } from './requests.ts';
export type { CallbackDelivery, DeliveryAttempt } from './deliveries.ts';
