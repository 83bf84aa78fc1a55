import type { AdminCategoryNode, AdminProduct, AdminProductSummary } from '@mall/shared';
import { jsonReply, type FakeHandler } from '../../testing/fake-api.tsx';

/** Ids in the API's format (24 hex digits). */
export const ids = {
  clothes: 'c00000000000000000000001',
  tops: 'c00000000000000000000002',
  food: 'c00000000000000000000003',
  tee: 'a00000000000000000000001',
  skuRedS: 'b00000000000000000000001',
  skuRedM: 'b00000000000000000000002',
};

export const image = { id: `${'e'.repeat(64)}.png`, url: `/api/images/${'e'.repeat(64)}.png` };

export function categoryTree(): AdminCategoryNode[] {
  return [
    {
      id: ids.clothes,
      name: '服装',
      parentId: null,
      sortOrder: 0,
      productCount: 0,
      children: [{ id: ids.tops, name: '上衣', parentId: ids.clothes, sortOrder: 0, productCount: 2 }],
    },
    { id: ids.food, name: '食品', parentId: null, sortOrder: 1, productCount: 0, children: [] },
  ];
}

export function teeProduct(overrides: Partial<AdminProduct> = {}): AdminProduct {
  return {
    id: ids.tee,
    title: '纯棉T恤',
    subtitle: '夏季新款',
    categoryId: ids.tops,
    images: [image],
    detail: [{ type: 'text', text: '100% 棉' }],
    status: 'draft',
    specs: [{ name: '尺码', values: ['S', 'M'] }],
    skus: [
      { id: ids.skuRedS, specValues: ['S'], price: 9900, available: 10, reserved: 2 },
      { id: ids.skuRedM, specValues: ['M'], price: 10900, originalPrice: 12900, available: 5, reserved: 0, code: 'TEE-M' },
    ],
    priceMin: 9900,
    priceMax: 10900,
    salesCount: 3,
    version: 4,
    createdAt: '2026-01-02T03:04:05.000Z',
    updatedAt: '2026-01-03T03:04:05.000Z',
    ...overrides,
  };
}

export function summaryOf(product: AdminProduct): AdminProductSummary {
  return {
    id: product.id,
    title: product.title,
    categoryId: product.categoryId,
    image: product.images[0] ?? null,
    status: product.status,
    priceMin: product.priceMin,
    priceMax: product.priceMax,
    stock: product.skus.reduce((sum, sku) => sum + sku.available, 0),
    salesCount: product.salesCount,
    updatedAt: product.updatedAt,
  };
}

/** The catalog routes the pages read, answering with these fixtures. */
export function catalogHandlers(products: AdminProduct[] = [teeProduct()]): Record<string, FakeHandler> {
  const handlers: Record<string, FakeHandler> = {
    'GET /api/admin/categories': () => jsonReply(200, { items: categoryTree() }),
    'GET /api/admin/products': ({ query }) => {
      const page = Number(query.get('page') ?? '1');
      return jsonReply(200, { items: products.map(summaryOf), total: products.length, page, pageSize: 20 });
    },
  };
  for (const product of products) {
    handlers[`GET /api/admin/products/${product.id}`] = () => jsonReply(200, { product });
  }
  return handlers;
}
