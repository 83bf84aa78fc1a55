import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productSearchReplySchema, storefrontProductReplySchema, type AdminProduct, type Category } from '@mall/shared';
import {
  addCategory,
  addOnSaleProduct,
  addProduct,
  productRequest,
  startCatalogTest,
  type CatalogTestContext,
} from '../testing/catalog.ts';

let context: CatalogTestContext;
let clothes: Category;
let tops: Category;
let trousers: Category;
let food: Category;
const products: Record<string, AdminProduct> = {};

/** One SKU at `price` fen. */
const single = (categoryId: string, title: string, price: number, subtitle = '') =>
  productRequest(categoryId, { title, subtitle, specs: [], skus: [{ specValues: [], price, stock: 5 }] });

beforeAll(async () => {
  context = await startCatalogTest();
  clothes = await addCategory(context, '服装');
  tops = await addCategory(context, '上衣', clothes.id);
  trousers = await addCategory(context, '裤装', clothes.id);
  food = await addCategory(context, '食品');
  // Created in this order, so "newest" is the reverse.
  products.tee = await addOnSaleProduct(context, single(tops.id, '纯棉T恤', 5900, '夏季清凉'));
  products.shirt = await addOnSaleProduct(context, single(tops.id, '牛津纺衬衫', 12900));
  products.jeans = await addOnSaleProduct(context, single(trousers.id, '直筒牛仔裤', 19900, '百搭 T 台款'));
  products.tea = await addOnSaleProduct(context, single(food.id, '明前龙井 [特级]', 29900));
  products.draft = await addProduct(context, single(tops.id, '草稿T恤', 100));
  products.off = await addOnSaleProduct(context, single(tops.id, '下架T恤', 100));
  await context.api.http
    .post(`/api/admin/products/${products.off.id}/status`)
    .set('Authorization', `Bearer ${context.tokens.owner}`)
    .send({ status: 'off_sale' });
  await context.models.Product.updateOne({ _id: products.shirt.id }, { $set: { salesCount: 30 } });
  await context.models.Product.updateOne({ _id: products.jeans.id }, { $set: { salesCount: 10 } });
});

afterAll(async () => {
  await context.stop();
});

async function search(query: Record<string, string>): Promise<{ titles: string[]; total: number }> {
  const response = await context.api.http.get('/api/products').query(query);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  const reply = productSearchReplySchema.parse(response.body);
  return { titles: reply.items.map((item) => item.title), total: reply.total };
}

describe('GET /api/products', () => {
  it('lists on-sale products only, best sellers first by default', async () => {
    expect(await search({})).toEqual({ titles: ['牛津纺衬衫', '直筒牛仔裤', '明前龙井 [特级]', '纯棉T恤'], total: 4 });
  });

  it('sorts by sales, price either way, and newest', async () => {
    expect((await search({ sort: 'sales' })).titles.slice(0, 2)).toEqual(['牛津纺衬衫', '直筒牛仔裤']);
    expect((await search({ sort: 'price_asc' })).titles).toEqual(['纯棉T恤', '牛津纺衬衫', '直筒牛仔裤', '明前龙井 [特级]']);
    expect((await search({ sort: 'price_desc' })).titles).toEqual(['明前龙井 [特级]', '直筒牛仔裤', '牛津纺衬衫', '纯棉T恤']);
    expect((await search({ sort: 'newest' })).titles).toEqual(['明前龙井 [特级]', '直筒牛仔裤', '牛津纺衬衫', '纯棉T恤']);
  });

  it('matches the keyword in title or subtitle, case-insensitively and literally', async () => {
    expect((await search({ keyword: 't恤' })).titles).toEqual(['纯棉T恤']);
    expect((await search({ keyword: 'T 台' })).titles).toEqual(['直筒牛仔裤']);
    expect((await search({ keyword: '[特级]' })).titles).toEqual(['明前龙井 [特级]']);
    expect((await search({ keyword: '.+' })).total).toBe(0);
  });

  it('filters by category, a parent including its children', async () => {
    expect((await search({ categoryId: tops.id, sort: 'newest' })).titles).toEqual(['牛津纺衬衫', '纯棉T恤']);
    expect((await search({ categoryId: clothes.id, sort: 'newest' })).titles).toEqual(['直筒牛仔裤', '牛津纺衬衫', '纯棉T恤']);
    expect((await search({ categoryId: '0123456789abcdef01234567' })).total).toBe(0);
  });

  it('filters by the "from" price in fen, bounds included', async () => {
    expect((await search({ minPrice: '12900', maxPrice: '19900', sort: 'price_asc' })).titles).toEqual(['牛津纺衬衫', '直筒牛仔裤']);
    expect((await search({ minPrice: '20000' })).titles).toEqual(['明前龙井 [特级]']);
    expect((await search({ maxPrice: '5899' })).total).toBe(0);
  });

  it('pages', async () => {
    const response = await context.api.http.get('/api/products').query({ sort: 'price_asc', page: '2', pageSize: '3' });
    expect(productSearchReplySchema.parse(response.body)).toMatchObject({
      total: 4,
      page: 2,
      pageSize: 3,
      items: [{ title: '明前龙井 [特级]' }],
    });
    const beyond = await search({ page: '9' });
    expect(beyond).toEqual({ titles: [], total: 4 });
  });

  it('gives each card its cover image and price range', async () => {
    const response = await context.api.http.get('/api/products').query({ keyword: '衬衫' });
    expect(response.body.items[0]).toEqual({
      id: products.shirt!.id,
      title: '牛津纺衬衫',
      subtitle: '',
      image: products.shirt!.images[0],
      priceMin: 12900,
      priceMax: 12900,
      salesCount: 30,
    });
  });
});

describe('GET /api/products/:id', () => {
  it('shows an on-sale product with its SKUs, without internal fields', async () => {
    const product = await addOnSaleProduct(context, productRequest(tops.id));
    const response = await context.api.http.get(`/api/products/${product.id}`);
    expect(response.status).toBe(200);
    const shown = storefrontProductReplySchema.parse(response.body).product;
    expect(shown).toMatchObject({ id: product.id, title: '纯棉T恤', priceMin: 9900, priceMax: 10900, specs: product.specs });
    expect(shown.skus).toEqual([
      { id: product.skus[0]!.id, specValues: ['红', 'S'], price: 9900, available: 10 },
      { id: product.skus[1]!.id, specValues: ['红', 'M'], price: 9900, available: 5 },
      { id: product.skus[2]!.id, specValues: ['蓝', 'S'], price: 10900, originalPrice: 12900, available: 0 },
      { id: product.skus[3]!.id, specValues: ['蓝', 'M'], price: 10900, available: 3 },
    ]);
    expect(response.text).not.toMatch(/reserved|version|TS-BLUE-M|status/);
  });

  it('answers 404 for drafts, products off sale and unknown ids', async () => {
    for (const id of [products.draft!.id, products.off!.id, '0123456789abcdef01234567']) {
      const response = await context.api.http.get(`/api/products/${id}`);
      expect(response.status).toBe(404);
      expect(response.body.error).toMatchObject({ code: 'NOT_FOUND', message: '商品不存在' });
    }
  });
});

describe('storefront replies kept for a moment', () => {
  it('are served from memory within their time-to-live, but a staff change shows at once', async () => {
    const product = await addOnSaleProduct(context, single(food.id, '云南小粒咖啡', 5900));
    const path = `/api/products/${product.id}`;
    const first = await context.api.http.get(path);
    // A change the API is not told about (stock taken by another instance) waits for the time-to-live.
    await context.models.Product.updateOne({ _id: product.id }, { $set: { title: '改名不经后台' } });
    expect((await context.api.http.get(path)).text).toBe(first.text);
    const restocked = await context.api.http
      .put(`/api/admin/products/${product.id}/skus/${product.skus[0]!.id}/stock`)
      .set('Authorization', `Bearer ${context.tokens.owner}`)
      .send({ available: 42 });
    expect(restocked.status, JSON.stringify(restocked.body)).toBe(200);
    const after = await context.api.http.get(path);
    expect(after.status).toBe(200);
    expect(after.headers['content-type']).toMatch(/^application\/json/);
    expect(after.body.product).toMatchObject({ title: '改名不经后台', skus: [{ available: 42 }] });
  });
});
