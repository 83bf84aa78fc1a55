import type { Test } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminProduct, CreateProductRequest } from '@mall/shared';
import { addCategory, addProduct, productRequest, startCatalogTest, type CatalogTestContext } from '../testing/catalog.ts';

let context: CatalogTestContext;
let leafId: string;
let product: AdminProduct;

const MISSING_ID = '0123456789abcdef01234567';

beforeAll(async () => {
  context = await startCatalogTest();
  leafId = (await addCategory(context, '坏输入')).id;
  product = await addProduct(context, productRequest(leafId));
});

afterAll(async () => {
  await context.stop();
});

const asOwner = (request: Test) => request.set('Authorization', `Bearer ${context.tokens.owner}`);
const valid = (): CreateProductRequest => productRequest(leafId);
const withSkus = (skus: CreateProductRequest['skus'], specs: CreateProductRequest['specs'] = []) => ({ ...valid(), specs, skus });

interface BadCase {
  name: string;
  send(): Test;
  status: number;
  code: string;
  /** For validation failures: the path of (one of) the issues reported. */
  path?: (string | number)[];
}

/** Called once the category exists (the bodies name it). */
const productBodies = (): [string, unknown, (string | number)[]?][] => [
  ['no body fields', {}],
  ['an unknown field', { ...valid(), status: 'on_sale' }, []],
  ['an empty title', { ...valid(), title: '   ' }, ['title']],
  ['a 61-character title', { ...valid(), title: '长'.repeat(61) }, ['title']],
  ['a title that is a number', { ...valid(), title: 42 }, ['title']],
  ['a malformed category id', { ...valid(), categoryId: 'abc' }, ['categoryId']],
  ['ten images', { ...valid(), images: Array.from({ length: 10 }, (_, index) => `${String(index).repeat(64)}.png`) }, ['images']],
  ['an image id that is a path', { ...valid(), images: ['../../etc/passwd'] }, ['images', 0]],
  ['a repeated image', { ...valid(), images: [`${'a'.repeat(64)}.png`, `${'a'.repeat(64)}.png`] }, ['images']],
  ['an HTML detail block', { ...valid(), detail: [{ type: 'html', html: '<script>alert(1)</script>' }] }, ['detail', 0, 'type']],
  ['a text block with extra fields', { ...valid(), detail: [{ type: 'text', text: 'x', style: 'color:red' }] }, ['detail', 0]],
  ['an empty text block', { ...valid(), detail: [{ type: 'text', text: '' }] }, ['detail', 0, 'text']],
  [
    'four specs',
    withSkus(
      [],
      Array.from({ length: 4 }, (_, index) => ({ name: `规格${index}`, values: ['a'] })),
    ),
    ['specs'],
  ],
  [
    '21 values in a spec',
    withSkus([], [{ name: '颜色', values: Array.from({ length: 21 }, (_, index) => `色${index}`) }]),
    ['specs', 0, 'values'],
  ],
  ['a repeated spec value', withSkus([{ specValues: ['红'], price: 1 }], [{ name: '颜色', values: ['红', '红'] }]), ['specs', 0, 'values']],
  [
    'a repeated spec name',
    withSkus(
      [],
      [
        { name: '颜色', values: ['红'] },
        { name: '颜色', values: ['蓝'] },
      ],
    ),
    ['specs'],
  ],
  ['no SKUs', withSkus([]), ['skus']],
  ['a SKU missing from the matrix', { ...valid(), skus: valid().skus.slice(1) }, ['skus']],
  [
    'a SKU outside the matrix',
    { ...valid(), skus: [...valid().skus.slice(1), { specValues: ['绿', 'S'], price: 1 }] },
    ['skus', 3, 'specValues'],
  ],
  ['a repeated SKU', { ...valid(), skus: [...valid().skus.slice(1), valid().skus[1]] }, ['skus', 3, 'specValues']],
  ['a zero price', withSkus([{ specValues: [], price: 0 }]), ['skus', 0, 'price']],
  ['a price in yuan with decimals', withSkus([{ specValues: [], price: 99.5 }]), ['skus', 0, 'price']],
  ['a price as a string', withSkus([{ specValues: [], price: '9900' }] as never), ['skus', 0, 'price']],
  ['a price beyond ¥999,999.99', withSkus([{ specValues: [], price: 100_000_000 }]), ['skus', 0, 'price']],
  ['an original price not above the price', withSkus([{ specValues: [], price: 100, originalPrice: 100 }]), ['skus', 0, 'originalPrice']],
  ['a negative stock', withSkus([{ specValues: [], price: 100, stock: -1 }]), ['skus', 0, 'stock']],
  ['a fractional stock', withSkus([{ specValues: [], price: 100, stock: 1.5 }]), ['skus', 0, 'stock']],
  ['an empty SKU code', withSkus([{ specValues: [], price: 100, code: ' ' }]), ['skus', 0, 'code']],
];

function cases(): BadCase[] {
  const productPath = `/api/admin/products/${product.id}`;
  const skuPath = `${productPath}/skus/${product.skus[0]!.id}`;
  return [
    // Categories
    ...[{}, { name: '' }, { name: '类'.repeat(21) }, { name: 5 }, { name: 'x', parentId: 'nope' }, { name: 'x', sortOrder: 1 }].map(
      (body) => ({
        name: `POST /api/admin/categories ${JSON.stringify(body)}`,
        send: () => asOwner(context.api.http.post('/api/admin/categories')).send(body),
        status: 400,
        code: 'VALIDATION_FAILED',
      }),
    ),
    {
      name: 'POST /api/admin/categories under an unknown parent',
      send: () => asOwner(context.api.http.post('/api/admin/categories')).send({ name: '孤儿', parentId: MISSING_ID }),
      status: 404,
      code: 'NOT_FOUND',
    },
    {
      name: 'POST /api/admin/categories with a body that is not JSON',
      send: () => asOwner(context.api.http.post('/api/admin/categories')).set('Content-Type', 'application/json').send('{"name":'),
      status: 400,
      code: 'MALFORMED_REQUEST',
    },
    ...[{}, { name: '  ' }, { name: 'x', parentId: null }].map((body) => ({
      name: `PATCH /api/admin/categories/:id ${JSON.stringify(body)}`,
      send: () => asOwner(context.api.http.patch(`/api/admin/categories/${leafId}`)).send(body),
      status: 400,
      code: 'VALIDATION_FAILED',
    })),
    {
      name: 'PATCH a malformed category id',
      send: () => asOwner(context.api.http.patch('/api/admin/categories/x')).send({ name: 'x' }),
      status: 400,
      code: 'VALIDATION_FAILED',
      path: ['id'],
    },
    {
      name: 'PATCH an unknown category',
      send: () => asOwner(context.api.http.patch(`/api/admin/categories/${MISSING_ID}`)).send({ name: 'x' }),
      status: 404,
      code: 'NOT_FOUND',
    },
    {
      name: 'DELETE a malformed category id',
      send: () => asOwner(context.api.http.delete('/api/admin/categories/1')),
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'DELETE an unknown category',
      send: () => asOwner(context.api.http.delete(`/api/admin/categories/${MISSING_ID}`)),
      status: 404,
      code: 'NOT_FOUND',
    },
    ...[{}, { parentId: null }, { parentId: null, ids: [] }, { parentId: null, ids: [leafId, leafId] }, { parentId: null, ids: ['x'] }].map(
      (body) => ({
        name: `PUT /api/admin/categories/order ${JSON.stringify(body)}`,
        send: () => asOwner(context.api.http.put('/api/admin/categories/order')).send(body),
        status: 400,
        code: 'VALIDATION_FAILED',
      }),
    ),
    {
      name: 'PUT /api/admin/categories/order naming a category of another parent',
      send: () => asOwner(context.api.http.put('/api/admin/categories/order')).send({ parentId: leafId, ids: [leafId] }),
      status: 409,
      code: 'CONFLICT',
    },
    // Products
    ...productBodies().map(([name, body, path]) => ({
      name: `POST /api/admin/products with ${name}`,
      send: () => asOwner(context.api.http.post('/api/admin/products')).send(body as object),
      status: 400,
      code: 'VALIDATION_FAILED',
      ...(path && { path }),
    })),
    ...productBodies().map(([name, body, path]) => ({
      name: `PUT /api/admin/products/:id with ${name}`,
      send: () => asOwner(context.api.http.put(productPath)).send({ ...(body as object), version: 0 }),
      status: 400,
      code: 'VALIDATION_FAILED',
      ...(path && path.length > 0 && { path }),
    })),
    {
      name: 'PUT a product without its version',
      send: () => asOwner(context.api.http.put(productPath)).send(valid()),
      status: 400,
      code: 'VALIDATION_FAILED',
      path: ['version'],
    },
    {
      name: 'PUT a product with a negative version',
      send: () => asOwner(context.api.http.put(productPath)).send({ ...valid(), version: -1 }),
      status: 400,
      code: 'VALIDATION_FAILED',
      path: ['version'],
    },
    {
      name: 'PUT an unknown product',
      send: () => asOwner(context.api.http.put(`/api/admin/products/${MISSING_ID}`)).send({ ...valid(), version: 0 }),
      status: 404,
      code: 'NOT_FOUND',
    },
    {
      name: 'GET a malformed product id',
      send: () => asOwner(context.api.http.get('/api/admin/products/123')),
      status: 400,
      code: 'VALIDATION_FAILED',
      path: ['id'],
    },
    {
      name: 'GET an unknown product',
      send: () => asOwner(context.api.http.get(`/api/admin/products/${MISSING_ID}`)),
      status: 404,
      code: 'NOT_FOUND',
    },
    ...(
      [
        { page: '0' },
        { page: '-1' },
        { page: '1.5' },
        { page: 'abc' },
        { pageSize: '51' },
        { status: 'sold' },
        { categoryId: 'x' },
        { keyword: '' },
        { keyword: 'k'.repeat(51) },
        { sort: 'newest' },
      ] as Record<string, string>[]
    ).map((query) => ({
      name: `GET /api/admin/products?${new URLSearchParams(query)}`,
      send: () => asOwner(context.api.http.get('/api/admin/products').query(query)),
      status: 400,
      code: 'VALIDATION_FAILED',
    })),
    ...[{}, { status: 'draft' }, { status: 'sold_out' }, { status: 'on_sale', force: true }].map((body) => ({
      name: `POST /api/admin/products/:id/status ${JSON.stringify(body)}`,
      send: () => asOwner(context.api.http.post(`${productPath}/status`)).send(body),
      status: 400,
      code: 'VALIDATION_FAILED',
    })),
    {
      name: 'POST status of an unknown product',
      send: () => asOwner(context.api.http.post(`/api/admin/products/${MISSING_ID}/status`)).send({ status: 'on_sale' }),
      status: 404,
      code: 'NOT_FOUND',
    },
    {
      name: 'DELETE a malformed product id',
      send: () => asOwner(context.api.http.delete('/api/admin/products/zz')),
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'DELETE an unknown product',
      send: () => asOwner(context.api.http.delete(`/api/admin/products/${MISSING_ID}`)),
      status: 404,
      code: 'NOT_FOUND',
    },
    // Stock
    ...[{}, { available: -1 }, { available: 1.5 }, { available: '3' }, { available: 10_000_000 }, { available: 1, delta: 1 }].map(
      (body) => ({
        name: `PUT stock ${JSON.stringify(body)}`,
        send: () => asOwner(context.api.http.put(`${skuPath}/stock`)).send(body),
        status: 400,
        code: 'VALIDATION_FAILED',
      }),
    ),
    ...[{}, { delta: 0 }, { delta: 0.5 }, { delta: '1' }, { delta: -10_000_000 }].map((body) => ({
      name: `POST stock adjustment ${JSON.stringify(body)}`,
      send: () => asOwner(context.api.http.post(`${skuPath}/stock-adjustments`)).send(body),
      status: 400,
      code: 'VALIDATION_FAILED',
    })),
    {
      name: 'POST stock adjustment above the maximum',
      send: () => asOwner(context.api.http.post(`${skuPath}/stock-adjustments`)).send({ delta: 9_999_999 }),
      status: 400,
      code: 'VALIDATION_FAILED',
      path: ['delta'],
    },
    {
      name: 'POST stock adjustment below 0',
      send: () => asOwner(context.api.http.post(`${skuPath}/stock-adjustments`)).send({ delta: -11 }),
      status: 409,
      code: 'OUT_OF_STOCK',
    },
    {
      name: 'PUT stock of a malformed SKU id',
      send: () => asOwner(context.api.http.put(`${productPath}/skus/x/stock`)).send({ available: 1 }),
      status: 400,
      code: 'VALIDATION_FAILED',
      path: ['skuId'],
    },
    {
      name: 'PUT stock of an unknown SKU',
      send: () => asOwner(context.api.http.put(`${productPath}/skus/${MISSING_ID}/stock`)).send({ available: 1 }),
      status: 404,
      code: 'NOT_FOUND',
    },
    // Storefront
    ...(
      [
        { page: '0' },
        { pageSize: '0' },
        { pageSize: '51' },
        { pageSize: '1e3' },
        { minPrice: '-1' },
        { minPrice: '1.5' },
        { maxPrice: '100000000' },
        { minPrice: '500', maxPrice: '100' },
        { sort: 'popular' },
        { categoryId: 'x' },
        { keyword: '   ' },
        { status: 'draft' },
      ] as Record<string, string>[]
    ).map((query) => ({
      name: `GET /api/products?${new URLSearchParams(query)}`,
      send: () => context.api.http.get('/api/products').query(query),
      status: 400,
      code: 'VALIDATION_FAILED',
    })),
    {
      name: 'GET /api/products with a repeated keyword',
      send: () => context.api.http.get('/api/products?keyword=a&keyword=b'),
      status: 400,
      code: 'VALIDATION_FAILED',
      path: ['keyword'],
    },
    {
      name: 'GET /api/products/:id malformed',
      send: () => context.api.http.get('/api/products/not-an-id'),
      status: 400,
      code: 'VALIDATION_FAILED',
      path: ['id'],
    },
    {
      name: 'GET /api/products/:id of a draft',
      send: () => context.api.http.get(`/api/products/${product.id}`),
      status: 404,
      code: 'NOT_FOUND',
    },
  ];
}

describe('bad input on every catalog endpoint', () => {
  it('gets a 4xx with its code, never a 500, and writes nothing', async () => {
    const before = {
      categories: await context.models.Category.find().lean(),
      products: await context.models.Product.find().lean(),
      skus: await context.models.Sku.find().lean(),
    };
    for (const badCase of cases()) {
      const response = await badCase.send();
      expect(response.status, `${badCase.name}: ${JSON.stringify(response.body)}`).toBe(badCase.status);
      expect(response.body.error.code, badCase.name).toBe(badCase.code);
      expect(response.body.error.message, badCase.name).toMatch(/\p{Script=Han}/u);
      if (badCase.path !== undefined) {
        expect(response.body.error.details, badCase.name).toContainEqual(expect.objectContaining({ path: badCase.path }));
      }
    }
    expect(await context.models.Category.find().lean()).toEqual(before.categories);
    expect(await context.models.Product.find().lean()).toEqual(before.products);
    expect(await context.models.Sku.find().lean()).toEqual(before.skus);
  });
});
