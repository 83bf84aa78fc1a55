import { useCallback, useEffect, useState } from 'react';
import { asApiError, type ApiError } from '@mall/shared';

export type RemoteData<T> =
  | { state: 'loading' }
  | { state: 'failed'; error: ApiError }
  /** `refreshing`: loading again while the last data stays on screen. */
  | { state: 'loaded'; data: T; refreshing: boolean };

/**
 * Like `useApiData`, for pages that keep showing what they have while they load again (coming back to the
 * page, another address chosen) and that take the new data from their own changes' replies (`replace`).
 * Loads on mount, whenever `load` changes, and on `reload()`; `load` must be stable between those.
 */
export function useRemoteData<T>(load: () => Promise<T>): RemoteData<T> & { reload: () => void; replace: (data: T) => void } {
  const [result, setResult] = useState<RemoteData<T>>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let current = true;
    setResult((previous) => (previous.state === 'loaded' ? { ...previous, refreshing: true } : { state: 'loading' }));
    load().then(
      (data) => {
        if (current) setResult({ state: 'loaded', data, refreshing: false });
      },
      (caught: unknown) => {
        if (current) setResult({ state: 'failed', error: asApiError(caught) });
      },
    );
    return () => {
      current = false;
    };
  }, [load, attempt]);

  const reload = useCallback(() => setAttempt((count) => count + 1), []);
  const replace = useCallback((data: T) => setResult({ state: 'loaded', data, refreshing: false }), []);
  return { ...result, reload, replace };
}
