import type { Logger } from 'pino';
import { createProductRequestSchema, specCombinations } from '@mall/shared';
import { createCategory } from '../catalog/categories.ts';
import type { ImageStorage } from '../catalog/image-storage.ts';
import type { CatalogModels } from '../catalog/models.ts';
import { changeProductStatus, createProduct } from '../catalog/products.ts';
import { demoCatalog, type DemoProduct } from './catalog.ts';
import { drawProductImage, styleFor } from './product-images.ts';

/** What a seed run did. */
export interface SeedSummary {
  seeded: boolean;
  categories: number;
  products: number;
}

async function productImages(images: ImageStorage, index: number): Promise<{ gallery: string[]; detailImage: string }> {
  const stored = await Promise.all([0, 1, 2].map((variant) => images.put(drawProductImage(styleFor(index, variant)), 'image/png')));
  return { gallery: [stored[0]!.id, stored[1]!.id], detailImage: stored[2]!.id };
}

function productRequest(product: DemoProduct, categoryId: string, gallery: string[], detailImage: string) {
  return createProductRequestSchema.parse({
    title: product.title,
    subtitle: product.subtitle,
    categoryId,
    images: gallery,
    detail: [...product.detail.map((text) => ({ type: 'text', text })), { type: 'image', imageId: detailImage }],
    specs: product.specs,
    skus: specCombinations(product.specs).map((specValues) => ({
      specValues,
      price: product.priceFen,
      ...(product.markupFen !== undefined && { originalPrice: product.priceFen + product.markupFen }),
      stock: product.stock,
    })),
  });
}

/**
 * Fills an empty catalog with the demo shop (categories, ~30 products on sale with SKUs, stock and drawn
 * images). Does nothing when the catalog already has a product, so it is safe on every start.
 */
export async function seedDemoCatalog(catalog: CatalogModels, images: ImageStorage, log: Logger): Promise<SeedSummary> {
  if ((await catalog.Product.exists({})) !== null || (await catalog.Category.exists({})) !== null) {
    return { seeded: false, categories: 0, products: 0 };
  }
  let categories = 0;
  let products = 0;
  for (const top of demoCatalog) {
    const parent = await createCategory(catalog, { name: top.name });
    categories += 1;
    for (const child of top.children) {
      const category = await createCategory(catalog, { name: child.name, parentId: parent.id });
      categories += 1;
      for (const product of child.products) {
        const { gallery, detailImage } = await productImages(images, products);
        const created = await createProduct(catalog, images, productRequest(product, category.id, gallery, detailImage));
        await changeProductStatus(catalog, images, created.id, 'on_sale');
        products += 1;
      }
    }
  }
  log.info({ categories, products }, 'seeded the demo catalog');
  return { seeded: true, categories, products };
}
