import { DEVELOPMENT_ONLY_NOTICE } from '../runtime.ts';
import { yuan } from './protocol.ts';
import type { OrderRecord } from './service.ts';

/** Where the cashier's forms post; the control router is mounted here. */
export const CASHIER_PATH = '/__sandbox/wechatpay/cashier';

/** No scripts at all: the page works without JavaScript, and nothing inline may run. */
export const CASHIER_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'";

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

function page(title: string, content: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · 沙箱收银台</title>
<style>
body{font-family:-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#f2f2f2;margin:0;padding:16px;color:#111}
.card{max-width:420px;margin:0 auto;background:#fff;border-radius:12px;padding:24px;box-shadow:0 1px 4px rgba(0,0,0,.08)}
.notice{background:#fff3cd;border:1px solid #e0c36c;border-radius:8px;padding:10px 12px;font-size:14px;margin-bottom:16px}
.amount{font-size:36px;font-weight:600;text-align:center;margin:16px 0}
dl{display:grid;grid-template-columns:auto 1fr;gap:6px 12px;font-size:14px;color:#555}
dd{margin:0;color:#111;word-break:break-all}
button{width:100%;padding:12px;font-size:17px;border-radius:8px;border:0;margin-top:12px;cursor:pointer}
.pay{background:#07c160;color:#fff}.cancel{background:#eee;color:#333}
.fine{font-size:12px;color:#888;margin-top:16px}
</style>
</head>
<body>
<main class="card">
<p class="notice"><strong>沙箱收银台 — 仅用于开发测试</strong><br>不会产生真实扣款。${escapeHtml(DEVELOPMENT_ONLY_NOTICE)}</p>
${content}
</main>
</body>
</html>`;
}

function orderDetails(order: OrderRecord, mchid: string): string {
  return `<div class="amount">¥${yuan(order.request.amount.total)}</div>
<dl>
<dt>商户</dt><dd>微信支付沙箱商户（商户号 ${escapeHtml(mchid)}）</dd>
<dt>商品</dt><dd>${escapeHtml(order.request.description)}</dd>
<dt>订单号</dt><dd>${escapeHtml(order.out_trade_no)}</dd>
</dl>`;
}

/** The payment sheet: confirm or cancel, each a plain form post. */
export function cashierPage(order: OrderRecord, mchid: string, returnUrl: string | undefined, refusal: string | undefined): string {
  const hiddenReturn = returnUrl === undefined ? '' : `<input type="hidden" name="return_url" value="${escapeHtml(returnUrl)}">`;
  const actions =
    refusal === undefined
      ? `<form method="post" action="${CASHIER_PATH}/${encodeURIComponent(order.prepay_id)}/confirm">${hiddenReturn}<button class="pay" type="submit">确认支付</button></form>
<form method="post" action="${CASHIER_PATH}/${encodeURIComponent(order.prepay_id)}/cancel">${hiddenReturn}<button class="cancel" type="submit">取消支付</button></form>`
      : `<p><strong>无法支付：</strong>${escapeHtml(refusal)}</p>`;
  return page(
    '确认支付',
    `<h1>微信支付</h1>\n${orderDetails(order, mchid)}\n${actions}\n<p class="fine">prepay_id: ${escapeHtml(order.prepay_id)}</p>`,
  );
}

/** Shown after confirm/cancel when there is no usable return_url, and for refusals. */
export function resultPage(title: string, message: string, order?: { order: OrderRecord; mchid: string }): string {
  return page(
    title,
    `<h1>${escapeHtml(title)}</h1>\n${order ? orderDetails(order.order, order.mchid) : ''}\n<p>${escapeHtml(message)}</p>`,
  );
}

/** `return_url` with `result` and `out_trade_no` added to its query (its fragment kept), or `undefined` when it is not http(s). */
export function returnLocation(returnUrl: string | undefined, result: 'success' | 'cancel', outTradeNo: string): string | undefined {
  if (returnUrl === undefined || !URL.canParse(returnUrl)) return undefined;
  const url = new URL(returnUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  url.searchParams.set('result', result);
  url.searchParams.set('out_trade_no', outTradeNo);
  return url.toString();
}
