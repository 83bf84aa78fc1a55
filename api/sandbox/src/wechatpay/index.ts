import Router from '@koa/router';
import { jsonBody, type PlatformFactory, type SandboxContext, type SandboxRouter, type SandboxRuntime } from '../runtime.ts';
import { CASHIER_CSP, cashierPage, resultPage, returnLocation } from './cashier.ts';
import { loadOrCreateKeys, markPem, type WechatPayKeys } from './keys.ts';
import {
  encryptAeadAes256Gcm,
  gcmNonce,
  MAX_CLOCK_SKEW_SECONDS,
  paramError,
  parseAuthorization,
  requestSigningMessage,
  rfc3339China,
  rsaSha256Verify,
  signedHeaders,
  signError,
  WechatPayError,
} from './protocol.ts';
import { requestId, TAMPER_KINDS, WechatPayService, type OrderRecord, type TamperKind } from './service.ts';
import { parseGuideRegistration, parseJsapiOrder, parseMchidBody, parseOutTradeNoBody, parseRefund, requireObject } from './validation.ts';

const PREFIX = '/wechatpay';

/** A WeChat Pay reply before it is signed: a JSON body, or none (204). */
interface Reply {
  status: number;
  body?: unknown;
}

/**
 * The WeChat Pay API v3 look-alike: JSAPI orders, query/close, refunds, platform certificates and the
 * smart-guide (支付即服务) API, with request signatures checked and every reply signed; control routes pay,
 * cancel, replay or tamper notifications, and a cashier page pays the way `wx.requestPayment` would.
 */
export const createWechatPayPlatform: PlatformFactory = async (runtime) => {
  const keys = await loadOrCreateKeys(runtime.dataDir, runtime.now());
  const service = await WechatPayService.open(runtime, keys);
  return {
    prefix: PREFIX,
    router: apiRouter(runtime, service),
    control: controlRouter(service),
    apiEnv: apiEnv(runtime, keys),
    close: () => service.close(),
  };
};

function apiEnv(runtime: SandboxRuntime, keys: WechatPayKeys): Record<string, string> {
  const certificateMode = runtime.options.wechatPayMode === 'certificate';
  return {
    WECHATPAY_API_BASE_URL: `${runtime.baseUrl}${PREFIX}`,
    WECHATPAY_MCHID: keys.mchid,
    WECHATPAY_PRIVATE_KEY: markPem(keys.merchant.privateKeyPem),
    WECHATPAY_MERCHANT_SERIAL_NO: keys.merchant.serialNo,
    WECHATPAY_MERCHANT_CERT: markPem(keys.merchant.certificatePem),
    WECHATPAY_APIV3_KEY: keys.apiV3Key,
    ...(certificateMode
      ? { WECHATPAY_PLATFORM_PUBLIC_KEY: markPem(keys.platform.certificatePem) }
      : { WECHATPAY_PLATFORM_PUBLIC_KEY: markPem(keys.publicKey.publicKeyPem), WECHATPAY_PLATFORM_PUBLIC_KEY_ID: keys.publicKey.keyId }),
  };
}

// ── WeChat Pay API v3 ───────────────────────────────────────────────────────

function apiRouter(runtime: SandboxRuntime, service: WechatPayService): SandboxRouter {
  const router: SandboxRouter = new Router();

  /** Checks the merchant's signature, runs the handler and signs whatever it answers, errors included. */
  const endpoint =
    (handler: (ctx: SandboxContext) => Reply | Promise<Reply>, options: { authenticated?: boolean } = {}) =>
    async (ctx: SandboxContext) => {
      let reply: Reply;
      try {
        if (options.authenticated !== false) authenticate(ctx, runtime, service);
        reply = await handler(ctx);
      } catch (error) {
        if (error instanceof WechatPayError) {
          reply = { status: error.status, body: { code: error.code, message: error.message } };
        } else {
          runtime.log(`wechatpay: ${(error as Error).stack ?? String(error)}`);
          reply = { status: 500, body: { code: 'SYSTEM_ERROR', message: '系统错误' } };
        }
      }
      const text = reply.body === undefined ? '' : JSON.stringify(reply.body);
      ctx.set({ 'Request-ID': requestId(), ...signedHeaders(text, service.signer, Math.floor(runtime.now() / 1000)) });
      ctx.status = reply.status;
      if (reply.body !== undefined) {
        ctx.body = text;
        ctx.type = 'application/json; charset=utf-8';
      }
    };

  router.post(
    '/v3/pay/transactions/jsapi',
    endpoint((ctx) => ({ status: 200, body: service.createJsapiOrder(parseJsapiOrder(requestJson(ctx))) })),
  );
  router.get(
    '/v3/pay/transactions/out-trade-no/:outTradeNo',
    endpoint((ctx) => {
      service.checkMchid(queryString(ctx, 'mchid'));
      return { status: 200, body: service.transaction(service.order(ctx.params.outTradeNo)) };
    }),
  );
  router.get(
    '/v3/pay/transactions/id/:transactionId',
    endpoint((ctx) => {
      service.checkMchid(queryString(ctx, 'mchid'));
      return { status: 200, body: service.transaction(service.orderByTransactionId(ctx.params.transactionId)) };
    }),
  );
  router.post(
    '/v3/pay/transactions/out-trade-no/:outTradeNo/close',
    endpoint((ctx) => {
      service.checkMchid(parseMchidBody(requestJson(ctx)).mchid);
      service.closeOrder(ctx.params.outTradeNo);
      return { status: 204 };
    }),
  );
  router.post(
    '/v3/refund/domestic/refunds',
    endpoint((ctx) => ({ status: 200, body: service.refundObject(service.createRefund(parseRefund(requestJson(ctx)))) })),
  );
  router.get(
    '/v3/refund/domestic/refunds/:outRefundNo',
    endpoint((ctx) => ({ status: 200, body: service.refundObject(service.refund(ctx.params.outRefundNo)) })),
  );
  router.get(
    '/v3/certificates',
    endpoint(() => {
      const nonce = gcmNonce();
      const { platform } = service.keys;
      return {
        status: 200,
        body: {
          data: [
            {
              serial_no: platform.serialNo,
              effective_time: rfc3339China(Date.parse(platform.effectiveTime)),
              expire_time: rfc3339China(Date.parse(platform.expireTime)),
              encrypt_certificate: {
                algorithm: 'AEAD_AES_256_GCM',
                nonce,
                associated_data: 'certificate',
                ciphertext: encryptAeadAes256Gcm(platform.certificatePem, service.keys.apiV3Key, nonce, 'certificate'),
              },
            },
          ],
        },
      };
    }),
  );
  router.post(
    '/v3/smartguide/guides',
    endpoint((ctx) => ({
      status: 200,
      body: service.registerGuide(parseGuideRegistration(requestJson(ctx)), ctx.get('Wechatpay-Serial') || undefined),
    })),
  );
  router.get(
    '/v3/smartguide/guides',
    endpoint((ctx) => {
      const storeId = integerQuery(ctx, 'store_id', { required: true, min: 1 });
      const limit = integerQuery(ctx, 'limit', { min: 1, max: 10 }) ?? 10;
      const offset = integerQuery(ctx, 'offset', { min: 0 }) ?? 0;
      return { status: 200, body: service.listGuides(storeId as number, queryString(ctx, 'userid'), limit, offset) };
    }),
  );
  router.post(
    '/v3/smartguide/guides/:guideId/assign',
    endpoint((ctx) => {
      service.assignGuide(ctx.params.guideId, parseOutTradeNoBody(requestJson(ctx)).out_trade_no);
      return { status: 204 };
    }),
  );
  router.all(
    '/v3/{*rest}',
    endpoint(
      (ctx) => {
        throw new WechatPayError(404, 'NOT_FOUND', `the sandbox has no WeChat Pay API ${ctx.method} ${ctx.path.slice(PREFIX.length)}`);
      },
      { authenticated: false },
    ),
  );
  return router;
}

/** WeChat Pay's request authentication: merchant, certificate serial, timestamp window and the RSA-SHA256 signature. */
function authenticate(ctx: SandboxContext, runtime: SandboxRuntime, service: WechatPayService): void {
  const fields = parseAuthorization(ctx.get('Authorization') || undefined);
  if (fields.mchid !== service.keys.mchid)
    throw signError(`mchid ${fields.mchid} in Authorization is not this merchant (${service.keys.mchid})`);
  if (fields.serial_no.toUpperCase() !== service.keys.merchant.serialNo.toUpperCase()) {
    throw signError(`serial_no ${fields.serial_no} is not the serial of the merchant API certificate`);
  }
  if (!/^\d{1,12}$/.test(fields.timestamp)) throw signError(`timestamp must be Unix seconds, got '${fields.timestamp}'`);
  const skew = Math.abs(Math.floor(runtime.now() / 1000) - Number(fields.timestamp));
  if (skew > MAX_CLOCK_SKEW_SECONDS)
    throw signError(`timestamp ${fields.timestamp} is ${skew} s away from WeChat Pay's clock (at most ${MAX_CLOCK_SKEW_SECONDS} s)`);
  // The merchant signs WeChat's own path (/v3/…); the sandbox's mount prefix is not part of it.
  const signedPath = ctx.originalUrl.startsWith(PREFIX) ? ctx.originalUrl.slice(PREFIX.length) : ctx.originalUrl;
  const message = requestSigningMessage(ctx.method, signedPath, fields, ctx.state.rawBody.toString('utf8'));
  if (!rsaSha256Verify(message, fields.signature, service.merchantPublicKey)) {
    throw signError(
      `signature does not verify with the merchant certificate ${service.keys.merchant.serialNo} over '${ctx.method}\\n${signedPath}\\n${fields.timestamp}\\n${fields.nonce_str}\\n<body>\\n'`,
    );
  }
}

function requestJson(ctx: SandboxContext): unknown {
  const body = jsonBody(ctx);
  if (body === undefined) throw paramError('the request body must be JSON');
  return body;
}

function queryString(ctx: SandboxContext, name: string): string | undefined {
  const value = ctx.query[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function integerQuery(ctx: SandboxContext, name: string, limits: { required?: boolean; min: number; max?: number }): number | undefined {
  const text = queryString(ctx, name);
  if (text === undefined) {
    if (limits.required) throw paramError(`${name} is required`);
    return undefined;
  }
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < limits.min || (limits.max !== undefined && value > limits.max)) {
    throw paramError(`${name} must be an integer from ${limits.min}${limits.max === undefined ? '' : ` to ${limits.max}`}, got '${text}'`);
  }
  return value;
}

// ── Control routes and the cashier page ─────────────────────────────────────

function controlRouter(service: WechatPayService): SandboxRouter {
  const router: SandboxRouter = new Router();

  /** Control replies: JSON, with `sandbox_error` for bad input, unknown orders and refused transitions. */
  const control = (handler: (ctx: SandboxContext) => unknown) => (ctx: SandboxContext) => {
    try {
      ctx.body = handler(ctx);
    } catch (error) {
      if (!(error instanceof WechatPayError)) throw error;
      ctx.status = error.status === 404 ? 404 : 400;
      ctx.body = { sandbox_error: error.message, code: error.code };
    }
  };
  const orderFromBody = (ctx: SandboxContext): OrderRecord => {
    const body = jsonBody(ctx);
    if (body === undefined) throw paramError('the request body must be JSON such as {"out_trade_no":"…"}');
    return service.order(parseOutTradeNoBody(requireObject(body, 'request body')).out_trade_no);
  };
  const deliveryReply = (order: OrderRecord, delivery: { id: number; kind: string }) => ({
    delivery_id: delivery.id,
    kind: delivery.kind,
    transaction: service.transaction(order),
  });

  router.post(
    '/pay',
    control((ctx) => {
      const order = orderFromBody(ctx);
      return deliveryReply(order, service.pay(order));
    }),
  );
  router.post(
    '/fail',
    control((ctx) => {
      const order = orderFromBody(ctx);
      service.cancelPayment(order);
      return { transaction: service.transaction(order), payer_notes: order.payer_notes };
    }),
  );
  router.post(
    '/replay',
    control((ctx) => {
      const order = orderFromBody(ctx);
      if (order.trade_state !== 'SUCCESS' && order.trade_state !== 'REFUND') {
        throw paramError(`order ${order.out_trade_no} is ${order.trade_state}: only a paid order's notification can be replayed`);
      }
      return deliveryReply(order, service.notifyTransaction(order));
    }),
  );
  router.post(
    '/tamper',
    control((ctx) => {
      const order = orderFromBody(ctx);
      const how = (jsonBody(ctx) as { how?: unknown }).how;
      if (!TAMPER_KINDS.includes(how as TamperKind))
        throw paramError(`how must be one of ${TAMPER_KINDS.join(', ')}, got ${JSON.stringify(how)}`);
      return deliveryReply(order, service.notifyTransaction(order, how as TamperKind));
    }),
  );
  router.get(
    '/orders/:outTradeNo',
    control((ctx) => {
      const order = service.order(ctx.params.outTradeNo);
      return {
        ...order,
        transaction: service.transaction(order),
        refunds: service.refundsOf(order.out_trade_no).map((refund) => service.refundObject(refund)),
        guide: order.guide_id === undefined ? undefined : service.guide(order.guide_id),
      };
    }),
  );

  const html = (ctx: SandboxContext, status: number, text: string) => {
    ctx.status = status;
    ctx.type = 'html';
    ctx.set('Content-Security-Policy', CASHIER_CSP);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = text;
  };
  router.get('/cashier', (ctx) => {
    const prepayId = queryString(ctx, 'prepay_id');
    const order = prepayId === undefined ? undefined : service.orderByPrepayId(prepayId);
    if (!order) return html(ctx, 404, resultPage('订单不存在', `沙箱中没有 prepay_id 为「${prepayId ?? ''}」的订单。`));
    html(ctx, 200, cashierPage(order, service.keys.mchid, queryString(ctx, 'return_url'), cashierRefusal(service, order)));
  });
  router.post('/cashier/:prepayId/:action', (ctx) => {
    const order = service.orderByPrepayId(ctx.params.prepayId);
    const action = ctx.params.action;
    if (!order || (action !== 'confirm' && action !== 'cancel')) return html(ctx, 404, resultPage('订单不存在', '沙箱中没有这个订单。'));
    const form = new URLSearchParams(ctx.state.rawBody.toString('utf8'));
    const returnUrl = form.get('return_url') ?? undefined;
    const details = { order, mchid: service.keys.mchid };
    // A second click on 确认支付 after the payment went through lands on the success result again.
    const alreadyPaid = action === 'confirm' && service.paymentBlocker(order) === 'paid';
    if (!alreadyPaid) {
      const refusal = cashierRefusal(service, order);
      if (refusal !== undefined) return html(ctx, 409, resultPage('无法完成', refusal, details));
      if (action === 'confirm') service.pay(order);
      else service.cancelPayment(order);
    }
    const result = action === 'confirm' ? 'success' : 'cancel';
    const location = returnLocation(returnUrl, result, order.out_trade_no);
    if (location === undefined) {
      return html(
        ctx,
        200,
        action === 'confirm'
          ? resultPage('支付成功', '支付已完成，可以返回商户页面。', details)
          : resultPage('已取消支付', '订单仍未支付。', details),
      );
    }
    ctx.status = 303;
    ctx.redirect(location);
  });
  return router;
}

/** The cashier's reason (in Chinese) why the order cannot be paid now. */
function cashierRefusal(service: WechatPayService, order: OrderRecord): string | undefined {
  const blocker = service.paymentBlocker(order);
  if (blocker === undefined) return undefined;
  return { paid: '该订单已支付。', closed: '该订单已关闭。', expired: `该订单已超过支付期限（${order.request.time_expire}）。` }[blocker];
}
