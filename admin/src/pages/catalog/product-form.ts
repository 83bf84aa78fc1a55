import {
  createProductRequestSchema,
  parseYuanToFen,
  specCombinationKey,
  specCombinations,
  type AdminProduct,
  type AdminSku,
  type CreateProductRequest,
  type SkuInput,
  type StoredImage,
} from '@mall/shared';
import { fenToYuanText } from './catalog-format.ts';

/**
 * The product editor's state and how it becomes a request. Prices are kept as the yuan text typed in and
 * converted with parseYuanToFen (digit strings, never floats); the shared schemas then decide what is valid,
 * and their messages land on the fields they name.
 */

export type EditorBlock = { key: string; type: 'text'; text: string } | { key: string; type: 'image'; image: StoredImage };

export interface SpecDraft {
  name: string;
  values: string[];
}

/** One SKU table row as typed. `stock` is the starting stock of a new SKU; existing SKUs change stock through adjustments. */
export interface SkuRowDraft {
  price: string;
  originalPrice: string;
  stock: string;
  code: string;
}

export interface ProductDraft {
  title: string;
  subtitle: string;
  categoryId: string | undefined;
  images: StoredImage[];
  detail: EditorBlock[];
  specs: SpecDraft[];
  /** Keyed by `specCombinationKey`, so rows survive reordering specs and adding or removing values. */
  rows: Record<string, SkuRowDraft>;
}

export const emptyRow: SkuRowDraft = { price: '', originalPrice: '', stock: '0', code: '' };

let blockCounter = 0;
export function blockKey(): string {
  blockCounter += 1;
  return `block-${blockCounter}`;
}

export function emptyDraft(): ProductDraft {
  return {
    title: '',
    subtitle: '',
    categoryId: undefined,
    images: [],
    detail: [],
    specs: [],
    rows: { [specCombinationKey([], [])]: emptyRow },
  };
}

export function draftOf(product: AdminProduct): ProductDraft {
  const rows: Record<string, SkuRowDraft> = {};
  for (const sku of product.skus) {
    rows[specCombinationKey(product.specs, sku.specValues)] = {
      price: fenToYuanText(sku.price),
      originalPrice: sku.originalPrice === undefined ? '' : fenToYuanText(sku.originalPrice),
      stock: String(sku.available),
      code: sku.code ?? '',
    };
  }
  return {
    title: product.title,
    subtitle: product.subtitle,
    categoryId: product.categoryId,
    images: product.images,
    detail: product.detail.map((block) =>
      block.type === 'text'
        ? { key: blockKey(), type: 'text', text: block.text }
        : { key: blockKey(), type: 'image', image: { id: block.imageId, url: block.url } },
    ),
    specs: product.specs.map((spec) => ({ name: spec.name, values: [...spec.values] })),
    rows,
  };
}

/** The product's SKUs by combination: which table rows are existing SKUs (stock shown and adjusted, not typed). */
export function existingSkus(product: AdminProduct | undefined): Map<string, AdminSku> {
  return new Map((product?.skus ?? []).map((sku) => [specCombinationKey(product!.specs, sku.specValues), sku]));
}

/** The SKU table's rows: every combination of the specs, in order. */
export function skuRowsOf(draft: ProductDraft): { key: string; specValues: string[] }[] {
  return specCombinations(draft.specs).map((specValues) => ({ key: specCombinationKey(draft.specs, specValues), specValues }));
}

/** Messages by field path: `title`, `images`, `detail.2.text`, `specs.0.values`, `skus.3.price`, … */
export type FieldErrors = Record<string, string>;

function fenOf(text: string, path: string, errors: FieldErrors): number | undefined {
  try {
    return parseYuanToFen(text);
  } catch {
    errors[path] = text.trim() === '' ? '请填写价格' : '请填写金额（元），最多两位小数';
    return undefined;
  }
}

/** Adds the first message for each path of zod-style issues (the shared schema's, or the API's VALIDATION_FAILED details). */
export function addIssues(errors: FieldErrors, issues: readonly { path: readonly PropertyKey[]; message: string }[]): void {
  for (const issue of issues) {
    const path = issue.path.map(String).join('.') || 'form';
    errors[path] ??= issue.message;
  }
}

/** The create request the draft makes, or the errors to show (nothing is sent while there are any). */
export function buildRequest(
  draft: ProductDraft,
  existing: Map<string, AdminSku>,
): { request: CreateProductRequest } | { errors: FieldErrors } {
  const errors: FieldErrors = {};
  const skus: SkuInput[] = skuRowsOf(draft).map(({ key, specValues }, index) => {
    const row = draft.rows[key] ?? emptyRow;
    const price = fenOf(row.price, `skus.${index}.price`, errors);
    const originalPrice = row.originalPrice.trim() === '' ? undefined : fenOf(row.originalPrice, `skus.${index}.originalPrice`, errors);
    let stock: number | undefined;
    if (!existing.has(key)) {
      stock = /^\s*\d+\s*$/.test(row.stock) ? Number(row.stock) : Number.NaN;
      if (Number.isNaN(stock)) errors[`skus.${index}.stock`] = '库存须为不小于 0 的整数';
    }
    return {
      specValues,
      price: price ?? 0,
      ...(originalPrice !== undefined && { originalPrice }),
      ...(stock !== undefined && { stock }),
      ...(row.code.trim() !== '' && { code: row.code }),
    };
  });
  const request = {
    title: draft.title,
    subtitle: draft.subtitle,
    categoryId: draft.categoryId ?? '',
    images: draft.images.map((image) => image.id),
    detail: draft.detail.map((block) =>
      block.type === 'text' ? { type: 'text' as const, text: block.text } : { type: 'image' as const, imageId: block.image.id },
    ),
    specs: draft.specs,
    skus,
  };
  const parsed = createProductRequestSchema.safeParse(request);
  if (!parsed.success) addIssues(errors, parsed.error.issues);
  if (draft.categoryId === undefined) errors.categoryId = '请选择分类';
  return Object.keys(errors).length > 0 ? { errors } : { request };
}
