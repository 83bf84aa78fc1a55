import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localImageStorage, type ImageStorage } from '../catalog/image-storage.ts';
import { catalogModels, ensureCatalogIndexes, type CatalogModels } from '../catalog/models.ts';
import type { Database } from '../db/database.ts';
import { createLogger } from '../logger.ts';
import { startTestDatabaseServer, type TestDatabaseServer } from '../testing/database.ts';
import { demoCatalog } from './catalog.ts';
import { drawProductImage, styleFor } from './product-images.ts';
import { seedDemoCatalog } from './seed.ts';

let server: TestDatabaseServer;
let db: Database;
let catalog: CatalogModels;
let images: ImageStorage;
let uploads: string;

beforeAll(async () => {
  server = await startTestDatabaseServer();
  db = await server.connect();
  catalog = catalogModels(db.connection);
  await ensureCatalogIndexes(catalog);
  uploads = await mkdtemp(path.join(tmpdir(), 'mall-demo-images-'));
  images = localImageStorage(uploads);
});

afterAll(async () => {
  await server.stop();
  await rm(uploads, { recursive: true, force: true });
});

describe('the demo catalog', () => {
  it('fills an empty catalog once: every product on sale, with images, SKUs and stock', async () => {
    const summary = await seedDemoCatalog(catalog, images, createLogger('silent'));
    const expectedProducts = demoCatalog.flatMap((top) => top.children.flatMap((child) => child.products));
    const expectedCategories = demoCatalog.length + demoCatalog.reduce((count, top) => count + top.children.length, 0);
    expect(summary).toEqual({ seeded: true, categories: expectedCategories, products: expectedProducts.length });
    expect(expectedProducts.length).toBeGreaterThanOrEqual(25);

    const products = await catalog.Product.find().lean();
    expect(products.every((product) => product.status === 'on_sale' && product.images.length === 2)).toBe(true);
    expect(await catalog.Sku.countDocuments({ available: { $lte: 0 } })).toBe(0);
    const tee = products.find((product) => product.title === '纯棉圆领短袖T恤')!;
    expect(await catalog.Sku.countDocuments({ productId: tee._id })).toBe(3 * 4);
    expect(tee.priceMin).toBe(7900);

    expect(await seedDemoCatalog(catalog, images, createLogger('silent'))).toEqual({ seeded: false, categories: 0, products: 0 });
    expect(await catalog.Product.countDocuments()).toBe(expectedProducts.length);
  });

  it('draws square PNGs that differ from product to product', () => {
    const first = PNG.sync.read(drawProductImage(styleFor(0, 0), 120));
    const second = drawProductImage(styleFor(1, 0), 120);
    expect([first.width, first.height]).toEqual([120, 120]);
    expect(drawProductImage(styleFor(0, 0), 120).equals(second)).toBe(false);
    expect(drawProductImage(styleFor(3, 1), 120).equals(drawProductImage(styleFor(3, 1), 120))).toBe(true);
  });
});
