import type { Middleware } from 'koa';
import type { Types } from 'mongoose';
import type { AppState, RouteContext } from '../http/context.ts';
import { AppError } from '../http/errors.ts';
import type { CustomerModels, Shopper } from './models.ts';
import { findLiveShopperSession } from './sessions.ts';

export interface SignedInShopper {
  shopper: Shopper;
  sessionId: Types.ObjectId;
}

const BEARER = /^Bearer ([^\s]+)$/i;

export interface ShopperAuth {
  /** The middleware of routes with access `shopper`: 401 UNAUTHENTICATED without a live shopper session. */
  guard(): Middleware<AppState, RouteContext>[];
}

export function createShopperAuth(models: CustomerModels): ShopperAuth {
  const requireShopper: Middleware<AppState, RouteContext> = async (ctx, next) => {
    const token = BEARER.exec(ctx.get('Authorization'))?.[1];
    const session = token === undefined ? null : await findLiveShopperSession(models, token);
    const shopper = session && (await models.Shopper.findById(session.shopperId).lean<Shopper>());
    if (!session || !shopper) throw new AppError('UNAUTHENTICATED');
    ctx.state.shopper = { shopper, sessionId: session._id };
    await next();
  };
  return { guard: () => [requireShopper] };
}

/** The caller of a route with access `shopper`. */
export function signedInShopper(ctx: RouteContext): SignedInShopper {
  if (!ctx.state.shopper) throw new AppError('UNAUTHENTICATED');
  return ctx.state.shopper;
}
