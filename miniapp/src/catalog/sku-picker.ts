import type { StorefrontProduct, StorefrontSku } from '@mall/shared';

/** The value chosen for each spec, in spec order (undefined: not chosen yet). */
export type SpecSelection = (string | undefined)[];

function matches(sku: StorefrontSku, selection: SpecSelection, except: number): boolean {
  return selection.every((value, index) => index === except || value === undefined || sku.specValues[index] === value);
}

/**
 * Whether a spec value can be chosen given the other choices: some SKU with that value, and the other chosen
 * values, still has stock. Values that cannot are shown disabled (sold out in that combination).
 */
export function valueAvailable(product: StorefrontProduct, selection: SpecSelection, specIndex: number, value: string): boolean {
  return product.skus.some((sku) => sku.available > 0 && sku.specValues[specIndex] === value && matches(sku, selection, specIndex));
}

/** The SKU the choices name, once every spec has a value (a product without specs has its only SKU). */
export function selectedSku(product: StorefrontProduct, selection: SpecSelection): StorefrontSku | undefined {
  if (product.specs.some((_spec, index) => selection[index] === undefined)) return undefined;
  return product.skus.find((sku) => sku.specValues.every((value, index) => value === selection[index]));
}

/** Taps a value: chooses it, or un-chooses it when it was chosen. */
export function toggleValue(selection: SpecSelection, specIndex: number, value: string): SpecSelection {
  const next = [...selection];
  next[specIndex] = selection[specIndex] === value ? undefined : value;
  return next;
}

/** A spec with a single value is chosen from the start; so is the only value still in stock. */
export function initialSelection(product: StorefrontProduct): SpecSelection {
  return product.specs.map((spec, index) => {
    const inStock = spec.values.filter((value) => valueAvailable(product, [], index, value));
    return spec.values.length === 1 ? spec.values[0] : inStock.length === 1 ? inStock[0] : undefined;
  });
}

/** All the stock the product has left. */
export function totalAvailable(product: StorefrontProduct): number {
  return product.skus.reduce((sum, sku) => sum + sku.available, 0);
}

/** The quantity kept within 1 and the stock. */
export function clampQuantity(quantity: number, available: number): number {
  return Math.max(1, Math.min(quantity, Math.max(available, 1)));
}
