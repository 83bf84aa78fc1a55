import {
  catalogIdParamsSchema,
  commissionRateListReplySchema,
  commissionRateReplySchema,
  guideIdParamsSchema,
  guideMonthPerformanceReplySchema,
  guideMonthQuerySchema,
  guideOrderPageSchema,
  guidePerformanceQuerySchema,
  guidePerformanceReplySchema,
  myGuideOrdersQuerySchema,
  myPerformanceQuerySchema,
  myPerformanceReplySchema,
  recomputePerformanceReplySchema,
  recomputePerformanceRequestSchema,
  setCommissionRateRequestSchema,
} from '@mall/shared';
import { signedInShopper } from '../customers/auth.ts';
import { defineRoute, type Route } from '../http/routes.ts';
import { signedInStaff } from '../staff/auth.ts';
import {
  guideMonthPerformance,
  guidePerformanceReport,
  listCommissionRates,
  myGuideOrders,
  myPerformance,
  recomputePerformance,
  setCategoryCommissionRate,
  setGuideCommissionRate,
  type PerformanceDependencies,
} from './service.ts';

/**
 * Guide performance: rankings and a guide's month for staff (read: every role, as the rest of the guides section;
 * rates and rebuilding: owner and operator), and the signed-in guide's own month and orders in the workbench.
 */
export function guidePerformanceRoutes(deps: PerformanceDependencies): Route[] {
  return [
    defineRoute({
      operationId: 'adminGuidePerformance',
      method: 'get',
      path: '/api/admin/guide-performance',
      summary: 'Every guide’s figures over Asia/Shanghai days from … to (at most 366), ranked, with the totals; optionally one store',
      tag: 'guide performance',
      access: 'guides.read',
      query: guidePerformanceQuerySchema,
      reply: { status: 200, description: 'The ranking and the totals', schema: guidePerformanceReplySchema },
      errors: ['DATE_RANGE_REVERSED', 'DATE_RANGE_TOO_LONG'],
      async handle(_ctx, { query }) {
        return guidePerformanceReport(deps, query);
      },
    }),
    defineRoute({
      operationId: 'adminGuideMonthPerformance',
      method: 'get',
      path: '/api/admin/guides/:id/performance',
      summary: "One guide's month (this month unless told): figures, every day, and a page of the orders paid in it with their commission",
      tag: 'guide performance',
      access: 'guides.read',
      params: guideIdParamsSchema,
      query: guideMonthQuerySchema,
      reply: { status: 200, description: 'The month', schema: guideMonthPerformanceReplySchema },
      errors: ['NOT_FOUND'],
      async handle(_ctx, { params, query }) {
        return guideMonthPerformance(deps, params.id, query);
      },
    }),
    defineRoute({
      operationId: 'adminCommissionRates',
      method: 'get',
      path: '/api/admin/commission-rates',
      summary: 'Every commission rate set, per guide and per category (a category rate wins over the guide rate for its lines)',
      tag: 'guide performance',
      access: 'guides.read',
      reply: { status: 200, description: 'The rates', schema: commissionRateListReplySchema },
      async handle() {
        return listCommissionRates(deps);
      },
    }),
    defineRoute({
      operationId: 'adminSetGuideCommissionRate',
      method: 'put',
      path: '/api/admin/guides/:id/commission-rate',
      summary: "Set (or with null remove) the guide's commission rate in basis points; orders paid from now on earn it",
      tag: 'guide performance',
      access: 'guides.write',
      params: guideIdParamsSchema,
      body: setCommissionRateRequestSchema,
      reply: { status: 200, description: 'The rate, or null when removed', schema: commissionRateReplySchema },
      errors: ['NOT_FOUND'],
      async handle(ctx, { params, body }) {
        return { rate: await setGuideCommissionRate(deps, params.id, body.rateBps, signedInStaff(ctx).staff._id) };
      },
    }),
    defineRoute({
      operationId: 'adminSetCategoryCommissionRate',
      method: 'put',
      path: '/api/admin/categories/:id/commission-rate',
      summary: "Set (or with null remove) a category's commission rate in basis points, for its products and its children's",
      tag: 'guide performance',
      access: 'guides.write',
      params: catalogIdParamsSchema,
      body: setCommissionRateRequestSchema,
      reply: { status: 200, description: 'The rate, or null when removed', schema: commissionRateReplySchema },
      errors: ['NOT_FOUND'],
      async handle(ctx, { params, body }) {
        return { rate: await setCategoryCommissionRate(deps, params.id, body.rateBps, signedInStaff(ctx).staff._id) };
      },
    }),
    defineRoute({
      operationId: 'adminRecomputeGuidePerformance',
      method: 'post',
      path: '/api/admin/guide-performance/recompute',
      summary:
        'Rebuild one guide’s rollups, or everyone’s, from the orders and refunds (after an incident, or for orders paid before rollups existed)',
      tag: 'guide performance',
      access: 'guides.write',
      body: recomputePerformanceRequestSchema,
      reply: { status: 200, description: 'What was rebuilt', schema: recomputePerformanceReplySchema },
      errors: ['NOT_FOUND'],
      async handle(_ctx, { body }) {
        return recomputePerformance(deps, body.guideId);
      },
    }),
    defineRoute({
      operationId: 'guideMyPerformance',
      method: 'get',
      path: '/api/guide/me/performance',
      summary: "The signed-in guide's month (this month unless told): figures, every day, rank in the store and among all guides",
      tag: 'guide workbench',
      access: 'shopper',
      query: myPerformanceQuerySchema,
      reply: { status: 200, description: 'The month', schema: myPerformanceReplySchema },
      errors: ['NOT_FOUND'],
      async handle(ctx, { query }) {
        return myPerformance(deps, signedInShopper(ctx).shopper._id, query.month);
      },
    }),
    defineRoute({
      operationId: 'guideMyOrders',
      method: 'get',
      path: '/api/guide/me/orders',
      summary: 'Orders attributed to the signed-in guide, newest first, with their commission',
      tag: 'guide workbench',
      access: 'shopper',
      query: myGuideOrdersQuerySchema,
      reply: { status: 200, description: 'One page of orders', schema: guideOrderPageSchema },
      errors: ['NOT_FOUND'],
      async handle(ctx, { query }) {
        return myGuideOrders(deps, signedInShopper(ctx).shopper._id, query);
      },
    }),
  ];
}
