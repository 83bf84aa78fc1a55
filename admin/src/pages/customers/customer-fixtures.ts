import type { CustomerBindingReply, CustomerListItem, Guide, Store } from '@mall/shared';
import { jsonReply, type FakeHandler } from '../../testing/fake-api.tsx';

export const ids = {
  xuhui: 'a00000000000000000000001',
  jingan: 'a00000000000000000000002',
  pudong: 'a00000000000000000000003',
  lina: 'b00000000000000000000001',
  wang: 'b00000000000000000000002',
  zhou: 'c00000000000000000000001',
  chen: 'c00000000000000000000002',
};

export const stores: Store[] = [
  {
    id: ids.xuhui,
    name: '徐汇店',
    address: '',
    phone: '',
    status: 'active',
    activeGuideCount: 1,
    wechatPayStoreId: null,
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
  {
    id: ids.pudong,
    name: '浦东店',
    address: '',
    phone: '',
    status: 'active',
    activeGuideCount: 0,
    wechatPayStoreId: null,
    createdAt: '2026-03-03T02:00:00.000Z',
  },
];

function guideOf(fields: Pick<Guide, 'id' | 'name' | 'code' | 'storeId' | 'storeName' | 'status'>): Guide {
  return {
    wecomUserId: null,
    phone: '',
    bound: true,
    createdAt: '2026-03-03T02:00:00.000Z',
    leftAt: fields.status === 'left' ? '2026-04-01T02:00:00.000Z' : null,
    avatarUrl: null,
    shopPath: `pages/shop/index?g=${fields.code}`,
    shopUrl: `http://127.0.0.1:10086/#/pages/shop/index?g=${fields.code}`,
    wechatPayGuideId: null,
    ...fields,
  };
}

export const guides: Guide[] = [
  guideOf({ id: ids.lina, name: '李娜', code: 'K7QX2M', storeId: ids.xuhui, storeName: '徐汇店', status: 'active' }),
  guideOf({ id: ids.wang, name: '王芳', code: 'P3RT8W', storeId: ids.jingan, storeName: '静安店', status: 'left' }),
];

const lina = { id: ids.lina, name: '李娜', code: 'K7QX2M', storeName: '徐汇店' };
const wang = { id: ids.wang, name: '王芳', code: 'P3RT8W', storeName: '静安店' };

export const customers: CustomerListItem[] = [
  {
    id: ids.zhou,
    nickname: '周小满',
    phone: '138****5678',
    createdAt: '2026-03-05T02:00:00.000Z',
    guide: lina,
    boundSince: '2026-03-10T02:00:00.000Z',
    protectedUntil: null,
    wecomLinked: true,
  },
  {
    id: ids.chen,
    nickname: null,
    phone: null,
    createdAt: '2026-03-04T02:00:00.000Z',
    guide: null,
    boundSince: null,
    protectedUntil: null,
    wecomLinked: false,
  },
];

/** 周小满: first came through 王芳's poster, rebound to 李娜 after the protection lapsed, then moved by a merchant. */
export const zhouBinding: CustomerBindingReply = {
  customer: customers[0]!,
  binding: {
    guide: { id: ids.lina, code: 'K7QX2M', name: '李娜', avatarUrl: null, storeName: '徐汇店' },
    since: '2026-03-10T02:00:00.000Z',
    protectedUntil: '2026-04-09T02:00:00.000Z',
    protectedNow: true,
    reason: 'lapsed-touch',
    explanation:
      '自 2026/03/10 10:00 起由 李娜（徐汇店）服务，因为保护期结束后通过导购进店；保护期至 2026/04/09 10:00，期间其他导购的链接不会改变归属。',
  },
  history: [
    { at: '2026-03-12T02:00:00.000Z', reason: 'reassignment', from: wang, to: lina, channel: null, by: 'ops' },
    { at: '2026-03-10T02:00:00.000Z', reason: 'lapsed-touch', from: wang, to: lina, channel: 'product-share', by: null },
    { at: '2026-02-01T02:00:00.000Z', reason: 'first-touch', from: null, to: wang, channel: 'poster', by: null },
  ],
  touches: [
    { at: '2026-03-11T02:00:00.000Z', guide: wang, channel: 'shop-link', effect: 'protected' },
    { at: '2026-03-10T02:00:00.000Z', guide: lina, channel: 'product-share', effect: 'rebound' },
    { at: '2026-02-02T02:00:00.000Z', guide: wang, channel: 'live-room', effect: 'same-guide' },
    { at: '2026-02-01T02:00:00.000Z', guide: wang, channel: 'poster', effect: 'bound' },
  ],
  wecom: [{ guide: lina, status: 'added', addedAt: '2026-03-12T03:00:00.000Z', deletedAt: null }],
};

/** The customer list (one page of everything, whatever the filters: tests read the query the page sent), the guides and stores. */
export function customerHandlers(): Record<string, FakeHandler> {
  return {
    'GET /api/admin/customers': ({ query }) =>
      jsonReply(200, {
        items: customers,
        total: customers.length,
        page: Number(query.get('page') ?? 1),
        pageSize: Number(query.get('pageSize') ?? 20),
      }),
    [`GET /api/admin/customers/${ids.zhou}/binding`]: () => jsonReply(200, zhouBinding),
    'GET /api/admin/guides': ({ query }) => {
      const keyword = query.get('keyword');
      const found = keyword === null ? guides : guides.filter((guide) => guide.name.includes(keyword) || guide.code.includes(keyword));
      return jsonReply(200, { items: found, total: found.length, page: 1, pageSize: Number(query.get('pageSize') ?? 20) });
    },
    'GET /api/admin/stores': () => jsonReply(200, { items: stores }),
  };
}
