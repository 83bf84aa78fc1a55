import { Alert, Button } from 'antd';
import type { ApiError } from './client.ts';

/** What a page shows when `useApiData` failed: the error and a 重试 button that loads again. */
export function LoadFailedAlert({ title, failed }: { title: string; failed: { error: ApiError; reload(): void } }) {
  return (
    <Alert
      type="error"
      showIcon
      title={title}
      description={failed.error.message}
      action={
        <Button size="small" onClick={failed.reload}>
          重试
        </Button>
      }
    />
  );
}
