const shanghaiDateTime = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

/** Times are shown in the business time zone (Asia/Shanghai), whatever the browser's zone. */
export function formatShanghaiDateTime(iso: string): string {
  return shanghaiDateTime.format(new Date(iso));
}

/** "请在 10 分钟后重试" for the wait a 429 reply asks for. */
export function formatRetryAfter(seconds: number): string {
  return seconds < 60 ? `请在 ${seconds} 秒后重试` : `请在 ${Math.ceil(seconds / 60)} 分钟后重试`;
}
