import {
  adminOrderFilterSchema,
  adminOrderListQuerySchema,
  adminOrderListReplySchema,
  adminOrderReplySchema,
  logisticsTraceReplySchema,
  orderNoParamsSchema,
  orderReplySchema,
  shipOrderRequestSchema,
} from '@mall/shared';
import { signedInShopper } from '../customers/auth.ts';
import { defineRoute, type Route } from '../http/routes.ts';
import { toOrderView } from '../orders/views.ts';
import { findOwnOrder } from '../payments/service.ts';
import { signedInStaff } from '../staff/auth.ts';
import { exportOrdersCsv } from './export.ts';
import {
  confirmReceipt,
  findOrder,
  listMerchantOrders,
  logisticsTraceOf,
  merchantOrderReply,
  shipOrder,
  type FulfilmentDependencies,
} from './service.ts';

const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

/** `orders-20260102-1005.csv`, Beijing time. */
function exportFileName(now: Date): string {
  const shifted = new Date(now.getTime() + 8 * 60 * 60_000).toISOString();
  return `orders-${shifted.slice(0, 10).replaceAll('-', '')}-${shifted.slice(11, 16).replace(':', '')}.csv`;
}

/**
 * The merchant's orders (list, detail, ship, logistics, CSV export) and the shopper's side of fulfilment
 * (logistics of an own order, confirming receipt).
 */
export function fulfilmentRoutes(deps: FulfilmentDependencies): Route[] {
  return [
    defineRoute({
      operationId: 'adminOrderList',
      method: 'get',
      path: '/api/admin/orders',
      summary: 'Orders, newest first: by status (or the refund group), order number / recipient phone / recipient name, Asia/Shanghai days',
      tag: 'fulfilment',
      access: 'orders.read',
      query: adminOrderListQuerySchema,
      reply: { status: 200, description: 'One page of orders, without their history', schema: adminOrderListReplySchema },
      async handle(_ctx, { query }) {
        return listMerchantOrders(deps, query);
      },
    }),
    // Before `/api/admin/orders/:orderNo`, which would otherwise take `export` for an order number.
    defineRoute({
      operationId: 'adminOrderExport',
      method: 'get',
      path: '/api/admin/orders/export',
      summary: 'The orders the filters select as CSV (UTF-8 with BOM, amounts in yuan), at most 5000',
      tag: 'fulfilment',
      access: 'orders.read',
      query: adminOrderFilterSchema,
      reply: { status: 200, description: 'A CSV file', schema: undefined, binaryContentTypes: [CSV_CONTENT_TYPE] },
      errors: ['EXPORT_TOO_LARGE'],
      async handle(ctx, { query }) {
        const csv = await exportOrdersCsv(deps, query);
        ctx.type = CSV_CONTENT_TYPE;
        ctx.set('Content-Disposition', `attachment; filename="${exportFileName(deps.now())}"`);
        ctx.set('Cache-Control', 'no-store');
        ctx.body = csv;
      },
    }),
    defineRoute({
      operationId: 'adminOrderGet',
      method: 'get',
      path: '/api/admin/orders/:orderNo',
      summary: 'One order: lines, amounts, address, payment, shipping, WeChat shipping upload and the full history',
      tag: 'fulfilment',
      access: 'orders.read',
      params: orderNoParamsSchema,
      reply: { status: 200, description: 'The order, with the names of the staff in its history', schema: adminOrderReplySchema },
      errors: ['NOT_FOUND'],
      async handle(_ctx, { params }) {
        return merchantOrderReply(deps, await findOrder(deps, params.orderNo));
      },
    }),
    defineRoute({
      operationId: 'adminOrderShip',
      method: 'post',
      path: '/api/admin/orders/:orderNo/ship',
      summary: 'Ship a paid order (carrier and tracking number), then upload the shipment to WeChat (retried by a job if WeChat fails)',
      tag: 'fulfilment',
      access: 'orders.write',
      params: orderNoParamsSchema,
      body: shipOrderRequestSchema,
      reply: { status: 200, description: 'The shipped order', schema: adminOrderReplySchema },
      errors: ['NOT_FOUND', 'ORDER_STATUS_CONFLICT'],
      async handle(ctx, { params, body }) {
        const staffId = signedInStaff(ctx).staff._id.toHexString();
        return merchantOrderReply(deps, await shipOrder(deps, params.orderNo, body, staffId, ctx.state.log));
      },
    }),
    defineRoute({
      operationId: 'adminOrderLogistics',
      method: 'get',
      path: '/api/admin/orders/:orderNo/logistics',
      summary: "The shipped order's logistics trace (cached for 10 minutes)",
      tag: 'fulfilment',
      access: 'orders.read',
      params: orderNoParamsSchema,
      reply: { status: 200, description: 'The trace, newest event first', schema: logisticsTraceReplySchema },
      errors: ['NOT_FOUND', 'ORDER_STATUS_CONFLICT', 'PLATFORM_ERROR', 'PLATFORM_NOT_CONFIGURED'],
      async handle(_ctx, { params }) {
        return { trace: await logisticsTraceOf(deps, await findOrder(deps, params.orderNo)) };
      },
    }),
    defineRoute({
      operationId: 'orderLogistics',
      method: 'get',
      path: '/api/orders/:orderNo/logistics',
      summary: "The logistics trace of one of the shopper's shipped orders (cached for 10 minutes)",
      tag: 'orders',
      access: 'shopper',
      params: orderNoParamsSchema,
      reply: { status: 200, description: 'The trace, newest event first', schema: logisticsTraceReplySchema },
      errors: ['NOT_FOUND', 'ORDER_STATUS_CONFLICT', 'PLATFORM_ERROR', 'PLATFORM_NOT_CONFIGURED'],
      async handle(ctx, { params }) {
        const order = await findOwnOrder(deps, signedInShopper(ctx).shopper._id, params.orderNo);
        return { trace: await logisticsTraceOf(deps, order) };
      },
    }),
    defineRoute({
      operationId: 'orderConfirmReceipt',
      method: 'post',
      path: '/api/orders/:orderNo/confirm-receipt',
      summary: 'Confirm receipt of a shipped order (确认收货): it is completed',
      tag: 'orders',
      access: 'shopper',
      params: orderNoParamsSchema,
      reply: { status: 200, description: 'The completed order', schema: orderReplySchema },
      errors: ['NOT_FOUND', 'ORDER_STATUS_CONFLICT'],
      async handle(ctx, { params }) {
        const shopperId = signedInShopper(ctx).shopper._id;
        const order = await findOwnOrder(deps, shopperId, params.orderNo);
        return { order: toOrderView(deps.images, await confirmReceipt(deps, order, shopperId.toHexString())) };
      },
    }),
  ];
}
