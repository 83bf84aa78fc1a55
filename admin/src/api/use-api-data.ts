import { useCallback, useEffect, useState } from 'react';
import { asApiError, type ApiClient, type ApiError } from './client.ts';
import { useApi } from './context.tsx';

export type ApiData<T> =
  | { status: 'loading'; reload(): void }
  | { status: 'loaded'; data: T; reload(): void }
  | { status: 'failed'; error: ApiError; reload(): void };

/**
 * Loads once on mount and again on `reload()`. `load` must be stable (defined outside the component or
 * memoised): it is the effect's dependency. A reply that arrives after unmount or after a newer load is dropped.
 */
export function useApiData<T>(load: (api: ApiClient) => Promise<T>): ApiData<T> {
  const api = useApi();
  const [generation, setGeneration] = useState(0);
  const [state, setState] = useState<{ status: 'loading' } | { status: 'loaded'; data: T } | { status: 'failed'; error: ApiError }>({
    status: 'loading',
  });

  useEffect(() => {
    let current = true;
    setState({ status: 'loading' });
    load(api).then(
      (data) => current && setState({ status: 'loaded', data }),
      (error: unknown) => current && setState({ status: 'failed', error: asApiError(error) }),
    );
    return () => {
      current = false;
    };
  }, [api, load, generation]);

  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return { ...state, reload };
}
