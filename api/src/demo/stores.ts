/**
 * The demo stores and their guides, as plain data (no imports): the seed (guides.ts) writes them, and the end-to-end
 * journey (e2e/guide-loop-journey.ts) reads the names and WeCom userids it expects, as it reads the demo catalog.
 */
export interface DemoStore {
  name: string;
  address: string;
  phone: string;
  guides: readonly { name: string; wecomUserId: string; phone: string }[];
}

/** Two stores and their guides, each with a WeCom userid (the sandbox's directory gets them at start). */
export const demoStores: readonly DemoStore[] = [
  {
    name: '上海徐汇旗舰店',
    address: '上海市徐汇区漕溪北路 88 号',
    phone: '021-64881234',
    guides: [
      { name: '王小美', wecomUserId: 'demo.wangxiaomei', phone: '13800138001' },
      { name: '李大壮', wecomUserId: 'demo.lidazhuang', phone: '13800138002' },
    ],
  },
  {
    name: '北京三里屯店',
    address: '北京市朝阳区三里屯路 19 号',
    phone: '010-64175678',
    guides: [{ name: '张晓雨', wecomUserId: 'demo.zhangxiaoyu', phone: '13800138003' }],
  },
];
