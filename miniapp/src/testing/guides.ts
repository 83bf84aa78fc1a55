// Guide replies for the workbench page tests, shaped by the shared schemas.
import type { Guide } from '@mall/shared';

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
    ...fields,
  };
}
