import {
  IDEMPOTENCY_KEY_HEADER,
  createHandoverRequestSchema,
  guideIdParamsSchema,
  handoverDetailQuerySchema,
  handoverIdParamsSchema,
  handoverListQuerySchema,
  handoverListReplySchema,
  handoverReplySchema,
  idempotencyKeySchema,
} from '@mall/shared';
import type { RouteContext } from '../http/context.ts';
import { AppError } from '../http/errors.ts';
import { defineRoute, type Route } from '../http/routes.ts';
import { signedInStaff } from '../staff/auth.ts';
import type { InheritanceDependencies } from './dependencies.ts';
import { createHandover } from './service.ts';
import { handoverReply, listHandovers } from './views.ts';

/** The request's Idempotency-Key: 400 VALIDATION_FAILED (naming the header) when it is missing or malformed. */
function idempotencyKeyOf(ctx: RouteContext): string {
  const parsed = idempotencyKeySchema.safeParse(ctx.get(IDEMPOTENCY_KEY_HEADER) || undefined);
  if (parsed.success) return parsed.data;
  throw new AppError('VALIDATION_FAILED', {
    details: parsed.error.issues.map((issue) => ({
      in: 'header',
      path: [IDEMPOTENCY_KEY_HEADER],
      code: issue.code,
      message: issue.message,
    })),
  });
}

/** 客户转移 in the staff console: hand a guide's customers over (writers), and follow what became of each (every role). */
export function inheritanceRoutes(deps: InheritanceDependencies): Route[] {
  return [
    defineRoute({
      operationId: 'adminCreateHandover',
      method: 'post',
      path: '/api/admin/guides/:id/handovers',
      summary:
        'Hand all or the named customers of a guide (on duty or left) over to an active guide: bindings move at once, WeCom transfers are requested; needs an Idempotency-Key header (the same key answers the handover it made)',
      tag: 'inheritance admin',
      access: 'guides.write',
      params: guideIdParamsSchema,
      body: createHandoverRequestSchema,
      reply: {
        status: 201,
        description: 'The handover with the first page of its customers (the earlier one when the key was used before)',
        schema: handoverReplySchema,
      },
      errors: ['NOT_FOUND', 'HANDOVER_SAME_GUIDE', 'HANDOVER_TARGET_LEFT', 'IDEMPOTENCY_KEY_REUSED', 'CONFLICT'],
      async handle(ctx, { params, body }) {
        const idempotencyKey = idempotencyKeyOf(ctx);
        return createHandover(
          deps,
          { byStaffId: signedInStaff(ctx).staff._id, fromGuideId: params.id, request: body, idempotencyKey },
          ctx.state.log,
        );
      },
    }),
    defineRoute({
      operationId: 'adminListHandovers',
      method: 'get',
      path: '/api/admin/handovers',
      summary: 'Handovers newest first, with counts of outcomes and WeCom transfers; a guide’s (from or to them) with guideId',
      tag: 'inheritance admin',
      access: 'guides.read',
      query: handoverListQuerySchema,
      reply: { status: 200, description: 'One page of handovers', schema: handoverListReplySchema },
      async handle(_ctx, { query }) {
        return listHandovers(deps, query);
      },
    }),
    defineRoute({
      operationId: 'adminHandover',
      method: 'get',
      path: '/api/admin/handovers/:id',
      summary: "A handover with a page of its customers' outcomes and WeCom transfer statuses",
      tag: 'inheritance admin',
      access: 'guides.read',
      params: handoverIdParamsSchema,
      query: handoverDetailQuerySchema,
      reply: { status: 200, description: 'The handover and one page of its customers', schema: handoverReplySchema },
      errors: ['NOT_FOUND'],
      async handle(_ctx, { params, query }) {
        return handoverReply(deps, params.id, query);
      },
    }),
  ];
}
