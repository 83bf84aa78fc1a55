// Guide replies for the workbench page tests, shaped by the shared schemas.
import type { Guide, GuideShopAssets } from '@mall/shared';

export function guide(fields: Partial<Guide> = {}): Guide {
  return {
    id: 'c00000000000000000000001',
    name: '王小美',
    code: 'K7M2QX',
    storeId: 'd00000000000000000000001',
    storeName: '静安嘉里店',
    wecomUserId: 'wangxiaomei',
    phone: '',
    status: 'active',
    bound: true,
    createdAt: '2026-11-20T00:00:00.000Z',
    leftAt: null,
    avatarUrl: null,
    shopPath: 'pages/shop/index?g=K7M2QX',
    shopUrl: 'http://127.0.0.1:3000/shop/pages/shop/index?g=K7M2QX',
    wechatPayGuideId: null,
    ...fields,
  };
}

const storedPng = (letter: string) => ({ id: `${letter.repeat(64)}.png`, url: `/api/images/${letter.repeat(64)}.png` });

/** The guide's shop links, mini-program code and posters. */
export function shopAssets(): GuideShopAssets {
  return {
    code: 'K7M2QX',
    shopPath: 'pages/shop/index?g=K7M2QX',
    shopUrl: 'http://127.0.0.1:3000/shop/pages/shop/index?g=K7M2QX',
    miniProgramCode: storedPng('c'),
    posters: { weapp: storedPng('d'), h5: storedPng('e') },
  };
}
