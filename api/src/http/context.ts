import type { Middleware, ParameterizedContext } from 'koa';
import type { RouterContext } from '@koa/router';
import type { Logger } from 'pino';
import type { ErrorCode } from '@mall/shared';
import type { SignedInShopper } from '../customers/auth.ts';
import type { SignedInStaff } from '../staff/auth.ts';

/** Per-request state every middleware and handler can rely on (set up by `requestContext`). */
export interface AppState {
  requestId: string;
  /** A child of the app logger that carries the request id. */
  log: Logger;
  /** Request parts after zod validation (see validation.ts). */
  input: { body?: unknown; query?: unknown; params?: unknown };
  /** Set by `requireStaff` on routes that need a signed-in staff member. */
  auth?: SignedInStaff;
  /** Set by the shopper guard on routes with access `shopper`. */
  shopper?: SignedInShopper;
  /** The error code of the response, for the request log. */
  errorCode?: ErrorCode;
}

export type AppContext = ParameterizedContext<AppState>;
export type AppMiddleware = Middleware<AppState>;
export type RouteContext = RouterContext<AppState>;
