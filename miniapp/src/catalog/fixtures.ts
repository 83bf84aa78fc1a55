import type { ProductCard, StorefrontCategory, StorefrontProduct } from '@mall/shared';

/** Storefront replies for page tests. */
export const categories: StorefrontCategory[] = [
  {
    id: 'c00000000000000000000001',
    name: '服装',
    children: [
      { id: 'c00000000000000000000002', name: '上衣' },
      { id: 'c00000000000000000000003', name: '裤装' },
    ],
  },
  { id: 'c00000000000000000000004', name: '食品', children: [] },
];

export const image = { id: `${'e'.repeat(64)}.png`, url: `/api/images/${'e'.repeat(64)}.png` };

export function card(index: number, fields: Partial<ProductCard> = {}): ProductCard {
  return {
    id: `a${String(index).padStart(23, '0')}`,
    title: `商品 ${index}`,
    subtitle: '',
    image,
    priceMin: 5900,
    priceMax: 5900,
    salesCount: 0,
    ...fields,
  };
}

export function page(items: ProductCard[], total = items.length, pageNumber = 1) {
  return { statusCode: 200, data: { items, total, page: pageNumber, pageSize: 20 } };
}

export const tee: StorefrontProduct = {
  id: 'a00000000000000000000001',
  title: '纯棉T恤',
  subtitle: '夏季新款',
  categoryId: 'c00000000000000000000002',
  images: [image],
  detail: [
    { type: 'text', text: '100% 新疆长绒棉' },
    { type: 'image', imageId: image.id, url: image.url },
  ],
  specs: [
    { name: '颜色', values: ['红', '蓝'] },
    { name: '尺码', values: ['S', 'M'] },
  ],
  skus: [
    { id: 'b00000000000000000000001', specValues: ['红', 'S'], price: 9900, available: 3 },
    { id: 'b00000000000000000000002', specValues: ['红', 'M'], price: 9900, available: 0 },
    { id: 'b00000000000000000000003', specValues: ['蓝', 'S'], price: 10900, originalPrice: 12900, available: 5 },
    { id: 'b00000000000000000000004', specValues: ['蓝', 'M'], price: 10900, available: 0 },
  ],
  priceMin: 9900,
  priceMax: 10900,
  salesCount: 12,
};
