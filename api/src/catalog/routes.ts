import {
  adjustSkuStockRequestSchema,
  adminCategoryTreeReplySchema,
  adminProductListQuerySchema,
  adminProductListReplySchema,
  adminProductReplySchema,
  adminSkuReplySchema,
  catalogIdParamsSchema,
  categoryReplySchema,
  changeProductStatusRequestSchema,
  createCategoryRequestSchema,
  createProductRequestSchema,
  imageContentTypes,
  imageParamsSchema,
  imageReplySchema,
  productSearchQuerySchema,
  productSearchReplySchema,
  renameCategoryRequestSchema,
  reorderCategoriesRequestSchema,
  setSkuStockRequestSchema,
  skuParamsSchema,
  storefrontCategoryTreeReplySchema,
  storefrontProductReplySchema,
  updateProductRequestSchema,
} from '@mall/shared';
import { AppError } from '../http/errors.ts';
import type { ReplyCache } from '../http/reply-cache.ts';
import { clearingRepliesOnChange, defineRoute, type Route } from '../http/routes.ts';
import {
  adminCategoryTree,
  createCategory,
  deleteCategory,
  renameCategory,
  reorderCategories,
  storefrontCategoryTree,
} from './categories.ts';
import { readImageUpload } from './image-upload.ts';
import type { ImageStorage } from './image-storage.ts';
import type { CatalogModels } from './models.ts';
import {
  changeProductStatus,
  createProduct,
  deleteDraftProduct,
  getAdminProduct,
  getStorefrontProduct,
  listAdminProducts,
  searchProducts,
  updateProduct,
} from './products.ts';
import { adjustSkuStock, setSkuStock } from './stock.ts';

/** A year: image ids are content hashes, so the bytes behind an id never change. */
const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';

/** The staff console's catalog routes (read: every role; write: owner and operator). */
function adminCatalogRoutes(models: CatalogModels, images: ImageStorage): Route[] {
  return [
    defineRoute({
      operationId: 'adminCategoryTree',
      method: 'get',
      path: '/api/admin/categories',
      summary: 'Every category as a two-level tree, in order, with product counts',
      tag: 'catalog admin',
      access: 'catalog.read',
      reply: { status: 200, description: 'Top-level categories with their children', schema: adminCategoryTreeReplySchema },
      async handle() {
        return { items: await adminCategoryTree(models) };
      },
    }),
    defineRoute({
      operationId: 'adminCreateCategory',
      method: 'post',
      path: '/api/admin/categories',
      summary: 'Add a category (top-level, or under a top-level one without products), last among its siblings',
      tag: 'catalog admin',
      access: 'catalog.write',
      body: createCategoryRequestSchema,
      reply: { status: 201, description: 'The new category', schema: categoryReplySchema },
      errors: ['CONFLICT', 'NOT_FOUND', 'CATEGORY_HAS_PRODUCTS', 'CATEGORY_TOO_DEEP'],
      async handle(_ctx, { body }) {
        return { category: await createCategory(models, body) };
      },
    }),
    defineRoute({
      operationId: 'adminReorderCategories',
      method: 'put',
      path: '/api/admin/categories/order',
      summary: 'Set the order of the children of one parent (null: the top level); every child listed once',
      tag: 'catalog admin',
      access: 'catalog.write',
      body: reorderCategoriesRequestSchema,
      reply: { status: 200, description: 'The whole tree in its new order', schema: adminCategoryTreeReplySchema },
      errors: ['CONFLICT'],
      async handle(_ctx, { body }) {
        return { items: await reorderCategories(models, body) };
      },
    }),
    defineRoute({
      operationId: 'adminRenameCategory',
      method: 'patch',
      path: '/api/admin/categories/:id',
      summary: 'Rename a category (names are unique among siblings)',
      tag: 'catalog admin',
      access: 'catalog.write',
      params: catalogIdParamsSchema,
      body: renameCategoryRequestSchema,
      reply: { status: 200, description: 'The renamed category', schema: categoryReplySchema },
      errors: ['CONFLICT', 'NOT_FOUND'],
      async handle(_ctx, { params, body }) {
        return { category: await renameCategory(models, params.id, body.name) };
      },
    }),
    defineRoute({
      operationId: 'adminDeleteCategory',
      method: 'delete',
      path: '/api/admin/categories/:id',
      summary: 'Delete a category without children or products',
      tag: 'catalog admin',
      access: 'catalog.write',
      params: catalogIdParamsSchema,
      reply: { status: 204, description: 'Deleted', schema: undefined },
      errors: ['NOT_FOUND', 'CATEGORY_NOT_EMPTY'],
      async handle(_ctx, { params }) {
        await deleteCategory(models, params.id);
      },
    }),
    defineRoute({
      operationId: 'adminListProducts',
      method: 'get',
      path: '/api/admin/products',
      summary: 'Products of any status, newest edits first, by keyword (title), category (a parent includes its children) and status',
      tag: 'catalog admin',
      access: 'catalog.read',
      query: adminProductListQuerySchema,
      reply: { status: 200, description: 'One page of products', schema: adminProductListReplySchema },
      async handle(_ctx, { query }) {
        return listAdminProducts(models, images, query);
      },
    }),
    defineRoute({
      operationId: 'adminGetProduct',
      method: 'get',
      path: '/api/admin/products/:id',
      summary: 'A product with its SKUs, stock and version',
      tag: 'catalog admin',
      access: 'catalog.read',
      params: catalogIdParamsSchema,
      reply: { status: 200, description: 'The product', schema: adminProductReplySchema },
      errors: ['NOT_FOUND'],
      async handle(_ctx, { params }) {
        return { product: await getAdminProduct(models, images, params.id) };
      },
    }),
    defineRoute({
      operationId: 'adminCreateProduct',
      method: 'post',
      path: '/api/admin/products',
      summary: 'Create a product (a draft) with the SKUs of its spec combinations',
      tag: 'catalog admin',
      access: 'catalog.write',
      body: createProductRequestSchema,
      reply: { status: 201, description: 'The new draft', schema: adminProductReplySchema },
      errors: ['NOT_FOUND', 'CATEGORY_NOT_LEAF'],
      async handle(_ctx, { body }) {
        return { product: await createProduct(models, images, body) };
      },
    }),
    defineRoute({
      operationId: 'adminUpdateProduct',
      method: 'put',
      path: '/api/admin/products/:id',
      summary: 'Save an edit made on `version`; SKUs whose combination survives keep their id and stock',
      tag: 'catalog admin',
      access: 'catalog.write',
      params: catalogIdParamsSchema,
      body: updateProductRequestSchema,
      reply: { status: 200, description: 'The product as saved, with its new version', schema: adminProductReplySchema },
      errors: ['NOT_FOUND', 'CONFLICT', 'CATEGORY_NOT_LEAF', 'PRODUCT_NOT_READY'],
      async handle(_ctx, { params, body }) {
        return { product: await updateProduct(models, images, params.id, body) };
      },
    }),
    defineRoute({
      operationId: 'adminChangeProductStatus',
      method: 'post',
      path: '/api/admin/products/:id/status',
      summary: 'Put on sale (needs an image) or take off sale',
      tag: 'catalog admin',
      access: 'catalog.write',
      params: catalogIdParamsSchema,
      body: changeProductStatusRequestSchema,
      reply: { status: 200, description: 'The product in its new status', schema: adminProductReplySchema },
      errors: ['NOT_FOUND', 'PRODUCT_NOT_READY', 'CONFLICT'],
      async handle(_ctx, { params, body }) {
        return { product: await changeProductStatus(models, images, params.id, body.status) };
      },
    }),
    defineRoute({
      operationId: 'adminDeleteProduct',
      method: 'delete',
      path: '/api/admin/products/:id',
      summary: 'Delete a draft (products that were on sale are taken off sale instead)',
      tag: 'catalog admin',
      access: 'catalog.write',
      params: catalogIdParamsSchema,
      reply: { status: 204, description: 'Deleted', schema: undefined },
      errors: ['NOT_FOUND', 'PRODUCT_NOT_DRAFT'],
      async handle(_ctx, { params }) {
        await deleteDraftProduct(models, params.id);
      },
    }),
    defineRoute({
      operationId: 'adminSetSkuStock',
      method: 'put',
      path: '/api/admin/products/:id/skus/:skuId/stock',
      summary: "Set a SKU's available stock (stocktake); reserved stock is untouched",
      tag: 'catalog admin',
      access: 'catalog.write',
      params: skuParamsSchema,
      body: setSkuStockRequestSchema,
      reply: { status: 200, description: 'The SKU', schema: adminSkuReplySchema },
      errors: ['NOT_FOUND'],
      async handle(_ctx, { params, body }) {
        return { sku: await setSkuStock(models, params.id, params.skuId, body.available) };
      },
    }),
    defineRoute({
      operationId: 'adminAdjustSkuStock',
      method: 'post',
      path: '/api/admin/products/:id/skus/:skuId/stock-adjustments',
      summary: "Add to (or, negative, take from) a SKU's available stock, atomically; never below 0",
      tag: 'catalog admin',
      access: 'catalog.write',
      params: skuParamsSchema,
      body: adjustSkuStockRequestSchema,
      reply: { status: 200, description: 'The SKU after the adjustment', schema: adminSkuReplySchema },
      errors: ['NOT_FOUND', 'OUT_OF_STOCK'],
      async handle(_ctx, { params, body }) {
        return { sku: await adjustSkuStock(models, params.id, params.skuId, body.delta) };
      },
    }),
    defineRoute({
      operationId: 'adminUploadImage',
      method: 'post',
      path: '/api/admin/images',
      summary: 'Upload an image: the raw bytes as the body, Content-Type image/jpeg, image/png or image/webp, at most 5 MB',
      tag: 'catalog admin',
      access: 'catalog.write',
      rawBody: { contentTypes: imageContentTypes },
      reply: { status: 201, description: 'The stored image (equal bytes give the same id)', schema: imageReplySchema },
      errors: ['PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'],
      async handle(ctx) {
        const upload = await readImageUpload(ctx);
        return { image: await images.put(upload.data, upload.contentType) };
      },
    }),
  ];
}

/** What shoppers browse: public, on-sale products only. */
function storefrontCatalogRoutes(models: CatalogModels, images: ImageStorage, replies: ReplyCache): Route[] {
  return [
    defineRoute({
      operationId: 'categoryTree',
      method: 'get',
      path: '/api/categories',
      summary: 'The category tree, in order',
      tag: 'catalog',
      access: 'public',
      cache: replies,
      reply: { status: 200, description: 'Top-level categories with their children', schema: storefrontCategoryTreeReplySchema },
      async handle() {
        return { items: await storefrontCategoryTree(models) };
      },
    }),
    defineRoute({
      operationId: 'searchProducts',
      method: 'get',
      path: '/api/products',
      summary:
        'On-sale products by keyword (title, subtitle), category (a parent includes its children) and "from" price; sorted and paged',
      tag: 'catalog',
      access: 'public',
      cache: replies,
      query: productSearchQuerySchema,
      reply: { status: 200, description: 'One page of products', schema: productSearchReplySchema },
      async handle(_ctx, { query }) {
        return searchProducts(models, images, query);
      },
    }),
    defineRoute({
      operationId: 'getProduct',
      method: 'get',
      path: '/api/products/:id',
      summary: 'An on-sale product with its SKUs (price, available stock, spec values)',
      tag: 'catalog',
      access: 'public',
      cache: replies,
      params: catalogIdParamsSchema,
      reply: { status: 200, description: 'The product', schema: storefrontProductReplySchema },
      errors: ['NOT_FOUND'],
      async handle(_ctx, { params }) {
        return { product: await getStorefrontProduct(models, images, params.id) };
      },
    }),
    defineRoute({
      operationId: 'getImage',
      method: 'get',
      path: '/api/images/:id',
      summary: 'A stored image (cached for a year: an id always names the same bytes)',
      tag: 'catalog',
      access: 'public',
      params: imageParamsSchema,
      reply: { status: 200, description: 'The image', schema: undefined, binaryContentTypes: imageContentTypes },
      errors: ['NOT_FOUND'],
      async handle(ctx, { params }) {
        const image = await images.get(params.id);
        if (image === null) throw new AppError('NOT_FOUND', { message: '图片不存在' });
        ctx.set('Cache-Control', IMMUTABLE_CACHE);
        ctx.set('X-Content-Type-Options', 'nosniff');
        ctx.type = image.contentType;
        ctx.body = image.data;
      },
    }),
  ];
}

/**
 * `storefrontReplies` holds the storefront's cached reads (the guide shop's too, which shows products): a staff change to
 * the catalog clears it.
 */
export function catalogRoutes(models: CatalogModels, images: ImageStorage, storefrontReplies: ReplyCache): Route[] {
  return [
    ...clearingRepliesOnChange(adminCatalogRoutes(models, images), storefrontReplies),
    ...storefrontCatalogRoutes(models, images, storefrontReplies),
  ];
}
