import type { PreviewLine } from '@mall/shared';

/** Why a priced line cannot be bought now (checkout, a guide's shared cart), or null when it can. */
export function lineProblemText(line: Pick<PreviewLine, 'problem' | 'available'>): string | null {
  switch (line.problem) {
    case null:
      return null;
    case 'off_sale':
      return '商品已下架，无法购买';
    case 'insufficient_stock':
      return line.available === 0 ? '已售罄' : `库存不足，仅剩 ${line.available} 件`;
  }
}
