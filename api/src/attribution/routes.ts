import {
  attributionSettingsReplySchema,
  customerBindingReplySchema,
  customerIdParamsSchema,
  customerListQuerySchema,
  customerListReplySchema,
  guideCustomerListQuerySchema,
  guideCustomerListReplySchema,
  myGuideReplySchema,
  recordTouchReplySchema,
  recordTouchRequestSchema,
  updateAttributionSettingsRequestSchema,
} from '@mall/shared';
import { signedInShopper } from '../customers/auth.ts';
import { defineRoute, type Route } from '../http/routes.ts';
import { customerBinding, listCustomers, listGuideCustomers, type CustomerViewDependencies } from './customer-views.ts';
import { explainBinding, getAttributionSettings, recordTouch, updateAttributionSettings } from './service.ts';

/** Touches and "my guide" for shoppers; a guide's own customers in the workbench; attribution settings and customers with their binding for staff. */
export function attributionRoutes(deps: CustomerViewDependencies): Route[] {
  return [
    defineRoute({
      operationId: 'recordGuideTouch',
      method: 'post',
      path: '/api/touches',
      summary: 'Record an entry through a guide code (shop link, share, poster, live room) and apply the binding rules',
      tag: 'attribution',
      access: 'shopper',
      body: recordTouchRequestSchema,
      reply: { status: 200, description: "What the touch did and the shopper's guide after it", schema: recordTouchReplySchema },
      errors: ['GUIDE_NOT_FOUND', 'GUIDE_LEFT', 'CONFLICT'],
      async handle(ctx, { body }) {
        return recordTouch(deps, signedInShopper(ctx).shopper._id, body);
      },
    }),
    defineRoute({
      operationId: 'myGuide',
      method: 'get',
      path: '/api/me/guide',
      summary: "The shopper's guide (专属导购) and why: since when, protected until when, because of what",
      tag: 'attribution',
      access: 'shopper',
      reply: { status: 200, description: 'The binding, or null before any guide', schema: myGuideReplySchema },
      async handle(ctx) {
        return { binding: await explainBinding(deps, signedInShopper(ctx).shopper._id) };
      },
    }),
    defineRoute({
      operationId: 'guideMyCustomers',
      method: 'get',
      path: '/api/guide/me/customers',
      summary: "The signed-in guide's customers (我的客户), newest binding first, with the last purchase and WeCom status",
      tag: 'attribution',
      access: 'shopper',
      query: guideCustomerListQuerySchema,
      reply: { status: 200, description: "One page of the guide's customers", schema: guideCustomerListReplySchema },
      errors: ['NOT_FOUND', 'GUIDE_LEFT'],
      async handle(ctx, { query }) {
        return listGuideCustomers(deps, signedInShopper(ctx).shopper._id, query);
      },
    }),
    defineRoute({
      operationId: 'adminAttributionSettings',
      method: 'get',
      path: '/api/admin/settings/attribution',
      summary: 'The protection period and the store that takes shoppers without a guide at payment',
      tag: 'attribution admin',
      access: 'signed-in',
      reply: { status: 200, description: 'The settings (defaults until changed)', schema: attributionSettingsReplySchema },
      async handle() {
        return { settings: await getAttributionSettings(deps) };
      },
    }),
    defineRoute({
      operationId: 'adminUpdateAttributionSettings',
      method: 'put',
      path: '/api/admin/settings/attribution',
      summary: 'Change the protection period (applies to bindings made from now on) or the assignment store',
      tag: 'attribution admin',
      access: 'settings.write',
      body: updateAttributionSettingsRequestSchema,
      reply: { status: 200, description: 'The settings as changed', schema: attributionSettingsReplySchema },
      errors: ['NOT_FOUND', 'STORE_CLOSED'],
      async handle(_ctx, { body }) {
        return { settings: await updateAttributionSettings(deps, body) };
      },
    }),
    defineRoute({
      operationId: 'adminListCustomers',
      method: 'get',
      path: '/api/admin/customers',
      summary: 'Customers newest first with their guide; by guide, unbound only, or keyword',
      tag: 'attribution admin',
      access: 'customers.read',
      query: customerListQuerySchema,
      reply: { status: 200, description: 'One page of customers', schema: customerListReplySchema },
      async handle(_ctx, { query }) {
        return listCustomers(deps, query);
      },
    }),
    defineRoute({
      operationId: 'adminCustomerBinding',
      method: 'get',
      path: '/api/admin/customers/:id/binding',
      summary: "A customer's guide with the explanation, the binding history and the latest touches",
      tag: 'attribution admin',
      access: 'customers.read',
      params: customerIdParamsSchema,
      reply: { status: 200, description: 'The binding, its history and touches', schema: customerBindingReplySchema },
      errors: ['NOT_FOUND'],
      async handle(_ctx, { params }) {
        return customerBinding(deps, params.id);
      },
    }),
  ];
}
