import {
  adminAfterSaleListQuerySchema,
  adminAfterSaleReplySchema,
  afterSaleListQuerySchema,
  afterSaleListReplySchema,
  afterSaleNoParamsSchema,
  afterSaleReplySchema,
  approveAfterSaleRequestSchema,
  createAfterSaleRequestSchema,
  imageContentTypes,
  imageReplySchema,
  orderAfterSalesReplySchema,
  orderNoParamsSchema,
  rejectAfterSaleRequestSchema,
  returnShipmentRequestSchema,
} from '@mall/shared';
import { readImageOrMultipartUpload } from '../catalog/image-upload.ts';
import { signedInShopper } from '../customers/auth.ts';
import { defineRoute, type Route } from '../http/routes.ts';
import type { CommerceDependencies } from '../orders/dependencies.ts';
import { signedInStaff } from '../staff/auth.ts';
import {
  approveAfterSale,
  cancelAfterSale,
  confirmReturnReceived,
  createAfterSale,
  getAdminAfterSale,
  getShopperAfterSale,
  listAdminAfterSales,
  listShopperAfterSales,
  orderAfterSales,
  rejectAfterSale,
  retryRefund,
  shipReturn,
} from './service.ts';

/** Where shoppers upload the photos of an after-sales request. */
export const SHOPPER_IMAGES_PATH = '/api/shopper/images';

function shopperAfterSaleRoutes(deps: CommerceDependencies): Route[] {
  return [
    defineRoute({
      operationId: 'shopperUploadImage',
      method: 'post',
      path: SHOPPER_IMAGES_PATH,
      summary:
        'Upload a photo (for an after-sales request): multipart/form-data with the image in the `file` part (wx.uploadFile), or the raw bytes; JPEG, PNG or WebP, at most 5 MB',
      tag: 'after-sales',
      access: 'shopper',
      rawBody: { contentTypes: ['multipart/form-data', ...imageContentTypes] },
      reply: { status: 201, description: 'The stored image (equal bytes give the same id)', schema: imageReplySchema },
      errors: ['PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'MALFORMED_REQUEST'],
      async handle(ctx) {
        const upload = await readImageOrMultipartUpload(ctx);
        return { image: await deps.images.put(upload.data, upload.contentType) };
      },
    }),
    defineRoute({
      operationId: 'orderAfterSales',
      method: 'get',
      path: '/api/orders/:orderNo/after-sales',
      summary: "The order's after-sales requests, what is still refundable, and whether a new request can be made (blockedBy)",
      tag: 'after-sales',
      access: 'shopper',
      params: orderNoParamsSchema,
      reply: { status: 200, description: "The order's after-sales", schema: orderAfterSalesReplySchema },
      errors: ['NOT_FOUND'],
      async handle(ctx, { params }) {
        return orderAfterSales(deps, signedInShopper(ctx).shopper._id, params.orderNo);
      },
    }),
    defineRoute({
      operationId: 'afterSaleCreate',
      method: 'post',
      path: '/api/after-sales',
      summary: 'Ask for a refund (refund only, or return and refund) of a paid, shipped or completed order; one open request per order',
      tag: 'after-sales',
      access: 'shopper',
      body: createAfterSaleRequestSchema,
      reply: { status: 201, description: 'The request', schema: afterSaleReplySchema },
      errors: ['NOT_FOUND', 'AFTER_SALE_NOT_ALLOWED', 'AFTER_SALE_ALREADY_OPEN', 'AFTER_SALE_LIMIT_REACHED', 'REFUND_AMOUNT_EXCEEDED'],
      async handle(ctx, { body }) {
        return { afterSale: await createAfterSale(deps, signedInShopper(ctx).shopper._id, body, ctx.state.log) };
      },
    }),
    defineRoute({
      operationId: 'afterSaleList',
      method: 'get',
      path: '/api/after-sales',
      summary: "The shopper's after-sales requests, newest first, optionally in one status or all open ones",
      tag: 'after-sales',
      access: 'shopper',
      query: afterSaleListQuerySchema,
      reply: { status: 200, description: 'One page of requests', schema: afterSaleListReplySchema },
      async handle(ctx, { query }) {
        return listShopperAfterSales(deps, signedInShopper(ctx).shopper._id, query);
      },
    }),
    defineRoute({
      operationId: 'afterSaleGet',
      method: 'get',
      path: '/api/after-sales/:afterSaleNo',
      summary: 'One of the shopper’s requests with its refund and history',
      tag: 'after-sales',
      access: 'shopper',
      params: afterSaleNoParamsSchema,
      reply: { status: 200, description: 'The request', schema: afterSaleReplySchema },
      errors: ['NOT_FOUND'],
      async handle(ctx, { params }) {
        return { afterSale: await getShopperAfterSale(deps, signedInShopper(ctx).shopper._id, params.afterSaleNo) };
      },
    }),
    defineRoute({
      operationId: 'afterSaleCancel',
      method: 'post',
      path: '/api/after-sales/:afterSaleNo/cancel',
      summary: 'Withdraw a request that is awaiting review or awaiting the return; the order goes back to where it was',
      tag: 'after-sales',
      access: 'shopper',
      params: afterSaleNoParamsSchema,
      reply: { status: 200, description: 'The cancelled request', schema: afterSaleReplySchema },
      errors: ['NOT_FOUND', 'AFTER_SALE_STATUS_CONFLICT'],
      async handle(ctx, { params }) {
        return { afterSale: await cancelAfterSale(deps, signedInShopper(ctx).shopper._id, params.afterSaleNo, ctx.state.log) };
      },
    }),
    defineRoute({
      operationId: 'afterSaleShipReturn',
      method: 'post',
      path: '/api/after-sales/:afterSaleNo/return-shipment',
      summary: 'The goods of an approved return were sent back: carrier and tracking number',
      tag: 'after-sales',
      access: 'shopper',
      params: afterSaleNoParamsSchema,
      body: returnShipmentRequestSchema,
      reply: { status: 200, description: 'The request, awaiting the merchant’s receipt', schema: afterSaleReplySchema },
      errors: ['NOT_FOUND', 'AFTER_SALE_STATUS_CONFLICT'],
      async handle(ctx, { params, body }) {
        return { afterSale: await shipReturn(deps, signedInShopper(ctx).shopper._id, params.afterSaleNo, body) };
      },
    }),
  ];
}

function adminAfterSaleRoutes(deps: CommerceDependencies): Route[] {
  return [
    defineRoute({
      operationId: 'adminAfterSaleList',
      method: 'get',
      path: '/api/admin/after-sales',
      summary: 'The after-sales queue, newest first: by status (or all open), kind and order number',
      tag: 'after-sales admin',
      access: 'after_sales.read',
      query: adminAfterSaleListQuerySchema,
      reply: { status: 200, description: 'One page of requests', schema: afterSaleListReplySchema },
      async handle(_ctx, { query }) {
        return listAdminAfterSales(deps, query);
      },
    }),
    defineRoute({
      operationId: 'adminAfterSaleGet',
      method: 'get',
      path: '/api/admin/after-sales/:afterSaleNo',
      summary: 'A request with its history, the order (refunded and still refundable amounts) and every refund of the order',
      tag: 'after-sales admin',
      access: 'after_sales.read',
      params: afterSaleNoParamsSchema,
      reply: { status: 200, description: 'The request and its order', schema: adminAfterSaleReplySchema },
      errors: ['NOT_FOUND'],
      async handle(_ctx, { params }) {
        return getAdminAfterSale(deps, params.afterSaleNo);
      },
    }),
    defineRoute({
      operationId: 'adminAfterSaleApprove',
      method: 'post',
      path: '/api/admin/after-sales/:afterSaleNo/approve',
      summary:
        'Approve with an amount (≤ requested and refundable) and a restock choice: refund only is refunded now, a return waits for the goods',
      tag: 'after-sales admin',
      access: 'after_sales.write',
      params: afterSaleNoParamsSchema,
      body: approveAfterSaleRequestSchema,
      reply: { status: 200, description: 'The request and its order', schema: adminAfterSaleReplySchema },
      errors: ['NOT_FOUND', 'AFTER_SALE_STATUS_CONFLICT', 'REFUND_AMOUNT_EXCEEDED'],
      async handle(ctx, { params, body }) {
        return approveAfterSale(deps, signedInStaff(ctx).staff._id, params.afterSaleNo, body, ctx.state.log);
      },
    }),
    defineRoute({
      operationId: 'adminAfterSaleReject',
      method: 'post',
      path: '/api/admin/after-sales/:afterSaleNo/reject',
      summary: 'Reject with a reason (before the refund is requested); the order goes back to where it was',
      tag: 'after-sales admin',
      access: 'after_sales.write',
      params: afterSaleNoParamsSchema,
      body: rejectAfterSaleRequestSchema,
      reply: { status: 200, description: 'The request and its order', schema: adminAfterSaleReplySchema },
      errors: ['NOT_FOUND', 'AFTER_SALE_STATUS_CONFLICT'],
      async handle(ctx, { params, body }) {
        return rejectAfterSale(deps, signedInStaff(ctx).staff._id, params.afterSaleNo, body.reason, ctx.state.log);
      },
    }),
    defineRoute({
      operationId: 'adminAfterSaleConfirmReturn',
      method: 'post',
      path: '/api/admin/after-sales/:afterSaleNo/confirm-return',
      summary: 'The returned goods arrived: the refund is requested',
      tag: 'after-sales admin',
      access: 'after_sales.write',
      params: afterSaleNoParamsSchema,
      reply: { status: 200, description: 'The request and its order', schema: adminAfterSaleReplySchema },
      errors: ['NOT_FOUND', 'AFTER_SALE_STATUS_CONFLICT'],
      async handle(ctx, { params }) {
        return confirmReturnReceived(deps, signedInStaff(ctx).staff._id, params.afterSaleNo, ctx.state.log);
      },
    }),
    defineRoute({
      operationId: 'adminAfterSaleRetryRefund',
      method: 'post',
      path: '/api/admin/after-sales/:afterSaleNo/retry-refund',
      summary: 'Request a refund WeChat Pay closed or reported abnormal again, under the next attempt’s refund number',
      tag: 'after-sales admin',
      access: 'after_sales.write',
      params: afterSaleNoParamsSchema,
      reply: { status: 200, description: 'The request and its order', schema: adminAfterSaleReplySchema },
      errors: ['NOT_FOUND', 'AFTER_SALE_STATUS_CONFLICT', 'AFTER_SALE_LIMIT_REACHED', 'REFUND_AMOUNT_EXCEEDED'],
      async handle(ctx, { params }) {
        return retryRefund(deps, signedInStaff(ctx).staff._id, params.afterSaleNo, ctx.state.log);
      },
    }),
  ];
}

export function afterSaleRoutes(deps: CommerceDependencies): Route[] {
  return [...shopperAfterSaleRoutes(deps), ...adminAfterSaleRoutes(deps)];
}
