import { formatFen, type PerformanceFigures, type PerformanceSort } from '@mall/shared';

/** A guide's month in 导购业绩 (`month` as `YYYY-MM`). */
export function guidePerformancePath(guideId: string, month: string): string {
  return `/guides/performance/${encodeURIComponent(guideId)}?month=${month}`;
}

/** How a figure is shown: money as yuan, counts as they are. */
export function figureText(figures: PerformanceFigures, figure: keyof PerformanceFigures): string {
  return figure.endsWith('Fen') ? formatFen(figures[figure]) : String(figures[figure]);
}

/** The figure columns in the tables' order; in the ranking each one sorts (and ranks) the guides by its figure. */
export const figureColumns: readonly PerformanceSort[] = [
  'netGmv',
  'paidGmv',
  'paidOrders',
  'refunded',
  'customers',
  'newCustomers',
  'wecomAdds',
  'commission',
];
