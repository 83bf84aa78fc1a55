import { useCallback, useEffect, useState } from 'react';
import { asApiError, type ApiError } from '@mall/shared';

export type ApiData<T> = { state: 'loading' } | { state: 'failed'; error: ApiError } | { state: 'loaded'; data: T };

/** Calls `load` on mount and on `reload()`, tracking loading / failed / loaded. `load` must be stable. */
export function useApiData<T>(load: () => Promise<T>): ApiData<T> & { reload: () => void } {
  const [result, setResult] = useState<ApiData<T>>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let current = true;
    setResult({ state: 'loading' });
    load().then(
      (data) => {
        if (current) setResult({ state: 'loaded', data });
      },
      (caught: unknown) => {
        if (!current) return;
        setResult({ state: 'failed', error: asApiError(caught) });
      },
    );
    return () => {
      current = false;
    };
  }, [load, attempt]);

  const reload = useCallback(() => setAttempt((count) => count + 1), []);
  return { ...result, reload };
}
