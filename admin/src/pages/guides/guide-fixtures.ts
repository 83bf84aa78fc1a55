import type { Guide, Store } from '@mall/shared';
import { jsonReply, type FakeHandler } from '../../testing/fake-api.tsx';

export const ids = {
  xuhui: 'a00000000000000000000001',
  jingan: 'a00000000000000000000002',
  lina: 'b00000000000000000000001',
  wang: 'b00000000000000000000002',
};

export const stores: Store[] = [
  {
    id: ids.xuhui,
    name: '徐汇店',
    address: '漕溪北路 1 号',
    phone: '021-12345678',
    status: 'active',
    activeGuideCount: 1,
    wechatPayStoreId: 1001,
    createdAt: '2026-03-01T02:00:00.000Z',
  },
  {
    id: ids.jingan,
    name: '静安店',
    address: '',
    phone: '',
    status: 'closed',
    activeGuideCount: 0,
    wechatPayStoreId: null,
    createdAt: '2026-03-02T02:00:00.000Z',
  },
];

export const guides: Guide[] = [
  {
    id: ids.lina,
    name: '李娜',
    code: 'K7QX2M',
    storeId: ids.xuhui,
    storeName: '徐汇店',
    wecomUserId: 'lina',
    phone: '13800000000',
    status: 'active',
    bound: false,
    createdAt: '2026-03-03T02:00:00.000Z',
    leftAt: null,
    avatarUrl: null,
    shopPath: 'pages/shop/index?g=K7QX2M',
    shopUrl: 'https://m.brand.example.com/shop/pages/shop/index?g=K7QX2M',
    wechatPayGuideId: null,
  },
  {
    id: ids.wang,
    name: '王芳',
    code: 'P3RT8W',
    storeId: ids.jingan,
    storeName: '静安店',
    wecomUserId: null,
    phone: '',
    status: 'left',
    bound: false,
    createdAt: '2026-03-02T02:00:00.000Z',
    leftAt: '2026-04-01T02:00:00.000Z',
    avatarUrl: `/api/images/${'a'.repeat(64)}.jpg`,
    shopPath: 'pages/shop/index?g=P3RT8W',
    shopUrl: 'https://m.brand.example.com/shop/pages/shop/index?g=P3RT8W',
    wechatPayGuideId: null,
  },
];

/** The store and guide lists (the guide list answers one page of everything, whatever the filters). */
export function guideHandlers(): Record<string, FakeHandler> {
  return {
    'GET /api/admin/stores': () => jsonReply(200, { items: stores }),
    'GET /api/admin/guides': ({ query }) =>
      jsonReply(200, {
        items: guides,
        total: guides.length,
        page: Number(query.get('page') ?? 1),
        pageSize: Number(query.get('pageSize') ?? 20),
      }),
  };
}
