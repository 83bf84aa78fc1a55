import { createHash } from 'node:crypto';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { type GuideShopAssets, type PosterSurface, type StoredImage } from '@mall/shared';
import { sniffImageType } from '../catalog/image-storage.ts';
import type { GuideDependencies } from './dependencies.ts';
import type { GuideRecord, StoreRecord } from './models.ts';
import { POSTER_LAYOUT, qrCodePng, renderGuidePoster } from './poster.ts';
import { GUIDE_SHOP_PAGE, guideCodeScene, guideShopPath, guideShopUrl, type GuideEntryMedium } from './shop-links.ts';

/**
 * A guide's shop entry: their mini-program code and posters, kept in image storage. The code is asked of WeChat
 * once per guide (it depends on the code alone) and drawn again only when the stored image is gone; a poster is
 * drawn again when anything drawn on it changed (name, photo, store, code or link). Requests that need the same
 * image at the same time share one WeChat call or one drawing.
 */
export interface GuideShopEntry {
  miniProgramCode(guide: GuideRecord): Promise<StoredImage>;
  poster(guide: GuideRecord, surface: PosterSurface): Promise<StoredImage>;
  /** Everything at once: links, the code and both posters. */
  assets(guide: GuideRecord): Promise<GuideShopAssets>;
  /** The bytes of one of the images above. */
  bytesOf(image: StoredImage): Promise<Buffer>;
}

/** WeChat sends JPEG, the sandbox PNG: stored as PNG either way, so every reply of the code is a PNG. */
async function asPng(image: Buffer): Promise<Buffer> {
  if (sniffImageType(image) === 'image/png') return image;
  const decoded = await loadImage(image);
  const canvas = createCanvas(decoded.width, decoded.height);
  canvas.getContext('2d').drawImage(decoded, 0, 0);
  return canvas.encode('png');
}

export function guideShopEntry({ models, images, miniProgram, h5Origin }: Omit<GuideDependencies, 'wecomDirectory'>): GuideShopEntry {
  const inFlight = new Map<string, Promise<StoredImage>>();

  function once(key: string, make: () => Promise<StoredImage>): Promise<StoredImage> {
    const running = inFlight.get(key);
    if (running !== undefined) return running;
    const made = make().finally(() => inFlight.delete(key));
    inFlight.set(key, made);
    return made;
  }

  async function storedOrNull(id: string | undefined): Promise<StoredImage | null> {
    return id !== undefined && (await images.has(id)) ? { id, url: images.urlOf(id) } : null;
  }

  /** The guide's mini-program code for the shop code itself or for posters (whose scene marks the channel). */
  async function miniProgramCode(guide: GuideRecord, medium: GuideEntryMedium = 'shop'): Promise<StoredImage> {
    const field = medium === 'shop' ? 'shopCodeImageId' : 'posterCodeImageId';
    return (
      (await storedOrNull(guide[field])) ??
      once(`${guide._id.toHexString()}:code:${medium}`, async () => {
        // check_path false: the code works before the shop page is published, and in trial and development builds.
        const scene = guideCodeScene(guide.code, medium);
        const code = await miniProgram.unlimitedCode({ scene, page: GUIDE_SHOP_PAGE, checkPath: false });
        const stored = await images.put(await asPng(code.image), 'image/png');
        await models.Guide.updateOne({ _id: guide._id }, { $set: { [field]: stored.id } });
        return stored;
      })
    );
  }

  /** The poster for `surface`; `code` is the guide's mini-program code for a weapp poster, null for an H5 one. */
  async function posterWith(guide: GuideRecord, surface: PosterSurface, code: StoredImage | null): Promise<StoredImage> {
    const store = await models.Store.findById(guide.storeId, { name: 1 }).lean<Pick<StoreRecord, 'name'>>();
    const storeName = store?.name ?? '';
    const shopUrl = guideShopUrl(h5Origin, guide.code, 'poster');
    // What shoppers scan is part of the key: the mini-program code's image, or the H5 link a QR is drawn of.
    const drawn = [POSTER_LAYOUT, surface, storeName, guide.name, guide.code, guide.avatarImageId ?? null, code?.id ?? shopUrl];
    const key = createHash('sha256').update(JSON.stringify(drawn)).digest('hex');
    const kept = guide.posters?.[surface];
    if (kept?.key === key) {
      const stored = await storedOrNull(kept.imageId);
      if (stored !== null) return stored;
    }
    return once(`${guide._id.toHexString()}:poster:${key}`, async () => {
      const avatar = guide.avatarImageId === undefined ? null : await images.get(guide.avatarImageId);
      const png = await renderGuidePoster({
        storeName,
        guideName: guide.name,
        guideCode: guide.code,
        avatar: avatar?.data ?? null,
        scanCode: code === null ? await qrCodePng(shopUrl) : await bytesOf(code),
        surface,
      });
      const stored = await images.put(png, 'image/png');
      await models.Guide.updateOne({ _id: guide._id }, { $set: { [`posters.${surface}`]: { key, imageId: stored.id } } });
      return stored;
    });
  }

  async function bytesOf(image: StoredImage): Promise<Buffer> {
    const stored = await images.get(image.id);
    if (stored === null) throw new Error(`the stored image ${image.id} is gone`);
    return stored.data;
  }

  return {
    miniProgramCode: (guide) => miniProgramCode(guide),
    poster: async (guide, surface) => posterWith(guide, surface, surface === 'weapp' ? await miniProgramCode(guide, 'poster') : null),
    async assets(guide) {
      const [miniProgramCodeImage, posterCode] = await Promise.all([miniProgramCode(guide), miniProgramCode(guide, 'poster')]);
      const [weapp, h5] = await Promise.all([posterWith(guide, 'weapp', posterCode), posterWith(guide, 'h5', null)]);
      return {
        code: guide.code,
        shopPath: guideShopPath(guide.code),
        shopUrl: guideShopUrl(h5Origin, guide.code),
        miniProgramCode: miniProgramCodeImage,
        posters: { weapp, h5 },
      };
    },
    bytesOf,
  };
}
