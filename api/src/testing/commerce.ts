import { Types } from 'mongoose';
import type { ParsedAddressInput } from '@mall/shared';
import type { Shopper } from '../customers/models.ts';
import { createAddress } from '../customers/addresses.ts';
import type { Database } from '../db/database.ts';
import { commerceDependencies, ensureCommerceIndexes, type CommerceDependencies } from '../orders/dependencies.ts';
import type { OrderRecord } from '../orders/models.ts';
import { createTestShopper } from './shoppers.ts';
import { testConfig } from './app.ts';

/** One stored image id per test product: the order and cart views turn it into a URL. */
const TEST_IMAGE_ID = `${'ab'.repeat(32)}.png`;

export interface TestSku {
  id: string;
  specValues: string[];
  price: number;
  stock: number;
}

export interface TestProduct {
  id: string;
  title: string;
  skus: TestSku[];
}

/**
 * A product written straight into the catalog collections (the catalog's own tests cover its admin API):
 * on sale unless told otherwise, one SKU per entry of `skus`.
 */
export async function addTestProduct(
  deps: CommerceDependencies,
  fields: { title?: string; status?: 'on_sale' | 'off_sale' | 'draft'; skus: { specValues?: string[]; price: number; stock: number }[] },
): Promise<TestProduct> {
  const now = new Date();
  const title = fields.title ?? '测试商品';
  const prices = fields.skus.map((sku) => sku.price);
  const specValueCount = fields.skus[0]?.specValues?.length ?? 0;
  const product = await deps.catalog.Product.create({
    title,
    subtitle: '',
    categoryId: new Types.ObjectId(),
    images: [TEST_IMAGE_ID],
    detail: [],
    status: fields.status ?? 'on_sale',
    specs: Array.from({ length: specValueCount }, (_, index) => ({
      name: `规格${index + 1}`,
      values: [...new Set(fields.skus.map((sku) => sku.specValues?.[index] ?? ''))],
    })),
    priceMin: Math.min(...prices),
    priceMax: Math.max(...prices),
    salesCount: 0,
    version: 0,
    createdAt: now,
    updatedAt: now,
  });
  const skus: TestSku[] = [];
  for (const [index, sku] of fields.skus.entries()) {
    const specValues = sku.specValues ?? [];
    const created = await deps.catalog.Sku.create({
      productId: product._id,
      specValues,
      combinationKey: specValues.length === 0 ? `single-${index}` : specValues.join('|'),
      price: sku.price,
      available: sku.stock,
      reserved: 0,
      active: true,
      createdAt: now,
    });
    skus.push({ id: created._id.toHexString(), specValues, price: sku.price, stock: sku.stock });
  }
  return { id: product._id.toHexString(), title, skus };
}

export const TEST_ADDRESS: ParsedAddressInput = {
  recipientName: '张三',
  phone: '13800138000',
  province: '上海市',
  city: '上海市',
  district: '浦东新区',
  detail: '世纪大道 100 号',
};

export interface TestBuyer {
  shopper: Shopper;
  token: string;
  addressId: string;
  auth: { Authorization: string };
}

/** A signed-in shopper with one (default) delivery address. */
export async function createTestBuyer(db: Database, fields: Parameters<typeof createTestShopper>[1] = {}): Promise<TestBuyer> {
  const { shopper, token } = await createTestShopper(db, fields);
  const deps = commerceDependencies(testConfig(), db);
  const address = await createAddress(deps.customers, shopper._id, TEST_ADDRESS);
  return { shopper, token, addressId: address.id, auth: { Authorization: `Bearer ${token}` } };
}

/** The commerce models and clients for `config` on `db`, with their indexes built. */
export async function testCommerce(db: Database, config = testConfig()): Promise<CommerceDependencies> {
  const deps = commerceDependencies(config, db);
  await ensureCommerceIndexes(deps);
  return deps;
}

export async function stockOf(deps: CommerceDependencies, skuId: string): Promise<{ available: number; reserved: number }> {
  const sku = await deps.catalog.Sku.findById(skuId).lean();
  if (sku === null) throw new Error(`no SKU ${skuId}`);
  return { available: sku.available, reserved: sku.reserved };
}

/** The order as stored (a test's view behind the API). */
export async function storedOrder(deps: CommerceDependencies, orderNo: string): Promise<OrderRecord> {
  const order = await deps.orders.Order.findOne({ orderNo }).lean<OrderRecord>();
  if (order === null) throw new Error(`no order ${orderNo}`);
  return order;
}
