import type { GuideCard } from '@mall/shared';
import { imageUrlOf } from '../catalog/image-storage.ts';
import type { GuideRecord } from './models.ts';

/** The guide's photo as clients load it, or null when they have none (pages draw an initial instead). */
export function guideAvatarUrl(guide: Pick<GuideRecord, 'avatarImageId'>): string | null {
  return guide.avatarImageId === undefined ? null : imageUrlOf(guide.avatarImageId);
}

/** The guide as shoppers see them (guide shop banner, payment result page, "my guide"). */
export function guideCardView(guide: GuideRecord, storeName: string): GuideCard {
  return { id: guide._id.toHexString(), code: guide.code, name: guide.name, avatarUrl: guideAvatarUrl(guide), storeName };
}
