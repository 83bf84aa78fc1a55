/** The WeChat Pay client and the types callers need. */
export {
  createWechatPayClient,
  formatChinaTime,
  missingWechatPaySettings,
  wechatPayClientFromConfig,
  type GuideQuery,
  type GuideRegistration,
  type JsapiPrepay,
  type JsapiPrepayInput,
  type RefundInput,
  type RequestPaymentParams,
  type WechatPayClient,
  type WechatPayClientOptions,
  type WechatPaySettings,
} from './client.ts';
export type { NotificationRejection } from './notifications.ts';
export type {
  RefundStatus,
  TradeState,
  WechatPayGuide,
  WechatPayNotification,
  WechatPayRefund,
  WechatPayRefundResource,
  WechatPayTransaction,
} from './schemas.ts';
