import { formatFen } from '@mall/shared';

/** The product page of a product. */
export function productPageUrl(productId: string): string {
  return `/pages/product/index?id=${encodeURIComponent(productId)}`;
}

/** The search page, optionally searching for a keyword or within a category (named in its title). */
export function searchPageUrl(options: { keyword?: string; categoryId?: string; categoryName?: string } = {}): string {
  const pairs = Object.entries(options).flatMap(([key, value]) => (value ? [`${key}=${encodeURIComponent(value)}`] : []));
  return pairs.length === 0 ? '/pages/search/index' : `/pages/search/index?${pairs.join('&')}`;
}

/** `¥59.00` for one price, `¥59.00 起` when the SKUs differ (the lowest, as lists show it). */
export function fromPriceText(priceMin: number, priceMax: number): string {
  return priceMin === priceMax ? formatFen(priceMin) : `${formatFen(priceMin)} 起`;
}

/** `¥59.00` or `¥59.00 – ¥79.00`. */
export function priceRangeText(priceMin: number, priceMax: number): string {
  return priceMin === priceMax ? formatFen(priceMin) : `${formatFen(priceMin)} – ${formatFen(priceMax)}`;
}

/**
 * A page's query parameter as text: the mini-program hands them over still URI-encoded (H5 decodes them), and
 * a value that is not valid encoding is taken as it is.
 */
export function pageParam(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
