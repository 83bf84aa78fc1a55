import type { Test } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  errorEnvelopeSchema,
  guidePicksReplySchema,
  guideShopReplySchema,
  MAX_GUIDE_PICKS,
  type AdminProduct,
  type Guide,
  type Store,
} from '@mall/shared';
import { ensureGuideIndexes, guideModels } from './models.ts';
import {
  addCategory,
  addOnSaleProduct,
  addProduct,
  productRequest,
  startCatalogTest,
  type CatalogTestContext,
} from '../testing/catalog.ts';
import { addGuide, addStore, inviteGuide, type GuideTestContext } from '../testing/guides.ts';
import { createTestShopper } from '../testing/shoppers.ts';

let catalog: CatalogTestContext;
/** The same app and database, seen through the guide test helpers. */
let guides: GuideTestContext;
let store: Store;
let categoryId: string;
let products: Record<'tee' | 'shirt' | 'jeans' | 'off' | 'draft', AdminProduct>;
/** A guide bound to a WeChat user (the workbench's own picks), and that user's token. */
let guide: Guide;
let guideToken: string;
let counter = 0;

const MISSING_ID = '0123456789abcdef01234567';

beforeAll(async () => {
  catalog = await startCatalogTest();
  guides = { ...catalog, models: guideModels(catalog.db.connection) };
  await ensureGuideIndexes(guides.models);
  store = await addStore(guides, '徐汇店');
  categoryId = (await addCategory(catalog, '上衣')).id;
  const single = (title: string, price: number) =>
    productRequest(categoryId, { title, specs: [], skus: [{ specValues: [], price, stock: 5 }] });
  const off = await addOnSaleProduct(catalog, single('下架T恤', 100));
  await setStatus(off.id, 'off_sale');
  products = {
    tee: await addOnSaleProduct(catalog, single('纯棉T恤', 5900)),
    shirt: await addOnSaleProduct(catalog, single('牛津纺衬衫', 12900)),
    jeans: await addOnSaleProduct(catalog, single('直筒牛仔裤', 19900)),
    off,
    draft: await addProduct(catalog, single('草稿T恤', 100)),
  };
  guide = await addGuide(guides, { name: '李娜', storeId: store.id });
  guideToken = (await createTestShopper(catalog.db)).token;
  const code = await inviteGuide(guides, guide.id);
  const redeemed = await catalog.api.http.post('/api/guide/invitations/redeem').set('Authorization', `Bearer ${guideToken}`).send({ code });
  expect(redeemed.status).toBe(200);
});

afterAll(async () => {
  await catalog.stop();
});

const as = (token: string) => (request: Test) => request.set('Authorization', `Bearer ${token}`);
const asOwner = (request: Test) => as(catalog.tokens.owner)(request);
const asGuide = (request: Test) => as(guideToken)(request);
const errorOf = (body: unknown) => errorEnvelopeSchema.parse(body).error;

async function setStatus(productId: string, status: 'on_sale' | 'off_sale'): Promise<void> {
  const response = await asOwner(catalog.api.http.post(`/api/admin/products/${productId}/status`)).send({ status });
  expect(response.status).toBe(200);
}

async function newGuide(): Promise<Guide> {
  return addGuide(guides, { name: `导购${(counter += 1)}`, storeId: store.id });
}

const putMyPicks = (productIds: unknown) => asGuide(catalog.api.http.put('/api/guide/me/picks')).send({ productIds });
const putPicks = (guideId: string, productIds: unknown, token = catalog.tokens.owner) =>
  as(token)(catalog.api.http.put(`/api/admin/guides/${guideId}/picks`)).send({ productIds });
const shop = (code: string) => catalog.api.http.get(`/api/shop/guides/${code}`);

async function shopOf(code: string) {
  const response = await shop(code);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return guideShopReplySchema.parse(response.body);
}

describe("a guide's picks", () => {
  it('are set by the guide in the workbench, in their order, off-sale ones flagged', async () => {
    const put = await putMyPicks([products.jeans.id, products.off.id, products.tee.id, products.draft.id]);
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const saved = guidePicksReplySchema.parse(put.body).items;
    expect(saved.map((pick) => [pick.title, pick.onSale])).toEqual([
      ['直筒牛仔裤', true],
      ['下架T恤', false],
      ['纯棉T恤', true],
      ['草稿T恤', false],
    ]);
    expect(saved[0]).toMatchObject({ id: products.jeans.id, priceMin: 19900, priceMax: 19900, image: { url: expect.any(String) } });

    const read = await asGuide(catalog.api.http.get('/api/guide/me/picks'));
    expect(read.status).toBe(200);
    expect(guidePicksReplySchema.parse(read.body).items).toEqual(saved);
    const admin = await as(catalog.tokens.viewer)(catalog.api.http.get(`/api/admin/guides/${guide.id}/picks`));
    expect(admin.status).toBe(200);
    expect(guidePicksReplySchema.parse(admin.body).items).toEqual(saved);
  });

  it('are reordered and emptied by replacing the whole list', async () => {
    const reordered = await putMyPicks([products.tee.id, products.jeans.id]);
    expect(guidePicksReplySchema.parse(reordered.body).items.map((pick) => pick.title)).toEqual(['纯棉T恤', '直筒牛仔裤']);
    const emptied = await putMyPicks([]);
    expect(emptied.status).toBe(200);
    expect(emptied.body).toEqual({ items: [] });
  });

  it('leave out a product deleted since it was picked', async () => {
    const other = await newGuide();
    const draft = await addProduct(
      catalog,
      productRequest(categoryId, { title: '将删除', specs: [], skus: [{ specValues: [], price: 100, stock: 1 }] }),
    );
    expect((await putPicks(other.id, [draft.id, products.shirt.id])).status).toBe(200);
    expect((await asOwner(catalog.api.http.delete(`/api/admin/products/${draft.id}`))).status).toBe(204);
    const read = await asOwner(catalog.api.http.get(`/api/admin/guides/${other.id}/picks`));
    expect(guidePicksReplySchema.parse(read.body).items.map((pick) => pick.title)).toEqual(['牛津纺衬衫']);
  });

  it('take up to 20 products; parallel saves leave one whole list, never a mix', async () => {
    const other = await newGuide();
    const many = await Promise.all(
      Array.from({ length: MAX_GUIDE_PICKS }, (_item, index) =>
        addProduct(
          catalog,
          productRequest(categoryId, { title: `商品${index}`, specs: [], skus: [{ specValues: [], price: 100, stock: 1 }] }),
        ),
      ),
    );
    const ids = many.map((product) => product.id);
    expect((await putPicks(other.id, ids)).status).toBe(200);
    const lists = [ids.slice(0, 10), ids.slice(10), [...ids].reverse(), ids.slice(5, 15)];
    const replies = await Promise.all(lists.map((list) => putPicks(other.id, list)));
    expect(replies.map((reply) => reply.status)).toEqual([200, 200, 200, 200]);
    const stored = await guides.models.Guide.findById(other.id).lean();
    const storedIds = (stored?.pickedProductIds ?? []).map((id) => id.toHexString());
    expect(lists).toContainEqual(storedIds);
  });

  it('of a guide who left are kept as history and can no longer change', async () => {
    const other = await newGuide();
    expect((await putPicks(other.id, [products.tee.id])).status).toBe(200);
    expect((await asOwner(catalog.api.http.post(`/api/admin/guides/${other.id}/leave`))).status).toBe(200);
    const changed = await putPicks(other.id, [products.shirt.id]);
    expect(changed.status).toBe(409);
    expect(errorOf(changed.body).code).toBe('GUIDE_LEFT');
    const read = await asOwner(catalog.api.http.get(`/api/admin/guides/${other.id}/picks`));
    expect(guidePicksReplySchema.parse(read.body).items.map((pick) => pick.id)).toEqual([products.tee.id]);
  });

  it('are read by every staff role and changed by owner and operator only', async () => {
    const other = await newGuide();
    for (const role of ['owner', 'operator', 'store_manager', 'viewer'] as const) {
      const read = await as(catalog.tokens[role])(catalog.api.http.get(`/api/admin/guides/${other.id}/picks`));
      expect({ role, status: read.status }).toEqual({ role, status: 200 });
      const write = await putPicks(other.id, [products.tee.id], catalog.tokens[role]);
      expect({ role, status: write.status }).toEqual({ role, status: role === 'owner' || role === 'operator' ? 200 : 403 });
    }
  });

  it('are the workbench of guides only: other shoppers, staff tokens and strangers are refused', async () => {
    const { token: shopperToken } = await createTestShopper(catalog.db);
    const notAGuide = await as(shopperToken)(catalog.api.http.get('/api/guide/me/picks'));
    expect(notAGuide.status).toBe(404);
    expect(errorOf(notAGuide.body).code).toBe('NOT_FOUND');
    const notAGuideWrites = await as(shopperToken)(catalog.api.http.put('/api/guide/me/picks')).send({ productIds: [] });
    expect(notAGuideWrites.status).toBe(404);
    expect((await catalog.api.http.get('/api/guide/me/picks')).status).toBe(401);
    expect((await asOwner(catalog.api.http.get('/api/guide/me/picks'))).status).toBe(401);
    expect((await asGuide(catalog.api.http.get(`/api/admin/guides/${guide.id}/picks`))).status).toBe(401);
    expect((await catalog.api.http.put(`/api/admin/guides/${guide.id}/picks`).send({ productIds: [] })).status).toBe(401);
  });
});

describe('bad input to the picks', () => {
  const tooMany = () => Array.from({ length: MAX_GUIDE_PICKS + 1 }, (_item, index) => index.toString(16).padStart(24, 'a'));
  const bodies = (): [string, unknown][] => [
    ['no body fields', {}],
    ['productIds that are not a list', { productIds: products.tee.id }],
    ['a malformed id', { productIds: ['x'] }],
    ['a number', { productIds: [42] }],
    ['the same product twice', { productIds: [products.tee.id, products.tee.id] }],
    ['more than 20 products', { productIds: tooMany() }],
    ['an unknown field', { productIds: [], guideId: guide.id }],
  ];

  it('gets 400 (malformed) or 404 (unknown products, named), and writes nothing', async () => {
    expect((await putMyPicks([products.shirt.id])).status).toBe(200);
    const before = await guides.models.Guide.find().lean();
    const sends: [string, () => Test][] = bodies().flatMap(([name, body]): [string, () => Test][] => [
      [`workbench: ${name}`, () => asGuide(catalog.api.http.put('/api/guide/me/picks')).send(body as object)],
      [`admin: ${name}`, () => asOwner(catalog.api.http.put(`/api/admin/guides/${guide.id}/picks`)).send(body as object)],
    ]);
    for (const [name, send] of sends) {
      const response = await send();
      expect({ name, status: response.status, code: errorOf(response.body).code }).toEqual({
        name,
        status: 400,
        code: 'VALIDATION_FAILED',
      });
    }
    for (const send of [() => putMyPicks([products.tee.id, MISSING_ID]), () => putPicks(guide.id, [MISSING_ID, products.tee.id])]) {
      const response = await send();
      expect(response.status).toBe(404);
      expect(errorOf(response.body)).toMatchObject({ code: 'NOT_FOUND', details: { field: 'productIds', productIds: [MISSING_ID] } });
    }
    const malformedGuide = await asOwner(catalog.api.http.get('/api/admin/guides/zz/picks'));
    expect([malformedGuide.status, errorOf(malformedGuide.body).code]).toEqual([400, 'VALIDATION_FAILED']);
    for (const response of [
      await asOwner(catalog.api.http.get(`/api/admin/guides/${MISSING_ID}/picks`)),
      await putPicks(MISSING_ID, [products.tee.id]),
    ]) {
      expect([response.status, errorOf(response.body).code]).toEqual([404, 'NOT_FOUND']);
    }
    expect(await guides.models.Guide.find().lean()).toEqual(before);
  });
});

describe('GET /api/shop/guides/:code', () => {
  it("is public: the guide's card and on-sale picks in the guide's order, the code in any case", async () => {
    expect((await putMyPicks([products.off.id, products.jeans.id, products.draft.id, products.tee.id])).status).toBe(200);
    const reply = await shopOf(guide.code.toLowerCase());
    expect(reply.guide).toEqual({ id: guide.id, code: guide.code, name: '李娜', avatarUrl: reply.guide.avatarUrl, storeName: '徐汇店' });
    expect(reply.picks.map((pick) => pick.title)).toEqual(['直筒牛仔裤', '纯棉T恤']);
    // The same cards as the storefront's product list.
    const list = await catalog.api.http.get('/api/products').query({ keyword: '直筒牛仔裤' });
    expect(reply.picks[0]).toEqual(list.body.items[0]);
  });

  it('shows a guide without picks with an empty list', async () => {
    const other = await newGuide();
    expect((await shopOf(other.code)).picks).toEqual([]);
  });

  it('answers an unknown code 404 GUIDE_NOT_FOUND, a malformed one 400, a guide who left 409 GUIDE_LEFT with what the page says', async () => {
    const unknown = await shop('ZZZZZZ');
    expect([unknown.status, errorOf(unknown.body).code]).toEqual([404, 'GUIDE_NOT_FOUND']);
    for (const code of ['K7M2Q0', 'K7M2Q', 'K7M2QXX', '%20']) {
      const malformed = await shop(code);
      expect({ code, status: malformed.status, error: errorOf(malformed.body).code }).toEqual({
        code,
        status: 400,
        error: 'VALIDATION_FAILED',
      });
    }
    const other = await newGuide();
    await shopOf(other.code);
    expect((await asOwner(catalog.api.http.post(`/api/admin/guides/${other.id}/leave`))).status).toBe(200);
    const left = await shop(other.code);
    expect(left.status).toBe(409);
    expect(errorOf(left.body)).toMatchObject({ code: 'GUIDE_LEFT', message: '该导购已离职，为你展示商城首页' });
  });

  it('is served from the storefront cache, which catalog, guide and picks changes clear', async () => {
    const other = await newGuide();
    expect((await putPicks(other.id, [products.shirt.id, products.tee.id])).status).toBe(200);
    expect((await shopOf(other.code)).picks.map((pick) => pick.title)).toEqual(['牛津纺衬衫', '纯棉T恤']);

    // Changed behind the API's back: the cached reply is still served.
    await guides.models.Guide.updateOne({ _id: other.id }, { $set: { name: '改名未通知' } });
    expect((await shopOf(other.code)).guide.name).toBe(other.name);

    // A product taken off sale leaves the shop at once.
    await setStatus(products.shirt.id, 'off_sale');
    const afterCatalogChange = await shopOf(other.code);
    expect(afterCatalogChange.guide.name).toBe('改名未通知');
    expect(afterCatalogChange.picks.map((pick) => pick.title)).toEqual(['纯棉T恤']);
    await setStatus(products.shirt.id, 'on_sale');

    // A guide edited in the console.
    expect((await shopOf(other.code)).picks).toHaveLength(2);
    expect((await asOwner(catalog.api.http.patch(`/api/admin/guides/${other.id}`)).send({ name: '新名字' })).status).toBe(200);
    expect((await shopOf(other.code)).guide.name).toBe('新名字');

    // Picks changed.
    expect((await putPicks(other.id, [products.jeans.id])).status).toBe(200);
    expect((await shopOf(other.code)).picks.map((pick) => pick.title)).toEqual(['直筒牛仔裤']);

    // The guide leaves.
    expect((await asOwner(catalog.api.http.post(`/api/admin/guides/${other.id}/leave`))).status).toBe(200);
    expect((await shop(other.code)).status).toBe(409);
  });
});
