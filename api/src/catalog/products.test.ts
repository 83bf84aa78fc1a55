import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminProductListReplySchema,
  adminProductReplySchema,
  type AdminProduct,
  type Category,
  type UpdateProductRequest,
} from '@mall/shared';
import {
  addCategory,
  addOnSaleProduct,
  addProduct,
  productRequest,
  startCatalogTest,
  uploadImage,
  type CatalogTestContext,
} from '../testing/catalog.ts';

let context: CatalogTestContext;
let category: Category;

beforeAll(async () => {
  context = await startCatalogTest();
  category = await addCategory(context, '服装');
});

afterAll(async () => {
  await context.stop();
});

const asOwner = () => ({ Authorization: `Bearer ${context.tokens.owner}` });

/** The edit request that saves `product` as it is. */
function editOf(product: AdminProduct): UpdateProductRequest {
  return {
    title: product.title,
    subtitle: product.subtitle,
    categoryId: product.categoryId,
    images: product.images.map((image) => image.id),
    detail: product.detail.map((block) => (block.type === 'text' ? block : { type: 'image', imageId: block.imageId })),
    specs: product.specs,
    skus: product.skus.map(({ specValues, price, originalPrice, code }) => ({ specValues, price, originalPrice, code })),
    version: product.version,
  };
}

function update(product: AdminProduct, changes: Partial<UpdateProductRequest>) {
  return context.api.http
    .put(`/api/admin/products/${product.id}`)
    .set(asOwner())
    .send({ ...editOf(product), ...changes });
}

describe('creating a product', () => {
  it('makes a draft with one SKU per spec combination, its price range and image URLs', async () => {
    const image = await uploadImage(context);
    const detailImage = await uploadImage(context);
    const product = await addProduct(
      context,
      productRequest(category.id, {
        images: [image],
        detail: [
          { type: 'text', text: '面料' },
          { type: 'image', imageId: detailImage },
        ],
      }),
    );
    expect(product).toMatchObject({
      title: '纯棉T恤',
      subtitle: '夏季新款',
      categoryId: category.id,
      status: 'draft',
      images: [{ id: image, url: `/api/images/${image}` }],
      detail: [
        { type: 'text', text: '面料' },
        { type: 'image', imageId: detailImage, url: `/api/images/${detailImage}` },
      ],
      priceMin: 9900,
      priceMax: 10900,
      salesCount: 0,
      version: 0,
    });
    expect(product.skus.map((sku) => [sku.specValues.join('/'), sku.price, sku.available, sku.reserved])).toEqual([
      ['红/S', 9900, 10, 0],
      ['红/M', 9900, 5, 0],
      ['蓝/S', 10900, 0, 0],
      ['蓝/M', 10900, 3, 0],
    ]);
    expect(product.skus[2]?.originalPrice).toBe(12900);
    expect(product.skus[3]?.code).toBe('TS-BLUE-M');

    const fetched = await context.api.http.get(`/api/admin/products/${product.id}`).set(asOwner());
    expect(adminProductReplySchema.parse(fetched.body).product).toEqual(product);
  });

  it('without specs has exactly one SKU, and may have no detail', async () => {
    const product = await addProduct(
      context,
      productRequest(category.id, { specs: [], skus: [{ specValues: [], price: 1990, stock: 7 }], detail: [] }),
    );
    expect(product.detail).toEqual([]);
    expect(product.skus).toEqual([{ id: expect.any(String), specValues: [], price: 1990, available: 7, reserved: 0 }]);
  });

  it('refuses images the storage does not hold', async () => {
    const unknown = `${'a'.repeat(64)}.png`;
    const response = await context.api.http
      .post('/api/admin/products')
      .set(asOwner())
      .send(productRequest(category.id, { images: [unknown], detail: [{ type: 'image', imageId: unknown }] }));
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
    expect(response.body.error.details).toEqual([
      expect.objectContaining({ path: ['images', 0] }),
      expect.objectContaining({ path: ['detail', 0, 'imageId'] }),
    ]);
  });

  it('refuses an unknown category with 404', async () => {
    const response = await context.api.http.post('/api/admin/products').set(asOwner()).send(productRequest('0123456789abcdef01234567'));
    expect(response.status).toBe(404);
    expect(response.body.error).toMatchObject({ code: 'NOT_FOUND', details: { field: 'categoryId' } });
  });
});

describe('editing a product', () => {
  it('regenerates the SKU matrix, keeping the SKUs whose combination survives with their id and stock', async () => {
    const product = await addProduct(context, productRequest(category.id));
    const [redS, redM, blueS, blueM] = product.skus;
    // Drop 蓝, add 白, add a size L, and list the specs the other way round.
    const response = await update(product, {
      specs: [
        { name: '尺码', values: ['S', 'M', 'L'] },
        { name: '颜色', values: ['红', '白'] },
      ],
      skus: [
        { specValues: ['S', '红'], price: 9900 },
        { specValues: ['S', '白'], price: 9900, stock: 4 },
        { specValues: ['M', '红'], price: 8800, stock: 50 },
        { specValues: ['M', '白'], price: 9900 },
        { specValues: ['L', '红'], price: 12900, stock: 2 },
        { specValues: ['L', '白'], price: 12900, stock: 2 },
      ],
    });
    expect(response.status).toBe(200);
    const edited = adminProductReplySchema.parse(response.body).product;
    expect(edited.version).toBe(1);
    expect(edited.priceMin).toBe(8800);
    expect(edited.priceMax).toBe(12900);
    expect(edited.skus.map((sku) => sku.specValues.join('/'))).toEqual(['S/红', 'S/白', 'M/红', 'M/白', 'L/红', 'L/白']);
    expect(edited.skus[0]).toMatchObject({ id: redS?.id, available: 10, price: 9900 });
    // A stock given for a surviving SKU replaces it.
    expect(edited.skus[2]).toMatchObject({ id: redM?.id, available: 50, price: 8800 });
    expect(edited.skus[1]).toMatchObject({ available: 4 });
    expect(edited.skus[3]).toMatchObject({ available: 0 });
    const ids = edited.skus.map((sku) => sku.id);
    expect(ids).not.toContain(blueS?.id);
    expect(ids).not.toContain(blueM?.id);

    // 蓝 comes back: the old SKUs are revived with their ids and stock.
    const back = await update(edited, {
      specs: [
        { name: '颜色', values: ['红', '蓝'] },
        { name: '尺码', values: ['S', 'M'] },
      ],
      skus: [
        { specValues: ['红', 'S'], price: 9900 },
        { specValues: ['红', 'M'], price: 9900 },
        { specValues: ['蓝', 'S'], price: 10900 },
        { specValues: ['蓝', 'M'], price: 10900 },
      ],
    });
    expect(back.status).toBe(200);
    const revived = adminProductReplySchema.parse(back.body).product;
    expect(revived.skus.map((sku) => sku.id)).toEqual([redS?.id, redM?.id, blueS?.id, blueM?.id]);
    expect(revived.skus[3]).toMatchObject({ available: 3 });
    // Fields left out of the edit are cleared, not kept from before.
    expect(revived.skus[3]?.code).toBeUndefined();
  });

  it('refuses a stale edit with 409 CONFLICT and the current version', async () => {
    const product = await addProduct(context, productRequest(category.id));
    expect((await update(product, { title: '第一次修改' })).status).toBe(200);
    const stale = await update(product, { title: '基于旧版本的修改' });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({
      code: 'CONFLICT',
      message: '商品已被他人修改，请刷新后重新编辑',
      details: { currentVersion: 1 },
    });
    const current = await context.api.http.get(`/api/admin/products/${product.id}`).set(asOwner());
    expect(current.body.product.title).toBe('第一次修改');
  });

  it('lets exactly one of several parallel edits of the same version through', async () => {
    const product = await addProduct(context, productRequest(category.id));
    const responses = await Promise.all(Array.from({ length: 6 }, (_, index) => update(product, { title: `并发修改 ${index}` })));
    expect(responses.map((response) => response.status).sort()).toEqual([200, 409, 409, 409, 409, 409]);
    const current = await context.api.http.get(`/api/admin/products/${product.id}`).set(asOwner());
    expect(current.body.product.version).toBe(1);
  });

  it('keeps an image on a product that is on sale', async () => {
    const product = await addOnSaleProduct(context, productRequest(category.id));
    const response = await update(product, { images: [] });
    expect(response.status).toBe(409);
    expect(response.body.error).toMatchObject({ code: 'PRODUCT_NOT_READY', details: { field: 'images' } });
  });
});

describe('status', () => {
  it('goes on sale only with an image, and off sale only after being on sale', async () => {
    const product = await addProduct(context, productRequest(category.id));
    const offDraft = await context.api.http.post(`/api/admin/products/${product.id}/status`).set(asOwner()).send({ status: 'off_sale' });
    expect(offDraft.status).toBe(409);
    expect(offDraft.body.error.code).toBe('CONFLICT');

    const noImage = await context.api.http.post(`/api/admin/products/${product.id}/status`).set(asOwner()).send({ status: 'on_sale' });
    expect(noImage.status).toBe(409);
    expect(noImage.body.error).toMatchObject({ code: 'PRODUCT_NOT_READY', message: '商品至少需要一张商品图才能上架' });

    const withImage = await update(product, { images: [await uploadImage(context)] });
    const onSale = await context.api.http.post(`/api/admin/products/${product.id}/status`).set(asOwner()).send({ status: 'on_sale' });
    expect(onSale.status).toBe(200);
    expect(onSale.body.product).toMatchObject({ status: 'on_sale', version: withImage.body.product.version });

    const offSale = await context.api.http.post(`/api/admin/products/${product.id}/status`).set(asOwner()).send({ status: 'off_sale' });
    expect(offSale.body.product.status).toBe('off_sale');
  });

  it('only drafts are deleted, with their SKUs', async () => {
    const onSale = await addOnSaleProduct(context, productRequest(category.id));
    const refused = await context.api.http.delete(`/api/admin/products/${onSale.id}`).set(asOwner());
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('PRODUCT_NOT_DRAFT');

    const draft = await addProduct(context, productRequest(category.id));
    expect((await context.api.http.delete(`/api/admin/products/${draft.id}`).set(asOwner())).status).toBe(204);
    expect((await context.api.http.get(`/api/admin/products/${draft.id}`).set(asOwner())).status).toBe(404);
    expect(await context.models.Sku.countDocuments({ productId: draft.id })).toBe(0);
    expect((await context.api.http.delete(`/api/admin/products/${draft.id}`).set(asOwner())).status).toBe(404);
  });
});

describe('stock', () => {
  it('is set absolutely, leaving reservations alone', async () => {
    const product = await addProduct(context, productRequest(category.id));
    const sku = product.skus[0]!;
    await context.models.Sku.updateOne({ _id: sku.id }, { $set: { reserved: 2 } });
    const response = await context.api.http
      .put(`/api/admin/products/${product.id}/skus/${sku.id}/stock`)
      .set(asOwner())
      .send({ available: 42 });
    expect(response.status).toBe(200);
    expect(response.body.sku).toMatchObject({ id: sku.id, available: 42, reserved: 2 });
  });

  it('is adjusted atomically: parallel adjustments all count, none takes it below 0', async () => {
    const product = await addProduct(context, productRequest(category.id));
    const sku = product.skus[1]!; // 5 available
    const path = `/api/admin/products/${product.id}/skus/${sku.id}/stock-adjustments`;
    const additions = await Promise.all(Array.from({ length: 20 }, () => context.api.http.post(path).set(asOwner()).send({ delta: 3 })));
    expect(additions.every((response) => response.status === 200)).toBe(true);
    const removals = await Promise.all(Array.from({ length: 30 }, () => context.api.http.post(path).set(asOwner()).send({ delta: -4 })));
    expect(removals.filter((response) => response.status === 200)).toHaveLength(16);
    const refused = removals.filter((response) => response.status !== 200);
    expect(refused.every((response) => response.status === 409 && response.body.error.code === 'OUT_OF_STOCK')).toBe(true);
    expect((await context.models.Sku.findById(sku.id).lean())?.available).toBe(1);
  });

  it('answers 404 for a SKU of another product or one the edit dropped', async () => {
    const product = await addProduct(context, productRequest(category.id));
    const other = await addProduct(context, productRequest(category.id));
    const foreign = await context.api.http
      .put(`/api/admin/products/${product.id}/skus/${other.skus[0]!.id}/stock`)
      .set(asOwner())
      .send({ available: 1 });
    expect(foreign.status).toBe(404);

    const dropped = product.skus[3]!;
    await update(product, { specs: [], skus: [{ specValues: [], price: 100 }] });
    const response = await context.api.http
      .post(`/api/admin/products/${product.id}/skus/${dropped.id}/stock-adjustments`)
      .set(asOwner())
      .send({ delta: 1 });
    expect(response.status).toBe(404);
  });
});

describe('the admin list', () => {
  it('filters by keyword, category (a parent includes its children) and status, newest edits first, paged', async () => {
    const parent = await addCategory(context, '列表测试');
    const childA = await addCategory(context, '甲', parent.id);
    const childB = await addCategory(context, '乙', parent.id);
    const first = await addProduct(context, productRequest(childA.id, { title: '羊毛围巾 (冬季)' }));
    const second = await addOnSaleProduct(context, productRequest(childB.id, { title: '真丝围巾' }));
    await addProduct(context, productRequest(childB.id, { title: '帆布包' }));

    const list = async (query: Record<string, string>) => {
      const response = await context.api.http.get('/api/admin/products').query(query).set(asOwner());
      expect(response.status).toBe(200);
      return adminProductListReplySchema.parse(response.body);
    };
    const byParent = await list({ categoryId: parent.id });
    expect(byParent.total).toBe(3);
    expect(byParent.items.map((item) => item.title)).toEqual(['帆布包', '真丝围巾', '羊毛围巾 (冬季)']);
    expect((await list({ categoryId: parent.id, keyword: '围巾' })).items.map((item) => item.id).sort()).toEqual(
      [first.id, second.id].sort(),
    );
    // The keyword is literal text, not a pattern.
    expect((await list({ keyword: '(冬季)' })).items.map((item) => item.id)).toEqual([first.id]);
    expect((await list({ keyword: '.*' })).total).toBe(0);
    expect((await list({ categoryId: parent.id, status: 'on_sale' })).items).toEqual([
      expect.objectContaining({ id: second.id, status: 'on_sale', stock: 18, priceMin: 9900, priceMax: 10900, image: expect.any(Object) }),
    ]);
    const page = await list({ categoryId: parent.id, page: '2', pageSize: '2' });
    expect(page).toMatchObject({ total: 3, page: 2, pageSize: 2 });
    expect(page.items.map((item) => item.title)).toEqual(['羊毛围巾 (冬季)']);
  });
});
