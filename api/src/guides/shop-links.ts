import { STOREFRONT_H5 } from '../web/built-app.ts';

/**
 * The addresses of a guide's shop, in one place for every view that shows them: the mini-program page with the
 * guide's code in its query, its H5 twin under the storefront's mount path (browser router: real paths, so the
 * query survives a share), and the scene the mini-program code carries.
 */

/** The storefront's guide shop page (miniapp/src/pages/shop). */
export const GUIDE_SHOP_PAGE = 'pages/shop/index';

/**
 * Where an entry is printed: the shop code and link, or a poster, whose entries are marked `c=p` so the touch is
 * recorded with the poster channel (shared/src/guide-entry.ts reads it).
 */
export type GuideEntryMedium = 'shop' | 'poster';

const POSTER_MARK = '&c=p';

/** `pages/shop/index?g=CODE` (`&c=p` on posters) */
export function guideShopPath(code: string, medium: GuideEntryMedium = 'shop'): string {
  return `${GUIDE_SHOP_PAGE}?g=${encodeURIComponent(code)}${medium === 'poster' ? POSTER_MARK : ''}`;
}

/** A storefront path as the H5 build serves it: `https://m.brand.example.com/shop/<path>`. */
export function storefrontH5Url(h5Origin: string, path: string): string {
  return `${h5Origin}${STOREFRONT_H5.mountPath}${path}`;
}

/** `https://m.brand.example.com/shop/pages/shop/index?g=CODE` */
export function guideShopUrl(h5Origin: string, code: string, medium: GuideEntryMedium = 'shop'): string {
  return storefrontH5Url(h5Origin, guideShopPath(code, medium));
}

/** The mini-program code's scene: `g=CODE`, `g=CODE&c=p` on posters (WeChat allows 32 characters; a code has 6). */
export function guideCodeScene(code: string, medium: GuideEntryMedium = 'shop'): string {
  return `g=${code}${medium === 'poster' ? POSTER_MARK : ''}`;
}
