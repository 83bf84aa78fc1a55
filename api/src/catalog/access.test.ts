import type { Response, Test } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffRoles, type StaffRole } from '@mall/shared';
import {
  addCategory,
  addOnSaleProduct,
  addProduct,
  PNG_BYTES,
  productRequest,
  startCatalogTest,
  type CatalogTestContext,
} from '../testing/catalog.ts';

let context: CatalogTestContext;
let leafId: string;
let counter = 0;
const unique = (prefix: string) => `${prefix}${(counter += 1)}`;

beforeAll(async () => {
  context = await startCatalogTest();
  leafId = (await addCategory(context, '权限')).id;
});

afterAll(async () => {
  await context.stop();
});

type Call = (authorize: (request: Test) => Test) => Promise<Response>;

/**
 * Every catalog route with a request that succeeds for a role allowed to make it (each call sets up its own
 * fixture, so a delete has something to delete). The matrix is written out here on purpose: changing who may
 * do what takes a change to shared/src/api/permissions.ts and to this table.
 */
const endpoints: { name: string; access: 'read' | 'write' | 'public'; success: number; call: Call }[] = [
  { name: 'GET /api/admin/categories', access: 'read', success: 200, call: (as) => as(context.api.http.get('/api/admin/categories')) },
  {
    name: 'POST /api/admin/categories',
    access: 'write',
    success: 201,
    call: (as) => as(context.api.http.post('/api/admin/categories')).send({ name: unique('新分类') }),
  },
  {
    name: 'PUT /api/admin/categories/order',
    access: 'write',
    success: 200,
    call: async (as) => {
      const parent = await addCategory(context, unique('排序'));
      const child = await addCategory(context, '子', parent.id);
      return as(context.api.http.put('/api/admin/categories/order')).send({ parentId: parent.id, ids: [child.id] });
    },
  },
  {
    name: 'PATCH /api/admin/categories/:id',
    access: 'write',
    success: 200,
    call: async (as) =>
      as(context.api.http.patch(`/api/admin/categories/${(await addCategory(context, unique('改名'))).id}`)).send({
        name: unique('已改名'),
      }),
  },
  {
    name: 'DELETE /api/admin/categories/:id',
    access: 'write',
    success: 204,
    call: async (as) => as(context.api.http.delete(`/api/admin/categories/${(await addCategory(context, unique('删除'))).id}`)),
  },
  { name: 'GET /api/admin/products', access: 'read', success: 200, call: (as) => as(context.api.http.get('/api/admin/products')) },
  {
    name: 'GET /api/admin/products/:id',
    access: 'read',
    success: 200,
    call: async (as) => as(context.api.http.get(`/api/admin/products/${(await addProduct(context, productRequest(leafId))).id}`)),
  },
  {
    name: 'POST /api/admin/products',
    access: 'write',
    success: 201,
    call: (as) => as(context.api.http.post('/api/admin/products')).send(productRequest(leafId)),
  },
  {
    name: 'PUT /api/admin/products/:id',
    access: 'write',
    success: 200,
    call: async (as) => {
      const product = await addProduct(context, productRequest(leafId));
      return as(context.api.http.put(`/api/admin/products/${product.id}`)).send({ ...productRequest(leafId), version: product.version });
    },
  },
  {
    name: 'POST /api/admin/products/:id/status',
    access: 'write',
    success: 200,
    call: async (as) => {
      const product = await addOnSaleProduct(context, productRequest(leafId));
      return as(context.api.http.post(`/api/admin/products/${product.id}/status`)).send({ status: 'off_sale' });
    },
  },
  {
    name: 'DELETE /api/admin/products/:id',
    access: 'write',
    success: 204,
    call: async (as) => as(context.api.http.delete(`/api/admin/products/${(await addProduct(context, productRequest(leafId))).id}`)),
  },
  {
    name: 'PUT /api/admin/products/:id/skus/:skuId/stock',
    access: 'write',
    success: 200,
    call: async (as) => {
      const product = await addProduct(context, productRequest(leafId));
      return as(context.api.http.put(`/api/admin/products/${product.id}/skus/${product.skus[0]!.id}/stock`)).send({ available: 9 });
    },
  },
  {
    name: 'POST /api/admin/products/:id/skus/:skuId/stock-adjustments',
    access: 'write',
    success: 200,
    call: async (as) => {
      const product = await addProduct(context, productRequest(leafId));
      return as(context.api.http.post(`/api/admin/products/${product.id}/skus/${product.skus[0]!.id}/stock-adjustments`)).send({
        delta: 1,
      });
    },
  },
  {
    name: 'POST /api/admin/images',
    access: 'write',
    success: 201,
    call: (as) => as(context.api.http.post('/api/admin/images')).set('Content-Type', 'image/png').send(PNG_BYTES),
  },
  { name: 'GET /api/categories', access: 'public', success: 200, call: (as) => as(context.api.http.get('/api/categories')) },
  { name: 'GET /api/products', access: 'public', success: 200, call: (as) => as(context.api.http.get('/api/products')) },
  {
    name: 'GET /api/products/:id',
    access: 'public',
    success: 200,
    call: async (as) => as(context.api.http.get(`/api/products/${(await addOnSaleProduct(context, productRequest(leafId))).id}`)),
  },
  {
    name: 'GET /api/images/:id',
    access: 'public',
    success: 200,
    call: async (as) => {
      const upload = await context.api.http
        .post('/api/admin/images')
        .set('Authorization', `Bearer ${context.tokens.owner}`)
        .set('Content-Type', 'image/png')
        .send(PNG_BYTES);
      return as(context.api.http.get(upload.body.image.url));
    },
  },
];

const allowed: Record<'read' | 'write', readonly StaffRole[]> = {
  read: ['owner', 'operator', 'store_manager', 'viewer'],
  write: ['owner', 'operator'],
};

describe('catalog access', () => {
  for (const endpoint of endpoints) {
    if (endpoint.access === 'public') {
      it(`anyone: ${endpoint.name} → ${endpoint.success}`, async () => {
        expect((await endpoint.call((request) => request)).status).toBe(endpoint.success);
      });
      continue;
    }
    for (const role of staffRoles) {
      const expected = allowed[endpoint.access].includes(role) ? endpoint.success : 403;
      it(`${role}: ${endpoint.name} → ${expected}`, async () => {
        const response = await endpoint.call((request) => request.set('Authorization', `Bearer ${context.tokens[role]}`));
        expect(response.status, JSON.stringify(response.body)).toBe(expected);
        if (expected === 403) expect(response.body.error.code).toBe('FORBIDDEN');
      });
    }
    it(`anonymous: ${endpoint.name} → 401`, async () => {
      const response = await endpoint.call((request) => request);
      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe('UNAUTHENTICATED');
    });
  }

  it('checks the role before the body, so a forbidden caller learns nothing from validation', async () => {
    const response = await context.api.http
      .post('/api/admin/products')
      .set('Authorization', `Bearer ${context.tokens.viewer}`)
      .send({ nonsense: true });
    expect(response.status).toBe(403);
  });
});
