import { Button } from '@tarojs/components';
import { flag } from '../attribute';

/** 加载更多 under a paged list: busy and not clickable while the next page loads, so one tap loads one page. */
export function LoadMoreButton({ className, loading, onLoad }: { className: string; loading: boolean; onLoad: () => Promise<unknown> }) {
  return (
    <Button className={className} size="mini" loading={flag(loading)} disabled={flag(loading)} onClick={() => void onLoad()}>
      加载更多
    </Button>
  );
}
