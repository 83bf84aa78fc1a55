import { Text, View } from '@tarojs/components';
import type { GuideCard } from '@mall/shared';
import type { ReactNode } from 'react';
import { GuideAvatar } from '../guide-avatar';

/**
 * The red banner that opens what a guide gives shoppers (their shop, a cart they built): avatar, `title`, the guide's
 * store, then `children`. `className` is the page's block, styled with the `banner` mixin of styles/_guide-banner.scss.
 */
export function GuideBanner({
  className,
  guide,
  title,
  children,
}: {
  className: string;
  guide: GuideCard;
  title: string;
  children?: ReactNode;
}) {
  return (
    <View className={className}>
      <GuideAvatar guide={guide} className={`${className}__avatar`} />
      <View className={`${className}__text`}>
        <Text className={`${className}__name`}>{title}</Text>
        <Text className={`${className}__store`}>{guide.storeName}</Text>
      </View>
      {children}
    </View>
  );
}
