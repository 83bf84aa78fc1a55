import { Image, Text } from '@tarojs/components';
import type { GuideCard } from '@mall/shared';
import { apiClient } from '../../api/client';

/**
 * The guide's photo, or the first character of their name until they choose one. Each page styles it with its own
 * `className`, the initial with `className--initial`.
 */
export function GuideAvatar({ guide, className }: { guide: Pick<GuideCard, 'name' | 'avatarUrl'>; className: string }) {
  return guide.avatarUrl === null ? (
    <Text className={`${className} ${className}--initial`}>{Array.from(guide.name)[0]}</Text>
  ) : (
    <Image className={className} src={apiClient.imageUrl({ url: guide.avatarUrl })} mode="aspectFill" />
  );
}
