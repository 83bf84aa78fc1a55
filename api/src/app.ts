import Koa from 'koa';
import type { Logger } from 'pino';
import type { Config } from '@mall/config';
import { attributionRoutes } from './attribution/routes.ts';
import { afterSaleRoutes } from './after-sales/routes.ts';
import { catalogModels } from './catalog/models.ts';
import { catalogRoutes } from './catalog/routes.ts';
import { cartRoutes } from './cart/routes.ts';
import { addressRoutes } from './customers/address-routes.ts';
import { createShopperAuth } from './customers/auth.ts';
import { customerModels } from './customers/models.ts';
import { shopperRoutes } from './customers/routes.ts';
import { sandboxLoginRoutes } from './customers/sandbox-login.ts';
import type { Database } from './db/database.ts';
import { jsonBody } from './http/body.ts';
import type { AppState } from './http/context.ts';
import { fulfilmentModels } from './fulfilment/models.ts';
import { fulfilmentRoutes } from './fulfilment/routes.ts';
import { processStoredEvent } from './guide-contacts/events.ts';
import { guideContactRoutes } from './guide-contacts/routes.ts';
import { guideContactDependencies } from './guide-contacts/service.ts';
import { guideOrderRoutes } from './guide-orders/routes.ts';
import { guidePerformanceRoutes } from './guide-performance/routes.ts';
import { performanceDependencies } from './guide-performance/service.ts';
import { guideDependencies } from './guides/dependencies.ts';
import { guideRoutes } from './guides/routes.ts';
import { guideShopRoutes } from './guides/shop-routes.ts';
import { wechatPayGuideDependencies } from './guides/wechat-pay-registration.ts';
import { wechatPayGuideRoutes } from './guides/wechat-pay-routes.ts';
import { inheritanceDependencies } from './inheritance/dependencies.ts';
import { inheritanceRoutes } from './inheritance/routes.ts';
import { corsForOrigins } from './http/cors.ts';
import { errorHandler, unmatchedRoutes } from './http/errors.ts';
import { requestContext, requestLog } from './http/request-context.ts';
import { ReplyCache, STOREFRONT_REPLY_TTL_MS } from './http/reply-cache.ts';
import { cachedReplies, clearingRepliesOnChange, createRouter, type Route } from './http/routes.ts';
import { commerceDependencies } from './orders/dependencies.ts';
import { orderRoutes } from './orders/routes.ts';
import { paymentRoutes } from './payments/routes.ts';
import { wecomCallbackRoutes } from './platform/wecom/callback-routes.ts';
import { createStaffAuth } from './staff/auth.ts';
import { staffModels } from './staff/models.ts';
import { staffRoutes } from './staff/routes.ts';
import { systemRoutes } from './system/routes.ts';
import { redirectRootToBuiltApp, serveBuiltApp, type BuiltApp } from './web/built-app.ts';

export interface AppDependencies {
  config: Config;
  db: Database;
  logger: Logger;
  /** Built front ends to serve under their mount paths (see web/built-app.ts), `/` going to the first built one. */
  builtApps?: readonly BuiltApp[];
}

/** Every route of the API, in one registry (the router and the OpenAPI document are built from it). */
export function apiRoutes({ config, db }: Pick<AppDependencies, 'config' | 'db'>): Route[] {
  const commerce = commerceDependencies(config, db);
  // The storefront's cached reads (catalog, guide shop): catalog and guide changes clear them.
  const storefrontReplies = new ReplyCache({ ttlMs: STOREFRONT_REPLY_TTL_MS });
  const guideContacts = guideContactDependencies(config, db.connection);
  const routes: Route[] = [
    ...systemRoutes({ config, databaseMode: db.mode, allRoutes: () => routes }),
    ...staffRoutes(staffModels(db.connection)),
    // A stored WeCom event is acted on at once (a welcome message has 20 s); failures are retried by a job.
    ...wecomCallbackRoutes(config, db.connection, { onEventStored: (key, log) => void processStoredEvent(guideContacts, key, log) }),
    ...catalogRoutes(catalogModels(db.connection), commerce.images, storefrontReplies),
    ...shopperRoutes(config, customerModels(db.connection)),
    ...addressRoutes(customerModels(db.connection)),
    ...sandboxLoginRoutes(config),
    ...cartRoutes(commerce),
    ...orderRoutes(commerce),
    ...paymentRoutes(commerce),
    ...fulfilmentRoutes({ ...commerce, fulfilment: fulfilmentModels(db.connection), staff: staffModels(db.connection) }),
    ...afterSaleRoutes(commerce),
    ...clearingRepliesOnChange(guideRoutes(guideDependencies(config, db, commerce)), storefrontReplies),
    ...guideShopRoutes(commerce, storefrontReplies),
    ...wechatPayGuideRoutes(wechatPayGuideDependencies(config, { ...commerce, contactWays: guideContacts })),
    ...attributionRoutes({ ...commerce, staff: staffModels(db.connection), contacts: guideContacts.contacts }),
    ...guidePerformanceRoutes(performanceDependencies(commerce)),
    ...guideContactRoutes(guideContacts),
    ...inheritanceRoutes(inheritanceDependencies(guideContacts, db.connection)),
    ...guideOrderRoutes(commerce),
  ];
  return routes;
}

/** Who may call a route: shopper routes take shopper tokens only, every other guarded route staff tokens only. */
export function routeGuard(db: Pick<Database, 'connection'>): Parameters<typeof createRouter>[1] {
  const staffAuth = createStaffAuth(staffModels(db.connection));
  const shopperAuth = createShopperAuth(customerModels(db.connection));
  return (access) => (access === 'shopper' ? shopperAuth.guard() : staffAuth.guard(access));
}

/** The HTTP app, without listening: `main.ts` serves it, tests drive it through supertest. */
export function createApp({ config, db, logger, builtApps = [] }: AppDependencies): Koa<AppState> {
  const routes = apiRoutes({ config, db });
  const router = createRouter(routes, routeGuard(db));
  // Routes that read their own body (signed callbacks) on fixed paths: the JSON parser must not consume it first.
  const rawBodyPaths = new Set(routes.filter((route) => route.rawBody && !route.path.includes(':')).map((route) => route.path));

  const app = new Koa<AppState>({ proxy: config.trustProxy });
  app.use(requestContext(logger));
  app.use(requestLog());
  app.use(corsForOrigins([config.adminOrigin, config.h5Origin]));
  // Storefront reads answered from memory skip everything below (see http/reply-cache.ts).
  app.use(cachedReplies(routes));
  app.use(errorHandler());
  app.use(unmatchedRoutes());
  app.use(jsonBody(rawBodyPaths));
  app.use(router.routes());
  app.use(router.allowedMethods());
  // After the API's routes, and limited to / and each app's mount path, so /api/* is never shadowed by a file.
  app.use(redirectRootToBuiltApp(builtApps));
  for (const builtApp of builtApps) app.use(serveBuiltApp(builtApp));
  return app;
}
