import { useCallback, useEffect, useState } from 'react';
import { asApiError, type ApiError, type ProductCard, type ProductSearchQuery } from '@mall/shared';
import { apiClient } from '../api/client';

export const PRODUCT_PAGE_SIZE = 20;

export type ProductPages =
  | { state: 'loading' }
  | { state: 'failed'; error: ApiError }
  | {
      state: 'loaded';
      items: ProductCard[];
      total: number;
      /** The last page fetched. */
      page: number;
      /** A further page is being fetched, or fetching it failed (the loaded pages stay). */
      more: 'idle' | 'loading' | { failed: ApiError };
    };

/**
 * On-sale products for `query` (a stable object: a new one starts again from page 1), page by page:
 * `loadMore` appends the next page while there is one.
 */
export function useProductPages(query: ProductSearchQuery | null): ProductPages & { reload(): void; loadMore(): void; hasMore: boolean } {
  const [pages, setPages] = useState<ProductPages>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (query === null) return undefined;
    let current = true;
    setPages({ state: 'loading' });
    apiClient.searchProducts({ ...query, page: 1, pageSize: PRODUCT_PAGE_SIZE }).then(
      (reply) => current && setPages({ state: 'loaded', items: reply.items, total: reply.total, page: 1, more: 'idle' }),
      (caught: unknown) => current && setPages({ state: 'failed', error: asApiError(caught) }),
    );
    return () => {
      current = false;
    };
  }, [query, attempt]);

  const hasMore = pages.state === 'loaded' && pages.page * PRODUCT_PAGE_SIZE < pages.total;
  const loadMore = useCallback(() => {
    if (query === null || pages.state !== 'loaded' || pages.more === 'loading' || pages.page * PRODUCT_PAGE_SIZE >= pages.total) return;
    const loaded = pages;
    setPages({ ...loaded, more: 'loading' });
    apiClient.searchProducts({ ...query, page: loaded.page + 1, pageSize: PRODUCT_PAGE_SIZE }).then(
      (reply) => {
        const known = new Set(loaded.items.map((item) => item.id));
        // A product that moved to the next page between the two requests (its sales changed) is shown once.
        const items = [...loaded.items, ...reply.items.filter((item) => !known.has(item.id))];
        setPages({ state: 'loaded', items, total: reply.total, page: loaded.page + 1, more: 'idle' });
      },
      (caught: unknown) => setPages({ ...loaded, more: { failed: asApiError(caught) } }),
    );
  }, [query, pages]);

  const reload = useCallback(() => setAttempt((value) => value + 1), []);
  return { ...pages, hasMore, loadMore, reload };
}
