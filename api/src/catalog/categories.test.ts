import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCategoryTreeReplySchema, storefrontCategoryTreeReplySchema, type AdminCategoryNode } from '@mall/shared';
import { addCategory, addProduct, productRequest, startCatalogTest, type CatalogTestContext } from '../testing/catalog.ts';

let context: CatalogTestContext;

beforeAll(async () => {
  context = await startCatalogTest();
});

afterAll(async () => {
  await context.stop();
});

const asOwner = () => ({ Authorization: `Bearer ${context.tokens.owner}` });

async function adminTree(): Promise<AdminCategoryNode[]> {
  const response = await context.api.http.get('/api/admin/categories').set(asOwner());
  expect(response.status).toBe(200);
  return adminCategoryTreeReplySchema.parse(response.body).items;
}

describe('categories', () => {
  it('form a two-level tree in creation order, shown to shoppers without counts', async () => {
    const clothes = await addCategory(context, '服装');
    const shoes = await addCategory(context, '鞋履');
    const tops = await addCategory(context, ' 上衣 ', clothes.id);
    const trousers = await addCategory(context, '裤装', clothes.id);
    expect(tops).toMatchObject({ name: '上衣', parentId: clothes.id, sortOrder: 0, productCount: 0 });
    expect(trousers.sortOrder).toBe(1);

    const tree = await adminTree();
    expect(tree.map((node) => node.name)).toEqual(['服装', '鞋履']);
    expect(tree[0]?.children.map((child) => child.name)).toEqual(['上衣', '裤装']);

    const storefront = await context.api.http.get('/api/categories');
    expect(storefront.status).toBe(200);
    expect(storefrontCategoryTreeReplySchema.parse(storefront.body).items).toEqual([
      {
        id: clothes.id,
        name: '服装',
        children: [
          { id: tops.id, name: '上衣' },
          { id: trousers.id, name: '裤装' },
        ],
      },
      { id: shoes.id, name: '鞋履', children: [] },
    ]);
  });

  it('keep names unique among siblings only', async () => {
    const parent = await addCategory(context, '家居');
    await addCategory(context, '收纳', parent.id);
    const again = await context.api.http.post('/api/admin/categories').set(asOwner()).send({ name: '收纳', parentId: parent.id });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'CONFLICT', message: '同级分类中已有同名分类', details: { field: 'name' } });
    // The same name at the top level is another sibling group.
    expect((await context.api.http.post('/api/admin/categories').set(asOwner()).send({ name: '收纳' })).status).toBe(201);

    const rename = await context.api.http.patch(`/api/admin/categories/${parent.id}`).set(asOwner()).send({ name: '服装' });
    expect(rename.status).toBe(409);
    expect(rename.body.error.code).toBe('CONFLICT');
  });

  it('renames', async () => {
    const category = await addCategory(context, '旧名字');
    const response = await context.api.http.patch(`/api/admin/categories/${category.id}`).set(asOwner()).send({ name: '新名字' });
    expect(response.status).toBe(200);
    expect(response.body.category).toMatchObject({ id: category.id, name: '新名字' });
  });

  it('have two levels only, and products only in leaves', async () => {
    const parent = await addCategory(context, '数码');
    const child = await addCategory(context, '手机', parent.id);
    const grandchild = await context.api.http.post('/api/admin/categories').set(asOwner()).send({ name: '配件', parentId: child.id });
    expect(grandchild.status).toBe(409);
    expect(grandchild.body.error.code).toBe('CATEGORY_TOO_DEEP');

    const onParent = await context.api.http.post('/api/admin/products').set(asOwner()).send(productRequest(parent.id));
    expect(onParent.status).toBe(409);
    expect(onParent.body.error).toMatchObject({ code: 'CATEGORY_NOT_LEAF', details: { field: 'categoryId' } });

    const leafTop = await addCategory(context, '食品');
    await addProduct(context, productRequest(leafTop.id));
    const underFull = await context.api.http.post('/api/admin/categories').set(asOwner()).send({ name: '零食', parentId: leafTop.id });
    expect(underFull.status).toBe(409);
    expect(underFull.body.error.code).toBe('CATEGORY_HAS_PRODUCTS');
    expect((await adminTree()).find((node) => node.id === leafTop.id)).toMatchObject({ productCount: 1, children: [] });
  });

  it('are deleted only when empty, 409 CATEGORY_NOT_EMPTY otherwise', async () => {
    const parent = await addCategory(context, '美妆');
    const child = await addCategory(context, '口红', parent.id);
    const product = await addProduct(context, productRequest(child.id));

    const withChildren = await context.api.http.delete(`/api/admin/categories/${parent.id}`).set(asOwner());
    expect(withChildren.status).toBe(409);
    expect(withChildren.body.error).toMatchObject({ code: 'CATEGORY_NOT_EMPTY', message: '该分类下还有子分类或商品，不能删除' });
    const withProducts = await context.api.http.delete(`/api/admin/categories/${child.id}`).set(asOwner());
    expect(withProducts.body.error.code).toBe('CATEGORY_NOT_EMPTY');

    expect((await context.api.http.delete(`/api/admin/products/${product.id}`).set(asOwner())).status).toBe(204);
    expect((await context.api.http.delete(`/api/admin/categories/${child.id}`).set(asOwner())).status).toBe(204);
    expect((await context.api.http.delete(`/api/admin/categories/${parent.id}`).set(asOwner())).status).toBe(204);
    expect((await context.api.http.delete(`/api/admin/categories/${parent.id}`).set(asOwner())).status).toBe(404);
  });

  it('moving a product counts it on its new category', async () => {
    const from = await addCategory(context, '移出');
    const to = await addCategory(context, '移入');
    const product = await addProduct(context, productRequest(from.id));
    const { id: _id, ...unchanged } = { ...productRequest(to.id), id: product.id };
    const moved = await context.api.http
      .put(`/api/admin/products/${product.id}`)
      .set(asOwner())
      .send({ ...unchanged, version: product.version });
    expect(moved.status).toBe(200);
    const tree = await adminTree();
    expect(tree.find((node) => node.id === from.id)?.productCount).toBe(0);
    expect(tree.find((node) => node.id === to.id)?.productCount).toBe(1);
    expect((await context.api.http.delete(`/api/admin/categories/${from.id}`).set(asOwner())).status).toBe(204);
  });

  it('are reordered among siblings with the complete list, a stale one refused', async () => {
    const parent = await addCategory(context, '母婴');
    const [a, b, c] = [
      await addCategory(context, '奶粉', parent.id),
      await addCategory(context, '尿裤', parent.id),
      await addCategory(context, '玩具', parent.id),
    ];
    const reordered = await context.api.http
      .put('/api/admin/categories/order')
      .set(asOwner())
      .send({ parentId: parent.id, ids: [c.id, a.id, b.id] });
    expect(reordered.status).toBe(200);
    const node = adminCategoryTreeReplySchema.parse(reordered.body).items.find((item) => item.id === parent.id);
    expect(node?.children.map((child) => child.name)).toEqual(['玩具', '奶粉', '尿裤']);

    const stale = await context.api.http
      .put('/api/admin/categories/order')
      .set(asOwner())
      .send({ parentId: parent.id, ids: [a.id, b.id] });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'CONFLICT', message: '分类已有变动，请刷新后重新排序' });

    const topLevel = (await adminTree()).map((item) => item.id).reverse();
    const top = await context.api.http.put('/api/admin/categories/order').set(asOwner()).send({ parentId: null, ids: topLevel });
    expect(top.status).toBe(200);
    expect(adminCategoryTreeReplySchema.parse(top.body).items.map((item) => item.id)).toEqual(topLevel);
  });

  it('take exactly one of two racing additions: a child or a product, never both', async () => {
    for (let round = 0; round < 5; round += 1) {
      const parent = await addCategory(context, `竞争-${round}`);
      const [child, product] = await Promise.all([
        context.api.http.post('/api/admin/categories').set(asOwner()).send({ name: '子分类', parentId: parent.id }),
        context.api.http.post('/api/admin/products').set(asOwner()).send(productRequest(parent.id)),
      ]);
      expect([child.status, product.status].sort()).toEqual([201, 409]);
      const node = (await adminTree()).find((item) => item.id === parent.id);
      expect(node!.children.length + node!.productCount).toBe(1);
    }
  });
});
