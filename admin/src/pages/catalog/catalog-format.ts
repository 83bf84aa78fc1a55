import { formatFen, type AdminCategoryNode, type ProductStatus } from '@mall/shared';

export const productStatusLabels: Record<ProductStatus, string> = { draft: '草稿', on_sale: '在售', off_sale: '已下架' };
export const productStatusColors: Record<ProductStatus, string> = { draft: 'default', on_sale: 'success', off_sale: 'warning' };

/** `¥99.00` or `¥99.00 – ¥129.00`. */
export function formatPriceRange(priceMin: number, priceMax: number): string {
  return priceMin === priceMax ? formatFen(priceMin) : `${formatFen(priceMin)} – ${formatFen(priceMax)}`;
}

/** A fen amount as the yuan text the price inputs hold: `9900` → `99.00`. */
export function fenToYuanText(fen: number): string {
  return formatFen(fen).replace('¥', '');
}

/** "服装 / 上衣" for a child, the name alone for a top-level category. */
export function categoryPaths(tree: readonly AdminCategoryNode[]): Map<string, string> {
  const paths = new Map<string, string>();
  for (const parent of tree) {
    paths.set(parent.id, parent.name);
    for (const child of parent.children) paths.set(child.id, `${parent.name} / ${child.name}`);
  }
  return paths;
}

/** The categories a product can be filed under: children, and top-level categories without children. */
export function leafCategoryOptions(tree: readonly AdminCategoryNode[]): { value: string; label: string }[] {
  return tree.flatMap((parent) =>
    parent.children.length === 0
      ? [{ value: parent.id, label: parent.name }]
      : parent.children.map((child) => ({ value: child.id, label: `${parent.name} / ${child.name}` })),
  );
}
