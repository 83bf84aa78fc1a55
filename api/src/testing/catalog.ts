import { randomBytes } from 'node:crypto';
import { type AdminProduct, type Category, type CreateProductRequest } from '@mall/shared';
import { catalogModels, ensureCatalogIndexes, type CatalogModels } from '../catalog/models.ts';
import { startStaffAppTest, type StaffAppTest } from './app.ts';

/** A real 1×1 PNG. */
export const PNG_BYTES = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** Bytes that start like a JPEG (the API recognises images by their signature, it does not decode them). */
export function jpegBytes(size = 64): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(size - 4)]);
}

export function webpBytes(): Buffer {
  const payload = randomBytes(16);
  const header = Buffer.alloc(12);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(4 + payload.length, 4);
  header.write('WEBP', 8, 'latin1');
  return Buffer.concat([header, payload]);
}

export interface CatalogTestContext extends StaffAppTest {
  models: CatalogModels;
}

/** An app on a fresh database and upload directory, with one signed-in staff member per role. */
export async function startCatalogTest(): Promise<CatalogTestContext> {
  const context = await startStaffAppTest('catalog');
  const models = catalogModels(context.db.connection);
  await ensureCatalogIndexes(models);
  return { ...context, models };
}

export async function uploadImage(context: CatalogTestContext, bytes: Buffer = randomPng()): Promise<string> {
  const response = await context.api.http
    .post('/api/admin/images')
    .set('Authorization', `Bearer ${context.tokens.owner}`)
    .set('Content-Type', 'image/png')
    .send(bytes);
  if (response.status !== 201) throw new Error(`upload failed: ${response.status} ${JSON.stringify(response.body)}`);
  return (response.body as { image: { id: string } }).image.id;
}

/** A PNG signature followed by random bytes: a distinct "image" each call. */
export function randomPng(): Buffer {
  return Buffer.concat([PNG_BYTES.subarray(0, 8), randomBytes(24)]);
}

export async function addCategory(context: CatalogTestContext, name: string, parentId?: string): Promise<Category> {
  const response = await context.api.http
    .post('/api/admin/categories')
    .set('Authorization', `Bearer ${context.tokens.owner}`)
    .send({ name, ...(parentId !== undefined && { parentId }) });
  if (response.status !== 201) throw new Error(`category failed: ${response.status} ${JSON.stringify(response.body)}`);
  return (response.body as { category: Category }).category;
}

/** A product with two specs (2 colours × 2 sizes) unless told otherwise. */
export function productRequest(categoryId: string, overrides: Partial<CreateProductRequest> = {}): CreateProductRequest {
  const specs = [
    { name: '颜色', values: ['红', '蓝'] },
    { name: '尺码', values: ['S', 'M'] },
  ];
  return {
    title: '纯棉T恤',
    subtitle: '夏季新款',
    categoryId,
    images: [],
    detail: [{ type: 'text', text: '100% 棉' }],
    specs,
    skus: [
      { specValues: ['红', 'S'], price: 9900, stock: 10 },
      { specValues: ['红', 'M'], price: 9900, stock: 5 },
      { specValues: ['蓝', 'S'], price: 10900, originalPrice: 12900, stock: 0 },
      { specValues: ['蓝', 'M'], price: 10900, stock: 3, code: 'TS-BLUE-M' },
    ],
    ...overrides,
  };
}

export async function addProduct(context: CatalogTestContext, request: CreateProductRequest): Promise<AdminProduct> {
  const response = await context.api.http.post('/api/admin/products').set('Authorization', `Bearer ${context.tokens.owner}`).send(request);
  if (response.status !== 201) throw new Error(`product failed: ${response.status} ${JSON.stringify(response.body)}`);
  return (response.body as { product: AdminProduct }).product;
}

/** A product with an image, put on sale. */
export async function addOnSaleProduct(context: CatalogTestContext, request: CreateProductRequest): Promise<AdminProduct> {
  const images = request.images.length > 0 ? request.images : [await uploadImage(context)];
  const product = await addProduct(context, { ...request, images });
  const response = await context.api.http
    .post(`/api/admin/products/${product.id}/status`)
    .set('Authorization', `Bearer ${context.tokens.owner}`)
    .send({ status: 'on_sale' });
  if (response.status !== 200) throw new Error(`on sale failed: ${response.status} ${JSON.stringify(response.body)}`);
  return (response.body as { product: AdminProduct }).product;
}
