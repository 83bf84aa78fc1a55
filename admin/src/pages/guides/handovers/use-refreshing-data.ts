import { useEffect, useState } from 'react';
import type { ApiClient, ApiError } from '../../../api/client.ts';
import { useApiData } from '../../../api/use-api-data.ts';

export interface RefreshingData<T> {
  /** The latest loaded value, kept while a newer one loads (a refresh does not blank the page). */
  data: T | null;
  loading: boolean;
  /** The latest load's failure (the last loaded value, if any, is still shown). */
  failed: { error: ApiError; reload(): void } | null;
  reload(): void;
}

/**
 * `useApiData` for pages whose content settles over time (WeCom answers transfers within a day): loads again every
 * `intervalMs` while `stillChanging` says the loaded value may change. `load` and `stillChanging` must be stable.
 */
export function useRefreshingData<T>(
  load: (api: ApiClient) => Promise<T>,
  intervalMs: number,
  stillChanging: (data: T) => boolean,
): RefreshingData<T> {
  const current = useApiData(load);
  const loaded = current.status === 'loaded' ? current.data : null;
  const [data, setData] = useState<T | null>(null);
  useEffect(() => {
    if (loaded !== null) setData(loaded);
  }, [loaded]);
  const { reload } = current;
  const polling = data !== null && stillChanging(data);
  useEffect(() => {
    if (!polling) return undefined;
    const timer = setInterval(reload, intervalMs);
    return () => clearInterval(timer);
  }, [polling, reload, intervalMs]);
  return {
    data,
    loading: current.status === 'loading',
    failed: current.status === 'failed' ? { error: current.error, reload } : null,
    reload,
  };
}
