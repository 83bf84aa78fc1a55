import { z } from 'zod';
import { pageReplySchema, pagingQuery, queryInteger } from './paging.ts';

/**
 * The catalog: two-level categories, products (SPU) with SKUs from spec combinations, stock per SKU,
 * stored images. Field messages are Chinese because the admin console shows them next to its fields.
 */

const idSchema = z.string().regex(/^[0-9a-f]{24}$/, '编号格式不正确');

/** A stored image: the SHA-256 of its bytes and its kind, so equal uploads share one id. */
export const imageIdSchema = z.string().regex(/^[0-9a-f]{64}\.(?:jpg|png|webp)$/, '图片编号格式不正确');

/** The image types the API stores (recognised by their bytes, not by what the uploader claims). */
export const imageContentTypes = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type ImageContentType = (typeof imageContentTypes)[number];

/** 5 MB: plenty for a product photo, small enough to serve quickly to phones. */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

/** An image as replies carry it: `url` may be relative to the API (`/api/images/…`) or absolute (an object store). */
export const storedImageSchema = z.object({ id: imageIdSchema, url: z.string() });
export type StoredImage = z.infer<typeof storedImageSchema>;

export const imageReplySchema = z.object({ image: storedImageSchema });
export type ImageReply = z.infer<typeof imageReplySchema>;

// --- Categories ---------------------------------------------------------------------------------

export const categoryNameSchema = z.string().trim().min(1, '请填写分类名称').max(20, '分类名称最多 20 个字');

export const categorySchema = z.object({
  id: z.string(),
  name: z.string(),
  /** Null for a top-level category. */
  parentId: z.string().nullable(),
  sortOrder: z.number().int(),
  /** Products of any status filed directly under it. */
  productCount: z.number().int(),
});
export type Category = z.infer<typeof categorySchema>;

export const adminCategoryNodeSchema = categorySchema.extend({ children: z.array(categorySchema) });
export type AdminCategoryNode = z.infer<typeof adminCategoryNodeSchema>;

/** Top-level categories in order, each with its children in order. */
export const adminCategoryTreeReplySchema = z.object({ items: z.array(adminCategoryNodeSchema) });
export type AdminCategoryTreeReply = z.infer<typeof adminCategoryTreeReplySchema>;

export const categoryReplySchema = z.object({ category: categorySchema });
export type CategoryReply = z.infer<typeof categoryReplySchema>;

export const createCategoryRequestSchema = z.strictObject({
  name: categoryNameSchema,
  /** Absent or null: a top-level category. Otherwise a top-level category without products of its own. */
  parentId: idSchema.nullable().optional(),
});
export type CreateCategoryRequest = z.infer<typeof createCategoryRequestSchema>;

export const renameCategoryRequestSchema = z.strictObject({ name: categoryNameSchema });
export type RenameCategoryRequest = z.infer<typeof renameCategoryRequestSchema>;

/** The new order of every child of `parentId` (null: the top level), all of them, each once. */
export const reorderCategoriesRequestSchema = z.strictObject({
  parentId: idSchema.nullable(),
  ids: z
    .array(idSchema)
    .min(1)
    .max(200)
    .refine((ids) => new Set(ids).size === ids.length, '分类重复'),
});
export type ReorderCategoriesRequest = z.infer<typeof reorderCategoriesRequestSchema>;

export const storefrontCategorySchema = z.object({
  id: z.string(),
  name: z.string(),
  children: z.array(z.object({ id: z.string(), name: z.string() })),
});
export type StorefrontCategory = z.infer<typeof storefrontCategorySchema>;

export const storefrontCategoryTreeReplySchema = z.object({ items: z.array(storefrontCategorySchema) });
export type StorefrontCategoryTreeReply = z.infer<typeof storefrontCategoryTreeReplySchema>;

// --- Products -----------------------------------------------------------------------------------

export const productStatuses = ['draft', 'on_sale', 'off_sale'] as const;
export const productStatusSchema = z.enum(productStatuses);
export type ProductStatus = z.infer<typeof productStatusSchema>;

export const MAX_PRODUCT_IMAGES = 9;
export const MAX_SPECS = 3;
export const MAX_SPEC_VALUES = 20;
/** Like the large mall platforms: beyond this a product is several products. */
export const MAX_SKUS = 600;
export const MAX_DETAIL_BLOCKS = 50;
/** ¥999,999.99 */
export const MAX_PRICE_FEN = 99_999_999;
export const MAX_STOCK = 9_999_999;

const priceSchema = z
  .number({ error: '请填写价格' })
  .int('价格须为整数分')
  .min(1, '价格须大于 0')
  .max(MAX_PRICE_FEN, '价格不能超过 ¥999,999.99');
const stockSchema = z.number({ error: '请填写库存' }).int('库存须为整数').min(0, '库存不能为负数').max(MAX_STOCK, '库存不能超过 9,999,999');
const specNameSchema = z.string().trim().min(1, '请填写规格名').max(10, '规格名最多 10 个字');
const specValueSchema = z.string().trim().min(1, '请填写规格值').max(20, '规格值最多 20 个字');

export const specSchema = z.strictObject({
  name: specNameSchema,
  values: z
    .array(specValueSchema)
    .min(1, '每个规格至少一个值')
    .max(MAX_SPEC_VALUES, `每个规格最多 ${MAX_SPEC_VALUES} 个值`)
    .refine((values) => new Set(values).size === values.length, '规格值不能重复'),
});
export type Spec = z.infer<typeof specSchema>;

/** What the detail (图文详情) is made of: text paragraphs and stored images, never markup, so nothing can inject script. */
export const detailBlockSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text'), text: z.string().trim().min(1, '文字段落不能为空').max(2000, '每段文字最多 2000 字') }),
  z.strictObject({ type: z.literal('image'), imageId: imageIdSchema }),
]);
export type DetailBlock = z.infer<typeof detailBlockSchema>;

export const skuInputSchema = z
  .strictObject({
    /** One value per spec, in the specs' order; empty for a product without specs. */
    specValues: z.array(specValueSchema).max(MAX_SPECS),
    price: priceSchema,
    /** The struck-through price (划线价), above the price. */
    originalPrice: priceSchema.optional(),
    /** New SKUs start with this stock (0 when absent); for an existing SKU it replaces the available stock. */
    stock: stockSchema.optional(),
    /** The merchant's own code (商家编码). */
    code: z.string().trim().min(1, '商家编码不能为空').max(64, '商家编码最多 64 个字符').optional(),
  })
  .refine((sku) => sku.originalPrice === undefined || sku.originalPrice > sku.price, {
    path: ['originalPrice'],
    error: '划线价须高于售价',
  });
export type SkuInput = z.infer<typeof skuInputSchema>;

/** Every combination of the specs' values, in order (the first spec varies slowest); one empty combination without specs. */
export function specCombinations(specs: readonly Pick<Spec, 'values'>[]): string[][] {
  return specs.reduce<string[][]>(
    (combinations, spec) => combinations.flatMap((prefix) => spec.values.map((value) => [...prefix, value])),
    [[]],
  );
}

/**
 * A SKU's identity within its product: its spec name → value pairs, sorted by name, so listing the specs in
 * another order keeps every SKU (the API keys SKUs by it; the admin keys its SKU table rows by it).
 */
export function specCombinationKey(specs: readonly Pick<Spec, 'name'>[], specValues: readonly string[]): string {
  const pairs = specs.map((spec, index) => [spec.name, specValues[index] ?? '']);
  return JSON.stringify(pairs.sort(([a = ''], [b = '']) => (a < b ? -1 : a > b ? 1 : 0)));
}

const productFields = {
  title: z.string().trim().min(1, '请填写商品名称').max(60, '商品名称最多 60 个字'),
  subtitle: z.string().trim().max(120, '副标题最多 120 个字').default(''),
  categoryId: idSchema,
  images: z
    .array(imageIdSchema)
    .max(MAX_PRODUCT_IMAGES, `商品图最多 ${MAX_PRODUCT_IMAGES} 张`)
    .refine((ids) => new Set(ids).size === ids.length, '商品图重复'),
  detail: z.array(detailBlockSchema).max(MAX_DETAIL_BLOCKS, `详情最多 ${MAX_DETAIL_BLOCKS} 段`).default([]),
  specs: z
    .array(specSchema)
    .max(MAX_SPECS, `最多 ${MAX_SPECS} 个规格`)
    .refine((specs) => new Set(specs.map((spec) => spec.name)).size === specs.length, '规格名不能重复')
    .refine((specs) => specs.reduce((count, spec) => count * spec.values.length, 1) <= MAX_SKUS, `规格组合最多 ${MAX_SKUS} 个`),
  skus: z.array(skuInputSchema).min(1, '至少需要一个规格（SKU）').max(MAX_SKUS),
};

type ProductFields = { specs: Spec[]; skus: SkuInput[] };

/** The SKUs must be exactly the specs' combinations, each once (the admin builds them with `specCombinations`). */
function checkSkuMatrix(product: ProductFields, ctx: z.RefinementCtx): void {
  const expected = new Map(specCombinations(product.specs).map((combination) => [JSON.stringify(combination), combination]));
  const seen = new Set<string>();
  product.skus.forEach((sku, index) => {
    const key = JSON.stringify(sku.specValues);
    if (!expected.has(key)) {
      ctx.addIssue({ code: 'custom', path: ['skus', index, 'specValues'], message: '规格值与规格不一致' });
    } else if (seen.has(key)) {
      ctx.addIssue({ code: 'custom', path: ['skus', index, 'specValues'], message: '规格组合重复' });
    }
    seen.add(key);
  });
  if ([...expected.keys()].some((key) => !seen.has(key))) {
    ctx.addIssue({ code: 'custom', path: ['skus'], message: '每个规格组合都需要填写价格与库存' });
  }
}

export const createProductRequestSchema = z.strictObject(productFields).superRefine(checkSkuMatrix);
export type CreateProductRequest = z.input<typeof createProductRequestSchema>;

/** The whole product as edited, with the `version` it was loaded at: a stale edit is refused (409 CONFLICT). */
export const updateProductRequestSchema = z
  .strictObject({ ...productFields, version: z.number().int().min(0) })
  .superRefine(checkSkuMatrix);
export type UpdateProductRequest = z.input<typeof updateProductRequestSchema>;

export const changeProductStatusRequestSchema = z.strictObject({ status: z.enum(['on_sale', 'off_sale']) });
export type ChangeProductStatusRequest = z.infer<typeof changeProductStatusRequestSchema>;

export const setSkuStockRequestSchema = z.strictObject({ available: stockSchema });
export type SetSkuStockRequest = z.infer<typeof setSkuStockRequestSchema>;

export const adjustSkuStockRequestSchema = z.strictObject({
  delta: z
    .number({ error: '请填写调整数量' })
    .int('调整数量须为整数')
    .min(-MAX_STOCK)
    .max(MAX_STOCK)
    .refine((delta) => delta !== 0, '调整数量不能为 0'),
});
export type AdjustSkuStockRequest = z.infer<typeof adjustSkuStockRequestSchema>;

/** Detail blocks as replies carry them: image blocks with the image's URL. */
export const detailBlockViewSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('image'), imageId: imageIdSchema, url: z.string() }),
]);
export type DetailBlockView = z.infer<typeof detailBlockViewSchema>;

const specViewSchema = z.object({ name: z.string(), values: z.array(z.string()) });

const skuViewFields = {
  id: z.string(),
  specValues: z.array(z.string()),
  price: z.number().int(),
  originalPrice: z.number().int().optional(),
  /** What shoppers can still buy. */
  available: z.number().int(),
};

/** What the storefront and the admin console both show of a product. */
const productViewFields = {
  id: z.string(),
  title: z.string(),
  subtitle: z.string(),
  categoryId: z.string(),
  images: z.array(storedImageSchema),
  detail: z.array(detailBlockViewSchema),
  specs: z.array(specViewSchema),
  priceMin: z.number().int(),
  priceMax: z.number().int(),
  salesCount: z.number().int(),
};

export const adminSkuSchema = z.object({
  ...skuViewFields,
  /** Held by unpaid orders. */
  reserved: z.number().int(),
  code: z.string().optional(),
});
export type AdminSku = z.infer<typeof adminSkuSchema>;

export const adminProductSchema = z.object({
  ...productViewFields,
  status: productStatusSchema,
  skus: z.array(adminSkuSchema),
  /** Send it back with an edit. */
  version: z.number().int(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type AdminProduct = z.infer<typeof adminProductSchema>;

export const adminProductReplySchema = z.object({ product: adminProductSchema });
export type AdminProductReply = z.infer<typeof adminProductReplySchema>;

export const adminSkuReplySchema = z.object({ sku: adminSkuSchema });
export type AdminSkuReply = z.infer<typeof adminSkuReplySchema>;

export const adminProductSummarySchema = z.object({
  id: z.string(),
  title: z.string(),
  categoryId: z.string(),
  image: storedImageSchema.nullable(),
  status: productStatusSchema,
  priceMin: z.number().int(),
  priceMax: z.number().int(),
  /** Available stock over all SKUs. */
  stock: z.number().int(),
  salesCount: z.number().int(),
  updatedAt: z.iso.datetime(),
});
export type AdminProductSummary = z.infer<typeof adminProductSummarySchema>;

export const MAX_PAGE_SIZE = 50;

const keywordSchema = z.string().trim().min(1).max(50);

const pagingQueryFields = pagingQuery(20, MAX_PAGE_SIZE);

export const adminProductListQuerySchema = z.strictObject({
  keyword: keywordSchema.optional(),
  /** A parent category includes its children's products. */
  categoryId: idSchema.optional(),
  status: productStatusSchema.optional(),
  ...pagingQueryFields,
});
/** What clients put in the query string (numbers as numbers; the schema parses them back from text). */
export type AdminProductListQuery = Partial<z.output<typeof adminProductListQuerySchema>>;

export const adminProductListReplySchema = pageReplySchema(adminProductSummarySchema);
export type AdminProductListReply = z.infer<typeof adminProductListReplySchema>;

/** Storefront ordering; absent: 综合 (best sellers first, then newest). */
export const productSorts = ['sales', 'price_asc', 'price_desc', 'newest'] as const;
export type ProductSort = (typeof productSorts)[number];

export const productSearchQuerySchema = z
  .strictObject({
    keyword: keywordSchema.optional(),
    categoryId: idSchema.optional(),
    /** Fen, compared with the lowest SKU price (the "from" price shown). */
    minPrice: queryInteger(0, MAX_PRICE_FEN).optional(),
    maxPrice: queryInteger(0, MAX_PRICE_FEN).optional(),
    sort: z.enum(productSorts).optional(),
    ...pagingQueryFields,
  })
  .refine((query) => query.minPrice === undefined || query.maxPrice === undefined || query.minPrice <= query.maxPrice, {
    path: ['maxPrice'],
    error: '最高价不能低于最低价',
  });
export type ProductSearchQuery = Partial<z.output<typeof productSearchQuerySchema>>;

export const productCardSchema = z.object({
  id: z.string(),
  title: z.string(),
  subtitle: z.string(),
  image: storedImageSchema.nullable(),
  priceMin: z.number().int(),
  priceMax: z.number().int(),
  salesCount: z.number().int(),
});
export type ProductCard = z.infer<typeof productCardSchema>;

export const productSearchReplySchema = pageReplySchema(productCardSchema);
export type ProductSearchReply = z.infer<typeof productSearchReplySchema>;

export const storefrontSkuSchema = z.object(skuViewFields);
export type StorefrontSku = z.infer<typeof storefrontSkuSchema>;

export const storefrontProductSchema = z.object({ ...productViewFields, skus: z.array(storefrontSkuSchema) });
export type StorefrontProduct = z.infer<typeof storefrontProductSchema>;

export const storefrontProductReplySchema = z.object({ product: storefrontProductSchema });
export type StorefrontProductReply = z.infer<typeof storefrontProductReplySchema>;

/** `:id` in catalog paths. */
export const catalogIdParamsSchema = z.strictObject({ id: idSchema });
export const skuParamsSchema = z.strictObject({ id: idSchema, skuId: idSchema });
export const imageParamsSchema = z.strictObject({ id: imageIdSchema });
