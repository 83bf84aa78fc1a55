import { visible, type JourneySetup, type Step } from './journey.ts';

/** The tab bar's items, in order, and the heading each tab's page shows today. */
const TABS = [
  { text: '分类', path: '/shop/pages/category/index', shows: '商品分类即将开放', screenshot: 'shop-02-category.png' },
  { text: '购物车', path: '/shop/pages/cart/index', shows: '购物车即将开放', screenshot: 'shop-03-cart.png' },
  { text: '我的', path: '/shop/pages/profile/index', shows: '个人中心即将开放', screenshot: 'shop-04-profile.png' },
] as const;

/**
 * The H5 storefront as the foundation ships it: `/` opens the shop's home, which shows the API's health
 * (read by the page itself through its API client), then each tab of the tab bar.
 */
export function storefrontJourney({ page, baseUrl, health }: JourneySetup): Step[] {
  const tabBar = page.locator('.taro-tabbar__tabbar');
  return [
    {
      name: '/ opens the H5 storefront, whose home page shows the API health',
      screenshot: 'shop-01-home.png',
      async run() {
        await page.goto(`${baseUrl}/`);
        await page.waitForURL(new RegExp(`^${baseUrl.replaceAll('.', '\\.')}/shop/`));
        await visible(page.getByText('导购商城', { exact: true }));
        await visible(page.getByText('服务正常'));
        await visible(page.getByText(`版本 ${health.version}`, { exact: false }));
        if (health.db.mode === 'embedded') await visible(page.getByText('内置开发数据库', { exact: false }));
        for (const label of ['首页', ...TABS.map((tab) => tab.text)]) await visible(tabBar.getByText(label, { exact: true }));
      },
    },
    ...TABS.map((tab): Step => ({
      name: `the ${tab.text} tab opens its page`,
      screenshot: tab.screenshot,
      async run() {
        await tabBar.getByText(tab.text, { exact: true }).click();
        await page.waitForURL(`${baseUrl}${tab.path}`);
        await visible(page.getByText(tab.shows));
      },
    })),
  ];
}
