import Koa from 'koa';
import type { Logger } from 'pino';
import type { Config } from '@mall/config';
import type { Database } from './db/database.ts';
import { jsonBody } from './http/body.ts';
import type { AppState } from './http/context.ts';
import { corsForOrigins } from './http/cors.ts';
import { errorHandler, unmatchedRoutes } from './http/errors.ts';
import { requestContext, requestLog } from './http/request-context.ts';
import { createRouter, type Route } from './http/routes.ts';
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
  const routes: Route[] = [
    ...systemRoutes({ config, databaseMode: db.mode, allRoutes: () => routes }),
    ...staffRoutes(staffModels(db.connection)),
    ...wecomCallbackRoutes(config, db.connection),
  ];
  return routes;
}

/** The HTTP app, without listening: `main.ts` serves it, tests drive it through supertest. */
export function createApp({ config, db, logger, builtApps = [] }: AppDependencies): Koa<AppState> {
  const router = createRouter(apiRoutes({ config, db }), createStaffAuth(staffModels(db.connection)).guard);

  const app = new Koa<AppState>({ proxy: config.trustProxy });
  app.use(requestContext(logger));
  app.use(requestLog());
  app.use(corsForOrigins([config.adminOrigin, config.h5Origin]));
  app.use(errorHandler());
  app.use(unmatchedRoutes());
  app.use(jsonBody());
  app.use(router.routes());
  app.use(router.allowedMethods());
  // After the API's routes, and limited to / and each app's mount path, so /api/* is never shadowed by a file.
  app.use(redirectRootToBuiltApp(builtApps));
  for (const builtApp of builtApps) app.use(serveBuiltApp(builtApp));
  return app;
}
