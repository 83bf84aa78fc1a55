import type { Middleware } from 'koa';
import type { Types } from 'mongoose';
import type { StaffRole } from '@mall/shared';
import type { AppState, RouteContext } from '../http/context.ts';
import { AppError } from '../http/errors.ts';
import type { StaffAccount, StaffModels } from './models.ts';
import { allowedRoles, type StaffAccess } from '@mall/shared';
import { findLiveSession } from './sessions.ts';

export interface SignedInStaff {
  staff: StaffAccount;
  sessionId: Types.ObjectId;
}

const BEARER = /^Bearer ([^\s]+)$/i;

export interface StaffAuth {
  /** 401 UNAUTHENTICATED without a live session of an active account; 403 FORBIDDEN for a role not in `roles`. */
  requireStaff(roles?: readonly StaffRole[]): Middleware<AppState, RouteContext>;
  /** The middleware a route's access level needs (none for public routes). */
  guard(access: 'public' | StaffAccess): Middleware<AppState, RouteContext>[];
}

export function createStaffAuth(models: StaffModels): StaffAuth {
  async function authenticate(ctx: RouteContext): Promise<SignedInStaff> {
    const token = BEARER.exec(ctx.get('Authorization'))?.[1];
    const session = token === undefined ? null : await findLiveSession(models, token);
    const staff = session && (await models.StaffAccount.findById(session.staffId).lean<StaffAccount>());
    if (!session || !staff?.active) throw new AppError('UNAUTHENTICATED');
    return { staff, sessionId: session._id };
  }

  function requireStaff(roles?: readonly StaffRole[]): Middleware<AppState, RouteContext> {
    return async (ctx, next) => {
      const auth = await authenticate(ctx);
      ctx.state.auth = auth;
      if (roles && !roles.includes(auth.staff.role)) throw new AppError('FORBIDDEN');
      await next();
    };
  }

  return {
    requireStaff,
    guard(access) {
      const roles = allowedRoles(access);
      return roles === null ? [] : [requireStaff(roles)];
    },
  };
}

/** The caller of a route guarded by `requireStaff`. */
export function signedInStaff(ctx: RouteContext): SignedInStaff {
  if (!ctx.state.auth) throw new AppError('UNAUTHENTICATED');
  return ctx.state.auth;
}
