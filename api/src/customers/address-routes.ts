import { Types } from 'mongoose';
import {
  MAX_ADDRESSES_PER_SHOPPER,
  addressIdParamsSchema,
  addressInputSchema,
  addressListReplySchema,
  addressReplySchema,
} from '@mall/shared';
import type { RouteContext } from '../http/context.ts';
import { defineRoute, type Route } from '../http/routes.ts';
import { createAddress, deleteAddress, findAddress, listAddresses, setDefaultAddress, updateAddress } from './addresses.ts';
import { signedInShopper } from './auth.ts';
import type { CustomerModels } from './models.ts';

const ADDRESS_PATH = '/api/shopper/addresses/:id';

/** The logged-in shopper's delivery addresses; another shopper's address id answers 404 like an unknown one. */
export function addressRoutes(models: CustomerModels): Route[] {
  const shopperIdOf = (ctx: RouteContext) => signedInShopper(ctx).shopper._id;
  return [
    defineRoute({
      operationId: 'shopperAddressList',
      method: 'get',
      path: '/api/shopper/addresses',
      summary: "The shopper's delivery addresses",
      tag: 'shopper',
      access: 'shopper',
      reply: { status: 200, description: 'The default address first, then the most recently added', schema: addressListReplySchema },
      async handle(ctx) {
        return { items: await listAddresses(models, shopperIdOf(ctx)), limit: MAX_ADDRESSES_PER_SHOPPER };
      },
    }),
    defineRoute({
      operationId: 'shopperAddressCreate',
      method: 'post',
      path: '/api/shopper/addresses',
      summary: 'Add a delivery address (the first one becomes the default)',
      tag: 'shopper',
      access: 'shopper',
      body: addressInputSchema,
      reply: { status: 201, description: 'The new address', schema: addressReplySchema },
      errors: ['ADDRESS_LIMIT_REACHED', 'CONFLICT'],
      async handle(ctx, { body }) {
        return { address: await createAddress(models, shopperIdOf(ctx), body) };
      },
    }),
    defineRoute({
      operationId: 'shopperAddressGet',
      method: 'get',
      path: ADDRESS_PATH,
      summary: 'One delivery address',
      tag: 'shopper',
      access: 'shopper',
      params: addressIdParamsSchema,
      reply: { status: 200, description: 'The address', schema: addressReplySchema },
      errors: ['NOT_FOUND'],
      async handle(ctx, { params }) {
        return { address: await findAddress(models, shopperIdOf(ctx), new Types.ObjectId(params.id)) };
      },
    }),
    defineRoute({
      operationId: 'shopperAddressUpdate',
      method: 'put',
      path: ADDRESS_PATH,
      summary: 'Replace a delivery address (isDefault: true makes it the default)',
      tag: 'shopper',
      access: 'shopper',
      params: addressIdParamsSchema,
      body: addressInputSchema,
      reply: { status: 200, description: 'The updated address', schema: addressReplySchema },
      errors: ['NOT_FOUND', 'CONFLICT'],
      async handle(ctx, { params, body }) {
        return { address: await updateAddress(models, shopperIdOf(ctx), new Types.ObjectId(params.id), body) };
      },
    }),
    defineRoute({
      operationId: 'shopperAddressDelete',
      method: 'delete',
      path: ADDRESS_PATH,
      summary: 'Delete a delivery address (deleting the default promotes the most recently added)',
      tag: 'shopper',
      access: 'shopper',
      params: addressIdParamsSchema,
      reply: { status: 204, description: 'Deleted', schema: undefined },
      errors: ['NOT_FOUND', 'CONFLICT'],
      async handle(ctx, { params }) {
        await deleteAddress(models, shopperIdOf(ctx), new Types.ObjectId(params.id));
      },
    }),
    defineRoute({
      operationId: 'shopperAddressSetDefault',
      method: 'post',
      path: `${ADDRESS_PATH}/default`,
      summary: 'Make an address the default',
      tag: 'shopper',
      access: 'shopper',
      params: addressIdParamsSchema,
      reply: { status: 200, description: 'The new default address', schema: addressReplySchema },
      errors: ['NOT_FOUND', 'CONFLICT'],
      async handle(ctx, { params }) {
        return { address: await setDefaultAddress(models, shopperIdOf(ctx), new Types.ObjectId(params.id)) };
      },
    }),
  ];
}
